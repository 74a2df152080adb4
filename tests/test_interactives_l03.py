"""Lesson 03 interactives: candidate correlations, tactic test, funnels, north-star picker."""
import ipywidgets as widgets
import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from tobops.content.datasets import load  # noqa: E402
from tobops.content.interactives import l03  # noqa: E402


def test_candidates_have_data(metrics):
    for b in l03.BUSINESSES:
        cands = l03.candidates(metrics, b)
        assert l03.SOURCE_NSM[b] in cands
        df = metrics[metrics["business"] == b]
        for c in cands:
            assert df[c].notna().any()


def test_correlations_match_pandas(metrics):
    for b in l03.BUSINESSES:
        df = metrics[metrics["business"] == b].sort_values("week")
        got = l03.correlations(metrics, b)
        for c in got.index:
            assert got.loc[c, "r_same"] == pytest.approx(df[c].corr(df["revenue_cny"]))
            assert got.loc[c, "r_lag"] == pytest.approx(df[c].shift(4).corr(df["revenue_cny"]))


def test_source_nsm_tracks_revenue(metrics):
    for b, nsm in l03.SOURCE_NSM.items():
        assert l03.best_candidate(metrics, b) == nsm
        assert l03.correlations(metrics, b).loc[nsm, "r_same"] >= 0.85


def test_vanity_metrics_do_not(metrics):
    for b in l03.BUSINESSES:
        corr = l03.correlations(metrics, b)
        for c in ("app_downloads", "page_views", "community_group_messages"):
            if c in corr.index:
                assert abs(corr.loc[c, "r_same"]) <= 0.35


def test_lag_profile_matches_pandas(metrics):
    df = metrics[metrics["business"] == "ride_hailing_b"].sort_values("week")
    prof = l03.lag_profile(metrics, "ride_hailing_b", "driver_accepted_orders", max_lag=6)
    assert list(prof.index) == list(range(7))
    for k in (0, 4, 6):
        assert prof[k] == pytest.approx(df["driver_accepted_orders"].shift(k).corr(df["revenue_cny"]))
    assert prof[4] == pytest.approx(l03.correlations(metrics, "ride_hailing_b").loc["driver_accepted_orders", "r_lag"])


def test_zscore():
    z = l03.zscore(pd.Series([1.0, 2.0, 3.0]))
    assert z.tolist() == pytest.approx([-1.0, 0.0, 1.0])


def test_tactic_feedback(metrics):
    ok, msg = l03.tactic_feedback(metrics, "marketing_saas", "active_merchants", "onboarding call")
    assert ok and "onboarding call" in msg
    weak = [c for c in l03.candidates(metrics, "marketing_saas")
            if max(abs(v) for v in l03.correlations(metrics, "marketing_saas").loc[c]) < 0.3]
    assert weak, "expected at least one vanity metric for marketing_saas"
    ok, msg = l03.tactic_feedback(metrics, "marketing_saas", weak[0], "group posts")
    assert not ok and "no path to the NSM" in msg
    ok, msg = l03.tactic_feedback(metrics, "marketing_saas", "registered_drivers")
    assert not ok


def test_aarrr_funnel(metrics):
    funnel = load("toc_funnel")
    got = l03.aarrr_funnel(funnel, "2024-03")
    m = funnel[pd.to_datetime(funnel["date"]).dt.month == 3]
    assert list(got.index) == list(l03.AARRR_STAGES)
    assert got["Acquisition"] == m["acquisitions"].sum()
    assert got["Refer"] == m["referrals"].sum()
    assert got["Acquisition"] >= got["Activation"] >= got["Retention"]
    with pytest.raises(KeyError):
        l03.aarrr_funnel(funnel, "1999-01")


def test_tob_stage_funnel():
    deals = load("deals")
    got = l03.tob_stage_funnel(deals)
    assert list(got.index) == list(l03.TOB_STAGES)
    assert got["lead"] == len(deals)
    assert got["won"] == (deals["stage"] == "won").sum()
    assert got.is_monotonic_decreasing


def test_picker_callbacks(metrics):
    box = l03.north_star_picker(metrics)
    assert isinstance(box, widgets.Widget)
    for b in l03.BUSINESSES:
        box.business_dropdown.value = b
        for c in l03.candidates(metrics, b):
            box.metric_dropdown.value = c
            r = l03.correlations(metrics, b).loc[c, "r_same"]
            assert f"{r:.2f}" in box.readout.value
    box.business_dropdown.value = "marketing_saas"
    box.tactic_box.value = "daily group posts"
    box.moves_dropdown.value = "community_group_messages"
    box.check_button.click()
    assert "no path to the NSM" in box.verdict.value
    box.moves_dropdown.value = "active_merchants"
    box.check_button.click()
    assert "no path" not in box.verdict.value
    import matplotlib.pyplot as plt
    assert plt.get_fignums() == []


def test_quiz_numbers_match_data(metrics):
    from tobops.content.course import lesson
    q = {x["id"]: x for x in lesson("L03").quiz}["calc-saas-renewals-lag"]
    s = metrics[metrics["business"] == "marketing_saas"].sort_values("week")
    assert abs(s["active_merchants"].shift(4).corr(s["renewals"]) - q["expected"]) <= q["tolerance"]



def test_picker_follows_the_chinese_edition(metrics):
    import matplotlib.pyplot as plt

    from tobops.content.lang import set_language, setup

    try:
        with plt.rc_context():      # setup("zh") also gives the charts a CJK font
            setup("zh")
            box = l03.north_star_picker(metrics)
            assert box.business_dropdown.description == "业务："
            assert dict(box.business_dropdown.options)["营销类 SaaS"] == "marketing_saas"
            assert "与收入的 r" in box.readout.value
            box.business_dropdown.value = "marketing_saas"
            box.moves_dropdown.value = "community_group_messages"
            box.check_button.click()
            assert "没有通往北极星指标的路径" in box.verdict.value
            ok, msg = l03.tactic_feedback(metrics, "marketing_saas", "active_merchants", "新商家入门电话")
            assert ok and "“新商家入门电话”" in msg
            fig = l03._metric_figure(metrics, "marketing_saas", "active_merchants")
            assert fig.axes[0].get_xlabel() == "2024 年第几周"
            plt.close(fig)
    finally:
        set_language("en")
    assert l03.north_star_picker(metrics).business_dropdown.description == "Business:"
