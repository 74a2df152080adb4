"""Lesson 02 (ToB vs ToC): "Who's in the room?", the targeted-read calculator, and the
decision-flow diagram.

Plain functions (testable without a browser)::

    win_rate_by_roles_met(deals, stakeholders)     # win rate of closed deals by roles met (0-5)
    win_rate_for_roles(deals, stakeholders, roles)  # deals whose met roles include ``roles``
    lead_rates(content)                            # leads per targeted / untargeted read
    expected_leads(total_reads, targeted_share, per_targeted, per_untargeted)
    break_even_ratio(reads_a, share_a, reads_b, share_b)   # targeted/untargeted value where B = A

Widget builders (return an ipywidgets widget)::

    decision_room(deals, stakeholders)     # five role checkboxes -> win rate, median cycle, deals
    read_calculator(content)               # reads / targeted share / value per targeted read sliders

and :func:`decision_flow_diagram` draws the C-side vs B-side decision flows of *A ToB
Operator's Notes* (the Sanjieke images are missing from the source, so the course draws its
own). Every text a trainee sees goes through :func:`tobops.content.lang.t`, so it follows the
edition set by ``setup()``.
"""
from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets
import numpy as np
import pandas as pd

from tobops.content.lang import t

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('decision_room', 'read_calculator')

ROLES: tuple[str, ...] = ("user", "evaluator", "budget_holder", "final_decider", "signer")
ROLE_LABELS: dict[str, str] = {
    "user": "User (使用方)",
    "evaluator": "Evaluator (评估方)",
    "budget_holder": "Budget holder (预算方)",
    "final_decider": "Final decider (拍板方)",
    "signer": "Signer (签字方)",
}
ROLE_LABELS_ZH: dict[str, str] = {
    "user": "使用方",
    "evaluator": "评估方",
    "budget_holder": "预算方",
    "final_decider": "拍板方",
    "signer": "签字方",
}
CLOSED_STAGES = ("won", "lost")


def role_label(role: str) -> str:
    """The role's label in the current edition's language."""
    return t(ROLE_LABELS[role], ROLE_LABELS_ZH[role])


# ---------------------------------------------------------------------------
# "Who's in the room?"
# ---------------------------------------------------------------------------

def closed_deals(deals: pd.DataFrame) -> pd.DataFrame:
    """Closed deals (stage won or lost) with a boolean ``won`` column."""
    out = deals[deals["stage"].isin(CLOSED_STAGES)].copy()
    out["won"] = out["stage"].eq("won")
    return out


def met_role_sets(deals: pd.DataFrame, stakeholders: pd.DataFrame) -> pd.Series:
    """For every deal, the frozenset of purchase roles our side met (empty if none)."""
    met = stakeholders.loc[stakeholders["met"].astype(bool), ["deal_id", "purchase_role"]]
    sets = met.groupby("deal_id")["purchase_role"].agg(frozenset)
    return deals["deal_id"].map(sets).apply(lambda s: s if isinstance(s, frozenset) else frozenset()).set_axis(
        deals["deal_id"].to_numpy())


def roles_met_count(deals: pd.DataFrame, stakeholders: pd.DataFrame) -> pd.Series:
    """Number of distinct purchase roles met per deal (0-5), indexed by deal_id."""
    return met_role_sets(deals, stakeholders).map(len).astype(int)


def win_rate_by_roles_met(deals: pd.DataFrame, stakeholders: pd.DataFrame) -> pd.DataFrame:
    """Closed deals, wins and win rate (%) by the number of roles met, index 0..5."""
    closed = closed_deals(deals)
    counts = roles_met_count(deals, stakeholders)
    closed["roles_met_count"] = closed["deal_id"].map(counts).to_numpy()
    table = closed.groupby("roles_met_count")["won"].agg(closed_deals="size", won="sum")
    table = table.reindex(range(len(ROLES) + 1), fill_value=0)
    table["won"] = table["won"].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["win_rate_pct"] = 100 * table["won"] / table["closed_deals"].replace(0, np.nan)
    return table


