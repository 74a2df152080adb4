"""Lesson 08 (putting it together): the five-stage framework of *B-end Product Operations*,
the record-then-classify routine of *A ToB Operator's Notes*, seed users and the week-by-week
content plan.

Plain functions (testable without a browser)::

    STAGES                                   # the framework's five stages, in order
    lighthouse_win_rates(deals)              # win rate of closed deals with / without a lighthouse reference
    channel_revenue(deals)                   # won revenue and win rate by source channel
    renewal_by_trained(saas)                 # renewal rate of due contracts, trained vs not trained
    brand_trend(content)                     # monthly Baidu Index of the brand keyword
    placement_yield(content)                 # leads per 1,000 page views by content type
    ticket_pareto(tickets)                   # tickets per category, share and cumulative share (Pareto)
    top_share(tickets, k)                    # share of tickets in the k biggest categories
    routing_table(tickets)                   # category x route counts (record -> classify -> route)
    route_shares(tickets)                    # % routed to R&D, product, ops self-serve
    response_bands(tickets)                  # each account's median first response -> band
    renewal_by_response_band(tickets, saas)  # renewal rate of due contracts per response band
    seed_role_summary(seed_users)            # users, posts, shares, review reports, active % by role
    under_filled_roles(seed_users, min_share)
    touch_effect(seed_users)                 # active % with / without each small touch
    plan_gaps(content_plan)                  # empty weeks per persona
    format_mix(content_plan)                 # text / video / comics share per persona
    routing_rules(tickets)                   # the usual route(s) of each category in the record
    score_triage(ticket, category, route, rules)  # points and feedback for one triage answer

Widget builders (return an ipywidgets widget)::

    framework_navigator(data)   # ToggleButtons over the five stages, with a small live chart each
    ticket_triage(tickets)      # classify and route random tickets, scored against the key

and :func:`seed_role_diagram` draws the four seed-user roles (the Meilishuo ecosystem image of
*A ToB Operator's Notes* is missing from the source, so the course draws its own).

Every text a learner sees goes through :func:`tobops.content.lang.t`, so widgets and charts
follow the edition that ``setup()`` chose; the label tables (``CATEGORY_LABELS``,
``ROUTE_LABELS``, ``SEED_ROLE_LABELS``, ``TOUCHES``) answer in that language too. Keys and
values in the data stay English.
"""
from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd

from tobops.content.lang import t

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('framework_navigator', 'ticket_triage')

CLOSED_STAGES = ("won", "lost")


class Labels(Mapping):
    """Display labels for data keys, in the current edition's language.

    ``labels[key]`` is the English label, or the Chinese one after ``setup("zh")``;
    iteration and ``len`` go over the keys, as for a dict.
    """

    def __init__(self, en: dict[str, str], zh: dict[str, str]):
        assert set(en) == set(zh), "every label needs both languages"
        self.en, self.zh = dict(en), dict(zh)

    def __getitem__(self, key: str) -> str:
        return t(self.en[key], self.zh[key])

    def __iter__(self):
        return iter(self.en)

    def __len__(self) -> int:
        return len(self.en)

    def __repr__(self) -> str:
        return f"Labels({dict(self)!r})"

# ---------------------------------------------------------------------------
# The five stages of B-end Product Operations
# ---------------------------------------------------------------------------

