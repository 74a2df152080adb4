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
    industry_label(industry), metric_label(metric)        # display names in the edition's language

Widget builders (return an ipywidgets widget)::

    claim_builder()     # tab 1: case-claim builder with warning badge; tab 2: two-version doc outline

Every text a trainee sees (the claim sentence and its warnings included) comes in both
editions through ``t("English", "中文")`` at the moment it is shown, so it follows
:func:`tobops.content.lang.setup`. Keys, industry and metric values stay English.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from tobops.content.lang import t

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('claim_builder',)

STATISTICS = ("median", "mean", "max")
CLOSED_STAGES = ("won", "lost")

# Metrics where a fall is the improvement (e.g. handling time).  Matched on the metric name.
LOWER_IS_BETTER_WORDS = ("time", "cost", "churn", "error", "false positive", "downtime", "complaint", "loss")


#: display names of the case library's industries and metrics (English, Chinese)
INDUSTRY_NAMES: dict[str, tuple[str, str]] = {
    "gaming": ("gaming", "游戏"),
    "connected_car": ("connected car", "车联网"),
    "retail": ("retail", "零售"),
    "finance": ("finance", "金融"),
    "manufacturing": ("manufacturing", "制造"),
    "education": ("education", "教育"),
    "government": ("government", "政务"),
}
METRIC_NAMES_ZH: dict[str, str] = {
    "conversion rate": "转化率",
    "repeat purchase rate": "复购率",
    "campaign click-through rate": "活动点击率",
    "fraud interception rate": "欺诈拦截率",
    "loan application automation rate": "贷款申请自动化率",
    "tickets resolved within SLA": "SLA 时限内工单解决率",
    "payment success rate": "支付成功率",
    "day-7 player retention rate": "玩家七日留存率",
    "first-pass yield": "一次合格率",
    "equipment availability": "设备可用率",
    "order accuracy rate": "订单准确率",
    "course completion rate": "课程完课率",
    "trial-to-paid conversion rate": "试用转付费率",
    "parent satisfaction rate": "家长满意度",
    "OTA update success rate": "OTA 升级成功率",
    "remote diagnosis coverage": "远程诊断覆盖率",
    "online processing rate": "网上办理率",
    "first-contact resolution rate": "首次接触解决率",
    "citizen satisfaction rate": "市民满意度",
}


def industry_label(industry: str) -> str:
    """An industry's display name in the current edition ("connected_car" -> "connected car" / "车联网")."""
    en, zh = INDUSTRY_NAMES.get(industry, (str(industry).replace("_", " "), str(industry).replace("_", " ")))
    return t(en, zh)