def _check_roles(roles: Iterable[str]) -> frozenset[str]:
    roles = frozenset(roles)
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(f"unknown purchase role(s) {sorted(unknown)}; use {list(ROLES)}")
    return roles


def deals_with_roles(deals: pd.DataFrame, stakeholders: pd.DataFrame, roles: Iterable[str]) -> pd.DataFrame:
    """Deals whose set of met roles contains every role in ``roles``."""
    wanted = _check_roles(roles)
    sets = met_role_sets(deals, stakeholders)
    mask = sets.map(lambda s: wanted <= s).to_numpy(dtype=bool)
    return deals[mask]


def win_rate_for_roles(deals: pd.DataFrame, stakeholders: pd.DataFrame, roles: Iterable[str]) -> dict:
    """Historical outcome of deals whose met roles include ``roles``.

    Returns ``{"roles", "deals", "closed_deals", "won", "win_rate_pct", "median_cycle_days"}``;
    win rate and median cycle are over closed deals only (NaN when there are none).
    """
    wanted = _check_roles(roles)
    subset = deals_with_roles(deals, stakeholders, wanted)
    closed = closed_deals(subset)
    n_closed = len(closed)
    won = int(closed["won"].sum())
    return {
        "roles": tuple(r for r in ROLES if r in wanted),
        "deals": int(len(subset)),
        "closed_deals": int(n_closed),
        "won": won,
        "win_rate_pct": 100 * won / n_closed if n_closed else float("nan"),
        "median_cycle_days": float(closed["cycle_days"].median()) if n_closed else float("nan"),
    }


def _room_html(result: dict, baseline: dict) -> str:
    ticked = t(", ", "、").join(role_label(r) for r in result["roles"]) or \
        t("no roles required (all deals)", "不要求任何角色（全部交易）")
    if result["closed_deals"] == 0:
        body = t("<i>No closed deals match: untick a role.</i>", "<i>没有符合条件的已关闭交易：请取消勾选一个角色。</i>")
    else:
        n, n_closed = result["deals"], result["closed_deals"]
        rate, cycle = result["win_rate_pct"], result["median_cycle_days"]
        diff = rate - baseline["win_rate_pct"]
        rows = [
            (t("Deals whose met roles include these", "见过的角色包含以上各方的交易"),
             f"<b>{n}</b> " + t(f"({n_closed} closed)", f"（其中已关闭 {n_closed} 笔）")),
            (t("Historical win rate (closed deals)", "历史赢单率（已关闭交易）"),
             f"<b>{rate:.1f}%</b> " + t(f"({diff:+.1f} points vs all deals)", f"（比全部交易 {diff:+.1f} 个百分点）")),
            (t("Median cycle (closed deals)", "周期中位数（已关闭交易）"),
             "<b>" + t(f"{cycle:.0f} days", f"{cycle:.0f} 天") + "</b>"),
        ]
        body = "<table>" + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows) + "</table>"
    return f"<div><b>{t('Required in the room:', '必须见过的角色：')}</b> {html.escape(ticked)}</div>{body}"


def decision_room(deals: pd.DataFrame | None = None, stakeholders: pd.DataFrame | None = None) -> widgets.Widget:
    """Five role checkboxes; shows win rate, median cycle and number of matching deals."""
    if deals is None or stakeholders is None:
        from tobops.content.datasets import load
        deals = load("deals") if deals is None else deals
        stakeholders = load("deal_stakeholders") if stakeholders is None else stakeholders
    baseline = win_rate_for_roles(deals, stakeholders, ())
    boxes = {r: widgets.Checkbox(value=False, description=role_label(r), indent=False) for r in ROLES}
    out = widgets.HTML()

    def update(_=None):
        ticked = [r for r in ROLES if boxes[r].value]
        out.value = _room_html(win_rate_for_roles(deals, stakeholders, ticked), baseline)

    for box in boxes.values():
        box.observe(update, names="value")
    update()
    title = widgets.HTML(t("<b>Who's in the room?</b> Tick the roles that must have been met.",
                           "<b>谁在决策现场？</b>勾选必须已经见过的角色。"))
    ui = widgets.VBox([title, widgets.HBox(list(boxes.values()), layout={"flex_flow": "row wrap"}), out])
    ui.boxes = boxes      # for tests and for scripting the widget
    ui.output = out
    return ui