STAGES: tuple[dict, ...] = (
    {
        "key": "channels",
        "label": "1 Open channels",
        "chinese": "打通渠道",
        "purpose": "Reach clients: find target clients and convert them into product clients. "
                   "The best operations make clients come to you.",
        "methods": ["depends on the company's market resources and its business staff's market work",
                    "channels directly affect sales revenue"],
        "course": "L6 sales operations; L7 conferences and partnerships; the external output system of "
                  "The Road to ToB Operations",
        "data": "deals.csv: won revenue and win rate by source_channel",
        "kpi": "won revenue per channel (CNY)",
        "label_zh": "1 打通渠道",
        "purpose_zh": "触达客户：找到目标客户，再把他们转化成产品的客户。最理想的运营，是让客户自己找过来。",
        "methods_zh": ["看公司手里有多少市场资源，以及商务同事在市场上怎么运作",
                       "渠道直接决定销售额"],
        "course_zh": "第 6 课 销售运营；第 7 课 会议与合作；《通往To B运营之路》里的对外输出体系",
        "data_zh": "deals.csv：按 source_channel 统计赢单收入和赢单率",
        "kpi_zh": "各渠道赢单收入（元）",
    },
    {
        "key": "service",
        "label": "2 Customer service",
        "chinese": "客户服务",
        "purpose": "Land the product quickly and turn its value into realised value; "
                   "main purpose: raise client satisfaction.",
        "methods": ["4 aspects: client training, solution implementation, exception response and handling, "
                    "later maintenance",
                    "for SaaS it also drives the renewal rate",
                    "special care for large and long-standing clients (acquisition cost is very high)",
                    "standardised processes: solution implementation, bug handling, later maintenance"],
        "course": "L4 after-sales and renewal; L6 training and visits; user operations from "
                  "A ToB Operator's Notes",
        "data": "saas_accounts.csv: renewal rate of due contracts, trained vs not trained",
        "kpi": "renewal rate (%), satisfaction (CSAT)",
        "label_zh": "2 客户服务",
        "purpose_zh": "帮产品尽快落地，把产品的价值变成客户实实在在拿到的价值；首要目的是提高客户满意度。",
        "methods_zh": ["四个方面：客户培训 / 方案实施 / 异常响应处理 / 后期维护",
                       "SaaS 产品的续费率也靠它",
                       "大客户和老客户要特别照顾（拿下一个客户的成本非常高）",
                       "标准化流程：方案实施、BUG 处理、后期维护"],
        "course_zh": "第 4 课 售后与续费；第 6 课 培训与拜访；《一名ToB运营的心得》里的用户运营",
        "data_zh": "saas_accounts.csv：到期合同的续费率，培训过与没培训过对比",
        "kpi_zh": "续费率（%）、满意度（CSAT）",
    },
    {
        "key": "brand",
        "label": "3 Brand building",
        "chinese": "品牌建立",
        "purpose": "Vouch for (背书) the product and shape its value: raise its influence.",
        "methods": ["next to channel resources, brand matters most when a B-side product expands",
                    "much of the value is hard to show until the product runs in the client's business",
                    "any brand that can vouch for the product is welcome"],
        "course": "L7 brand-building effect",
        "data": "content.csv: monthly Baidu Index of the brand keyword",
        "kpi": "brand search interest (Baidu Index)",
        "label_zh": "3 品牌建立",
        "purpose_zh": "替产品背书，塑造它的价值，让产品更有影响力。",
        "methods_zh": ["B 端产品开拓市场，除了渠道资源，最要紧的就是品牌",
                       "很多价值要等产品在客户业务里跑起来，客户才感受得到",
                       "任何能替产品作担保（背书）的品牌，客户都欢迎"],
        "course_zh": "第 7 课 品牌建设的效果",
        "data_zh": "content.csv：品牌关键词每月的百度指数",
        "kpi_zh": "品牌搜索热度（百度指数）",
    },
    {
        "key": "word_of_mouth",
        "label": "4 Word of mouth",
        "chinese": "口碑传播",
        "purpose": "Once clients recognise the value the product created, spread it as customer cases.",
        "methods": ["cases vouch for the product, like a brand does",
                    "lighthouse effect (灯塔效应): well-known companies, and a competitor's users, attract clients",
                    "only about two or three routes, the same ones competitors use",
                    "can greatly raise conversion rates"],
        "course": "L5 customer cases",
        "data": "deals.csv: win rate with vs without lighthouse_reference_used",
        "kpi": "win rate of closed deals (%)",
        "label_zh": "4 口碑传播",
        "purpose_zh": "客户认可了产品带来的价值之后，把它整理成客户案例传播出去。",
        "methods_zh": ["案例和品牌一样，都在为产品背书",
                       "灯塔效应：行业里的知名企业、竞争对手的用户，最能吸引客户",
                       "途径大约只有两三条，竞品走的也是这几条",
                       "能大幅提高转化率"],
        "course_zh": "第 5 课 客户案例",
        "data_zh": "deals.csv：用与没用灯塔案例（lighthouse_reference_used）的赢单率",
        "kpi_zh": "已结单商机的赢单率（%）",
    },
    {
        "key": "placement",
        "label": "5 Content placement",
        "chinese": "内容投放",
        "purpose": "Place content on public and social platforms: soft articles (软文) and paid ads.",
        "methods": ["for products that already have a client base",
                    "do client personas so placement is precise",
                    "limited value in fairly closed domains",
                    "plan the strategy in advance"],
        "course": "L7 content operations and SEM; L2 targeted reach",
        "data": "content.csv: leads per 1,000 page views by content type",
        "kpi": "leads per 1,000 page views",
        "label_zh": "5 内容投放",
        "purpose_zh": "在公开平台和社交平台上投放内容：说白了就是软文和付费广告。",
        "methods_zh": ["适合已经积累了一批客户的产品",
                       "先做好客户画像，投放才精准",
                       "在比较封闭的领域，作用有限",
                       "投放策略要提前规划"],
        "course_zh": "第 7 课 内容运营与 SEM；第 2 课 精准触达",
        "data_zh": "content.csv：各内容类型每千次浏览带来的线索数",
        "kpi_zh": "每千次浏览的线索数",
    },
)
STAGE_KEYS = tuple(s["key"] for s in STAGES)


def _text(stage: dict, field: str):
    """A stage's field in the current edition's language."""
    return t(stage[field], stage[f"{field}_zh"])