def metric_label(metric: str) -> str:
    """A metric's display name in the current edition (the English name is the key)."""
    return t(metric, METRIC_NAMES_ZH.get(metric, metric))


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
    """The claim sentence (in the edition's language) and the list of 'watering' (注水) warnings.

    Course rule: quote a verified median, or say "up to" with the best case.  Warnings when the
    statistic is ``max`` without "up to", when unverified cases are included, when "up to" is used
    with a typical value, and when there are too few cases to generalise.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}")
    st = claim_stats(cases, industry, metric, verified_only)
    warnings: list[str] = []
    if st["cases"] == 0:
        return {"sentence": t("No cases match: nothing can be claimed.", "没有符合条件的案例：什么也不能宣称。"),
                "warnings": [t("No matching cases.", "没有符合条件的案例。")], "ok": False, "stats": st}
    fig = st[statistic]
    ind, name = industry_label(industry), metric_label(metric)
    verb = "降到" if st["lower_is_better"] else "提升到"
    who = t(f"We work with {st['clients']} {ind} client{'s' if st['clients'] != 1 else ''}",
            f"我们服务了 {st['clients']} 家{ind}客户")
    if statistic == "max":
        if up_to:
            sentence = t(f"{who}; {metric} improved by up to {fig['improvement_pp']:.1f} points "
                         f"(best case: from {fig['before']:.1f}% to {fig['after']:.1f}%).",
                         f"{who}；{name}最高改善 {fig['improvement_pp']:.1f} 个百分点"
                         f"（最佳案例：从 {fig['before']:.1f}% {verb} {fig['after']:.1f}%）。")
        else:
            sentence = t(f"{who}; {metric} improved from {fig['before']:.1f}% to {fig['after']:.1f}%.",
                         f"{who}；{name}从 {fig['before']:.1f}% {verb} {fig['after']:.1f}%。")
            warnings.append(t("Best case quoted as if it were typical: this is watering (注水). "
                              "Say 'up to', or quote the median.",
                              "把最佳案例当成普遍效果来讲，这就是注水。要么说“最高”，要么报中位数。"))
    else:
        label = (t("typical (median) client", "典型（中位数）客户") if statistic == "median"
                 else t("average client", "平均客户"))
        prefix = t("up to ", "最高") if up_to else ""
        sentence = t(f"{who}; for the {label}, {metric} went from {fig['before']:.1f}% to {fig['after']:.1f}% "
                     f"({prefix}{fig['improvement_pp']:.1f} points better).",
                     f"{who}；对{label}来说，{name}从 {fig['before']:.1f}% {verb} {fig['after']:.1f}%"
                     f"（{prefix}改善 {fig['improvement_pp']:.1f} 个百分点）。")
        if up_to:
            warnings.append(t("'Up to' belongs with the best case, not with a typical value.",
                              "“最高”只能配最佳案例，不能配典型值。"))
        if statistic == "mean" and st["max"]["improvement_pp"] > 2 * max(st["median"]["improvement_pp"], 0.1):
            warnings.append(t("The mean is pulled up by a few big wins; the median is the honest 'typical' figure.",
                              "平均值被少数几个特别好的案例拉高了；诚实的“典型”数字是中位数。"))
    if st["unverified_cases"]:
        warnings.append(t(f"{st['unverified_cases']} unverified case(s) included: tick 'verified only' "
                          f"before this goes into collateral.",
                          f"其中有 {st['unverified_cases']} 个案例未经核实：放进物料之前，先勾选“只用已核实案例”。"))
    if st["cases"] < 3:
        warnings.append(t(f"Only {st['cases']} case(s): too few to speak for 'our clients'.",
                          f"只有 {st['cases']} 个案例：太少，代表不了“我们的客户”。"))
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

# Each text is (English, Chinese); outline() gives them in the current edition's language.
OUTLINES: dict[str, dict] = {
    "internal": {
        "label": ("Internal training version (内部培训版)", "内部培训版"),
        "audience": ("Our sales reps, pre-sales, service staff and new hires.",
                     "我们自己的销售、售前、客服同事和新员工。"),
        "sections": [
            (("The product in one or two sentences", "一两句话说清产品"),
             ("What it is and what it does, plainly (L4, 4.4).", "它是什么、能做什么，说得直白（第 04 课 4.4 节）。")),
            (("Who buys and who uses it", "谁来买，谁来用"),
             ("Target industries, the buying department, the users; save or make money.",
              "目标行业、采购部门、使用者；帮客户省钱还是挣钱。")),
            (("How the money comes back", "钱怎么收回来"),
             ("One-off or SaaS, price range, cycle, who handles after-sales (L4, 4.2).",
              "一次性项目还是 SaaS、价格区间、周期、售后由谁负责（第 04 课 4.2 节）。")),
            (("How it works", "工作原理"),
             ("Technical principle, architecture, key advantages, position in the industry.",
              "技术原理和架构、核心优势，以及在行业里的位置。")),
            (("Competitors and how we differ", "竞品与我们的差异"),
             ("Honest strengths and weaknesses, with the answer to each objection.",
              "如实写出长处和短处，并准备好每种质疑的回应。")),
            (("Talk tracks (话术) and FAQ", "话术与常见问题"),
             ("Wording per role met (user, evaluator, budget holder, decider).",
              "面对不同角色怎么说：使用方 / 评估方 / 预算方 / 拍板方。")),
            (("Cases to cite", "可引用的案例"),
             ("Verified cases by industry, with what may and may not be said (no watering).",
              "按行业列出已核实的案例，写明哪些能说、哪些不能说（不注水）。")),
            (("Limits and internal process", "能力边界与内部流程"),
             ("What we cannot deliver; how to request ops or pre-sales support.",
              "哪些我们交付不了；怎样申请运营或售前支持。")),
        ],
    },
    "external": {
        "label": ("External presentation version (对外宣讲版)", "对外宣讲版"),
        "audience": ("The client: users, evaluators, budget holders and deciders.",
                     "客户一方的使用方、评估方，以及预算方和拍板方。"),
        "sections": [
            (("The client's problem", "客户的问题"),
             ("Start from their business and pain points, not from our features.",
              "从客户的业务和痛点讲起，而不是从我们的功能讲起。")),
            (("What the product does for them", "产品能为客户做什么"),
             ("The one-or-two-sentence essence, in the client's words.", "用客户的语言，一两句话讲清核心价值。")),
            (("Save money or make money", "省钱还是挣钱"),
             ("The value in their terms: cost saved, revenue gained, or both.",
              "按客户的算法讲价值：省下的成本、多挣的收入，或两者兼有。")),
            (("How it works (light)", "工作原理（简版）"),
             ("Just enough architecture for the evaluator; details in an appendix.",
              "架构讲到评估方够用即可，细节放附录。")),
            (("Cases from their industry", "同行业案例"),
             ("A verified quantified claim plus a true story, with consent.",
              "一个经过核实的量化数据，加一个真实的故事，并征得客户同意。")),
            (("Delivery, service and pricing model", "交付、服务与收费方式"),
             ("Implementation steps, training, support, renewal terms.", "实施步骤、培训、支持、续费条款。")),
            (("Next steps", "下一步"),
             ("Trial, demo, proof of concept, contacts.", "试用、演示、概念验证、联系人。")),
        ],
    },
}


def outline(version: str) -> dict:
    """The section skeleton of the product-description document, ``internal`` or ``external``,
    in the current edition's language: ``{"label", "audience", "sections": [(title, hint), ...]}``."""
    if version not in OUTLINES:
        raise ValueError(f"version must be one of {list(OUTLINES)}")
    o = OUTLINES[version]
    return {"label": t(*o["label"]), "audience": t(*o["audience"]),
            "sections": [(t(*title), t(*hint)) for title, hint in o["sections"]]}