# ---------------------------------------------------------------------------
# The targeted-read calculator
# ---------------------------------------------------------------------------

def lead_rates(content: pd.DataFrame) -> dict:
    """Leads per targeted read and per untargeted read, fitted over all pieces.

    Least squares without intercept: ``leads ≈ a * reads_targeted + b * reads_untargeted``;
    a negative coefficient is set to 0 and the other refitted alone.
    """
    X = content[["reads_targeted", "reads_untargeted"]].to_numpy(dtype=float)
    y = content["leads"].to_numpy(dtype=float)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    a, b = float(coef[0]), float(coef[1])
    if a < 0 or b < 0:
        keep = 0 if a >= b else 1
        x = X[:, keep]
        only = float(x @ y / (x @ x)) if x @ x else 0.0
        a, b = (max(only, 0.0), 0.0) if keep == 0 else (0.0, max(only, 0.0))
    return {"per_targeted_read": a, "per_untargeted_read": b}


def expected_leads(total_reads: float, targeted_share: float, per_targeted: float, per_untargeted: float) -> float:
    """Expected leads from ``total_reads`` of which ``targeted_share`` (0-1) are targeted."""
    if not 0 <= targeted_share <= 1:
        raise ValueError("targeted_share must be between 0 and 1")
    if total_reads < 0:
        raise ValueError("total_reads must be >= 0")
    targeted = total_reads * targeted_share
    return targeted * per_targeted + (total_reads - targeted) * per_untargeted


# Article A of The Two Hands of ToB Operations: 1,000 reads, "mostly non-target readers from WeChat Moments".
# The article gives no share; 5% targeted matches the data's own mirror of it (C016).
ARTICLE_A = {"reads": 1000, "targeted_share": 0.05}


def break_even_ratio(reads_a: float, share_a: float, reads_b: float, share_b: float) -> float:
    """How many untargeted reads one targeted read must be worth for article B to match A.

    B beats A when ``targeted_b * t + untargeted_b * u > targeted_a * t + untargeted_a * u``,
    i.e. when ``t / u`` exceeds ``(untargeted_a - untargeted_b) / (targeted_b - targeted_a)``.
    Returns ``inf`` if B never wins (it has no more targeted reads than A).
    """
    ta, tb = reads_a * share_a, reads_b * share_b
    ua, ub = reads_a - ta, reads_b - tb
    if tb <= ta:
        return float("inf")
    return max(ua - ub, 0.0) / (tb - ta)


def _calc_html(reads: int, share_pct: float, per_t: float, per_u: float) -> str:
    share = share_pct / 100
    leads = expected_leads(reads, share, per_t, per_u)
    targeted = reads * share
    untargeted = reads - targeted
    a_reads, a_share = ARTICLE_A["reads"], ARTICLE_A["targeted_share"]
    leads_a = expected_leads(a_reads, a_share, per_t, per_u)
    worth = per_t / per_u if per_u else float("inf")
    need = break_even_ratio(a_reads, a_share, reads, share)
    if leads_a > 0:
        verdict = t(f"{leads / leads_a:.2f} × article A", f"文章 A 的 {leads / leads_a:.2f} 倍")
    else:
        verdict = t("article A yields no leads at this value", "按这个价值，文章 A 带不来线索")
    if need == float("inf"):
        need_txt = t("never (it has no more targeted reads than A)", "永远不会（它的精准阅读不比 A 多）")
    else:
        need_txt = f"{need:.1f}"
    per100 = 100 * leads / reads
    a_pct = 100 * a_share
    return (
        "<div>" + t(f"{reads:,} reads × {share_pct:.0f}% targeted = {targeted:,.0f} targeted + {untargeted:,.0f} untargeted"
                    f" → <b>expected leads: {leads:.2f}</b> ({per100:.2f} per 100 reads)",
                    f"{reads:,} 次阅读 × {share_pct:.0f}% 精准 = {targeted:,.0f} 次精准 + {untargeted:,.0f} 次非精准"
                    f" → <b>预计线索：{leads:.2f}</b>（每 100 次阅读 {per100:.2f} 条）") + "</div>"
        "<div>" + t(f"Article A of <i>The Two Hands of ToB Operations</i> ({a_reads:,} reads, {a_pct:.0f}% targeted)"
                    f" → {leads_a:.2f} leads. Your article = <b>{verdict}</b>.",
                    f"《ToB运营的两只手》里的文章 A（{a_reads:,} 次阅读，{a_pct:.0f}% 精准）→ {leads_a:.2f} 条线索。"
                    f"你的文章 = <b>{verdict}</b>。") + "</div>"
        "<div style='color:#555'>" + t(f"At this value one targeted read = {worth:,.1f} untargeted reads;"
                                       f" your article beats A once a targeted read is worth more than {need_txt}"
                                       " untargeted reads.",
                                       f"按这个价值，1 次精准阅读 = {worth:,.1f} 次非精准阅读；"
                                       f"只要 1 次精准阅读抵得上超过 {need_txt} 次非精准阅读，你的文章就胜过 A。") + "</div>"
    )


