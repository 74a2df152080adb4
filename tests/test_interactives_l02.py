"""Lesson 02 interactives: the pure functions agree with direct pandas on the real data,
and the widgets build and react to programmatic changes."""
from __future__ import annotations

import math

import ipywidgets as widgets
import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from tobops.content.interactives import l02  # noqa: E402


def _direct_met_sets(deals, stakeholders):
    met = stakeholders[stakeholders["met"].astype(bool)]
    sets = {d: set(g["purchase_role"]) for d, g in met.groupby("deal_id")}
    return {d: sets.get(d, set()) for d in deals["deal_id"]}


def test_roles_are_the_five_of_seed_003(stakeholders):
    assert set(l02.ROLES) == set(stakeholders["purchase_role"].unique())
    assert len(l02.ROLES) == 5


def test_roles_met_count_matches_direct(deals, stakeholders):
    direct = _direct_met_sets(deals, stakeholders)
    counts = l02.roles_met_count(deals, stakeholders)
    assert counts.index.tolist() == deals["deal_id"].tolist()
    assert all(counts[d] == len(s) for d, s in direct.items())
    assert counts.between(0, 5).all()


def test_roles_met_count_matches_deals_column(deals, stakeholders):
    # D1's roles_met is derived from D2: the two must agree
    assert "roles_met" in deals, "deals.csv lost its roles_met column"
    counts = l02.roles_met_count(deals, stakeholders)
    assert (counts.to_numpy() == deals["roles_met"].to_numpy()).all()


def test_win_rate_by_roles_met_matches_direct(deals, stakeholders):
    table = l02.win_rate_by_roles_met(deals, stakeholders)
    assert table.index.tolist() == [0, 1, 2, 3, 4, 5]
    closed = deals[deals["stage"].isin(["won", "lost"])].copy()
    direct_sets = _direct_met_sets(deals, stakeholders)
    closed["n"] = closed["deal_id"].map(lambda d: len(direct_sets[d]))
    closed["won"] = closed["stage"] == "won"
    direct = closed.groupby("n")["won"].agg(["size", "sum", "mean"])
    for n, row in direct.iterrows():
        assert table.loc[n, "closed_deals"] == row["size"]
        assert table.loc[n, "won"] == row["sum"]
        assert table.loc[n, "win_rate_pct"] == pytest.approx(100 * row["mean"])
    assert table["closed_deals"].sum() == len(closed)


def test_win_rate_rises_with_roles_met(deals, stakeholders):
    # the built-in signal the lesson's chart relies on
    rates = l02.win_rate_by_roles_met(deals, stakeholders)["win_rate_pct"].dropna()
    assert rates.iloc[-1] > rates.iloc[0] + 20


@pytest.mark.parametrize("roles", [(), ("final_decider",), ("budget_holder", "final_decider"),
                                   ("user", "evaluator", "budget_holder", "final_decider", "signer")])
def test_win_rate_for_roles_matches_direct(deals, stakeholders, roles):
    res = l02.win_rate_for_roles(deals, stakeholders, roles)
    direct_sets = _direct_met_sets(deals, stakeholders)
    keep = deals[deals["deal_id"].map(lambda d: set(roles) <= direct_sets[d])]
    closed = keep[keep["stage"].isin(["won", "lost"])]
    assert res["deals"] == len(keep)
    assert res["closed_deals"] == len(closed)
    assert res["won"] == (closed["stage"] == "won").sum()
    assert res["win_rate_pct"] == pytest.approx(100 * (closed["stage"] == "won").mean())
    assert res["median_cycle_days"] == pytest.approx(closed["cycle_days"].median())


def test_no_roles_means_all_deals(deals, stakeholders):
    assert l02.win_rate_for_roles(deals, stakeholders, [])["deals"] == len(deals)


def test_more_roles_never_more_deals(deals, stakeholders):
    prev = len(deals) + 1
    for k in range(len(l02.ROLES) + 1):
        n = l02.win_rate_for_roles(deals, stakeholders, l02.ROLES[:k])["deals"]
        assert n <= prev
        prev = n