# ---------------------------------------------------------------------------
# The widget
# ---------------------------------------------------------------------------

STATISTIC_LABELS = {"median": ("median", "中位数"), "mean": ("mean", "平均值"), "max": ("max", "最大值（最佳案例）")}


def _claim_html(result: dict, statistic: str) -> str:
    st = result["stats"]
    badge = ("<span style='background:#1a7f37;color:white;padding:2px 8px;border-radius:8px'>"
             + t("✔ honest", "✔ 诚实") + "</span>"
             if result["ok"] else
             "<span style='background:#c53030;color:white;padding:2px 8px;border-radius:8px'>"
             + t("⚠ watering risk", "⚠ 有注水风险") + "</span>")
    warns = "".join(f"<li>{html.escape(w)}</li>" for w in result["warnings"])
    facts = ""
    if st["cases"]:
        facts = ("<div style='color:#555'>"
                 + t(f"{st['cases']} case(s), {st['unverified_cases']} unverified. "
                     f"Improvement in points: median {st['median']['improvement_pp']:.1f}, "
                     f"mean {st['mean']['improvement_pp']:.1f}, best {st['max']['improvement_pp']:.1f}.",
                     f"共 {st['cases']} 个案例，其中 {st['unverified_cases']} 个未核实。"
                     f"改善幅度（百分点）：中位数 {st['median']['improvement_pp']:.1f}，"
                     f"平均值 {st['mean']['improvement_pp']:.1f}，最佳 {st['max']['improvement_pp']:.1f}。")
                 + "</div>")
    stat_name = t(*STATISTIC_LABELS[statistic]) if statistic in STATISTIC_LABELS else statistic
    return (f"<div style='font-size:1.05em;margin:4px 0'>“{html.escape(result['sentence'])}”</div>"
            f"<div>{badge} {t('statistic', '统计口径')}: {html.escape(stat_name)}</div>{facts}"
            + (f"<ul style='color:#9c4221'>{warns}</ul>" if warns else ""))