def read_calculator(content: pd.DataFrame | None = None) -> widgets.Widget:
    """Sliders for total reads, targeted share and value per targeted read; prints expected leads."""
    if content is None:
        from tobops.content.datasets import load
        content = load("content")
    rates = lead_rates(content)
    per_u = rates["per_untargeted_read"]
    style = {"description_width": "200px"}
    layout = {"width": "560px"}
    reads = widgets.IntSlider(value=100, min=100, max=10_000, step=50, description=t("Total reads", "总阅读数"),
                              style=style, layout=layout)
    share = widgets.FloatSlider(value=90, min=0, max=100, step=1, description=t("Targeted share (%)", "精准占比（%）"),
                                readout_format=".0f", style=style, layout=layout)
    value = widgets.FloatSlider(value=round(100 * rates["per_targeted_read"], 2), min=0,
                                max=max(5.0, round(400 * rates["per_targeted_read"], 1)), step=0.01,
                                description=t("Value: leads per 100 targeted reads", "价值：每 100 次精准阅读的线索"),
                                readout_format=".2f",
                                style=style, layout=layout)
    out = widgets.HTML()

    def update(_=None):
        out.value = _calc_html(reads.value, share.value, value.value / 100, per_u)

    for w in (reads, share, value):
        w.observe(update, names="value")
    update()
    fitted_u, fitted_t = 100 * per_u, 100 * rates["per_targeted_read"]
    note = widgets.HTML(t(
        "<b>Targeted-read calculator.</b> Untargeted reads stay at the rate fitted from content.csv "
        f"({fitted_u:.3f} leads per 100); the third slider sets the value of a targeted read "
        f"(fitted: {fitted_t:.2f} leads per 100).",
        "<b>精准阅读计算器。</b>非精准阅读沿用从 content.csv 拟合出的线索率"
        f"（每 100 次 {fitted_u:.3f} 条）；第三个滑块设定一次精准阅读的价值"
        f"（拟合值：每 100 次 {fitted_t:.2f} 条）。"
    ))
    ui = widgets.VBox([note, reads, share, value, out])
    ui.sliders = {"reads": reads, "share": share, "value": value}
    ui.output = out
    return ui


# ---------------------------------------------------------------------------
# The two decision flows of A ToB Operator's Notes, drawn by the course
# ---------------------------------------------------------------------------

