"""Lesson 06 interactives: pure functions against the real datasets, widgets smoke-tested."""
from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import pytest

from tobops.content.interactives import l06


def test_eight_tasks_in_order():
    names = [t for t, _ in l06.TASKS]
    assert len(names) == 8
    assert names[0].startswith("Understand the product")
    assert names[3].startswith("Pre-sales support")
    assert names[4].startswith("Sales training")
    assert names[7].startswith("Turn experience into process")


def test_unassessed_share(training):
    expected = (training["assessed"] == False).mean()  # noqa: E712
    assert l06.unassessed_share(training) == pytest.approx(expected)
    assert 0 < l06.unassessed_share(training) < 0.15


def test_format_summary(training):
    got = l06.format_summary(training)
    done = training[training["assessed"]]
    for fmt in ("on_site", "video"):
        sub = done[done["format"] == fmt]
        assert got.loc[fmt, "rows"] == len(sub)
        assert got.loc[fmt, "mean_quiz_score"] == pytest.approx(sub["quiz_score"].mean(), abs=0.05)
        assert got.loc[fmt, "hands_on_pass_rate"] == pytest.approx(sub["hands_on_pass"].mean(), abs=5e-4)
    # the built-in signal: on-site scores clearly higher
    assert got.loc["on_site", "mean_quiz_score"] > got.loc["video", "mean_quiz_score"] + 3


def test_cost_per_trained_rep(training):
    got = l06.cost_per_trained_rep(training, trainer_rate_cny=500)
    for fmt, sub in training.groupby("format"):
        sessions = sub.drop_duplicates("session_id")
        cost = (sessions["trainer_hours"] * 500 + sessions["production_cost_cny"]).sum()
        reps = sub.groupby("session_id")["rep_id"].nunique().sum()
        assert got.loc[fmt, "cost_per_trained_rep_cny"] == pytest.approx(round(cost / reps), abs=1)
        hours = (sessions["trainer_hours"].sum() + sub["duration_min"].sum() / 60) / reps
        assert got.loc[fmt, "hours_per_trained_rep"] == pytest.approx(hours, abs=0.006)
    # seed 003: on-site training has the higher time cost
    assert got.loc["on_site", "hours_per_trained_rep"] > got.loc["video", "hours_per_trained_rep"]


def test_win_rate_by_pass(training):
    got = l06.win_rate_by_pass(training)
    done = training[training["assessed"]]
    for flag in (True, False):
        sub = done[done["hands_on_pass"] == flag]
        assert got.loc[flag] == pytest.approx(sub["wins_next_90d"].sum() / sub["opps_next_90d"].sum())
    assert got.loc[True] > got.loc[False]


def test_checklist_score_and_advance(visits):
    score = l06.checklist_score(visits)
    direct = visits[[c for c, _ in l06.CHECKLIST]].sum(axis=1)
    assert (score == direct).all()
    if "checklist_score" in visits:
        assert (score == visits["checklist_score"]).all()
    table = l06.advance_rate_by_score(visits)
    assert table["visits"].sum() == len(visits)
    for s, row in table.iterrows():
        assert row["advance_rate"] == pytest.approx(visits.loc[direct == s, "advanced"].mean())
    assert table.loc[6, "advance_rate"] > visits.loc[direct <= 3, "advanced"].mean()


def test_minutes_most_skipped(visits):
    skip = l06.item_skip_rates(visits)
    assert len(skip) == 6
    assert skip.index[0] == "next_steps_and_minutes_sent"
    assert skip.iloc[0] == pytest.approx(1 - visits["next_steps_and_minutes_sent"].mean())


def test_visit_actions_by_title(stakeholders):
    tab = l06.visit_actions_by_title(stakeholders, ["CEO", "frontline_user"])
    met = stakeholders[stakeholders["met"]]
    ceo = met[met["person_title"] == "CEO"]["visit_action"].value_counts(normalize=True)
    assert tab.loc["CEO", "interests_discussion"] == pytest.approx(ceo["interests_discussion"], abs=5e-4)
    assert tab.loc["CEO"].idxmax() == "interests_discussion"
    assert tab.loc["frontline_user"].idxmax() == "product_training"


def test_communication_strategy_marks_source():
    assert l06.communication_strategy("CEO").startswith("interests_discussion")
    assert "The Two Hands of ToB Operations" in l06.communication_strategy("frontline_user")
    assert "[course synthesis]" in l06.communication_strategy("CFO")