def _claim_tab(cases: pd.DataFrame) -> widgets.Widget:
    style = {"description_width": "90px"}
    industries = sorted(cases["industry"].unique())
    industry = widgets.Dropdown(options=[(industry_label(i), i) for i in industries], value=industries[0],
                                description=t("Industry", "行业"), style=style)
    metric = widgets.Dropdown(description=t("Metric", "指标"), style=style, layout={"width": "420px"})
    statistic = widgets.Dropdown(options=[(t(*STATISTIC_LABELS[s]), s) for s in STATISTICS], value="median",
                                 description=t("Statistic", "统计口径"), style=style)
    verified = widgets.Checkbox(value=True, description=t("Verified cases only", "只用已核实案例"), indent=False)
    up_to = widgets.Checkbox(value=False, description=t("Say 'up to'", "说“最高”"), indent=False)
    out = widgets.HTML()

    def refresh_metrics(_=None):
        opts = sorted(cases.loc[cases["industry"].eq(industry.value), "metric_name"].unique())
        keep = metric.value if metric.value in opts else None
        metric.options = [(metric_label(m), m) for m in opts]
        metric.value = keep if keep is not None else (opts[0] if opts else None)

    def update(_=None):
        if metric.value is None:
            out.value = "<i>" + t("No cases in this industry.", "这个行业还没有案例。") + "</i>"
            return
        result = claim_sentence(cases, industry.value, metric.value, statistic.value, verified.value, up_to.value)
        out.value = _claim_html(result, statistic.value)

    industry.observe(refresh_metrics, names="value")
    for w in (industry, metric, statistic, verified, up_to):
        w.observe(update, names="value")
    refresh_metrics()
    update()
    note = widgets.HTML(t("<b>Case-claim builder.</b> Course rule: quote a <i>verified median</i>, or say "
                          "<i>'up to'</i> with the best case.",
                          "<b>案例说法生成器。</b>课程规则：要么引用<i>已核实案例的中位数</i>，"
                          "要么用最佳案例并说<i>“最高”</i>。"))
    ui = widgets.VBox([note, industry, metric, statistic, widgets.HBox([verified, up_to]), out])
    ui.controls = {"industry": industry, "metric": metric, "statistic": statistic, "verified": verified,
                   "up_to": up_to}
    ui.output = out
    return ui


def _outline_tab() -> widgets.Widget:
    toggle = widgets.ToggleButtons(options=[(outline(k)["label"].split(" (")[0], k) for k in OUTLINES],
                                   value="internal")
    head = widgets.HTML()
    body = widgets.VBox()
    notes: dict[tuple[str, int], widgets.Textarea] = {}

    def show(_=None):
        o = outline(toggle.value)
        head.value = (f"<b>{html.escape(o['label'])}</b><br>{t('Audience', '读者')}: {html.escape(o['audience'])}<br>"
                      + t("Fill in each section for your own product (your notes stay in this session).",
                          "按你自己的产品把每一节填上（笔记只保留在本次会话中）。"))
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
    tabs.set_title(0, t("Case-claim builder", "案例说法生成器"))
    tabs.set_title(1, t("Two-version doc outline", "两版文档提纲"))
    tabs.claim = claim
    tabs.outline = doc
    return tabs