def decision_flow_diagram():
    """A two-panel matplotlib figure: C-side (one person decides) vs B-side (many roles)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6.4), gridspec_kw={"height_ratios": [1, 1.7]})

    def box(ax, x, y, w, h, text, colour, size=8.5):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                    fc=colour, ec="#333333", lw=1))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, wrap=True)

    def arrow(ax, x0, y0, x1, y1, colour="#333333", style="-|>"):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": style, "color": colour, "lw": 1.3})

    # C side: one person walks through every step
    steps = [t("Notices a need", "产生需求"), t("Searches and\ncompares", "搜索、比较"),
             t("Tries or buys\n(often on impulse)", "试用或购买\n（常常一时冲动）"),
             t("Uses the product", "使用产品"), t("Repurchases or\nrecommends", "复购或\n推荐给别人")]
    for i, s in enumerate(steps):
        box(top, 0.3 + i * 2.1, 0.55, 1.6, 0.9, s, "#fde7d9")
        if i:
            arrow(top, 0.3 + (i - 1) * 2.1 + 1.6, 1.0, 0.3 + i * 2.1, 1.0)
    top.text(5.35, 0.15, t("One person decides at every step: the user", "每一步都是同一个人拍板：用户自己"),
             ha="center", fontsize=9.5,
             color="#9c4221", weight="bold")
    top.set_title(t("C side: how an individual comes to use a product", "C 端：个人是怎样用上一个产品的"),
                  fontsize=11, loc="left")

    # B side: five roles, loops, and a company-specific order
    lanes = [(t("User", "使用方"), t("raises the need,\ntries the product", "提出需求，\n试用产品")),
             (t("Evaluator", "评估方"), t("tests it technically\nand professionally", "从技术和专业上\n做评估")),
             (t("Budget holder", "预算方"), t("checks cost: price +\nmaintenance + migration", "算成本：价格 +\n维护 + 迁移")),
             (t("Final decider", "拍板方"), t("makes the call", "最终拍板")),
             (t("Signer", "签字方"), t("signs the contract", "签署合同"))]
    xs = [0.3, 2.4, 4.5, 6.6, 8.7]
    for (role, what), x in zip(lanes, xs):
        box(bottom, x, 1.35, 1.7, 1.05, f"{role}\n{what}", "#dbe8f6", size=8)
    for x0, x1 in zip(xs[:-1], xs[1:]):
        arrow(bottom, x0 + 1.7, 1.95, x1, 1.95)
    # feedback loops: the order differs by company and steps repeat
    for x0, x1 in [(xs[1], xs[0]), (xs[3], xs[1]), (xs[2], xs[0])]:
        bottom.annotate("", xy=(x1 + 0.85, 2.42), xytext=(x0 + 0.85, 2.42),
                        arrowprops={"arrowstyle": "-|>", "color": "#718096", "lw": 1,
                                    "connectionstyle": "arc3,rad=0.22", "linestyle": "--"})
    bottom.text(5.35, 3.3, t("Loops back and forth; the order and the people differ at every company",
                             "来回反复；顺序和参与的人，每家公司都不一样"),
                ha="center", fontsize=8.5, color="#4a5568",
                style=t("italic", "normal"))  # the CJK font has no italic
    # what operations can reach
    box(bottom, 2.4, 0.05, 6.0, 0.7, t("Operations and sales: usually meet only some of these roles\n"
                                       "-> cannot close the order alone, but can help bring the sale about",
                                       "运营和销售：通常只见得到其中几个角色\n"
                                       "-> 单靠自己拿不下订单，但可以帮着促成销售"), "#e6f4ea", size=8.5)
    for x in (xs[0], xs[1]):
        arrow(bottom, 3.6 if x == xs[0] else 4.4, 0.75, x + 0.85, 1.35, colour="#2f855a")
    bottom.annotate("", xy=(xs[3] + 0.85, 1.35), xytext=(6.6, 0.75),
                    arrowprops={"arrowstyle": "-|>", "color": "#a0aec0", "lw": 1, "linestyle": ":"})
    bottom.text(8.75, 0.85, t("dotted = hard to reach", "点线 = 很难接触到"), fontsize=7.5, color="#718096")
    bottom.set_title(t("B side: how an enterprise comes to use a product (at least five roles)",
                       "B 端：企业是怎样用上一个产品的（至少五个角色）"), fontsize=11, loc="left")

    for ax, ymax in ((top, 1.75), (bottom, 3.5)):
        ax.set_xlim(0, 10.7)
        ax.set_ylim(0, ymax)
        ax.axis("off")
    fig.suptitle(t("Who decides? The two flows of A ToB Operator's Notes, drawn by the course from the text",
                   "谁来拍板？《一名ToB运营的心得》中的两种流程（本课程据原文重绘）"), fontsize=12, weight="bold")
    fig.tight_layout()
    return fig
