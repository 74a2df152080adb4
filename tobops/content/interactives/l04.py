"""Lesson 04 (own business and the client's): "how the money comes back" helpers, the
"save money or make money?" classifier with the four-facts checklist, and the cash
break-even calculator.

Plain functions (testable without a browser)::

    won_by_model(deals)                         # won deals per deal_model: medians, same-day share
    renewal_rates(saas, by)                     # renewal rate (renewed / due) per group
    ticket_quartiles(saas)                      # each account's mean tickets per month -> quartile Q1..Q4
    renewal_by_ticket_quartile(saas)            # renewal rate per ticket quartile
    account_model(deals)                        # account_id -> deal_model
    client_accounts(deals, saas, tickets)       # accounts that are clients
    tickets_per_account(tickets, deals, saas)   # tickets per client account by deal model
    classify(product, department)               # save / make / both, with reasons
    facts_status(answers)                       # how many of the four client facts are filled in
    cash_curves(monthly_price, renewal_prob, months, one_off_quote, after_sales_per_year=0)
    break_even_month(curves)                    # month from which SaaS cash stays >= one-off (or None)

Widget builders (return an ipywidgets widget)::

    save_or_make()      # two tabs: the classifier + checklist, and the cash break-even plot

Every text a trainee sees comes in both editions: ``t("English", "中文")`` at the moment it
is shown, and the labels below (``MODEL_LABELS``, ``SIZE_LABELS``, ``DEPARTMENTS``,
``PRODUCTS``, ``VERDICT_TEXT``, ``FACTS``) hand out the current edition's text on access,
so they follow :func:`tobops.content.lang.setup`. Keys and values stay English.
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np
import pandas as pd

from tobops.content.lang import t

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('save_or_make',)


class _Bi(NamedTuple):
    """A text in both editions."""
    en: str
    zh: str


def _s(value):
    """A bilingual text in the current edition's language; anything else unchanged."""
    return t(value.en, value.zh) if isinstance(value, _Bi) else value


class _Texts(Mapping):
    """A read-only mapping whose bilingual values come out in the current edition's language."""

    def __init__(self, data: dict):
        self._data = dict(data)

    def __getitem__(self, key):
        return _s(self._data[key])

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


class _Pairs(Sequence):
    """A tuple of (key, text) pairs whose texts come out in the current edition's language."""

    def __init__(self, pairs):
        self._pairs = tuple(pairs)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple((k, _s(v)) for k, v in self._pairs[i])
        k, v = self._pairs[i]
        return (k, _s(v))

    def __len__(self):
        return len(self._pairs)


#: short titles of the articles the widget cites (tobops/content/data/sources.toml)
ROAD = _Bi("The Road to ToB Operations", "《通往To B运营之路》")
TWO_HANDS = _Bi("The Two Hands of ToB Operations", "《ToB运营的两只手》")
SYNTHESIS = _Bi("course synthesis", "课程补充")

MODELS = ("project_one_off", "saas_subscription")
MODEL_LABELS = _Texts({"project_one_off": _Bi("One-off project (一锤子买卖)", "一次性项目（一锤子买卖）"),
                       "saas_subscription": _Bi("SaaS subscription", "SaaS 订阅")})
SIZES = ("small_b", "mid", "large")
SIZE_LABELS = _Texts({"small_b": _Bi("small B", "小B客户"), "mid": _Bi("mid-size", "中型客户"),
                      "large": _Bi("large", "大客户")})

# ---------------------------------------------------------------------------
# "How the money comes back": data helpers
# ---------------------------------------------------------------------------


def won_by_model(deals: pd.DataFrame) -> pd.DataFrame:
    """Won deals per ``deal_model``: count, median amount, median cycle, % closed the same day."""
    won = deals[deals["stage"].eq("won")]
    table = won.groupby("deal_model").agg(
        won_deals=("deal_id", "size"),
        median_amount_cny=("amount_cny", "median"),
        median_cycle_days=("cycle_days", "median"),
        same_day_pct=("cycle_days", lambda s: 100 * float((s == 0).mean())),
    )
    return table.reindex([m for m in MODELS if m in table.index])


