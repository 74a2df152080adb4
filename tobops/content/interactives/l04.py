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
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('save_or_make',)

MODELS = ("project_one_off", "saas_subscription")
MODEL_LABELS = {"project_one_off": "One-off project (一锤子买卖)", "saas_subscription": "SaaS subscription"}
SIZES = ("small_b", "mid", "large")

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
    return pd.qcut(ranks, 4, labels=["Q1 (fewest)", "Q2", "Q3", "Q4 (most)"]).rename("ticket_quartile")


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

DEPARTMENTS: dict[str, str] = {
    "revenue": "Revenue department (sales, marketing, business lines)",
    "cost": "Cost department (费用部门: customer service, admin, back office)",
    "it": "IT / security department",
}

# verdict: save / make / both.  "src" says where the reasoning comes from.
PRODUCTS: dict[str, dict] = {
    "crm": {
        "label": "CRM system",
        "noun": "a CRM system",
        "verdict": "make",
        "home": ("revenue",),
        "src": "seed 002",
        "why": "It organises processes and customer resources for the departments that bring in revenue. "
               "It is close to a must-have (刚需): the demand never goes away, so competition is fierce and "
               "it comes down to how each vendor plays.",
        "compare": "How much more revenue the sales team closes with it.",
        "add_other": "[course synthesis] Add the save-money side: show the hours of manual reporting per rep "
                     "it removes, or the spreadsheets and tools it replaces.",
    },
    "chatbot": {
        "label": "Customer-service chatbot",
        "noun": "a customer-service chatbot",
        "verdict": "save",
        "home": ("cost",),
        "src": "seed 002",
        "why": "It lightens the service team's workload and can even cut labour costs. A cost department "
               "(费用部门) usually buys it, so what it delivers is 'save money'.",
        "compare": "The cost of the bot against the cost of the people it relieves.",
        "add_other": "Seed 002's move: add a proactive marketing-push feature that helps the client convert "
                     "more customers. That gives the bot a 'make money' side and makes it more competitive.",
    },
    "chatbot_push": {
        "label": "Chatbot + proactive marketing push",
        "noun": "a chatbot with a marketing push",
        "verdict": "both",
        "home": ("cost", "revenue"),
        "src": "seed 002",
        "why": "The bot still saves service labour, and the push feature helps the client turn more "
               "conversations into sales: save money AND make money.",
        "compare": "Labour saved plus extra conversions, against the price.",
        "add_other": "Already both. Pitch the labour saving to the head of service and the extra conversions "
                     "to the head of sales or marketing. [course synthesis]",
    },
    "security_api": {
        "label": "Security-detection API",
        "noun": "a security-detection API",
        "verdict": "save",
        "home": ("it",),
        "src": "course synthesis",
        "why": "[course synthesis] It detects attacks or fraud so that the client avoids losses, fines and "
               "downtime. Avoided loss is money saved, and IT or security owns the budget.",
        "compare": "The expected cost of an incident against the price of the service.",
        "add_other": "[course synthesis] Tie it to income: for a game client, anti-cheat and anti-fraud protect "
                     "paying players and top-up revenue (seed 003: a game client and a connected-car client "
                     "need different delivery and different negotiation).",
    },
    "doc_collab": {
        "label": "Document-collaboration SaaS",
        "noun": "a document-collaboration SaaS",
        "verdict": "save",
        "home": ("it", "cost"),
        "src": "course synthesis",
        "why": "[course synthesis] It saves time and licences: fewer e-mailed versions, fewer meetings, one "
               "tool instead of several. Seed 003 gives it as the standard SaaS example (accounts, no "
               "software bought).",
        "compare": "The hours and tools it replaces against the per-seat price.",
        "add_other": "[course synthesis] Add proposal templates and client-facing shared spaces that help the "
                     "client's sales team answer tenders faster: a make-money angle.",
    },
}

VERDICT_TEXT = {
    "save": "SAVE MONEY (省钱)",
    "make": "MAKE MONEY (挣钱)",
    "both": "BOTH: save money and make money (省钱 + 挣钱)",
}

