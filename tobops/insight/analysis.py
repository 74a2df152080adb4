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


VARIANT_GAP = 0.20   # a variant whose facility differs from its siblings' by more is flagged
LANGUAGE_GAP = 0.15  # an item whose facility differs by language by more is flagged (a translation to check)
MIN_GROUP = 5        # trainees a variant or language needs before it is compared


def _fraction(items: pd.DataFrame) -> pd.DataFrame:
    df = scored(items).copy()
    df["frac"] = df["score"] / df["max_score"]
    return df


def variant_statistics(items: pd.DataFrame) -> pd.DataFrame:
    """Facility of each variant of each item, against its sibling variants' pooled facility;
    flags a variant that behaves differently (it may be easier, harder or miskeyed)."""
    cols = ["assessment", "item", "variant", "n", "facility", "siblings", "flag"]
    df = _fraction(items)
    df = df[df["variant"].astype(str) != ""] if "variant" in df else df.iloc[0:0]
    rows = []
    for (a, item), g in df.groupby(["assessment", "item"], sort=False):
        for variant, gv in g.groupby("variant"):
            others = g[g["variant"] != variant]
            fac, sib = float(gv["frac"].mean()), float(others["frac"].mean()) if len(others) else np.nan
            flag = ""
            if len(gv) >= MIN_GROUP and len(others) >= MIN_GROUP and abs(fac - sib) > VARIANT_GAP:
                flag = f"behaves differently from its siblings ({fac:.2f} vs {sib:.2f})"
            rows.append({"assessment": a, "item": item, "variant": variant, "n": len(gv), "facility": round(fac, 3),
                         "siblings": round(sib, 3), "flag": flag})
    return pd.DataFrame(rows, columns=cols)


def language_statistics(items: pd.DataFrame) -> pd.DataFrame:
    """Facility of each item by language of the trainee's form, pooled over variants; flags
    items whose facility differs by language by more than LANGUAGE_GAP."""
    cols = ["assessment", "item", "n_en", "facility_en", "n_zh", "facility_zh", "flag"]
    df = _fraction(items)
    if "lang" not in df or df.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for (a, item), g in df.groupby(["assessment", "item"], sort=False):
        en, zh = g[g["lang"] == "en"]["frac"], g[g["lang"] == "zh"]["frac"]
        fen, fzh = (float(en.mean()) if len(en) else np.nan), (float(zh.mean()) if len(zh) else np.nan)
        flag = ""
        if len(en) >= MIN_GROUP and len(zh) >= MIN_GROUP and abs(fen - fzh) > LANGUAGE_GAP:
            flag = f"differs by language ({fen:.2f} en, {fzh:.2f} zh): check the translation"
        rows.append({"assessment": a, "item": item, "n_en": len(en), "facility_en": round(fen, 3), "n_zh": len(zh),
                     "facility_zh": round(fzh, 3), "flag": flag})
    return pd.DataFrame(rows, columns=cols)


def reliability(items: pd.DataFrame, exam: str) -> dict:
    """Cronbach's alpha of an exam's automatically and manually scored items (trainees with
    every item scored), and the standard error of measurement in percentage points."""
    df = scored(items[items["assessment"] == exam])
    out = {"n": 0, "items": 0, "alpha": np.nan, "sem_percent": np.nan}
    if df.empty:
        return out
    table = df.pivot_table(index="trainee", columns="item", values="score", aggfunc="sum").dropna()
    k, n = table.shape[1], table.shape[0]
    out.update(n=n, items=k)
    if n < 5 or k < 2:
        return out
    total_var = table.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return out
    alpha = k / (k - 1) * (1 - table.var(axis=0, ddof=1).sum() / total_var)
    max_points = float(df.groupby("item")["max_score"].first().sum())
    sem = float(np.sqrt(total_var) * np.sqrt(max(0.0, 1 - alpha)))
    out.update(alpha=round(float(alpha), 3), sem_percent=round(100 * sem / max_points, 1))
    return out


def certification(subs: pd.DataFrame, exam: str, pass_mark: float, sem_percent: float = np.nan) -> pd.DataFrame:
    """Pass/fail per trainee on the attempt of the certification that counts; 'pending'
    while it is not fully graded; late attempts do not count (unless counted when the
    results were read); within one standard error of the cut, 'borderline'."""
    cols = ["trainee", "attempt", "attempts", "status", "percent", "late_minutes", "certification"]
    df = subs[subs["assessment"] == exam]
    if "counts" in df:
        attempts = df.groupby("trainee")["attempt"].max()
        df = df[df["counts"].astype(bool)].copy()
    else:
        df = df.copy()
        attempts = df.groupby("trainee")["attempt"].max() if "attempt" in df else pd.Series(dtype=int)

    def result(r):
        late = float(r.get("late_minutes", 0) or 0)
        if r["status"] == Status.GRADED:
            if late > 0:
                return "late: not counted"
            verdict = "pass" if r["percent"] >= pass_mark else "fail"
            if not np.isnan(sem_percent) and abs(r["percent"] - pass_mark) < sem_percent:
                verdict = f"{verdict} (borderline: within one standard error of the cut)"
            return verdict
        if r["status"] == Status.MANUAL:
            return "pending (manual grading)"
        return "no result (" + r["status"] + ")"

    df["certification"] = df.apply(result, axis=1) if len(df) else []
    if "attempt" not in df:
        df["attempt"] = 1
    if "late_minutes" not in df:
        df["late_minutes"] = 0.0
    df["attempts"] = df["trainee"].map(attempts).fillna(1).astype(int) if len(df) else []
    return df[cols].reset_index(drop=True)