def _stage(key: str) -> dict:
    for s in STAGES:
        if s["key"] == key:
            return s
    raise KeyError(f"unknown stage {key!r}; use one of {list(STAGE_KEYS)}")


def closed_deals(deals: pd.DataFrame) -> pd.DataFrame:
    """Closed deals (stage won or lost) with a boolean ``won`` column."""
    out = deals[deals["stage"].isin(CLOSED_STAGES)].copy()
    out["won"] = out["stage"].eq("won")
    return out


def lighthouse_win_rates(deals: pd.DataFrame) -> pd.DataFrame:
    """Closed deals, wins and win rate (%) with and without a lighthouse reference.

    Index: ``False``, ``True`` (``lighthouse_reference_used``).
    """
    closed = closed_deals(deals)
    closed["lighthouse"] = closed["lighthouse_reference_used"].astype(bool)
    table = closed.groupby("lighthouse")["won"].agg(closed_deals="size", won="sum")
    table = table.reindex([False, True], fill_value=0)
    table["won"] = table["won"].astype(int)
    table["win_rate_pct"] = 100 * table["won"] / table["closed_deals"].replace(0, np.nan)
    return table


def channel_revenue(deals: pd.DataFrame) -> pd.DataFrame:
    """Won deals, won revenue (CNY) and win rate (%) per ``source_channel``, by revenue."""
    closed = closed_deals(deals)
    table = closed.groupby("source_channel", observed=True).agg(
        closed_deals=("won", "size"), won=("won", "sum"))
    table["won"] = table["won"].astype(int)
    revenue = closed[closed["won"]].groupby("source_channel", observed=True)["amount_cny"].sum()
    table["won_revenue_cny"] = revenue.reindex(table.index, fill_value=0).astype("int64")
    table["win_rate_pct"] = 100 * table["won"] / table["closed_deals"]
    return table.sort_values("won_revenue_cny", ascending=False)


def due_contracts(saas: pd.DataFrame) -> pd.DataFrame:
    """Rows of the SaaS panel where a renewal was due, with a boolean ``renewed``."""
    due = saas[saas["renewal_due"].astype(bool)].copy()
    due["renewed"] = due["renewed"].fillna(False).astype(bool)
    return due


def renewal_by_trained(saas: pd.DataFrame) -> pd.DataFrame:
    """Due contracts, renewals and renewal rate (%) for trained vs not-trained accounts."""
    due = due_contracts(saas)
    due["trained"] = due["trained"].astype(bool)
    table = due.groupby("trained")["renewed"].agg(due="size", renewed="sum")
    table = table.reindex([False, True], fill_value=0)
    table["renewed"] = table["renewed"].astype(int)
    table["renewal_rate_pct"] = 100 * table["renewed"] / table["due"].replace(0, np.nan)
    return table


def brand_trend(content: pd.DataFrame) -> pd.Series:
    """Mean Baidu Index of the brand keyword per publishing month (index: ``YYYY-MM`` strings)."""
    month = pd.to_datetime(content["publish_date"]).dt.strftime("%Y-%m")
    return content.groupby(month)["baidu_index"].mean().rename("baidu_index").sort_index()


def placement_yield(content: pd.DataFrame) -> pd.DataFrame:
    """Page views, leads and leads per 1,000 page views per ``content_type``, best first."""
    table = content.groupby("content_type", observed=True).agg(pv=("pv", "sum"), leads=("leads", "sum"))
    table["leads_per_1000_pv"] = 1000 * table["leads"] / table["pv"]
    return table.sort_values("leads_per_1000_pv", ascending=False)


# ---------------------------------------------------------------------------
# Record -> classify -> route (A ToB Operator's Notes, user operations A2)
# ---------------------------------------------------------------------------

CATEGORIES = ("how_to", "fault", "misuse_feature_request", "implementation", "maintenance")
CATEGORY_LABELS = Labels({
    "how_to": "How-to question",
    "fault": "Software fault",
    "misuse_feature_request": "Misuse raised as a feature request",
    "implementation": "Implementation",
    "maintenance": "Maintenance",
}, {
    "how_to": "使用咨询",
    "fault": "软件故障",
    "misuse_feature_request": "用错了却当需求提",
    "implementation": "方案实施",
    "maintenance": "后期维护",
})
ROUTES = ("rnd", "product", "ops_self_serve")
ROUTE_LABELS = Labels({"rnd": "R&D", "product": "Product", "ops_self_serve": "Ops self-serve (tutorial)"},
                      {"rnd": "研发", "product": "产品", "ops_self_serve": "运营自己解决（发教程）"})


def ticket_pareto(tickets: pd.DataFrame) -> pd.DataFrame:
    """Tickets per category, biggest first, with share and cumulative share (%)."""
    counts = tickets["category"].value_counts()
    counts = counts.sort_values(ascending=False, kind="stable")
    table = counts.rename("tickets").to_frame()
    table.index.name = "category"
    table["share_pct"] = 100 * table["tickets"] / table["tickets"].sum()
    table["cum_share_pct"] = table["share_pct"].cumsum()
    return table


