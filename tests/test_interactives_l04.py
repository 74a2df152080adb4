"""Lesson 04 interactives: the pure functions agree with direct pandas on the real data,
the classifier and cash model give the answers the lesson teaches, and the widget builds
and reacts to programmatic changes."""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from tobops.content.interactives import l04  # noqa: E402


# --- "how the money comes back" --------------------------------------------------------

def test_won_by_model_matches_direct(deals):
    table = l04.won_by_model(deals)
    won = deals[deals["stage"] == "won"]
    assert set(table.index) == set(won["deal_model"])
    for model, part in won.groupby("deal_model"):
        row = table.loc[model]
        assert row["won_deals"] == len(part)
        assert row["median_amount_cny"] == pytest.approx(part["amount_cny"].median())
        assert row["median_cycle_days"] == pytest.approx(part["cycle_days"].median())
        assert row["same_day_pct"] == pytest.approx(100 * (part["cycle_days"] == 0).mean())


def test_models_show_the_articles_traits(deals):
    table = l04.won_by_model(deals)
    one_off, saas_row = table.loc["project_one_off"], table.loc["saas_subscription"]
    assert one_off["median_amount_cny"] > 10 * saas_row["median_amount_cny"]
    assert one_off["median_cycle_days"] > saas_row["median_cycle_days"]
    assert saas_row["same_day_pct"] > 0 and one_off["same_day_pct"] == 0
    assert deals.loc[deals["deal_model"] == "project_one_off", "amount_cny"].max() < 10_000_000


def test_renewal_rates_by_size_match_direct(saas):
    table = l04.renewal_rates(saas, "client_size")
    due = saas[saas["renewal_due"].astype(bool)]
    assert list(table.index) == [s for s in l04.SIZES if s in set(due["client_size"])]
    for size, part in due.groupby("client_size"):
        assert table.loc[size, "due"] == len(part)
        assert table.loc[size, "renewed"] == part["renewed"].sum()
        assert table.loc[size, "renewal_rate_pct"] == pytest.approx(100 * part["renewed"].astype(bool).mean())
    # the built-in signal the lesson's chart relies on
    assert table.loc["small_b", "renewal_rate_pct"] < table.loc["large", "renewal_rate_pct"]


def test_ticket_quartiles_split_accounts_evenly(saas):
    quart = l04.ticket_quartiles(saas)
    assert quart.index.nunique() == saas["account_id"].nunique()
    counts = quart.value_counts()
    assert counts.max() - counts.min() <= 1
    means = saas.groupby("account_id")["tickets_opened"].mean()
    # every account in a higher quartile has at least as many tickets per month as any in a lower one
    by_q = means.groupby(quart, observed=True).agg(["min", "max"])
    assert (by_q["min"].iloc[1:].to_numpy() >= by_q["max"].iloc[:-1].to_numpy()).all()


def test_renewal_by_ticket_quartile_matches_direct(saas):
    table = l04.renewal_by_ticket_quartile(saas)
    quart = l04.ticket_quartiles(saas)
    due = saas[saas["renewal_due"].astype(bool)].copy()
    due["q"] = due["account_id"].map(quart)
    direct = due.groupby("q", observed=True)["renewed"].mean()
    for q, rate in direct.items():
        assert table.loc[q, "renewal_rate_pct"] == pytest.approx(100 * rate)
    assert table["due"].sum() == len(due)


def test_account_model_is_one_model_per_account(deals):
    model = l04.account_model(deals)
    assert model.index.nunique() == deals["account_id"].nunique()
    direct = deals.drop_duplicates("account_id").set_index("account_id")["deal_model"]
    assert (model.reindex(direct.index) == direct).all()


def test_tickets_per_account_matches_direct(tickets, deals, saas):
    table = l04.tickets_per_account(tickets, deals, saas)
    clients = sorted(set(deals.loc[deals["stage"] == "won", "account_id"]) | set(saas["account_id"])
                     | set(tickets["account_id"]))
    model = deals.drop_duplicates("account_id").set_index("account_id")["deal_model"].reindex(clients)
    counts = tickets.groupby("account_id").size().reindex(clients, fill_value=0)
    assert table["accounts"].sum() == len(clients)
    assert table["total_tickets"].sum() == len(tickets)
    for m in table.index:
        ids = model.index[model == m]
        assert table.loc[m, "accounts"] == len(ids)
        assert table.loc[m, "total_tickets"] == counts[ids].sum()
        assert table.loc[m, "tickets_per_account"] == pytest.approx(counts[ids].mean())


def test_saas_carries_the_heavier_service_load(tickets, deals, saas):
    table = l04.tickets_per_account(tickets, deals, saas)
    assert table.loc["saas_subscription", "tickets_per_account"] > table.loc["project_one_off", "tickets_per_account"]


# --- save money or make money ----------------------------------------------------------

@pytest.mark.parametrize("product, verdict", [
    ("crm", "make"), ("chatbot", "save"), ("chatbot_push", "both"), ("security_api", "save"), ("doc_collab", "save"),
])
def test_classify_verdicts(product, verdict):
    for dept in l04.DEPARTMENTS:
        assert l04.classify(product, dept)["verdict"] == verdict


