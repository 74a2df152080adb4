"""Cohort analysis on graded items: mastery per objective, item statistics, progression.

Everything here is plain pandas on two tables (see :mod:`tobops.insight.report`):

* ``subs``: one row per trainee and assessment (status, score, max_score, percent);
* ``items``: one row per trainee and item (assessment, item, kind, lesson, objective,
  section, score, max_score, needs_manual_grade), for graded submissions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from tobops.grade.results import Status

EASY, HARD, LOW_DISCRIMINATION = 0.90, 0.20, 0.20
WEAK = 0.60  # a trainee below this share of an objective's points has not mastered it


def scored(items: pd.DataFrame) -> pd.DataFrame:
    """Items that have a score (written answers still waiting for a grade are left out)."""
    return items[items["score"].notna() & ~items["needs_manual_grade"].astype(bool)]


def mastery(items: pd.DataFrame) -> pd.DataFrame:
    """Trainee x objective table of the share of points earned (0–1)."""
    df = scored(items)
    if df.empty:
        return pd.DataFrame()
    g = df.groupby(["trainee", "objective"])[["score", "max_score"]].sum()
    share = (g["score"] / g["max_score"]).unstack("objective")
    return share.reindex(sorted(share.columns, key=_objective_key), axis=1)


def _objective_key(oid: str):
    lesson, _, num = oid.partition(".O")
    return (lesson, int(num) if num.isdigit() else 0)


def weakest_objectives(items: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The cohort's weakest objectives, with the lesson sections that teach them."""
    m = mastery(items)
    if m.empty:
        return pd.DataFrame(columns=["objective", "lesson", "sections", "mastery", "trainees_below"])
    sections = (scored(items).groupby("objective")["section"]
                .agg(lambda s: ", ".join(sorted(set(map(str, s))))))
    out = pd.DataFrame({"mastery": m.mean(), "trainees_below": (m < WEAK).sum()})
    out["lesson"] = [o.split(".")[0] for o in out.index]
    out["sections"] = sections.reindex(out.index).fillna("")
    return out.sort_values(["mastery", "trainees_below"], ascending=[True, False]).head(n) \
        .reset_index(names="objective")[["objective", "lesson", "sections", "mastery", "trainees_below"]]


def weak_spots(items: pd.DataFrame) -> dict[str, list[str]]:
    """For each trainee, the objectives below the mastery threshold, weakest first."""
    m = mastery(items)
    out = {}
    for trainee, row in m.iterrows():
        low = row[row < WEAK].sort_values()
        out[trainee] = list(low.index)
    return out


def item_statistics(items: pd.DataFrame) -> pd.DataFrame:
    """Facility, upper-lower discrimination and corrected point-biserial per item, with flags."""
    df = scored(items).copy()
    cols = ["assessment", "item", "kind", "objective", "n", "facility", "discrimination", "point_biserial", "flag"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["frac"] = df["score"] / df["max_score"]
    rows = []
    for (a, item), g in df.groupby(["assessment", "item"], sort=False):
        totals = df[df["assessment"] == a].groupby("trainee")["score"].sum()
        frac = g.set_index("trainee")["frac"]
        rest = totals.reindex(frac.index) - g.set_index("trainee")["score"]
        facility = float(frac.mean())
        # upper and lower 27% of trainees by their score on the rest of the assessment
        k = max(1, int(round(0.27 * len(rest))))
        order = rest.sort_values(kind="mergesort")
        lower, upper = order.index[:k], order.index[-k:]
        disc = float(frac.loc[upper].mean() - frac.loc[lower].mean()) if len(rest) >= 4 else np.nan
        pb = float(np.corrcoef(frac, rest)[0, 1]) if len(rest) >= 3 and frac.std() > 0 and rest.std() > 0 else np.nan
        flag = ""
        if facility >= EASY:
            flag = "too easy"
        elif facility <= HARD:
            flag = "too hard"
        if not np.isnan(disc) and disc < 0:
            flag = (flag + "; " if flag else "") + "negative discrimination: check the key"
        elif not np.isnan(disc) and disc < LOW_DISCRIMINATION and not flag:
            flag = "discriminates badly"
        rows.append({"assessment": a, "item": item, "kind": g["kind"].iloc[0], "objective": g["objective"].iloc[0],
                     "n": len(g), "facility": round(facility, 3), "discrimination": round(disc, 3),
                     "point_biserial": round(pb, 3), "flag": flag})
    return pd.DataFrame(rows, columns=cols)


def progression(subs: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per assessment in course order: graded trainees, mean and median percent."""
    df = subs[subs["percent"].notna()]
    g = df.groupby("assessment")["percent"].agg(["count", "mean", "median"]).reindex(order)
    return g.reset_index().rename(columns={"count": "graded"})


def manual_queue(items: pd.DataFrame) -> pd.DataFrame:
    q = items[items["needs_manual_grade"].astype(bool)]
    return q[["assessment", "trainee", "item", "max_score"]].sort_values(["assessment", "item", "trainee"]) \
        .reset_index(drop=True)


def picked_option(source: str, var: str) -> str:
    """The letter a trainee assigned to ``var`` in an answer cell, or 'blank'/'invalid'."""
    import ast

    if "raise NotImplementedError" in source and f"{var} =" not in source:
        return "blank"
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "invalid"
    value = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == var for t in node.targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                value = node.value.value.strip().upper()
            else:
                value = "invalid"
    return value if value else "blank"


def certification(subs: pd.DataFrame, exam: str, pass_mark: float) -> pd.DataFrame:
    """Pass/fail per trainee on the certification exam; 'pending' while it is not fully graded."""
    df = subs[subs["assessment"] == exam].copy()
    def result(r):
        if r["status"] == Status.GRADED:
            return "pass" if r["percent"] >= pass_mark else "fail"
        if r["status"] == Status.MANUAL:
            return "pending (manual grading)"
        return "no result (" + r["status"] + ")"
    df["certification"] = df.apply(result, axis=1) if len(df) else []
    return df[["trainee", "status", "percent", "certification"]].reset_index(drop=True)