def top_share(tickets: pd.DataFrame, k: int = 2) -> float:
    """Share (0-1) of all tickets that fall in the ``k`` biggest categories."""
    if k < 1:
        raise ValueError("k must be at least 1")
    counts = tickets["category"].value_counts()
    return float(counts.nlargest(k).sum() / counts.sum())


def routing_table(tickets: pd.DataFrame) -> pd.DataFrame:
    """Ticket counts by category (rows, Pareto order) and route (columns), with totals."""
    order = ticket_pareto(tickets).index
    table = pd.crosstab(tickets["category"], tickets["routed_to"])
    table = table.reindex(index=order, columns=[r for r in ROUTES if r in table.columns], fill_value=0)
    table["total"] = table.sum(axis=1)
    return table


def route_shares(tickets: pd.DataFrame) -> pd.Series:
    """Share (%) of all tickets routed to each destination, in ``ROUTES`` order."""
    share = 100 * tickets["routed_to"].value_counts(normalize=True)
    return share.reindex(list(ROUTES), fill_value=0.0).rename("share_pct")


RESPONSE_BANDS = ("<= 30 min", "31-120 min", "> 120 min")


def response_band(minutes: pd.Series) -> pd.Series:
    """Put first-response times (minutes) into the three bands of ``RESPONSE_BANDS``."""
    cut = pd.cut(minutes, bins=[-np.inf, 30, 120, np.inf], labels=list(RESPONSE_BANDS))
    return cut


def response_bands(tickets: pd.DataFrame) -> pd.DataFrame:
    """Per account: tickets, median first response (min) and its band."""
    per = tickets.groupby("account_id").agg(tickets=("ticket_id", "size"),
                                             median_first_response_min=("first_response_min", "median"))
    per["response_band"] = response_band(per["median_first_response_min"])
    return per


def renewal_by_response_band(tickets: pd.DataFrame, saas: pd.DataFrame) -> pd.DataFrame:
    """Renewal rate (%) of due contracts, by the account's median first-response band.

    Accounts come from the tickets (their median ``first_response_min`` over all their
    tickets); the due contracts come from the SaaS panel. Accounts with no tickets are left out.
    """
    bands = response_bands(tickets)["response_band"]
    due = due_contracts(saas)
    due = due[due["account_id"].isin(bands.index)].copy()
    due["response_band"] = pd.Categorical(due["account_id"].map(bands), categories=list(RESPONSE_BANDS))
    table = due.groupby("response_band", observed=False)["renewed"].agg(due="size", renewed="sum")
    table["renewed"] = table["renewed"].astype(int)
    table["accounts"] = due.groupby("response_band", observed=False)["account_id"].nunique()
    table["renewal_rate_pct"] = 100 * table["renewed"] / table["due"].replace(0, np.nan)
    return table[["accounts", "due", "renewed", "renewal_rate_pct"]]


# ---------------------------------------------------------------------------
# Seed users (A ToB Operator's Notes, user operations A3)
# ---------------------------------------------------------------------------

SEED_ROLES = ("brand_spokesperson", "content_creator", "content_sharer", "content_consumer")
SEED_ROLE_LABELS = Labels({
    "brand_spokesperson": "Brand spokespeople",
    "content_creator": "Content creators",
    "content_sharer": "Content sharers / disseminators",
    "content_consumer": "Content consumers",
}, {
    "brand_spokesperson": "品牌代言人",
    "content_creator": "内容创造者",
    "content_sharer": "内容分享者 / 传播者",
    "content_consumer": "内容消费者",
})


def seed_role_summary(seed_users: pd.DataFrame) -> pd.DataFrame:
    """Per seed role (in the article's order): users, share of users (%), posts, shares,
    review reports and the share (%) active in the last 90 days."""
    g = seed_users.groupby("seed_role", observed=True)
    table = g.agg(users=("user_id", "size"), posts_created=("posts_created", "sum"), shares=("shares", "sum"),
                  review_reports=("review_reports_submitted", "sum"))
    table["active_pct"] = 100 * g["active_last_90d"].mean()
    table = table.reindex(list(SEED_ROLES), fill_value=0)
    table["user_share_pct"] = 100 * table["users"] / table["users"].sum()
    return table[["users", "user_share_pct", "posts_created", "shares", "review_reports", "active_pct"]]


def under_filled_roles(seed_users: pd.DataFrame, min_share: float = 0.15) -> list[str]:
    """Roles holding less than ``min_share`` (0-1) of all seed users, in role order.

    An even spread over four roles would be 25% each; the default flags any role with
    under 15%.
    """
    summary = seed_role_summary(seed_users)
    return [r for r in SEED_ROLES if summary.loc[r, "user_share_pct"] < 100 * min_share]