def test_checklist_warnings_and_minutes(deals, stakeholders):
    all_ticked = {c: True for c, _ in l06.CHECKLIST}
    assert l06.checklist_warnings(all_ticked) == []
    warn = l06.checklist_warnings({**all_ticked, "next_steps_and_minutes_sent": False})
    assert len(warn) == 1 and warn[0].startswith("WARNING")
    deal_id = stakeholders["deal_id"].iloc[0]
    rep = l06.cockpit_report(deals, stakeholders, deal_id, all_ticked,
                             {"channel": "Direct sale", "price": "Paid", "goal": "Profit (图利)"}, "CEO")
    assert rep["score"] == 6
    assert deal_id in rep["minutes"]
    assert rep["minutes"].count("[x]") == 6


def test_score_training_quiz():
    right = [q["answer"] for q in l06.TRAINING_QUIZ]
    assert l06.score_training_quiz(right) == (5, True, [True] * 5)
    wrong_two = [None, (right[1] + 1) % 4] + right[2:]
    score, passed, marks = l06.score_training_quiz(wrong_two)
    assert score == 3 and not passed and marks[:2] == [False, False]
    for q in l06.TRAINING_QUIZ:
        assert 0 <= q["answer"] < len(q["options"])


def test_visit_cockpit_widget_runs(deals, stakeholders):
    ui = l06.visit_cockpit(deals, stakeholders)
    assert isinstance(ui, widgets.Widget)
    parts = ui._tobops
    assert parts["deal"].options, "cockpit needs open deals with stakeholders"
    assert "WARNING" in parts["out"].value
    for box in parts["boxes"].values():
        box.value = True
    assert "6/6" in parts["out"].value and "WARNING" not in parts["out"].value
    parts["toggles"]["goal"].value = "Reputation (图名)"
    parts["deal"].value = parts["deal"].options[-1][1]
    parts["title"].value = parts["title"].options[-1][1]   # (label, person_title) pairs
    assert "MEETING MINUTES" in parts["out"].value


def test_training_quiz_widget_scores_what_is_picked():
    ui = l06.training_quiz()
    parts = ui._tobops
    assert all(r in ui.children for r in parts["radios"]) and parts["submit"] in ui.children
    for r, q in zip(parts["radios"], l06.TRAINING_QUIZ):
        r.value = q["options"][q["answer"]]
    parts["submit"].click()
    assert "Score 5/5" in parts["out"].value and "Passed" in parts["out"].value
    first, second = l06.TRAINING_QUIZ[0], l06.TRAINING_QUIZ[1]
    parts["radios"][0].value = first["options"][(first["answer"] + 1) % len(first["options"])]
    parts["radios"][1].value = None
    parts["submit"].click()
    out = parts["out"].value
    assert "Score 3/5" in out and "Q1:✘ Q2:✘ Q3:✔" in out and "Not yet" in out


def test_toml_numeric_self_check_matches_data(training):
    from tobops.content.course import lesson

    q = next(q for q in lesson("L06").quiz if q["id"] == "unassessed_pct")
    assert round((~training["assessed"]).mean() * 100, 1) == pytest.approx(q["expected"], abs=q["tolerance"])


def test_dataframes_not_mutated(training, visits):
    before_t, before_v = training.copy(), visits.copy()
    l06.format_summary(training)
    l06.advance_rate_by_score(visits)
    pd.testing.assert_frame_equal(training, before_t)
    pd.testing.assert_frame_equal(visits, before_v)


def test_widgets_follow_the_chinese_edition(deals, stakeholders):
    from tobops.content.lang import set_language

    set_language("zh")
    try:
        ui = l06.visit_cockpit(deals, stakeholders)
        parts = ui._tobops
        assert parts["deal"].description == "商机"
        assert "警告" in parts["out"].value and "会议纪要" in parts["out"].value
        assert "WARNING" not in parts["out"].value and "MEETING MINUTES" not in parts["out"].value
        for box in parts["boxes"].values():
            box.value = True
        assert "清单得分：6/6" in parts["out"].value and "警告" not in parts["out"].value
        parts["toggles"]["goal"].value = "Reputation (图名)"   # the values stay the English keys
        assert "图名" in parts["out"].value
        assert "产品培训" in l06.communication_strategy("frontline_user")
        assert "《ToB运营的两只手》" in l06.communication_strategy("frontline_user")

        quiz = l06.training_quiz()
        p = quiz._tobops
        assert "安全检测" in quiz.children[0].value and "第 1 题" in quiz.children[1].value
        for r, q in zip(p["radios"], l06.TRAINING_QUIZ):
            assert [label for label, _ in r.options] == q["options_zh"]
            r.value = q["options"][q["answer"]]
        p["submit"].click()
        assert "得分 5/5" in p["out"].value and "通过" in p["out"].value
    finally:
        set_language("en")
