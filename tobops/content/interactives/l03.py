"""Lesson 03 (The north-star metric): candidate metrics against revenue, funnels, tactic test.

Plain functions (testable without a browser):

* :func:`candidates`, :func:`business_frame`, :func:`correlations`, :func:`lag_profile`, :func:`zscore`:
  which weekly metric of ``metrics_weekly`` (D9) tracks revenue, same week and lagged.
* :func:`tactic_feedback`: the "no path to the NSM" test for a proposed tactic.
* :func:`aarrr_funnel` (ToC, ``toc_funnel``) and :func:`tob_stage_funnel` (ToB, ``deals``).

Widget: :func:`north_star_picker`. Every text a trainee sees goes through
:func:`tobops.content.lang.t`, so it follows the edition set by ``setup()``; keys, column
names and values stay the same in both editions.
"""
from __future__ import annotations

import html

import pandas as pd

from tobops.content.lang import t

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('north_star_picker',)

BUSINESSES = {
    "food_delivery_tool": "Food-delivery tool (like Ele.me 饿了么)",
    "ride_hailing_b": "Ride-hailing, B side (like Didi 滴滴打车)",
    "marketing_saas": "Marketing SaaS (营销类SAAS)",
}

BUSINESSES_ZH = {
    "food_delivery_tool": "外卖类工具产品（类似饿了么）",
    "ride_hailing_b": "打车平台的 B 端（类似滴滴打车）",
    "marketing_saas": "营销类 SaaS",
}


def business_label(business: str) -> str:
    """The business's label in the current edition's language."""
    return t(BUSINESSES[business], BUSINESSES_ZH[business])


# the north-star metric The Road to ToB Operations names for each example business
SOURCE_NSM = {
    "food_delivery_tool": "orders_placed",
    "ride_hailing_b": "driver_accepted_orders",
    "marketing_saas": "active_merchants",
}

CANDIDATE_COLUMNS = (
    "orders_placed", "driver_accepted_orders", "active_merchants",
    "app_downloads", "page_views", "community_group_messages", "registered_drivers", "trial_signups",
)

TARGETS = ("revenue_cny", "renewals")
NO_PATH_THRESHOLD = 0.3
LAG_WEEKS = 4

AARRR_STAGES = ("Acquisition", "Activation", "Retention", "Revenue", "Refer")
TOB_STAGES = ("lead", "qualified", "solution", "demo", "negotiation", "won")


def business_frame(metrics: pd.DataFrame, business: str) -> pd.DataFrame:
    """The rows of one business, in week order, with a fresh 0..n-1 index."""
    if business not in set(metrics["business"]):
        raise KeyError(f"unknown business {business!r}")
    return metrics[metrics["business"] == business].sort_values("week").reset_index(drop=True)


def candidates(metrics: pd.DataFrame, business: str) -> list[str]:
    """Candidate metric columns that have data for this business (in table order)."""
    df = business_frame(metrics, business)
    return [c for c in CANDIDATE_COLUMNS if c in df.columns and df[c].notna().any()]


