"""Lesson 01 interactives: role data, work-log shares, cohort retention, role explorer."""
import ipywidgets as widgets
import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from tobops.content.interactives import l01  # noqa: E402


def test_role_lists_are_complete():
    assert len(l01.ROLES["content"].questions) == 5
    assert len(l01.ROLES["user"].questions) == 5
    assert len(l01.ROLES["product"].duties) == 4
    assert len(l01.ROLES["new_media"].duties) == 5
    assert len(l01.ROLES["bd"].duties) == 4
    assert len(l01.ROLES["product"].requirements) == 4
    assert len(l01.ROLES["new_media"].requirements) == 6
    assert len(l01.ROLES["bd"].requirements) == 6
    four = [k for k, r in l01.ROLES.items() if r.group == "The four common types"]
    assert four == ["content", "user", "event", "product"]
    for key in ("content", "user", "product"):
        assert len(l01.ROLES[key].metrics) >= 2


def test_sem_is_search_engine_marketing():
    card = l01.role_card_html("seo_sem")
    assert "search-engine marketing" in card
    assert "search-engine optimisation" in card


def test_role_cards_render():
    for key in l01.ROLES:
        card = l01.role_card_html(key)
        assert card.startswith("<h4>") and l01.ROLES[key].label.split(" (")[0] in card


def test_worklog_types_exist_in_data(worklog):
    types = set(worklog["ops_type"].astype(str))
    for role in l01.ROLES.values():
        assert set(role.worklog_types) <= types


def test_minutes_share_matches_pandas(worklog):
    got = l01.minutes_share(worklog)
    m = worklog.groupby("ops_type", observed=True)["minutes"].sum()
    want = m / m.sum()
    assert got.sum() == pytest.approx(1.0)
    for t, v in want.items():
        if v > 0:
            assert got[t] == pytest.approx(v)


def test_minutes_share_filters(worklog):
    got = l01.minutes_share(worklog, "E01", (1, 4))
    sub = worklog[(worklog["employee_id"] == "E01") & (worklog["week"] <= 4)]
    m = sub.groupby("ops_type", observed=True)["minutes"].sum()
    assert got["misc_odd_job"] == pytest.approx(m["misc_odd_job"] / m.sum())


def test_e01_moves_from_odd_jobs(worklog):
    p = l01.compare_periods(worklog, "E01")
    assert list(p.columns) == ["weeks 1-4", "weeks 9-12"]
    assert p["weeks 1-4"].sum() == pytest.approx(1.0)
    assert p["weeks 9-12"].sum() == pytest.approx(1.0)
    assert p.loc["misc_odd_job", "weeks 1-4"] > p.loc["misc_odd_job", "weeks 9-12"] + 0.2


def test_retention_table_matches_pandas(cohorts):
    t = l01.retention_table(cohorts)
    row = cohorts[cohorts["day_offset"] == 7].iloc[3]
    week = row["cohort_week"]
    assert t.loc[week, 7] == pytest.approx(row["active_users"] / row["cohort_size"])
    assert l01.retention(cohorts, week, 7) == pytest.approx(row["active_users"] / row["cohort_size"])
    assert (t[0] > t[1]).all() or (t[0] >= t[1]).all()


def test_retention_bands(cohorts):
    t = l01.retention_table(cohorts)
    assert 0.30 <= t[1].mean() <= 0.50
    assert 0.12 <= t[7].mean() <= 0.22


def test_retention_unknown_cohort(cohorts):
    with pytest.raises(KeyError):
        l01.retention(cohorts, "1999-01-04", 1)


def test_role_explorer_callbacks(cohorts):
    box = l01.role_explorer(cohorts)
    assert isinstance(box, widgets.Widget)
    for key in l01.ROLES:
        box.role_dropdown.value = key
        assert l01.ROLES[key].label.split(" (")[0] in box.card.value
    weeks = list(box.cohort_dropdown.options)
    box.cohort_dropdown.value = weeks[-1][1]
    box.day_slider.value = 7
    want = l01.retention(cohorts, weeks[-1][1], 7)
    assert f"{want:.1%}" in box.readout.value
    box.day_slider.value = 30
    assert "Day-30" in box.readout.value
    import matplotlib.pyplot as plt
    assert plt.get_fignums() == []


def test_quiz_numbers_match_data(cohorts):
    from tobops.content.course import lesson
    q = {x["id"]: x for x in lesson("L01").quiz}["calc-mean-d1"]
    t = l01.retention_table(cohorts)
    assert abs(t[1].mean() - q["expected"]) <= q["tolerance"]


@pytest.fixture
def chinese():
    """The Chinese edition as a lesson's setup("zh") makes it (language and CJK font), undone after."""
    from tobops.content.lang import current, set_language, setup

    before = current()
    with matplotlib.rc_context():
        setup("zh")
        yield
    set_language(before)


def test_every_role_has_its_chinese_text_item_for_item():
    for key, role in l01.ROLES.items():
        assert role.zh.get("label"), key
        for name in ("work", "metrics", "questions", "duties", "requirements"):
            assert len(role.text(name, "zh")) == len(getattr(role, name)), f"{key}.{name}"
        assert bool(role.note) == bool(role.zh.get("note")), key
        assert role.text("group", "zh") != role.group, f"{key}: no Chinese group name"


def test_role_cards_follow_the_edition(chinese):
    card = l01.role_card_html("seo_sem")
    assert "搜索引擎营销" in card and "这个岗位做什么" in card and "What the role does" not in card
    assert "What the role does" in l01.role_card_html("seo_sem", "en")


def test_role_explorer_in_chinese(chinese, cohorts):
    box = l01.role_explorer(cohorts)
    assert box.role_dropdown.description == "岗位："
    assert dict(box.role_dropdown.options)["内容运营"] == "content"
    box.role_dropdown.value = "cmo" if "cmo" in l01.ROLES else "bd"
    assert "招聘启事" in box.card.value
    box.day_slider.value = 7
    assert "第 7 天留存" in box.readout.value
    import matplotlib.pyplot as plt
    assert plt.get_fignums() == []