def test_unknown_role_is_rejected(deals, stakeholders):
    with pytest.raises(ValueError):
        l02.win_rate_for_roles(deals, stakeholders, ["recommender"])


def test_lead_rates_are_least_squares_fit(content):
    rates = l02.lead_rates(content)
    a, b = rates["per_targeted_read"], rates["per_untargeted_read"]
    assert a > b >= 0
    X = content[["reads_targeted", "reads_untargeted"]].to_numpy(dtype=float)
    coef, *_ = np.linalg.lstsq(X, content["leads"].to_numpy(dtype=float), rcond=None)
    if (coef >= 0).all():
        assert (a, b) == pytest.approx(tuple(coef))


def test_expected_leads_arithmetic():
    assert l02.expected_leads(1000, 0.1, 0.02, 0.001) == pytest.approx(100 * 0.02 + 900 * 0.001)
    assert l02.expected_leads(0, 0.5, 1, 1) == 0
    with pytest.raises(ValueError):
        l02.expected_leads(100, 1.5, 0.1, 0.1)


def test_break_even_ratio():
    # B = 100 reads at 90% (90 t + 10 u) vs A = 1,000 at 5% (50 t + 950 u): equal when 40 t = 940 u
    assert l02.break_even_ratio(1000, 0.05, 100, 0.9) == pytest.approx(940 / 40)
    assert l02.break_even_ratio(100, 0.9, 1000, 0.05) == math.inf
    r = {"t": 0.03, "u": 0.03 / (940 / 40)}
    a = l02.expected_leads(1000, 0.05, r["t"], r["u"])
    b = l02.expected_leads(100, 0.9, r["t"], r["u"])
    assert a == pytest.approx(b)


def test_seed_003_pair_at_fitted_rates(content):
    # the lesson's claims: a targeted read is worth about 25 untargeted ones in leads, which is
    # above the break-even, so 100 reads at 90% at least match seed 003's article A
    r = l02.lead_rates(content)
    ratio = r["per_targeted_read"] / r["per_untargeted_read"]
    assert 20 <= ratio <= 30
    a = l02.ARTICLE_A
    assert ratio > l02.break_even_ratio(a["reads"], a["targeted_share"], 100, 0.9)
    few = l02.expected_leads(100, 0.9, r["per_targeted_read"], r["per_untargeted_read"])
    many = l02.expected_leads(a["reads"], a["targeted_share"], r["per_targeted_read"], r["per_untargeted_read"])
    assert few >= many


def test_quiz_expected_value_matches_rates(content):
    from tobops.content.course import lesson

    q = next(q for q in lesson("L02").quiz if q["id"] == "calc-100-targeted")
    r = l02.lead_rates(content)
    value = l02.expected_leads(100, 0.9, r["per_targeted_read"], r["per_untargeted_read"])
    assert abs(value - q["expected"]) <= q["tolerance"]


def test_decision_room_widget_reacts(deals, stakeholders):
    ui = l02.decision_room(deals, stakeholders)
    assert isinstance(ui, widgets.Widget)
    before = ui.output.value
    assert f"<b>{len(deals)}</b>" in before
    ui.boxes["final_decider"].value = True
    ui.boxes["budget_holder"].value = True
    res = l02.win_rate_for_roles(deals, stakeholders, ["final_decider", "budget_holder"])
    assert f"<b>{res['deals']}</b>" in ui.output.value
    assert f"{res['win_rate_pct']:.1f}%" in ui.output.value
    for box in ui.boxes.values():
        box.value = True
    assert "Required in the room" in ui.output.value


def test_read_calculator_widget_reacts(content):
    ui = l02.read_calculator(content)
    assert isinstance(ui, widgets.Widget)
    s = ui.sliders
    assert (s["reads"].min, s["reads"].max) == (100, 10_000)
    assert (s["share"].min, s["share"].max) == (0, 100)
    s["reads"].value = 100
    s["share"].value = 90
    r = l02.lead_rates(content)
    expected = l02.expected_leads(100, 0.9, s["value"].value / 100, r["per_untargeted_read"])
    assert f"expected leads: {expected:.2f}" in ui.output.value
    assert "article A" in ui.output.value
    s["value"].value = 0
    assert "expected leads:" in ui.output.value
    s["share"].value = 0
    assert "never" in ui.output.value