def correlations(metrics: pd.DataFrame, business: str, target: str = "revenue_cny",
                 lag: int = LAG_WEEKS) -> pd.DataFrame:
    """Pearson r of each candidate with ``target``: same week and with the candidate ``lag`` weeks earlier.

    Columns ``r_same`` and ``r_lag``; sorted by ``r_same``, largest first.
    """
    df = business_frame(metrics, business)
    rows = {}
    for c in candidates(metrics, business):
        rows[c] = {
            "r_same": df[c].corr(df[target]),
            "r_lag": df[c].shift(lag).corr(df[target]),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "candidate"
    return out.sort_values("r_same", ascending=False)


def lag_profile(metrics: pd.DataFrame, business: str, metric: str, target: str = "revenue_cny",
                max_lag: int = 8) -> pd.Series:
    """Pearson r of ``metric`` shifted by 0..``max_lag`` weeks with ``target`` (index = lag in weeks)."""
    df = business_frame(metrics, business)
    return pd.Series({k: df[metric].shift(k).corr(df[target]) for k in range(max_lag + 1)},
                     name=metric).rename_axis("lag_weeks")


def zscore(series: pd.Series) -> pd.Series:
    """(x - mean) / standard deviation, so series with different units share one axis."""
    return (series - series.mean()) / series.std()


def best_candidate(metrics: pd.DataFrame, business: str, target: str = "revenue_cny") -> str:
    """The candidate with the highest same-week correlation with ``target``."""
    return str(correlations(metrics, business, target).index[0])


def tactic_feedback(metrics: pd.DataFrame, business: str, metric: str, tactic: str = "",
                    threshold: float = NO_PATH_THRESHOLD) -> tuple[bool, str]:
    """Judge a tactic by the metric it moves: (has_path, message).

    A tactic "has a path to the NSM" here only if the metric it moves correlates with
    revenue at |r| >= ``threshold`` (same week or 4 weeks lagged, whichever is larger).
    """
    if metric not in candidates(metrics, business):
        return False, t(f"{metric!r} is not measured for this business.", f"这项业务没有统计 {metric!r}。")
    r = correlations(metrics, business).loc[metric]
    strongest = max(abs(r["r_same"]), abs(r["r_lag"]))
    r_same, r_lag = r["r_same"], r["r_lag"]
    if tactic.strip():
        what = t(f"'{tactic.strip()}'", f"“{tactic.strip()}”")
    else:
        what = t("This tactic", "这个打法")
    nsm = SOURCE_NSM[business]
    if strongest < threshold:
        return False, t(f"Warning: no path to the NSM. {what} moves {metric}, whose correlation with revenue "
                        f"is r = {r_same:.2f} (4-week lag: {r_lag:.2f}), below |r| = {threshold}. "
                        f"Ask how it would ever change {nsm}, or drop it.",
                        f"警告：没有通往北极星指标的路径。{what}推动的是 {metric}，"
                        f"它与收入的相关系数 r = {r_same:.2f}（滞后 4 周：{r_lag:.2f}），低于 |r| = {threshold}。"
                        f"先问清它怎样才能改变 {nsm}，否则就放弃。")
    if metric == nsm:
        extra = ""
    else:
        extra = t(f" Now spell out how it feeds the north star, {nsm}.", f"接下来请讲清它如何推动北极星指标 {nsm}。")
    return True, t(f"{what} moves {metric}, which tracks revenue (r = {r_same:.2f}, "
                   f"4-week lag: {r_lag:.2f}). There is a measurable path.{extra}",
                   f"{what}推动的是 {metric}，它与收入走势一致（r = {r_same:.2f}，"
                   f"滞后 4 周：{r_lag:.2f}）。存在可以衡量的路径。{extra}")


# --- funnels ---------------------------------------------------------------------------

def aarrr_funnel(funnel: pd.DataFrame, month: str) -> pd.Series:
    """Users at each AARRR stage in one month ("2024-03") of ``toc_funnel``.

    Acquisition = acquisitions, Activation = activations, Retention = d7_retained,
    Revenue = paying_users, Refer = referrals (monthly sums of the daily rows).
    """
    dates = pd.to_datetime(funnel["date"])
    m = funnel[dates.dt.strftime("%Y-%m") == month]
    if m.empty:
        raise KeyError(f"no toc_funnel rows for {month}")
    cols = ["acquisitions", "activations", "d7_retained", "paying_users", "referrals"]
    return pd.Series([int(m[c].sum()) for c in cols], index=list(AARRR_STAGES), name=month)


def tob_stage_funnel(deals: pd.DataFrame) -> pd.Series:
    """Deals that reached at least each stage, lead → won, from ``deals``.

    A deal counts at every stage up to the furthest one it reached. Open deals reached
    their current ``stage``; won deals reached every stage; lost deals reached the stage
    in ``lost_at_stage`` when the table has it, else only ``lead``.
    """
    order = {s: i for i, s in enumerate(TOB_STAGES)}
    stage = deals["stage"].astype(str)
    furthest = stage.map(order)
    lost = stage == "lost"
    if "lost_at_stage" in deals.columns:
        furthest = furthest.where(~lost, deals["lost_at_stage"].astype(str).map(order))
    else:
        furthest = furthest.where(~lost, 0)
    furthest = furthest.fillna(0).astype(int)
    counts = [int((furthest >= i).sum()) for i in range(len(TOB_STAGES))]
    return pd.Series(counts, index=list(TOB_STAGES), name="deals")


# --- widget ----------------------------------------------------------------------------

def _metric_figure(metrics: pd.DataFrame, business: str, metric: str):
    import matplotlib.pyplot as plt

    df = business_frame(metrics, business)
    x = range(1, len(df) + 1)
    fig, ax = plt.subplots(figsize=(7, 3.4))
    ax.plot(x, zscore(df["revenue_cny"]), color="black", linewidth=2, label="revenue_cny")
    ax.plot(x, zscore(df[metric]), color="tab:orange", label=metric)
    ax.set_title(t(f"{metric} vs revenue, {business} (z-scores)", f"{metric} 与收入对比，{business}（z 分数）"))
    ax.set_xlabel(t("Week of 2024", "2024 年第几周"))
    ax.set_ylabel(t("z-score (standard deviations)", "z 分数（标准差）"))
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def north_star_picker(metrics: pd.DataFrame | None = None):
    """Dropdowns for business and candidate metric (chart + r), and a tactic checker."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    if metrics is None:
        from tobops.content.datasets import load
        metrics = load("metrics_weekly")

    business_dd = widgets.Dropdown(options=[(business_label(k), k) for k in BUSINESSES],
                                   value="food_delivery_tool", description=t("Business:", "业务："),
                                   layout={"width": "420px"}, style={"description_width": "initial"})
    metric_dd = widgets.Dropdown(description=t("Candidate:", "候选指标："), style={"description_width": "initial"})
    readout = widgets.HTML()
    plot = widgets.Output()

    tactic_box = widgets.Textarea(placeholder=t("Describe a tactic, e.g. 'weekly webinar for new merchants'",
                                                "描述一个打法，例如“每周给新商家办一场线上讲座”"),
                                  description=t("Tactic:", "打法："), layout={"width": "420px", "height": "60px"})
    moves_dd = widgets.Dropdown(description=t("Which metric does it move?", "它推动哪个指标？"),
                                style={"description_width": "initial"})
    check_btn = widgets.Button(description=t("Check tactic", "检验打法"), button_style="primary")
    verdict = widgets.HTML()

    def set_options(_=None):
        opts = candidates(metrics, business_dd.value)
        metric_dd.options = opts
        metric_dd.value = opts[0]
        moves_dd.options = opts
        moves_dd.value = opts[0]
        verdict.value = ""

    def redraw(_=None):
        if metric_dd.value is None:
            return
        r = correlations(metrics, business_dd.value).loc[metric_dd.value]
        star = t(" (the NSM named in <i>The Road to ToB Operations</i>)", "（《通往To B运营之路》给出的北极星指标）") \
            if metric_dd.value == SOURCE_NSM[business_dd.value] else ""
        r_same, r_lag = r["r_same"], r["r_lag"]
        readout.value = (f"<b>{html.escape(metric_dd.value)}</b>{star}" + t(
            f": r with revenue = <b>{r_same:.2f}</b>; with the metric {LAG_WEEKS} weeks earlier = <b>{r_lag:.2f}</b>",
            f"：与收入的 r = <b>{r_same:.2f}</b>；指标提前 {LAG_WEEKS} 周时 r = <b>{r_lag:.2f}</b>"))
        with plot:
            plot.clear_output(wait=True)
            fig = _metric_figure(metrics, business_dd.value, metric_dd.value)
            display(fig)
            plt.close(fig)

    def check(_=None):
        ok, msg = tactic_feedback(metrics, business_dd.value, moves_dd.value, tactic_box.value)
        colour = "#1a7f37" if ok else "#b35900"
        verdict.value = f'<div style="color:{colour}">{"✔" if ok else "⚠"} {html.escape(msg)}</div>'

    def on_business(_):
        set_options()
        redraw()

    business_dd.observe(on_business, names="value")
    metric_dd.observe(redraw, names="value")
    check_btn.on_click(check)
    set_options()
    redraw()

    top = widgets.VBox([widgets.HTML(t("<b>North-star picker</b>", "<b>北极星指标挑选器</b>")),
                        business_dd, metric_dd, readout, plot])
    bottom = widgets.VBox([widgets.HTML(t("<b>Tactic test: does it have a path to the NSM?</b>",
                                          "<b>打法检验：它有通往北极星指标的路径吗？</b>")),
                           tactic_box, moves_dd, check_btn, verdict])
    box = widgets.VBox([top, bottom])
    box.business_dropdown, box.metric_dropdown, box.moves_dropdown = business_dd, metric_dd, moves_dd
    box.tactic_box, box.check_button, box.readout, box.verdict = tactic_box, check_btn, readout, verdict
    box.check = check
    return box
