"""Lesson 05 (sales collateral): honest case claims, case gaps against the pipeline, and the
two-version product-document outline.

Plain functions (testable without a browser)::

    improvements(cases)                                   # adds improvement_pp (after - before, or the
                                                          # reverse for lower-is-better metrics)
    claim_stats(cases, industry, metric, verified_only)   # n cases/clients, median/mean/max figures
    claim_sentence(cases, industry, metric, statistic, verified_only, up_to)
                                                          # -> {"sentence", "warnings", ...}
    pipeline_vs_cases(deals, cases)                       # open deals vs verified story cases per industry
    outline(version)                                      # section skeleton of the two document versions

Widget builders (return an ipywidgets widget)::

    claim_builder()     # tab 1: case-claim builder with warning badge; tab 2: two-version doc outline
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('claim_builder',)

STATISTICS = ("median", "mean", "max")
CLOSED_STAGES = ("won", "lost")

# Metrics where a fall is the improvement (e.g. handling time).  Matched on the metric name.
LOWER_IS_BETTER_WORDS = ("time", "cost", "churn", "error", "false positive", "downtime", "complaint", "loss")


def lower_is_better(metric_name: str) -> bool:
    """True when a decrease of this metric is an improvement (judged from its name)."""
    name = str(metric_name).lower()
    return any(w in name for w in LOWER_IS_BETTER_WORDS)


def improvements(cases: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``cases`` with ``improvement_pp``: the gain in percentage points, positive = better."""
    out = cases.copy()
    diff = out["after_value"] - out["before_value"]
    sign = np.where(out["metric_name"].map(lower_is_better), -1.0, 1.0)
    out["improvement_pp"] = diff * sign
    return out


def _select(cases: pd.DataFrame, industry: str | None, metric: str | None, verified_only: bool) -> pd.DataFrame:
    sel = improvements(cases)
    if industry not in (None, "", "all"):
        sel = sel[sel["industry"].eq(industry)]
    if metric not in (None, "", "all"):
        sel = sel[sel["metric_name"].eq(metric)]
    if verified_only:
        sel = sel[sel["verified"].astype(bool)]
    return sel


def claim_stats(cases: pd.DataFrame, industry: str | None = None, metric: str | None = None,
                verified_only: bool = False) -> dict:
    """Figures behind a claim for one industry and metric.

    ``improvement_pp`` per statistic is the median / mean / max of the per-case improvements.
    ``before`` is the median / mean of the cases' before values and ``after`` is that starting point
    moved by the gain (so the sentence's "from X% to Y%" agrees with its gain); for ``max`` both are
    the single best case's own values.
    """
    sel = _select(cases, industry, metric, verified_only)
    n = len(sel)
    result = {
        "cases": n,
        "clients": int(sel["account_id"].nunique()) if n else 0,
        "unverified_cases": int((~sel["verified"].astype(bool)).sum()) if n else 0,
        "lower_is_better": bool(lower_is_better(metric)) if metric not in (None, "", "all") else False,
    }
    if n == 0:
        for s in STATISTICS:
            result[s] = {"before": float("nan"), "after": float("nan"), "improvement_pp": float("nan")}
        return result
    best = sel.loc[sel["improvement_pp"].idxmax()]
    sign = -1.0 if result["lower_is_better"] else 1.0
    for stat in ("median", "mean"):
        before = float(getattr(sel["before_value"], stat)())
        gain = float(getattr(sel["improvement_pp"], stat)())
        # typical starting point plus typical gain, so that "from X% to Y%" matches the gain quoted
        result[stat] = {"before": before, "after": before + sign * gain, "improvement_pp": gain}
    result["max"] = {"before": float(best["before_value"]), "after": float(best["after_value"]),
                     "improvement_pp": float(best["improvement_pp"]), "case_id": str(best["case_id"])}
    return result