def renewal_rates(saas: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Renewal rate among contract months that were due, per group.

    Only rows with ``renewal_due`` count; rate = renewed / due, in percent.
    """
    due = saas[saas["renewal_due"].astype(bool)]
    table = due.groupby(by, observed=True)["renewed"].agg(due="size", renewed="sum")
    table["renewed"] = table["renewed"].astype(int)
    table["renewal_rate_pct"] = 100 * table["renewed"] / table["due"]
    if by == "client_size":
        table = table.reindex([s for s in SIZES if s in table.index])
    return table


def ticket_quartiles(saas: pd.DataFrame) -> pd.Series:
    """Each account's mean tickets opened per month, cut into quartiles Q1 (fewest) .. Q4 (most)."""
    per_account = saas.groupby("account_id")["tickets_opened"].mean()
    ranks = per_account.rank(method="first")
    labels = [t("Q1 (fewest)", "Q1（最少）"), "Q2", "Q3", t("Q4 (most)", "Q4（最多）")]
    return pd.qcut(ranks, 4, labels=labels).rename("ticket_quartile")


def renewal_by_ticket_quartile(saas: pd.DataFrame) -> pd.DataFrame:
    """Renewal rate (%) per quartile of the account's mean monthly tickets, with the quartile's ticket range."""
    quart = ticket_quartiles(saas)
    per_account = saas.groupby("account_id")["tickets_opened"].mean()
    with_q = saas.assign(ticket_quartile=saas["account_id"].map(quart))
    table = renewal_rates(with_q, "ticket_quartile")
    spans = per_account.groupby(quart, observed=True).agg(["min", "max"])
    table["tickets_per_month_from"] = spans["min"].round(1)
    table["tickets_per_month_to"] = spans["max"].round(1)
    return table


def account_model(deals: pd.DataFrame) -> pd.Series:
    """account_id -> deal_model.  An account buys under one model in the course data; should an
    account have deals under both, the model of most of its deals wins (ties go to SaaS)."""
    counts = deals.groupby(["account_id", "deal_model"]).size().unstack(fill_value=0)
    for m in MODELS:
        if m not in counts:
            counts[m] = 0
    return pd.Series(
        np.where(counts["saas_subscription"] >= counts["project_one_off"], "saas_subscription", "project_one_off"),
        index=counts.index, name="deal_model",
    )


def client_accounts(deals: pd.DataFrame, saas: pd.DataFrame | None = None,
                    tickets: pd.DataFrame | None = None) -> pd.Index:
    """Accounts that are clients: a won deal in D1, a row in the SaaS panel D3, or a support ticket."""
    ids = set(deals.loc[deals["stage"].eq("won"), "account_id"])
    if saas is not None:
        ids |= set(saas["account_id"])
    if tickets is not None:
        ids |= set(tickets["account_id"])
    return pd.Index(sorted(ids), name="account_id")


def tickets_per_account(tickets: pd.DataFrame, deals: pd.DataFrame, saas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Support tickets per client account (zero-ticket clients included), by the account's deal model."""
    clients = client_accounts(deals, saas, tickets)
    accounts = pd.DataFrame({"deal_model": account_model(deals).reindex(clients)}, index=clients)
    accounts["tickets"] = tickets.groupby("account_id").size().reindex(clients, fill_value=0).astype(int)
    table = accounts.groupby("deal_model")["tickets"].agg(
        accounts="size", total_tickets="sum", tickets_per_account="mean", median_tickets="median")
    return table.reindex([m for m in MODELS if m in table.index])


# ---------------------------------------------------------------------------
# "Save money or make money?"
# ---------------------------------------------------------------------------

DEPARTMENTS = _Texts({
    "revenue": _Bi("Revenue department (sales, marketing, business lines)",
                   "营收部门（销售、市场、各业务线）"),
    "cost": _Bi("Cost department (费用部门: customer service, admin, back office)",
                "费用部门（客服、行政、后台支持）"),
    "it": _Bi("IT / security department", "IT / 安全部门"),
})

#: the department's short name, as used inside a sentence
DEPARTMENT_SHORT = _Texts({
    "revenue": _Bi("revenue department", "营收部门"),
    "cost": _Bi("cost department", "费用部门"),
    "it": _Bi("IT / security department", "IT / 安全部门"),
})

# verdict: save / make / both.  "src" says where the reasoning comes from (an article's short
# title, or the course's own synthesis).
PRODUCTS: dict[str, _Texts] = {
    "crm": _Texts({
        "label": _Bi("CRM system", "CRM 系统"),
        "noun": _Bi("a CRM system", "CRM 系统"),
        "verdict": "make",
        "home": ("revenue",),
        "src": SYNTHESIS,  # the article describes CRM; it does not call it "make money"
        "why": _Bi("The Road to ToB Operations: it organises processes and customer resources for the "
                   "departments that bring in revenue, and it is close to a must-have (刚需): the demand never "
                   "goes away, so competition is fierce and it comes down to how each vendor plays. "
                   "[course synthesis] Because its value lands where revenue is made, the course reads it as "
                   "'make money'.",
                   "《通往To B运营之路》的描述：它帮创收的部门理顺流程、管好客户资源，几乎算得上刚需："
                   "这份需求一直都在，所以厂商之间竞争激烈，最后拼的是各家的打法。"
                   "【课程补充】它的价值落在创造收入的地方，所以本课程把它归为“挣钱”。"),
        "compare": _Bi("How much more revenue the sales team closes with it.",
                       "用了它之后，销售团队能多拿下多少收入。"),
        "add_other": _Bi("[course synthesis] Add the save-money side: show the hours of manual reporting per rep "
                         "it removes, or the spreadsheets and tools it replaces.",
                         "【课程补充】补上“省钱”这一面：算给客户看，每位销售每月能少花多少小时手工做报表，"
                         "或者它能替掉哪些表格和工具。"),
    }),
    "chatbot": _Texts({
        "label": _Bi("Customer-service chatbot", "客服聊天机器人"),
        "noun": _Bi("a customer-service chatbot", "客服聊天机器人"),
        "verdict": "save",
        "home": ("cost",),
        "src": ROAD,
        "why": _Bi("It lightens the service team's workload and can even cut labour costs. A cost department "
                   "(费用部门) usually buys it, so what it delivers is 'save money'.",
                   "它给客服团队减负，甚至能省下人工成本。掏钱买它的一般是费用部门，"
                   "所以它交付的价值就是“省钱”。"),
        "compare": _Bi("The cost of the bot against the cost of the people it relieves.",
                       "机器人的花费，对比它分担掉的那部分人工成本。"),
        "add_other": _Bi("The Road to ToB Operations' move: add a proactive marketing-push feature that helps the "
                         "client convert more customers. That gives the bot a 'make money' side and makes it more "
                         "competitive.",
                         "《通往To B运营之路》给出的办法：加一个主动营销推送功能，帮客户把更多咨询变成成交。"
                         "机器人由此多了“挣钱”的一面，竞争力也更强。"),
    }),
    "chatbot_push": _Texts({
        "label": _Bi("Chatbot + proactive marketing push", "聊天机器人 + 主动营销推送"),
        "noun": _Bi("a chatbot with a marketing push", "带营销推送的聊天机器人"),
        "verdict": "both",
        "home": ("cost", "revenue"),
        "src": ROAD,
        "why": _Bi("The bot still saves service labour, and the push feature helps the client turn more "
                   "conversations into sales: save money AND make money.",
                   "机器人照样替客服省人力，推送功能又帮客户把更多对话转成订单：既省钱，又挣钱。"),
        "compare": _Bi("Labour saved plus extra conversions, against the price.",
                       "省下的人力加上多出来的成交，对比它的价格。"),
        "add_other": _Bi("Already both. Pitch the labour saving to the head of service and the extra conversions "
                         "to the head of sales or marketing. [course synthesis]",
                         "两面都有了。对客服负责人讲省下的人力，对销售或市场负责人讲多出来的成交。【课程补充】"),
    }),
    "security_api": _Texts({
        "label": _Bi("Security-detection API", "安全检测 API"),
        "noun": _Bi("a security-detection API", "安全检测 API"),
        "verdict": "save",
        "home": ("it",),
        "src": SYNTHESIS,
        "why": _Bi("[course synthesis] It detects attacks or fraud so that the client avoids losses, fines and "
                   "downtime. Avoided loss is money saved, and IT or security owns the budget.",
                   "【课程补充】它能发现攻击或欺诈，帮客户避开损失、罚款和停机。少损失就是省钱，"
                   "预算握在 IT 或安全部门手里。"),
        "compare": _Bi("The expected cost of an incident against the price of the service.",
                       "一次安全事件的预期损失，对比这项服务的价格。"),
        "add_other": _Bi("[course synthesis] Tie it to income: for a game client, anti-cheat and anti-fraud protect "
                         "paying players and top-up revenue (The Two Hands of ToB Operations: a game client and a "
                         "connected-car client need different delivery and different negotiation).",
                         "【课程补充】把它和收入挂钩：对游戏客户来说，防外挂、反欺诈保护的是付费玩家和充值收入"
                         "（《ToB运营的两只手》指出，游戏客户和车联网客户的交付内容、谈判方式都不一样）。"),
    }),
    "doc_collab": _Texts({
        "label": _Bi("Document-collaboration SaaS", "文档协同 SaaS"),
        "noun": _Bi("a document-collaboration SaaS", "文档协同 SaaS"),
        "verdict": "save",
        "home": ("it", "cost"),
        "src": SYNTHESIS,
        "why": _Bi("[course synthesis] It saves time and licences: fewer e-mailed versions, fewer meetings, one "
                   "tool instead of several. The Two Hands of ToB Operations gives it as the standard SaaS example "
                   "(accounts, no software bought).",
                   "【课程补充】它省时间也省授权费：少发几轮邮件版本，少开几次会，一个工具顶好几个。"
                   "《ToB运营的两只手》正是拿它当 SaaS 的典型例子（开通账号即可，不用买软件）。"),
        "compare": _Bi("The hours and tools it replaces against the per-seat price.",
                       "它替掉的工时和工具，对比按账号计的价格。"),
        "add_other": _Bi("[course synthesis] Add proposal templates and client-facing shared spaces that help the "
                         "client's sales team answer tenders faster: a make-money angle.",
                         "【课程补充】加上方案模板和面向客户的共享空间，帮客户的销售团队更快响应招标：这就是挣钱的角度。"),
    }),
}

VERDICT_TEXT = _Texts({
    "save": _Bi("SAVE MONEY (省钱)", "省钱"),
    "make": _Bi("MAKE MONEY (挣钱)", "挣钱"),
    "both": _Bi("BOTH: save money and make money (省钱 + 挣钱)", "两者兼有：既省钱，又挣钱"),
})

FACTS = _Pairs((
    ("revenue_model", _Bi("1. The client's revenue model (营收模式): how does it make money?",
                          "1. 客户的营收模式：它靠什么挣钱？")),
    ("department", _Bi("2. The specific department the product will serve (服务的具体部门)",
                       "2. 产品具体服务哪个部门")),
    ("customer_persona", _Bi("3. The profile of the client's own customers (客群画像)",
                             "3. 客户自己的客群画像")),
    ("pain_points", _Bi("4. The real pain points in their daily work (真正痛点)",
                        "4. 客户日常工作中的真正痛点")),
))


def classify(product: str, department: str) -> dict:
    """Save / make / both for a product sold into a department, with the reasoning.

    Returns ``{"product", "department", "verdict", "verdict_text", "why", "compare", "add_other",
    "fit_warning", "source"}``; ``fit_warning`` is "" when the department is a natural buyer.
    """
    if product not in PRODUCTS:
        raise ValueError(f"unknown product {product!r}; use one of {list(PRODUCTS)}")
    if department not in DEPARTMENTS:
        raise ValueError(f"unknown department {department!r}; use one of {list(DEPARTMENTS)}")
    p = PRODUCTS[product]
    warning = ""
    if department not in p["home"]:
        homes = t(" or ", "或").join(DEPARTMENT_SHORT[h] for h in p["home"])
        dept = DEPARTMENT_SHORT[department]
        warning = t(f"Fit check: the value of {p['noun']} usually lands in the {homes}. "
                    f"The {dept} will judge it on its own terms, so find out who will actually use it: an "
                    f"enterprise buying a product also looks at who uses it ({ROAD.en}).",
                    f"适配检查：{p['noun']}的价值通常落在{homes}。{dept}会按自己的标准来衡量它，"
                    f"所以先弄清楚到底谁会用：企业买产品，也要看用的人是谁（{ROAD.zh}）。")
        if p["verdict"] == "save" and department == "revenue":
            warning += t(" A revenue department rarely buys a pure cost saver: add a make-money side first.",
                         "营收部门很少为单纯省成本的产品买单：先给它补上挣钱的一面。")
        if p["verdict"] == "make" and department == "cost":
            warning += t(" A cost department sees a make-money tool as a new cost: find the revenue owner.",
                         "在费用部门眼里，挣钱的工具只是又一笔开支：去找对收入负责的人。")
    return {
        "product": product,
        "department": department,
        "verdict": p["verdict"],
        "verdict_text": VERDICT_TEXT[p["verdict"]],
        "why": p["why"],
        "compare": p["compare"],
        "add_other": p["add_other"],
        "fit_warning": warning,
        "source": p["src"],
    }


def facts_status(answers: dict[str, str]) -> dict:
    """How many of the four client facts have an answer (non-blank), and which are missing."""
    keys = [k for k, _ in FACTS]
    filled = [k for k in keys if str(answers.get(k, "") or "").strip()]
    missing = [label for k, label in FACTS if k not in filled]
    return {"filled": len(filled), "of": len(keys), "missing": missing, "complete": not missing}


# ---------------------------------------------------------------------------
# Cash break-even: one-off quote vs SaaS subscription
# ---------------------------------------------------------------------------

def cash_curves(monthly_price: float, renewal_prob: float, months: int, one_off_quote: float,
                after_sales_per_year: float = 0.0) -> pd.DataFrame:
    """Expected cumulative cash (CNY) from one client under each model, month 1..``months``.

    * SaaS: ``monthly_price`` every month; at each 12-month anniversary the client renews with
      probability ``renewal_prob``, so month m earns ``monthly_price * renewal_prob ** ((m - 1) // 12)``.
    * One-off: the whole ``one_off_quote`` in month 1, plus ``after_sales_per_year`` (after-sales
      charged separately) at the start of every later year (months 13, 25, ...).
    """
    if not 0 <= renewal_prob <= 1:
        raise ValueError("renewal_prob must be between 0 and 1")
    if months < 1:
        raise ValueError("months must be >= 1")
    m = np.arange(1, int(months) + 1)
    saas = monthly_price * renewal_prob ** ((m - 1) // 12)
    one_off = np.where(m == 1, float(one_off_quote), 0.0)
    one_off = one_off + np.where((m > 1) & ((m - 1) % 12 == 0), float(after_sales_per_year), 0.0)
    return pd.DataFrame({
        "month": m,
        "saas_cash": saas,
        "one_off_cash": one_off,
        "saas_cum_cny": np.cumsum(saas),
        "one_off_cum_cny": np.cumsum(one_off),
    }).set_index("month")


def break_even_month(curves: pd.DataFrame) -> int | None:
    """The month from which cumulative SaaS cash stays at or above the one-off cash for the rest
    of the horizon; None if SaaS is behind at the end.  (With yearly after-sales fees the one-off
    curve can jump back ahead, so the first crossing alone is not enough.)"""
    ahead = (curves["saas_cum_cny"] >= curves["one_off_cum_cny"]).to_numpy()
    if not ahead[-1]:
        return None
    behind = np.flatnonzero(~ahead)
    return int(curves.index[behind[-1] + 1]) if len(behind) else int(curves.index[0])


def plot_cash(curves: pd.DataFrame, ax=None):
    """Draw the two cumulative-cash curves (step for one-off) and mark the break-even month."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    ax.step(curves.index, curves["one_off_cum_cny"] / 1000, where="post", color="#c05621", lw=2,
            label=t("One-off project: quote paid up front", "一次性项目：报价一次付清"))
    ax.plot(curves.index, curves["saas_cum_cny"] / 1000, color="#2b6cb0", lw=2,
            label=t("SaaS: monthly fee, renewal each year", "SaaS：按月收费，每年续费"))
    be = break_even_month(curves)
    if be is not None:
        ax.axvline(be, color="#555555", ls="--", lw=1)
        ax.annotate(t(f"break-even: month {be}", f"追平点：第 {be} 个月"),
                    xy=(be, curves.loc[be, "saas_cum_cny"] / 1000),
                    xytext=(5, -15), textcoords="offset points", fontsize=9)
    ax.set_title(t("Cumulative cash from one client: one-off vs SaaS", "单个客户的累计回款：一次性项目与 SaaS"))
    ax.set_xlabel(t("Month after signing", "签约后的月份"))
    ax.set_ylabel(t("Cumulative cash (thousand CNY)", "累计回款（千元）"))
    ax.legend(loc="upper left", fontsize=8)
    return ax


# ---------------------------------------------------------------------------
# The widget
# ---------------------------------------------------------------------------

def _classify_html(result: dict) -> str:
    colour = {"save": "#2f855a", "make": "#2b6cb0", "both": "#6b46c1"}[result["verdict"]]
    warn = ""
    if result["fit_warning"]:
        warn = (f"<div style='background:#fff4e5;border-left:4px solid #dd6b20;padding:4px 8px;margin:6px 0'>"
                f"⚠ {html.escape(result['fit_warning'])}</div>")
    return (
        f"<div style='font-size:1.1em'>{t('Verdict:', '判断：')} <b style='color:{colour}'>"
        f"{html.escape(result['verdict_text'])}</b> <span style='color:#777'>"
        f"({t('source', '出处')}: {html.escape(result['source'])})</span></div>"
        f"<div><b>{t('Why:', '理由：')}</b> {html.escape(result['why'])}</div>"
        f"<div><b>{t('The client decides by comparing:', '客户拿什么来比较：')}</b> {html.escape(result['compare'])}</div>"
        f"<div><b>{t('Add the other side:', '补上另一面：')}</b> {html.escape(result['add_other'])}</div>{warn}"
    )


def _facts_html(status: dict) -> str:
    if status["complete"]:
        return ("<div style='color:#1a7f37'>"
                + t("✔ All four facts filled in: now judge the fit.", "✔ 四项信息都已填好：现在可以判断是否适配了。")
                + "</div>")
    todo = "".join(f"<li>{html.escape(m)}</li>" for m in status["missing"])
    return (f"<div style='color:#b35900'>"
            + t(f"{status['filled']} of {status['of']} facts filled in. Still to find out:",
                f"{status['of']} 项信息已填 {status['filled']} 项。还要去了解：")
            + f"</div><ul>{todo}</ul>")


def _classifier_tab() -> widgets.Widget:
    style = {"description_width": "110px"}
    product = widgets.Dropdown(options=[(p["label"], k) for k, p in PRODUCTS.items()], value="chatbot",
                               description=t("Product", "产品"), style=style, layout={"width": "460px"})
    dept = widgets.Dropdown(options=[(v, k) for k, v in DEPARTMENTS.items()], value="cost",
                            description=t("Buying dept", "采购部门"), style=style, layout={"width": "460px"})
    verdict = widgets.HTML()
    boxes = {k: widgets.Textarea(placeholder=t("your notes on this client", "关于这家客户的笔记"), description="",
                                 layout={"width": "560px", "height": "48px"}) for k, _ in FACTS}
    facts_out = widgets.HTML()

    def update(_=None):
        verdict.value = _classify_html(classify(product.value, dept.value))

    def update_facts(_=None):
        facts_out.value = _facts_html(facts_status({k: b.value for k, b in boxes.items()}))

    product.observe(update, names="value")
    dept.observe(update, names="value")
    for b in boxes.values():
        b.observe(update_facts, names="value")
    update()
    update_facts()
    checklist = [widgets.HTML("<b>" + t(f"Before you judge fit, find out the four facts ({ROAD.en}):",
                                        f"判断适配之前，先摸清四项信息（{ROAD.zh}）：") + "</b>")]
    for k, label in FACTS:
        checklist += [widgets.HTML(html.escape(label)), boxes[k]]
    ui = widgets.VBox([product, dept, verdict, widgets.HTML("<hr>")] + checklist + [facts_out])
    ui.controls = {"product": product, "department": dept}
    ui.fact_boxes = boxes
    ui.output = verdict
    ui.facts_output = facts_out
    return ui


def _cash_tab() -> widgets.Widget:
    style = {"description_width": "230px"}
    layout = {"width": "560px"}
    price = widgets.IntSlider(value=4000, min=500, max=50_000, step=500,
                              description=t("SaaS price per month (CNY)", "SaaS 月费（元）"),
                              style=style, layout=layout)
    renew = widgets.FloatSlider(value=0.85, min=0.0, max=1.0, step=0.05,
                                description=t("Renewal probability per year", "每年续费概率"),
                                readout_format=".2f", style=style, layout=layout)
    months = widgets.IntSlider(value=60, min=12, max=120, step=12,
                               description=t("Months to look ahead", "往后看几个月"),
                               style=style, layout=layout)
    quote = widgets.IntSlider(value=150_000, min=50_000, max=5_000_000, step=50_000,
                              description=t("One-off quote (CNY)", "一次性项目报价（元）"), style=style, layout=layout)
    after = widgets.IntSlider(value=0, min=0, max=500_000, step=10_000,
                              description=t("After-sales fees per year (CNY)", "每年另收的售后费（元）"),
                              style=style, layout=layout)
    text = widgets.HTML()
    plot = widgets.Output()

    def update(_=None):
        import matplotlib.pyplot as plt

        curves = cash_curves(price.value, renew.value, months.value, quote.value, after.value)
        be = break_even_month(curves)
        end = curves.iloc[-1]
        if be is None:
            msg = t(f"SaaS never catches up within {months.value} months.",
                    f"在 {months.value} 个月内，SaaS 始终没有追上。")
        else:
            msg = t(f"SaaS catches up in <b>month {be}</b>.", f"SaaS 在<b>第 {be} 个月</b>追平。")
        text.value = "<div>" + msg + t(
            f" After {months.value} months: one-off {end['one_off_cum_cny']:,.0f} CNY, "
            f"SaaS {end['saas_cum_cny']:,.0f} CNY (expected value, with renewals at {renew.value:.0%} a year).",
            f"{months.value} 个月后：一次性项目累计 {end['one_off_cum_cny']:,.0f} 元，"
            f"SaaS 累计 {end['saas_cum_cny']:,.0f} 元（期望值，每年续费概率 {renew.value:.0%}）。") + "</div>"
        plot.clear_output(wait=True)
        with plot:
            fig, ax = plt.subplots(figsize=(8, 3.8))
            plot_cash(curves, ax)
            plt.show()

    for w in (price, renew, months, quote, after):
        w.observe(update, names="value")
    update()
    note = widgets.HTML(t("<b>Cash break-even.</b> One client, two ways to sell. The SaaS curve is an expected "
                          "value: each year the client renews with the probability you set.",
                          "<b>回款追平点。</b>同一个客户，两种卖法。SaaS 曲线是期望值：客户每年按你设定的概率续费。"))
    ui = widgets.VBox([note, price, renew, months, quote, after, text, plot])
    ui.sliders = {"price": price, "renewal": renew, "months": months, "quote": quote, "after_sales": after}
    ui.output = text
    ui.plot = plot
    return ui


def save_or_make() -> widgets.Widget:
    """Tab 1: the save-or-make classifier with the four-facts checklist. Tab 2: cash break-even."""
    classifier = _classifier_tab()
    cash = _cash_tab()
    tabs = widgets.Tab(children=[classifier, cash])
    tabs.set_title(0, t("Save or make money?", "省钱还是挣钱？"))
    tabs.set_title(1, t("Cash break-even", "回款追平点"))
    tabs.classifier = classifier
    tabs.cash = cash
    return tabs