def test_decision_flow_diagram_draws():
    import matplotlib.pyplot as plt

    fig = l02.decision_flow_diagram()
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    for role in ("User", "Evaluator", "Budget holder", "Final decider", "Signer"):
        assert any(t.startswith(role) for t in texts)
    # chart text must be English only (no CJK glyphs)
    assert not any(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts)
    plt.close(fig)


def test_nan_when_nothing_closed():
    deals = pd.DataFrame({"deal_id": ["X1"], "stage": ["lead"], "cycle_days": [5]})
    st = pd.DataFrame({"deal_id": ["X1"], "purchase_role": ["user"], "met": [True]})
    res = l02.win_rate_for_roles(deals, st, ["user"])
    assert res["deals"] == 1 and res["closed_deals"] == 0
    assert math.isnan(res["win_rate_pct"])


def test_lesson_statements_hold_on_the_data(deals, stakeholders, content):
    """The lesson's prose quotes a few results; fail loudly if regenerated data changes them."""
    closed = l02.closed_deals(deals)
    sets = l02.met_role_sets(deals, stakeholders)
    lift = {}
    for role in l02.ROLES:
        has = closed["deal_id"].map(lambda d: role in sets[d]).to_numpy(dtype=bool)
        lift[role] = closed.loc[has, "won"].mean() - closed.loc[~has, "won"].mean()
    ranked = sorted(lift, key=lift.get, reverse=True)
    assert ranked[0] == "final_decider" and ranked[-1] == "user"      # exercise part A
    assert round(100 * lift["final_decider"], 1) == 31.6                # the solution's table
    won = closed[closed["won"]]
    saas = won[won["deal_model"] == "saas_subscription"]
    assert 0.15 <= (saas["cycle_days"] == 0).mean() <= 0.25           # "about one in five"
    assert (won.loc[won["deal_model"] == "project_one_off", "decision_roles_involved"] == 5).all()
    c = content.assign(reads=content["reads_targeted"] + content["reads_untargeted"]).set_index("content_id")
    assert (c.loc["C016", "reads"], c.loc["C016", "leads"]) == (1012, 1)   # the 1,000-read piece
    assert (c.loc["C050", "reads"], c.loc["C050", "leads"]) == (104, 2)    # the 100-read piece
    assert c.loc["C050", "tech_heads_reached"] == 3 * c.loc["C016", "tech_heads_reached"]
    med = c["reads"].median()
    wide = c[(c["reads"] >= med) & (c["target_share"] < 0.2)]
    narrow = c[(c["reads"] < med) & (c["target_share"] >= 0.6)]
    heads = (narrow["tech_heads_reached"].sum() / narrow["reads"].sum()) / (
        wide["tech_heads_reached"].sum() / wide["reads"].sum())
    assert 12 <= heads <= 18                                           # "about 15 times"



def test_widgets_follow_the_chinese_edition(deals, stakeholders, content):
    import matplotlib.pyplot as plt

    from tobops.content.lang import set_language, setup

    try:
        with plt.rc_context():      # setup("zh") also gives the charts a CJK font
            setup("zh")
            room = l02.decision_room(deals, stakeholders)
            assert room.boxes["final_decider"].description == "拍板方"
            room.boxes["final_decider"].value = True
            assert "必须见过的角色" in room.output.value and "历史赢单率" in room.output.value
            calc = l02.read_calculator(content)
            assert "预计线索" in calc.output.value and "文章 A" in calc.output.value
            assert calc.sliders["reads"].description == "总阅读数"
            fig = l02.decision_flow_diagram()
            texts = [t.get_text() for ax in fig.axes for t in ax.texts]
            assert any(t.startswith("拍板方") for t in texts)
            plt.close(fig)
    finally:
        set_language("en")
    assert l02.decision_room(deals, stakeholders).boxes["final_decider"].description == "Final decider (拍板方)"