FACTS: tuple[tuple[str, str], ...] = (
    ("revenue_model", "1. The client's revenue model (营收模式): how does it make money?"),
    ("department", "2. The specific department the product will serve (服务的具体部门)"),
    ("customer_persona", "3. The profile of the client's own customers (客群画像)"),
    ("pain_points", "4. The real pain points in their daily work (真正痛点)"),
)


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
        homes = " or ".join(DEPARTMENTS[h].split(" (")[0].lower() for h in p["home"])
        warning = (f"Fit check: the value of {p['noun']} usually lands in the {homes}. "
                   f"The {DEPARTMENTS[department].split(' (')[0].lower()} will judge it on its own terms, so find "
                   f"out who will actually use it: an enterprise buying a product also looks at who uses it "
                   f"(seed 002).")
        if p["verdict"] == "save" and department == "revenue":
            warning += " A revenue department rarely buys a pure cost saver: add a make-money side first."
        if p["verdict"] == "make" and department == "cost":
            warning += " A cost department sees a make-money tool as a new cost: find the revenue owner."
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
            label="One-off project: quote paid up front")
    ax.plot(curves.index, curves["saas_cum_cny"] / 1000, color="#2b6cb0", lw=2,
            label="SaaS: monthly fee, renewal each year")
    be = break_even_month(curves)
    if be is not None:
        ax.axvline(be, color="#555555", ls="--", lw=1)
        ax.annotate(f"break-even: month {be}", xy=(be, curves.loc[be, "saas_cum_cny"] / 1000),
                    xytext=(5, -15), textcoords="offset points", fontsize=9)
    ax.set_title("Cumulative cash from one client: one-off vs SaaS")
    ax.set_xlabel("Month after signing")
    ax.set_ylabel("Cumulative cash (thousand CNY)")
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
        f"<div style='font-size:1.1em'>Verdict: <b style='color:{colour}'>{html.escape(result['verdict_text'])}"
        f"</b> <span style='color:#777'>(source: {html.escape(result['source'])})</span></div>"
        f"<div><b>Why:</b> {html.escape(result['why'])}</div>"
        f"<div><b>The client decides by comparing:</b> {html.escape(result['compare'])}</div>"
        f"<div><b>Add the other side:</b> {html.escape(result['add_other'])}</div>{warn}"
    )


def _facts_html(status: dict) -> str:
    if status["complete"]:
        return "<div style='color:#1a7f37'>✔ All four facts filled in: now judge the fit.</div>"
    todo = "".join(f"<li>{html.escape(m)}</li>" for m in status["missing"])
    return (f"<div style='color:#b35900'>{status['filled']} of {status['of']} facts filled in. "
            f"Still to find out:</div><ul>{todo}</ul>")


def _classifier_tab() -> widgets.Widget:
    style = {"description_width": "110px"}
    product = widgets.Dropdown(options=[(p["label"], k) for k, p in PRODUCTS.items()], value="chatbot",
                               description="Product", style=style, layout={"width": "460px"})
    dept = widgets.Dropdown(options=[(v, k) for k, v in DEPARTMENTS.items()], value="cost",
                            description="Buying dept", style=style, layout={"width": "460px"})
    verdict = widgets.HTML()
    boxes = {k: widgets.Textarea(placeholder="your notes on this client", description="",
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
    checklist = [widgets.HTML("<b>Before you judge fit, find out the four facts (seed 002):</b>")]
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
    price = widgets.IntSlider(value=4000, min=500, max=50_000, step=500, description="SaaS price per month (CNY)",
                              style=style, layout=layout)
    renew = widgets.FloatSlider(value=0.85, min=0.0, max=1.0, step=0.05, description="Renewal probability per year",
                                readout_format=".2f", style=style, layout=layout)
    months = widgets.IntSlider(value=60, min=12, max=120, step=12, description="Months to look ahead",
                               style=style, layout=layout)
    quote = widgets.IntSlider(value=150_000, min=50_000, max=5_000_000, step=50_000,
                              description="One-off quote (CNY)", style=style, layout=layout)
    after = widgets.IntSlider(value=0, min=0, max=500_000, step=10_000,
                              description="After-sales fees per year (CNY)", style=style, layout=layout)
    text = widgets.HTML()
    plot = widgets.Output()

    def update(_=None):
        import matplotlib.pyplot as plt

        curves = cash_curves(price.value, renew.value, months.value, quote.value, after.value)
        be = break_even_month(curves)
        end = curves.iloc[-1]
        if be is None:
            msg = f"SaaS never catches up within {months.value} months."
        else:
            msg = f"SaaS catches up in <b>month {be}</b>."
        text.value = (f"<div>{msg} After {months.value} months: one-off {end['one_off_cum_cny']:,.0f} CNY, "
                      f"SaaS {end['saas_cum_cny']:,.0f} CNY (expected value, with renewals at "
                      f"{renew.value:.0%} a year).</div>")
        plot.clear_output(wait=True)
        with plot:
            fig, ax = plt.subplots(figsize=(8, 3.8))
            plot_cash(curves, ax)
            plt.show()

    for w in (price, renew, months, quote, after):
        w.observe(update, names="value")
    update()
    note = widgets.HTML("<b>Cash break-even.</b> One client, two ways to sell. The SaaS curve is an expected "
                        "value: each year the client renews with the probability you set.")
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
    tabs.set_title(0, "Save or make money?")
    tabs.set_title(1, "Cash break-even")
    tabs.classifier = classifier
    tabs.cash = cash
    return tabs
