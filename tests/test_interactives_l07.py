"""Lesson 07 interactives: pure functions against the real datasets, widgets smoke-tested."""
from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import pytest

from tobops.content.interactives import l07


@pytest.fixture(scope="module")
def pm(events, leads):
    return l07.event_postmortem(events, leads)


def test_seven_content_types_match_data(content):
    assert len(l07.CONTENT_TYPES) == 7
    assert set(content["content_type"].unique()) <= set(l07.CONTENT_TYPES)


def test_postmortem_matches_direct_pandas(events, leads, pm):
    assert len(pm) == len(events)
    ev = leads[leads["event_id"].notna()]
    for event_id in events["event_id"].sample(8, random_state=0):
        sub = ev[ev["event_id"] == event_id]
        row = pm.loc[event_id]
        cost = events.set_index("event_id").loc[event_id, "cost_cny"]
        assert row["leads"] == len(sub)
        assert row["won"] == sub["won"].sum()
        assert row["followups"] == sub["followup_count"].sum()
        assert row["clients_reached"] == sub["followed_up"].sum()
        assert row["level_A"] + row["level_B"] + row["level_C"] == len(sub)
        assert row["level_A"] == (sub["lead_level"] == "A").sum()
        if len(sub):
            assert row["close_rate"] == pytest.approx(sub["won"].mean(), abs=5e-4)
            assert row["cost_per_lead_cny"] == pytest.approx(cost / len(sub), abs=0.5)
        if sub["won"].sum():
            assert row["cost_per_won_cny"] == pytest.approx(cost / sub["won"].sum(), abs=0.5)
        assert row["revenue_per_cost"] == pytest.approx(sub["won_amount_cny"].sum() / cost, abs=0.0051)
    assert pm["leads"].sum() == len(ev)


def test_signal_high_cxo_beats_low(pm):
    high = pm[pm["share_cxo"] >= 0.5]
    low = pm[pm["share_cxo"] < 0.2]
    assert high["cost_cny"].sum() / high["won"].sum() < low["cost_cny"].sum() / low["won"].sum()


def test_cxo_band_edges():
    assert l07.cxo_band(0.0) == l07.BANDS[0]
    assert l07.cxo_band(0.2) == l07.BANDS[1]
    assert l07.cxo_band(0.49) == l07.BANDS[1]
    assert l07.cxo_band(0.5) == l07.BANDS[2]


def test_rates_and_forecast(events, leads, pm):
    rates = l07.rates_by_band(events, leads)
    bands = pm["share_cxo"].map(l07.cxo_band)
    for band, sub in pm.groupby(bands):
        assert rates.loc[band, "close_rate"] == pytest.approx(sub["won"].sum() / sub["leads"].sum())
        assert rates.loc[band, "leads_per_attendee"] == pytest.approx(sub["leads"].sum() / sub["attendee_count"].sum())
    fc = l07.forecast(1000, 0.6, 100_000, rates)
    r = rates.loc[l07.BANDS[2]]
    assert fc["expected_leads"] == pytest.approx(1000 * r["leads_per_attendee"], abs=0.05)
    assert fc["expected_won"] == pytest.approx(1000 * r["leads_per_attendee"] * r["close_rate"], abs=0.005)


def test_go_no_go_rules(events, leads):
    rates = l07.rates_by_band(events, leads)
    big_low = l07.forecast(5000, 0.05, 50_000, rates)
    assert l07.go_no_go(0.05, big_low)[0] == "NO-GO"
    small_high = l07.forecast(40, 0.8, 20_000, rates)
    assert l07.go_no_go(0.8, {**small_high, "cost_per_won_cny": 1})[0] == "GO"


def test_checklists():
    assert len(l07.checklist("attend")) == 3
    host = l07.checklist("host")
    assert len(host) == 5
    assert "theme" in host[0].lower() and "every day" in host[1].lower()
    for role in ("warm-up", "venue", "articles", "guests", "whole meeting"):
        assert role in host[2]
    with pytest.raises(ValueError):
        l07.checklist("sponsor")


