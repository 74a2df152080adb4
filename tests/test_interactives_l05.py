"""Lesson 05 interactives: case-claim figures and pipeline gaps agree with direct pandas on
the real data, the 'watering' (注水) warnings fire when they should, and the widget builds
and reacts to programmatic changes."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from tobops.content.interactives import l05


def _direct_gain(cases):
    lower = cases["metric_name"].str.lower().map(lambda n: any(w in n for w in l05.LOWER_IS_BETTER_WORDS))
    return np.where(lower, cases["before_value"] - cases["after_value"], cases["after_value"] - cases["before_value"])


def test_improvements_match_direct(cases):
    out = l05.improvements(cases)
    assert np.allclose(out["improvement_pp"].to_numpy(), _direct_gain(cases))
    assert "improvement_pp" not in cases      # the input is not modified


def test_lower_is_better():
    assert l05.lower_is_better("ticket handling time")
    assert not l05.lower_is_better("conversion rate")
    assert not l05.lower_is_better("fraud interception rate")


def test_most_cases_improve(cases):
    # a case library is a list of successes: nearly every case improves on its metric
    assert (l05.improvements(cases)["improvement_pp"] > 0).mean() > 0.9


def _pick(cases):
    """The (industry, metric) pair with the most cases."""
    return cases.groupby(["industry", "metric_name"]).size().idxmax()


@pytest.mark.parametrize("verified_only", [False, True])
def test_claim_stats_match_direct(cases, verified_only):
    industry, metric = _pick(cases)
    st = l05.claim_stats(cases, industry, metric, verified_only)
    sel = l05.improvements(cases)
    sel = sel[(sel["industry"] == industry) & (sel["metric_name"] == metric)]
    if verified_only:
        sel = sel[sel["verified"].astype(bool)]
    assert st["cases"] == len(sel)
    assert st["clients"] == sel["account_id"].nunique()
    assert st["unverified_cases"] == (~sel["verified"].astype(bool)).sum()
    assert st["median"]["improvement_pp"] == pytest.approx(sel["improvement_pp"].median())
    assert st["mean"]["improvement_pp"] == pytest.approx(sel["improvement_pp"].mean())
    assert st["max"]["improvement_pp"] == pytest.approx(sel["improvement_pp"].max())
    sign = -1 if l05.lower_is_better(metric) else 1
    assert st["median"]["before"] == pytest.approx(sel["before_value"].median())
    assert st["median"]["after"] == pytest.approx(sel["before_value"].median() + sign * sel["improvement_pp"].median())
    assert st["mean"]["after"] == pytest.approx(sel["after_value"].mean())
    best = sel.loc[sel["improvement_pp"].idxmax()]
    assert st["max"]["case_id"] == best["case_id"]
    assert st["max"]["after"] == pytest.approx(best["after_value"])


def test_watering_demo_signal(cases):
    # the built-in signal: the best case is much larger than the median
    gains = l05.improvements(cases)["improvement_pp"]
    assert gains.max() > 2 * gains.median()
    assert (~cases["verified"].astype(bool)).any()


def test_claim_sentence_rules(cases):
    industry, metric = _pick(cases)
    honest = l05.claim_sentence(cases, industry, metric, "median", verified_only=True)
    assert "median" in honest["sentence"] and not any("注水" in w for w in honest["warnings"])
    watered = l05.claim_sentence(cases, industry, metric, "max", verified_only=True, up_to=False)
    assert not watered["ok"] and any("注水" in w for w in watered["warnings"])
    up_to = l05.claim_sentence(cases, industry, metric, "max", verified_only=True, up_to=True)
    assert "up to" in up_to["sentence"] and not any("注水" in w for w in up_to["warnings"])
    mixed = l05.claim_sentence(cases, industry, metric, "median", verified_only=False)
    n_unverified = mixed["stats"]["unverified_cases"]
    assert any("unverified" in w for w in mixed["warnings"]) == (n_unverified > 0)
    wrong_up_to = l05.claim_sentence(cases, industry, metric, "median", verified_only=True, up_to=True)
    assert any("'Up to'" in w for w in wrong_up_to["warnings"])
    with pytest.raises(ValueError):
        l05.claim_sentence(cases, industry, metric, "mode")


def test_claim_sentence_no_cases(cases):
    out = l05.claim_sentence(cases, "no_such_industry", "conversion rate")
    assert out["ok"] is False and out["stats"]["cases"] == 0


def test_pipeline_vs_cases_matches_direct(deals, cases):
    table = l05.pipeline_vs_cases(deals, cases)
    open_deals = deals[~deals["stage"].isin(["won", "lost"])]
    good = cases[cases["verified"].astype(bool) & cases["has_story"].astype(bool)]
    for industry, row in table.iterrows():
        assert row["open_deals"] == (open_deals["industry"] == industry).sum()
        assert row["verified_story_cases"] == (good["industry"] == industry).sum()
        assert row["gap"] == (row["open_deals"] > 0 and row["verified_story_cases"] == 0)
    assert table["open_deals"].sum() == len(open_deals)
    # the built-in signal: at least one industry has open pipeline but no verified story case
    assert table["gap"].any()


def test_outlines():
    internal, external = l05.outline("internal"), l05.outline("external")
    assert "内部培训版" in internal["label"] and "对外宣讲版" in external["label"]
    assert len(internal["sections"]) >= 5 and len(external["sections"]) >= 5
    with pytest.raises(ValueError):
        l05.outline("short")


def test_widget_builds_and_reacts(cases):
    ui = l05.claim_builder(cases)
    assert isinstance(ui, widgets.Tab) and len(ui.children) == 2
    claim = ui.claim
    industry, metric = _pick(cases)
    claim.controls["industry"].value = industry
    claim.controls["metric"].value = metric
    claim.controls["verified"].value = True
    claim.controls["statistic"].value = "max"
    assert "watering risk" in claim.output.value
    claim.controls["up_to"].value = True
    assert "up to" in claim.output.value
    for ind in sorted(cases["industry"].unique()):
        claim.controls["industry"].value = ind           # the metric list follows the industry
        assert claim.controls["metric"].value in set(cases.loc[cases["industry"] == ind, "metric_name"])
    doc = ui.outline
    doc.toggle.value = "external"
    assert "对外宣讲版" in doc.header.value
    doc.toggle.value = "internal"
    assert "内部培训版" in doc.header.value


def test_widget_follows_the_chinese_edition(cases):
    from tobops.content.lang import set_language

    industry, metric = _pick(cases)
    set_language("zh")
    try:
        ui = l05.claim_builder(cases)
        assert ui.get_title(0) == "案例说法生成器"
        claim = ui.claim
        assert claim.controls["industry"].description == "行业"
        assert ("金融", "finance") in claim.controls["industry"].options
        claim.controls["industry"].value = industry
        claim.controls["metric"].value = metric
        assert (l05.metric_label(metric), metric) in claim.controls["metric"].options
        claim.controls["statistic"].value = "max"
        assert "有注水风险" in claim.output.value and "我们服务了" in claim.output.value
        claim.controls["up_to"].value = True
        assert "最高改善" in claim.output.value
        watered = l05.claim_sentence(cases, industry, metric, "max", verified_only=True)
        assert any("注水" in w for w in watered["warnings"]) and "We work" not in watered["sentence"]
        doc = ui.outline
        assert "读者" in doc.header.value and "内部培训版" in doc.header.value
        doc.toggle.value = "external"
        assert "对外宣讲版" in doc.header.value
        assert l05.outline("external")["sections"][0][0] == "客户的问题"
    finally:
        set_language("en")
    assert l05.outline("external")["sections"][0][0] == "The client's problem"
    assert l05.industry_label("connected_car") == "connected car"