TOUCHES = Labels({
    "gift": "Got a small gift",
    "early_access": "Had early access",
    "review_followed_up": "Review followed up",
}, {
    "gift": "收到过小礼物",
    "early_access": "享有抢先体验",
    "review_followed_up": "测评报告有跟进",
})


def touch_effect(seed_users: pd.DataFrame) -> pd.DataFrame:
    """Share (%) active in the last 90 days with and without each of the article's small touches.

    ``gift`` means ``gifts_received > 0``; ``review_followed_up`` only counts users who
    submitted at least one review report.
    """
    active = seed_users["active_last_90d"].astype(bool)
    flags = {
        "gift": seed_users["gifts_received"] > 0,
        "early_access": seed_users["early_access"].astype(bool),
        "review_followed_up": seed_users["review_followed_up"].astype(bool),
    }
    rows = []
    for key, flag in flags.items():
        base = seed_users["review_reports_submitted"] > 0 if key == "review_followed_up" else pd.Series(
            True, index=seed_users.index)
        yes, no = flag & base, ~flag & base
        rows.append({"touch": key, "users_with": int(yes.sum()), "users_without": int(no.sum()),
                     "active_with_pct": 100 * active[yes].mean() if yes.any() else np.nan,
                     "active_without_pct": 100 * active[no].mean() if no.any() else np.nan})
    table = pd.DataFrame(rows).set_index("touch")
    table["lift_points"] = table["active_with_pct"] - table["active_without_pct"]
    return table


# ---------------------------------------------------------------------------
# The week-by-week content plan (A ToB Operator's Notes, content operations B2)
# ---------------------------------------------------------------------------

PERSONAS = ("decision_maker", "admin", "business_user")
FORMATS = ("text", "video", "comics")


def _empty(plan: pd.DataFrame) -> pd.Series:
    topic = plan["planned_topic"]
    return topic.isna() | topic.astype("string").str.strip().eq("").fillna(False)


def plan_gaps(content_plan: pd.DataFrame) -> pd.DataFrame:
    """Per persona: planned weeks, empty weeks (no planned topic) and the empty share (%)."""
    plan = content_plan.assign(empty=_empty(content_plan))
    table = plan.groupby("persona", observed=True)["empty"].agg(weeks="size", empty_weeks="sum")
    table = table.reindex([p for p in PERSONAS if p in table.index])
    table["empty_weeks"] = table["empty_weeks"].astype(int)
    table["empty_pct"] = 100 * table["empty_weeks"] / table["weeks"]
    return table


def empty_grid(content_plan: pd.DataFrame) -> pd.DataFrame:
    """A persona x week grid of booleans: True where the week has no planned topic."""
    plan = content_plan.assign(empty=_empty(content_plan))
    grid = plan.pivot_table(index="persona", columns="week", values="empty", aggfunc="max")
    return grid.reindex([p for p in PERSONAS if p in grid.index]).astype(bool)


def format_mix(content_plan: pd.DataFrame) -> pd.DataFrame:
    """Share (%) of filled weeks in each format (text / video / comics) per persona."""
    filled = content_plan[~_empty(content_plan)]
    mix = pd.crosstab(filled["persona"], filled["format"], normalize="index") * 100
    mix = mix.reindex(index=[p for p in PERSONAS if p in mix.index],
                      columns=[f for f in FORMATS if f in mix.columns], fill_value=0.0)
    return mix


# ---------------------------------------------------------------------------
# Small stage charts and the framework navigator
# ---------------------------------------------------------------------------