def test_monthly_content_report(content):
    month = "2024-06"
    rep = l07.monthly_content_report(content, month)
    m = content[pd.to_datetime(content["publish_date"]).dt.strftime("%Y-%m") == month]
    assert rep["pieces"].sum() == len(m)
    for t, sub in m.groupby("content_type"):
        for col in ("pv", "uv", "media_reposts", "exposure"):
            assert rep.loc[t, col] == sub[col].sum()
    weak = set(m.loc[m["uv"] <= m["uv"].quantile(0.25), "content_id"])
    named = {x.strip() for s in rep["shortcomings"] if s.startswith("low UV")
             for x in s.removeprefix("low UV: ").split(",")}
    assert named == weak
    assert list(rep.index) == list(l07.CONTENT_TYPES)
    missing = set(l07.CONTENT_TYPES) - set(m["content_type"])
    assert {t for t in rep.index if rep.loc[t, "shortcomings"] == "nothing published"} == missing
    assert (rep["baidu_index"] == m["baidu_index"].iloc[0]).all()
    with pytest.raises(ValueError):
        l07.monthly_content_report(content, "1999-01")


def test_partnership_feedback():
    for i, s in enumerate(l07.PARTNERSHIP_SCENARIOS):
        assert l07.check_partnership(i, s["answer"])[0]
        assert not l07.check_partnership(i, (s["answer"] + 1) % 3)[0]
    assert not l07.check_partnership(0, None)[0]
    # the article's own example: security-detection API on a cloud platform -> third-party platform
    cloud = next(s for s in l07.PARTNERSHIP_SCENARIOS if "cloud platform" in s["text"])
    assert cloud["answer"] == 2


def test_go_no_go_widget_runs(events, leads):
    ui = l07.go_no_go_widget(events, leads)
    assert isinstance(ui, widgets.Widget)
    p = ui._tobops
    p["share"].value = 0.05
    p["attendees"].value = 5000
    assert "NO-GO" in p["out"].value
    p["mode"].value = "host"
    assert "hosting, 5 items" in p["out"].value
    p["share"].value = 0.8
    p["cost"].value = 10_000
    assert "GO" in p["out"].value


def test_partnership_matcher_marks_right_and_wrong_picks():
    ui = l07.partnership_matcher()
    p = ui._tobops
    assert p["pick"] in ui.children and p["button"] in ui.children
    scenario = l07.PARTNERSHIP_SCENARIOS[1]
    p["scenario"].value = 1
    assert scenario["text"][:30] in ui.children[1].value
    p["pick"].value = l07.PARTNERSHIP_TYPES[(scenario["answer"] + 1) % 3]
    p["button"].click()
    assert "✘" in p["out"].value
    p["pick"].value = l07.PARTNERSHIP_TYPES[scenario["answer"]]
    p["button"].click()
    assert "✔" in p["out"].value
    p["scenario"].value = 2  # a new scenario clears the pick and the verdict
    assert p["pick"].value is None and p["out"].value == ""


def test_toml_numeric_self_check_matches_data(leads):
    from tobops.content.course import lesson

    q = next(q for q in lesson("L07").quiz if q["id"] == "overall_close_rate")
    got = round(leads.loc[leads["event_id"].notna(), "won"].mean() * 100, 1)
    assert got == pytest.approx(q["expected"], abs=q["tolerance"])


def test_widgets_follow_the_chinese_edition(events, leads, content):
    from tobops.content.lang import set_language

    set_language("zh")
    try:
        ui = l07.go_no_go_widget(events, leads)
        p = ui._tobops
        assert p["attendees"].description == "参会人数"
        p["share"].value = 0.05
        assert "不去" in p["out"].value and "参会，3 项" in p["out"].value
        p["mode"].value = "host"   # the values stay the English keys
        assert "办会，5 项" in p["out"].value and "确定主题" in p["out"].value
        assert len(l07.checklist("host")) == 5 and "每天同步" in l07.checklist("host")[1]

        rep = l07.monthly_content_report(content, "2024-06")
        assert any(s.startswith("UV 偏低") for s in rep["shortcomings"])

        m = l07.partnership_matcher()
        q = m._tobops
        assert q["scenario"].options[0][0] == "情景 1" and "人脸识别" in m.children[1].value
        assert [label for label, _ in q["pick"].options] == list(l07.PARTNERSHIP_TYPES_ZH)
        q["pick"].value = l07.PARTNERSHIP_TYPES[l07.PARTNERSHIP_SCENARIOS[0]["answer"]]
        q["button"].click()
        assert "✔ 答对了" in q["out"].value
    finally:
        set_language("en")