def claim_sentence(cases: pd.DataFrame, industry: str, metric: str, statistic: str = "median",
                   verified_only: bool = True, up_to: bool = False) -> dict:
    """The English claim sentence and the list of 'watering' (注水) warnings.

    Course rule: quote a verified median, or say "up to" with the best case.  Warnings when the
    statistic is ``max`` without "up to", when unverified cases are included, when "up to" is used
    with a typical value, and when there are too few cases to generalise.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}")
    st = claim_stats(cases, industry, metric, verified_only)
    warnings: list[str] = []
    if st["cases"] == 0:
        return {"sentence": "No cases match: nothing can be claimed.", "warnings": ["No matching cases."],
                "ok": False, "stats": st}
    fig = st[statistic]
    ind = industry.replace("_", " ")
    who = f"We work with {st['clients']} {ind} client{'s' if st['clients'] != 1 else ''}"
    if statistic == "max":
        if up_to:
            sentence = (f"{who}; {metric} improved by up to {fig['improvement_pp']:.1f} points "
                        f"(best case: from {fig['before']:.1f}% to {fig['after']:.1f}%).")
        else:
            sentence = f"{who}; {metric} improved from {fig['before']:.1f}% to {fig['after']:.1f}%."
            warnings.append("Best case quoted as if it were typical: this is watering (注水). "
                            "Say 'up to', or quote the median.")
    else:
        label = "typical (median) client" if statistic == "median" else "average client"
        prefix = "up to " if up_to else ""
        sentence = (f"{who}; for the {label}, {metric} went from {fig['before']:.1f}% to {fig['after']:.1f}% "
                    f"({prefix}{fig['improvement_pp']:.1f} points better).")
        if up_to:
            warnings.append("'Up to' belongs with the best case, not with a typical value.")
        if statistic == "mean" and st["max"]["improvement_pp"] > 2 * max(st["median"]["improvement_pp"], 0.1):
            warnings.append("The mean is pulled up by a few big wins; the median is the honest 'typical' figure.")
    if st["unverified_cases"]:
        warnings.append(f"{st['unverified_cases']} unverified case(s) included: tick 'verified only' "
                        f"before this goes into collateral.")
    if st["cases"] < 3:
        warnings.append(f"Only {st['cases']} case(s): too few to speak for 'our clients'.")
    return {"sentence": sentence, "warnings": warnings, "ok": not warnings, "stats": st}


def pipeline_vs_cases(deals: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """Per industry: open deals (stage not won/lost), verified cases, verified cases with a story,
    and ``gap`` = open pipeline but no verified story case."""
    open_deals = deals[~deals["stage"].isin(CLOSED_STAGES)].groupby("industry").size()
    verified = cases[cases["verified"].astype(bool)]
    n_verified = verified.groupby("industry").size()
    n_story = verified[verified["has_story"].astype(bool)].groupby("industry").size()
    industries = sorted(set(deals["industry"]) | set(cases["industry"]))
    table = pd.DataFrame(index=pd.Index(industries, name="industry"))
    table["open_deals"] = open_deals.reindex(industries, fill_value=0).astype(int)
    table["verified_cases"] = n_verified.reindex(industries, fill_value=0).astype(int)
    table["verified_story_cases"] = n_story.reindex(industries, fill_value=0).astype(int)
    table["gap"] = (table["open_deals"] > 0) & (table["verified_story_cases"] == 0)
    return table.sort_values("open_deals", ascending=False)


# ---------------------------------------------------------------------------
# Two-version product-description document
# ---------------------------------------------------------------------------

OUTLINES: dict[str, dict] = {
    "internal": {
        "label": "Internal training version (内部培训版)",
        "audience": "Our sales reps, pre-sales, service staff and new hires.",
        "sections": [
            ("The product in one or two sentences", "What it is and what it does, plainly (L4, 4.4)."),
            ("Who buys and who uses it", "Target industries, the buying department, the users; save or make money."),
            ("How the money comes back", "One-off or SaaS, price range, cycle, who handles after-sales (L4, 4.2)."),
            ("How it works", "Technical principle, architecture, key advantages, position in the industry."),
            ("Competitors and how we differ", "Honest strengths and weaknesses, with the answer to each objection."),
            ("Talk tracks (话术) and FAQ", "Wording per role met (user, evaluator, budget holder, decider)."),
            ("Cases to cite", "Verified cases by industry, with what may and may not be said (no watering)."),
            ("Limits and internal process", "What we cannot deliver; how to request ops or pre-sales support."),
        ],
    },
    "external": {
        "label": "External presentation version (对外宣讲版)",
        "audience": "The client: users, evaluators, budget holders and deciders.",
        "sections": [
            ("The client's problem", "Start from their business and pain points, not from our features."),
            ("What the product does for them", "The one-or-two-sentence essence, in the client's words."),
            ("Save money or make money", "The value in their terms: cost saved, revenue gained, or both."),
            ("How it works (light)", "Just enough architecture for the evaluator; details in an appendix."),
            ("Cases from their industry", "A verified quantified claim plus a true story, with consent."),
            ("Delivery, service and pricing model", "Implementation steps, training, support, renewal terms."),
            ("Next steps", "Trial, demo, proof of concept, contacts."),
        ],
    },
}


def outline(version: str) -> dict:
    """The section skeleton of the product-description document, ``internal`` or ``external``."""
    if version not in OUTLINES:
        raise ValueError(f"version must be one of {list(OUTLINES)}")
    return OUTLINES[version]


# ---------------------------------------------------------------------------
# The widget
# ---------------------------------------------------------------------------

def _claim_html(result: dict, statistic: str) -> str:
    st = result["stats"]
    badge = ("<span style='background:#1a7f37;color:white;padding:2px 8px;border-radius:8px'>✔ honest</span>"
             if result["ok"] else
             "<span style='background:#c53030;color:white;padding:2px 8px;border-radius:8px'>⚠ watering risk"
             "</span>")
    warns = "".join(f"<li>{html.escape(w)}</li>" for w in result["warnings"])
    facts = ""
    if st["cases"]:
        facts = (f"<div style='color:#555'>{st['cases']} case(s), {st['unverified_cases']} unverified. "
                 f"Improvement in points: median {st['median']['improvement_pp']:.1f}, "
                 f"mean {st['mean']['improvement_pp']:.1f}, best {st['max']['improvement_pp']:.1f}.</div>")
    return (f"<div style='font-size:1.05em;margin:4px 0'>“{html.escape(result['sentence'])}”</div>"
            f"<div>{badge} statistic: {html.escape(statistic)}</div>{facts}"
            + (f"<ul style='color:#9c4221'>{warns}</ul>" if warns else ""))


def _claim_tab(cases: pd.DataFrame) -> widgets.Widget:
    style = {"description_width": "90px"}
    industries = sorted(cases["industry"].unique())
    industry = widgets.Dropdown(options=industries, value=industries[0], description="Industry", style=style)
    metric = widgets.Dropdown(description="Metric", style=style, layout={"width": "420px"})
    statistic = widgets.Dropdown(options=list(STATISTICS), value="median", description="Statistic", style=style)
    verified = widgets.Checkbox(value=True, description="Verified cases only", indent=False)
    up_to = widgets.Checkbox(value=False, description="Say 'up to'", indent=False)
    out = widgets.HTML()

    def refresh_metrics(_=None):
        opts = sorted(cases.loc[cases["industry"].eq(industry.value), "metric_name"].unique())
        keep = metric.value if metric.value in opts else None
        metric.options = opts
        metric.value = keep if keep is not None else (opts[0] if opts else None)

    def update(_=None):
        if metric.value is None:
            out.value = "<i>No cases in this industry.</i>"
            return
        result = claim_sentence(cases, industry.value, metric.value, statistic.value, verified.value, up_to.value)
        out.value = _claim_html(result, statistic.value)

    industry.observe(refresh_metrics, names="value")
    for w in (industry, metric, statistic, verified, up_to):
        w.observe(update, names="value")
    refresh_metrics()
    update()
    note = widgets.HTML("<b>Case-claim builder.</b> Course rule: quote a <i>verified median</i>, or say "
                        "<i>'up to'</i> with the best case.")
    ui = widgets.VBox([note, industry, metric, statistic, widgets.HBox([verified, up_to]), out])
    ui.controls = {"industry": industry, "metric": metric, "statistic": statistic, "verified": verified,
                   "up_to": up_to}
    ui.output = out
    return ui


def _outline_tab() -> widgets.Widget:
    toggle = widgets.ToggleButtons(options=[(OUTLINES[k]["label"].split(" (")[0], k) for k in OUTLINES],
                                   value="internal")
    head = widgets.HTML()
    body = widgets.VBox()
    notes: dict[tuple[str, int], widgets.Textarea] = {}

    def show(_=None):
        o = outline(toggle.value)
        head.value = (f"<b>{html.escape(o['label'])}</b><br>Audience: {html.escape(o['audience'])}<br>"
                      "Fill in each section for your own product (your notes stay in this session).")
        rows = []
        for i, (title, hint) in enumerate(o["sections"], start=1):
            key = (toggle.value, i)
            if key not in notes:
                notes[key] = widgets.Textarea(placeholder=hint, layout={"width": "600px", "height": "44px"})
            rows += [widgets.HTML(f"<b>{i}. {html.escape(title)}</b>"), notes[key]]
        body.children = rows

    toggle.observe(show, names="value")
    show()
    ui = widgets.VBox([toggle, head, body])
    ui.toggle = toggle
    ui.header = head
    ui.notes = notes
    return ui


def claim_builder(cases: pd.DataFrame | None = None) -> widgets.Widget:
    """Tab 1: case-claim builder with a warning badge. Tab 2: two-version product-document outline."""
    if cases is None:
        from tobops.content.datasets import load
        cases = load("case_library")
    claim = _claim_tab(cases)
    doc = _outline_tab()
    tabs = widgets.Tab(children=[claim, doc])
    tabs.set_title(0, "Case-claim builder")
    tabs.set_title(1, "Two-version doc outline")
    tabs.claim = claim
    tabs.outline = doc
    return tabs