def test_classify_the_articles_examples():
    bot = l04.classify("chatbot", "cost")
    assert bot["fit_warning"] == "" and bot["source"] == "The Road to ToB Operations"
    assert "marketing-push" in bot["add_other"] or "marketing push" in bot["add_other"]
    crm = l04.classify("crm", "revenue")
    assert crm["fit_warning"] == "" and "刚需" in crm["why"]
    assert l04.classify("crm", "cost")["fit_warning"]
    assert "make-money side" in l04.classify("chatbot", "revenue")["fit_warning"]


def test_classify_rejects_unknown():
    with pytest.raises(ValueError):
        l04.classify("blockchain", "cost")
    with pytest.raises(ValueError):
        l04.classify("crm", "hr")


def test_facts_status():
    assert len(l04.FACTS) == 4
    empty = l04.facts_status({})
    assert empty == {"filled": 0, "of": 4, "missing": [label for _, label in l04.FACTS], "complete": False}
    full = l04.facts_status({k: "known" for k, _ in l04.FACTS})
    assert full["complete"] and full["filled"] == 4
    assert l04.facts_status({"revenue_model": "  ", "department": "ops"})["filled"] == 1


# --- cash break-even -------------------------------------------------------------------

def test_cash_curves_by_hand():
    c = l04.cash_curves(1000, 0.5, 36, 20_000, after_sales_per_year=500)
    assert c.loc[12, "saas_cum_cny"] == 12_000
    assert c.loc[24, "saas_cum_cny"] == 12_000 + 12 * 500
    assert c.loc[36, "saas_cum_cny"] == 12_000 + 6_000 + 12 * 250
    assert c.loc[1, "one_off_cum_cny"] == 20_000
    assert c.loc[12, "one_off_cum_cny"] == 20_000
    assert c.loc[13, "one_off_cum_cny"] == 20_500
    assert c.loc[36, "one_off_cum_cny"] == 21_000
    assert l04.break_even_month(c) == 36          # 21,000 each: SaaS catches up in the last month
    assert l04.break_even_month(c.loc[:35]) is None


def test_break_even_month():
    c = l04.cash_curves(10_000, 1.0, 24, 100_000)
    assert l04.break_even_month(c) == 10
    assert l04.break_even_month(l04.cash_curves(200_000, 1.0, 12, 100_000)) == 1
    with pytest.raises(ValueError):
        l04.cash_curves(1000, 1.5, 12, 1000)


def test_break_even_ignores_a_temporary_lead():
    # SaaS passes the quote in month 10, the one-off after-sales fee puts it back ahead in month 13
    c = l04.cash_curves(10_000, 1.0, 36, 100_000, after_sales_per_year=50_000)
    assert c.loc[10, "saas_cum_cny"] >= c.loc[10, "one_off_cum_cny"]
    assert c.loc[13, "saas_cum_cny"] < c.loc[13, "one_off_cum_cny"]
    assert l04.break_even_month(c) == 15


def test_plot_cash_draws_two_series():
    import matplotlib.pyplot as plt

    ax = l04.plot_cash(l04.cash_curves(10_000, 0.9, 36, 100_000))
    assert len(ax.get_legend().get_texts()) == 2
    plt.close("all")


# --- the widget ------------------------------------------------------------------------

def test_widget_builds_and_reacts():
    import matplotlib.pyplot as plt

    ui = l04.save_or_make()
    assert isinstance(ui, widgets.Tab) and len(ui.children) == 2
    clf = ui.classifier
    clf.controls["product"].value = "chatbot_push"
    assert "BOTH" in clf.output.value
    clf.controls["product"].value = "crm"
    clf.controls["department"].value = "cost"
    assert "MAKE MONEY" in clf.output.value and "Fit check" in clf.output.value
    for key, box in clf.fact_boxes.items():
        box.value = f"notes on {key}"
    assert "All four facts" in clf.facts_output.value
    cash = ui.cash
    cash.sliders["price"].value = 10_000
    cash.sliders["quote"].value = 100_000
    cash.sliders["renewal"].value = 1.0
    assert "month 10" in cash.output.value
    cash.sliders["after_sales"].value = 500_000
    cash.sliders["months"].value = 24
    assert "never catches up" in cash.output.value
    plt.close("all")


def test_widget_follows_the_chinese_edition():
    import matplotlib.pyplot as plt

    from tobops.content.lang import set_language

    set_language("zh")
    try:
        ui = l04.save_or_make()
        assert ui.get_title(0) == "省钱还是挣钱？"
        clf = ui.classifier
        assert clf.controls["product"].description == "产品"
        assert ("客服聊天机器人", "chatbot") in clf.controls["product"].options
        assert "省钱" in clf.output.value and "《通往To B运营之路》" in clf.output.value
        clf.controls["product"].value = "crm"
        assert "挣钱" in clf.output.value and "适配检查" in clf.output.value
        assert "还要去了解" in clf.facts_output.value
        assert l04.facts_status({})["missing"][0].startswith("1. 客户的营收模式")
        assert l04.MODEL_LABELS["saas_subscription"] == "SaaS 订阅" and l04.SIZE_LABELS["large"] == "大客户"
        cash = ui.cash
        cash.sliders["price"].value = 10_000
        cash.sliders["quote"].value = 100_000
        cash.sliders["renewal"].value = 1.0
        assert "第 10 个月" in cash.output.value
        ax = l04.plot_cash(l04.cash_curves(10_000, 0.9, 36, 100_000))
        assert "累计回款" in ax.get_title()
    finally:
        set_language("en")
        plt.close("all")
    assert l04.MODEL_LABELS["saas_subscription"] == "SaaS subscription"