def stage_chart(key: str, data: dict, ax) -> None:
    """Draw the small chart of one framework stage onto ``ax``.

    ``data`` holds the course tables the charts need: ``deals``, ``saas_accounts`` and
    ``content``.
    """
    _stage(key)
    if key == "channels":
        table = channel_revenue(data["deals"])
        ax.barh(table.index.astype(str)[::-1], table["won_revenue_cny"].to_numpy()[::-1] / 1e6, color="#4c78a8")
        ax.set_xlabel(t("Won revenue (million CNY)", "赢单收入（百万元）"))
        ax.set_ylabel(t("Source channel", "来源渠道"))
        ax.set_title(t("Open channels: won revenue by source channel", "打通渠道：各来源渠道的赢单收入"))
    elif key == "service":
        table = renewal_by_trained(data["saas_accounts"])
        labels = [t("Not trained", "没培训过"), t("Trained", "培训过")]
        bars = ax.bar(labels, table["renewal_rate_pct"].to_numpy(), color=["#e45756", "#54a24b"])
        ax.bar_label(bars, fmt="%.1f%%")
        ax.set_ylim(0, 100)
        ax.set_xlabel(t("Client training (service aspect 1)", "客户培训（客户服务的第 1 个方面）"))
        ax.set_ylabel(t("Renewal rate of due contracts (%)", "到期合同的续费率（%）"))
        ax.set_title(t("Customer service: training and SaaS renewal", "客户服务：培训与 SaaS 续费"))
    elif key == "brand":
        s = brand_trend(data["content"])
        ax.plot(s.index, s.to_numpy(), marker="o", color="#f58518")
        ax.set_xticks(range(0, len(s), max(1, len(s) // 8)))
        ax.tick_params(axis="x", labelrotation=45)
        ax.set_xlabel(t("Month", "月份"))
        ax.set_ylabel(t("Baidu Index (search interest, index)", "百度指数（搜索热度，指数）"))
        ax.set_title(t("Brand building: brand-keyword search interest", "品牌建立：品牌关键词的搜索热度"))
    elif key == "word_of_mouth":
        table = lighthouse_win_rates(data["deals"])
        bars = ax.bar([t("No lighthouse reference", "没用灯塔案例"), t("Lighthouse reference used", "用了灯塔案例")],
                      table["win_rate_pct"].to_numpy(), color=["#bab0ac", "#4c78a8"])
        ax.bar_label(bars, fmt="%.1f%%")
        ax.set_ylim(0, max(60.0, float(np.nanmax(table["win_rate_pct"])) + 10))
        ax.set_xlabel(t("Deal used a lighthouse case (lighthouse_reference_used)",
                        "商机是否用了灯塔案例（lighthouse_reference_used）"))
        ax.set_ylabel(t("Win rate of closed deals (%)", "已结单商机的赢单率（%）"))
        ax.set_title(t("Word of mouth: the lighthouse effect", "口碑传播：灯塔效应"))
    elif key == "placement":
        table = placement_yield(data["content"])
        ax.barh(table.index.astype(str)[::-1], table["leads_per_1000_pv"].to_numpy()[::-1], color="#72b7b2")
        ax.set_xlabel(t("Leads per 1,000 page views", "每千次浏览带来的线索数"))
        ax.set_ylabel(t("Content type", "内容类型"))
        ax.set_title(t("Content placement: leads per 1,000 page views", "内容投放：每千次浏览带来的线索"))


def _stage_html(key: str) -> str:
    s = _stage(key)
    items = "".join(f"<li>{html.escape(m)}</li>" for m in _text(s, "methods"))
    heading = t(f"{html.escape(s['label'])} ({s['chinese']})", html.escape(s["label_zh"]))
    return (
        f"<h4 style='margin:0.3em 0'>{heading}</h4>"
        f"<div><b>{t('Purpose:', '作用：')}</b> {html.escape(_text(s, 'purpose'))}</div>"
        f"<div><b>{t('<i>B-end Product Operations</i> says:', '《B端产品运营》的要点：')}</b>"
        f"<ul style='margin:0.2em 0'>{items}</ul></div>"
        f"<div><b>{t('Course material:', '课程中对应的内容：')}</b> {html.escape(_text(s, 'course'))}</div>"
        f"<div><b>{t('Dataset and KPI:', '数据与指标：')}</b> {html.escape(_text(s, 'data'))} &rarr; "
        f"{html.escape(_text(s, 'kpi'))}</div>"
    )


def load_framework_data() -> dict:
    from tobops.content.datasets import load
    return {"deals": load("deals"), "saas_accounts": load("saas_accounts"), "content": load("content")}


def framework_navigator(data: dict | None = None) -> widgets.Widget:
    """A clickable strip of the five stages; shows purpose, methods, course material,
    dataset/KPI and a small live chart for the selected stage."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    data = load_framework_data() if data is None else data
    buttons = widgets.ToggleButtons(options=[(_text(s, "label"), s["key"]) for s in STAGES], value="word_of_mouth",
                                    style={"button_width": "150px"})
    text = widgets.HTML(layout={"width": "430px"})
    chart = widgets.Output(layout={"min_height": "300px"})

    def update(_=None):
        key = buttons.value
        text.value = _stage_html(key)
        chart.clear_output(wait=True)
        with chart:
            fig, ax = plt.subplots(figsize=(6.5, 3.4))
            stage_chart(key, data, ax)
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    buttons.observe(update, names="value")
    update()
    title = widgets.HTML(t("<b>Framework navigator.</b> Click a stage of the framework in <i>B-end Product "
                           "Operations</i>. The stages are not a strict chain: they reinforce each other.",
                           "<b>框架导航。</b>点一下《B端产品运营》框架里的某个环节。"
                           "各环节不是一环扣一环的死链条，而是彼此助力。"))
    ui = widgets.VBox([title, buttons, widgets.HBox([text, chart])])
    ui.buttons, ui.text, ui.chart = buttons, text, chart
    return ui


# ---------------------------------------------------------------------------
# Ticket triage
# ---------------------------------------------------------------------------

def routing_rules(tickets: pd.DataFrame, min_share: float = 1 / 3) -> dict[str, dict[str, float]]:
    """The team's routing practice, read from the record: for each category, the routes
    that took at least ``min_share`` (0-1) of its tickets, with their shares (0-1), biggest first.

    The record routes the same kind of ticket differently now and then (a fault that ops
    could fix with a known workaround, say), so the triage key accepts every route the team
    commonly uses for the category.
    """
    shares = pd.crosstab(tickets["category"], tickets["routed_to"], normalize="index")
    rules = {}
    for cat, row in shares.iterrows():
        row = row[row >= min_share].sort_values(ascending=False)
        if row.empty:  # pragma: no cover - only with min_share > 1/len(ROUTES) and a flat split
            row = shares.loc[cat].nlargest(1)
        rules[cat] = {route: float(v) for route, v in row.items()}
    return rules


def score_triage(ticket, category: str | None, route: str | None,
                 rules: dict[str, dict[str, float]] | None = None) -> tuple[int, str]:
    """Points (0-2) and feedback for classifying and routing one ticket.

    ``ticket`` is a row (Series or dict) with ``category`` and ``routed_to``. The category
    must equal the ticket's; the route must be one of the category's usual routes in
    ``rules`` (see :func:`routing_rules`), or, without rules, the ticket's own route.
    """
    if category not in CATEGORIES or route not in ROUTES:
        return 0, t("Pick a category and a route first.", "请先选好类别和去向。")
    key_cat = ticket["category"]
    accepted = rules.get(key_cat, {}) if rules is not None else {ticket["routed_to"]: 1.0}
    right_cat = category == key_cat
    right_route = route in accepted
    usual = t(" or ", " 或 ").join(
        ROUTE_LABELS[r] + (t(f" ({100 * v:.0f}% of them)", f"（占 {100 * v:.0f}%）") if rules is not None else "")
        for r, v in accepted.items())
    cat = CATEGORY_LABELS[key_cat]
    parts = [
        t("Category right.", "类别对了。") if right_cat else
        t(f"Category: the record says {cat}.", f"类别：记录上写的是“{cat}”。"),
        (t(f"Route right: {cat} tickets go to {usual}.", f"去向对了：“{cat}”类工单交给{usual}。") if right_route else
         t(f"Route: {cat} tickets go to {usual}.", f"去向：“{cat}”类工单通常交给{usual}。")),
    ]
    if rules is not None:
        went = ROUTE_LABELS[ticket["routed_to"]]
        parts.append(t(f"This ticket went to {went}.", f"这张工单实际交给了{went}。"))
    return int(right_cat) + int(right_route), t(" ", "").join(parts)


def ticket_triage(tickets: pd.DataFrame | None = None, seed: int = 8) -> widgets.Widget:
    """Shows a random ticket; the learner picks a category and a route and is scored."""
    if tickets is None:
        from tobops.content.datasets import load
        tickets = load("tickets")
    rng = np.random.default_rng(seed)
    rules = routing_rules(tickets)
    state = {"row": None, "checked": False, "points": 0, "possible": 0}
    ticket_box = widgets.HTML()
    choose = t("(choose)", "（请选择）")
    category = widgets.Dropdown(options=[(choose, None)] + [(CATEGORY_LABELS[c], c) for c in CATEGORIES],
                                value=None, description=t("Category", "类别"), style={"description_width": "80px"},
                                layout={"width": "380px"})
    route = widgets.Dropdown(options=[(choose, None)] + [(ROUTE_LABELS[r], r) for r in ROUTES],
                             value=None, description=t("Route to", "交给"), style={"description_width": "80px"},
                             layout={"width": "380px"})
    check = widgets.Button(description=t("Check", "检查"), button_style="primary")
    nxt = widgets.Button(description=t("Next ticket", "下一张工单"))
    feedback = widgets.HTML()
    score = widgets.HTML()

    def show_score():
        score.value = t("Score: ", "得分：") + f"<b>{state['points']}</b> / {state['possible']}"

    def new_ticket(_=None):
        row = tickets.iloc[int(rng.integers(len(tickets)))]
        state["row"], state["checked"] = row, False
        extra = []
        if "channel" in row:
            extra.append(t("channel: ", "渠道：") + str(row["channel"]))
        ticket_box.value = (f"<div style='padding:6px;border:1px solid #ccc;border-radius:4px'>"
                            f"<b>{html.escape(str(row['ticket_id']))}</b> ({html.escape(', '.join(extra))}): "
                            f"&ldquo;{html.escape(str(row['ticket_text']))}&rdquo;</div>")
        category.value, route.value = None, None
        feedback.value = ""
        show_score()

    def on_check(_=None):
        pts, msg = score_triage(state["row"], category.value, route.value, rules)
        if category.value is None or route.value is None:
            feedback.value = f"<span style='color:#b35900'>{html.escape(msg)}</span>"
            return
        if not state["checked"]:
            state["points"] += pts
            state["possible"] += 2
            state["checked"] = True
        colour = "#1a7f37" if pts == 2 else "#b35900"
        feedback.value = f"<span style='color:{colour}'>{pts}/2{t('. ', ' 分。')}{html.escape(msg)}</span>"
        show_score()

    check.on_click(on_check)
    nxt.on_click(new_ticket)
    new_ticket()
    title = widgets.HTML(t("<b>Ticket triage.</b> Record, classify, route: pick the category and where the "
                           "ticket should go, then press Check. Only your first check of a ticket counts.",
                           "<b>工单分诊。</b>记录、分类、分流：选出这张工单属于哪一类、该交给谁，然后点“检查”。"
                           "每张工单只算第一次检查的分数。（工单原文是英文。）"))
    ui = widgets.VBox([title, ticket_box, category, route, widgets.HBox([check, nxt, score]), feedback])
    ui.category, ui.route, ui.check, ui.next, ui.feedback, ui.score, ui.state = (
        category, route, check, nxt, feedback, score, state)
    ui.rules = rules
    return ui


# ---------------------------------------------------------------------------
# The four seed-user roles, drawn by the course
# ---------------------------------------------------------------------------

def seed_role_diagram(counts: dict | None = None):
    """A matplotlib figure of the four seed-user roles of *A ToB Operator's Notes* and how content flows
    between them (optionally labelled with head counts)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(10, 5.2))
    boxes = {
        "brand_spokesperson": (0.4, 3.3, t("Brand spokespeople", "品牌代言人"),
                               t("speak for the product in public;\nlend it trust (endorsement)",
                                 "在公开场合替产品说话，\n为它带来信任（背书）")),
        "content_creator": (3.9, 3.3, t("Content creators", "内容创造者"),
                            t("write reviews, tips, cases", "写测评、技巧、案例")),
        "content_sharer": (7.4, 3.3, t("Content sharers /\ndisseminators", "内容分享者 /\n传播者"),
                           t("pass content on to\ntheir networks", "把内容转给\n自己的人脉")),
        "content_consumer": (3.9, 0.5, t("Content consumers", "内容消费者"),
                             t("read and use the content;\nthe widest group", "阅读、使用这些内容，\n人数最多的一群")),
    }
    w, h = 2.9, 1.5
    colours = {"brand_spokesperson": "#fde7d9", "content_creator": "#dbe8f6", "content_sharer": "#e6f4ea",
               "content_consumer": "#f3e8fd"}
    centre = {}
    for key, (x, y, name, what) in boxes.items():
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.03,rounding_size=0.1",
                                    fc=colours[key], ec="#333333", lw=1.1))
        label = name if counts is None else name + t(f" (n={counts.get(key, 0)})", f"（{counts.get(key, 0)} 人）")
        ax.text(x + w / 2, y + h * 0.68, label, ha="center", va="center", fontsize=10, weight="bold")
        ax.text(x + w / 2, y + h * 0.28, what, ha="center", va="center", fontsize=8.5)
        centre[key] = (x + w / 2, y + h / 2)

    def arrow(a, b, text, rad=0.0, dy=0.0, dx=0.0, ha="center"):
        (x0, y0), (x1, y1) = a, b
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "-|>", "lw": 1.3, "color": "#444444",
                                "connectionstyle": f"arc3,rad={rad}", "shrinkA": 8, "shrinkB": 8})
        ax.text((x0 + x1) / 2 + dx, (y0 + y1) / 2 + dy, text, ha=ha, fontsize=8, color="#444444",
                bbox={"fc": "white", "ec": "none", "pad": 1})

    arrow((1.85, 3.3), (3.9, 1.25), t("vouch for the product", "为产品背书"), rad=0.15)
    arrow((6.8, 4.05), (7.4, 4.05), t("content", "内容"), dy=0.15)
    arrow((8.85, 3.3), (6.8, 1.25), t("spread to", "传播给"), rad=-0.15)
    arrow((5.1, 3.3), (5.1, 2.0), t("publish", "发布"), dx=-0.1, ha="right")
    arrow((5.6, 2.0), (5.6, 3.3), t("some start creating", "有人开始创作"), dx=0.1, ha="left")
    ax.text(5.35, 5.3, t("Operations recruits each type on purpose (users do not arrive on their own), "
                         "gives every role its job,\nand keeps them going with an incentive system and small touches: "
                         "gifts, early access, followed-up reviews\n"
                         "(arrows: the course's reading of how content flows)",
                         "每一类用户都要运营主动去找（用户不会自己冒出来），给每个角色派好活，\n"
                         "再靠激励体系和小心意让他们持续参与：小礼物、抢先体验、测评报告有跟进\n"
                         "（箭头：课程对内容流向的理解）"),
            ha="center", fontsize=8.5, style=t("italic", "normal"),  # the CJK font has no italic
            color="#4a5568")
    ax.set_xlim(0, 10.7)
    ax.set_ylim(0, 5.9)
    ax.axis("off")
    ax.set_title(t("The four seed-user roles (drawn by the course from A ToB Operator's Notes)",
                   "种子用户的四类角色（课程根据《一名ToB运营的心得》绘制）"), fontsize=12, weight="bold")
    fig.tight_layout()
    return fig
