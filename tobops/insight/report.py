"""Grades out of the gradebook: CSV exports, the cohort report and per-trainee pages.

``tobops export`` and ``tobops report`` read nbgrader's gradebook (scores per cell) and
tobops' results table (status and reason per submission, written by ``tobops grade``).
The CSVs keep *not submitted*, *could not be graded* and *needs manual grading* apart
from a real score; nbgrader's own ``nbgrader export`` pads all of them with 0, so use
these files to decide who is ready.

The HTML report is one self-contained file (charts embedded as PNG), with a page per
trainee under ``trainees/``; both open from disk with no server.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from jinja2 import Environment, PackageLoader  # noqa: E402

from tobops.assess import forms  # noqa: E402
from tobops.assess.items import read_items  # noqa: E402
from tobops.content.course import CERTIFICATION, PASS_MARK  # noqa: E402
from tobops.content.course import lesson as get_lesson  # noqa: E402
from tobops.grade.coursedir import Course  # noqa: E402
from tobops.grade.results import Status, counting  # noqa: E402
from tobops.assess.lint import cut_score  # noqa: E402
from tobops.insight import analysis  # noqa: E402

CSS = {Status.GRADED: "graded", Status.MANUAL: "needs", Status.FAILED: "failed", Status.MISSING: "missing"}
CERT_SORT = {"ready": 4, "borderline": 3, "pending": 2, "not-ready": 1, "none": 0}  # sorts the verdict column
TEMPLATES = Environment(loader=PackageLoader("tobops.insight", "templates"), autoescape=True)
SUBMISSION_COLUMNS = ["trainee", "assessment", "attempt", "status", "score", "max_score", "percent", "reason",
                      "problems", "needs_attention", "late_minutes", "counts", "submitted_at"]


# --------------------------------------------------------------------------- data

def submissions_frame(course: Course, assessments: list[str], count_late: bool = False) -> pd.DataFrame:
    """One row per trainee, assessment and attempt, from the results store, in course order.
    ``counts`` marks the attempt that counts (the latest scored one on time, unless
    ``count_late``); ``problems`` is a list per row (the CSV joins it with "; ")."""
    results = course.results().load(assessments)
    counted = counting(results, count_late)
    rows = []
    for r in results:
        rows.append({"trainee": r.student, "assessment": r.assessment, "attempt": r.attempt, "status": r.status.value,
                     "score": r.score, "max_score": r.max_score, "percent": r.percent, "reason": r.reason,
                     "problems": list(r.problems), "needs_attention": r.needs_attention,
                     "late_minutes": round(r.late_seconds / 60, 1), "counts": counted[(r.student, r.assessment)] is r,
                     "submitted_at": r.submitted_at})
    df = pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)
    order = {a: i for i, a in enumerate(assessments)}
    df = df.assign(_o=df["assessment"].map(order)).sort_values(["_o", "trainee", "attempt"]).drop(columns="_o")
    df["score"] = df["score"].astype(float)
    df["percent"] = df["percent"].astype(float)
    return df.reset_index(drop=True)


ITEM_COLUMNS = ["trainee", "assessment", "attempt", "item", "variant", "lang", "kind", "lesson", "objective",
                "section", "level", "score", "max_score", "needs_manual_grade", "picked", "key"]


def items_frame(course: Course, assessments: list[str], subs: pd.DataFrame) -> pd.DataFrame:
    """One row per trainee and item of each graded submission in the gradebook (its latest
    attempt): the variant of the item the trainee's form had, their language, the score, and
    for multiple choice the option picked and the key, as letters of the bank's own order
    (forms shuffle options; these letters are comparable across trainees)."""
    rows = []
    latest = subs.sort_values("attempt").drop_duplicates(["trainee", "assessment"], keep="last")
    graded = latest[latest["status"].isin([Status.GRADED.value, Status.MANUAL.value])]
    with course.gradebook() as gb:
        for a in assessments:
            items = {i.grade_id: i for i in read_items(course.source_notebook(a), a)}
            bank = course.bank(a) if course.bank_path(a).exists() else None
            for student, attempt in graded.loc[graded["assessment"] == a, ["trainee", "attempt"]].itertuples(index=False):
                grading = _grading(course, student, a)
                form = forms.Form.from_dict(grading["form"]) if grading.get("form") else None
                sub = gb.find_submission(a, student)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        item = items.get(g.name)
                        if item is None:
                            continue
                        variant, picked, key = "", "", ""
                        if form is not None and bank is not None:
                            pick = form.pick(item.item)
                            variant = pick.variant
                            if item.kind == "choice":
                                key = forms.LETTERS[bank.slot(item.item).variant(variant).key]
                                answer = grading.get("answers", {}).get(item.item)
                                opt = pick.option_of(answer.strip().upper()) if isinstance(answer, str) else None
                                picked = forms.LETTERS[opt] if opt is not None else "blank"
                        rows.append({"trainee": student, "assessment": a, "attempt": attempt, "item": item.item,
                                     "variant": variant, "lang": grading.get("lang", "en"), "kind": item.kind,
                                     "lesson": item.lesson, "objective": item.objective, "section": item.section,
                                     "level": item.level, "score": None if g.score is None else float(g.score),
                                     "max_score": float(g.max_score), "needs_manual_grade": bool(g.needs_manual_grade),
                                     "picked": picked, "key": key})
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def _grading(course: Course, student: str, assessment: str) -> dict:
    path = course.autograded(student, assessment) / f"{assessment}.ipynb"
    if not path.exists():
        return {}
    return nbformat.read(path, as_version=4).metadata.get("tobops", {}).get("grading", {})


def frames(course: Course, assessments: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables everything else is computed from: submissions and items."""
    subs = submissions_frame(course, assessments)
    return subs, items_frame(course, assessments, subs)


def write_csvs(subs: pd.DataFrame, items: pd.DataFrame, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"grades": out / "grades.csv", "items": out / "items.csv"}
    subs.assign(problems=subs["problems"].map("; ".join)).to_csv(paths["grades"], index=False, lineterminator="\n")
    items.to_csv(paths["items"], index=False, lineterminator="\n")
    return paths


def export(course: Course, assessments: list[str], out_dir: str | Path) -> dict[str, Path]:
    """``tobops export``: grades.csv and items.csv."""
    return write_csvs(*frames(course, assessments), out_dir)


# --------------------------------------------------------------------------- strings

def strings(lang: str = "en") -> dict[str, str]:
    """The report's and the trainee pages' texts in ``lang`` (templates/strings.toml)."""
    import tomllib

    raw = tomllib.loads((Path(__file__).parent / "templates" / "strings.toml").read_text(encoding="utf-8"))
    return raw["zh" if lang == "zh" else "en"]


def _font(lang: str) -> None:
    """A CJK font for Chinese chart text (the course's set-up installs one)."""
    from tobops.content.lang import CJK_FONTS, use_cjk_font

    if lang == "zh":
        use_cjk_font()
    else:
        plt.rcParams["font.sans-serif"] = [f for f in plt.rcParams["font.sans-serif"] if f not in CJK_FONTS]


# --------------------------------------------------------------------------- charts

def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def item_chart(stats: pd.DataFrame, assessment: str, T: dict | None = None) -> str | None:
    T = T or strings()
    df = stats[stats["assessment"] == assessment]
    if df.empty:
        return None
    colours = df["kind"].map({"choice": "#4c72b0", "numeric": "#55a868", "written": "#c44e52"}).fillna("#888")
    fig, ax = plt.subplots(figsize=(max(5, 0.6 * len(df) + 2), 3.2))
    ax.bar(df["item"], 100 * df["facility"], color=list(colours))
    ax.set_ylim(0, 105)
    ax.axhline(100 * analysis.EASY, color="grey", lw=0.8, ls="--")
    ax.axhline(100 * analysis.HARD, color="grey", lw=0.8, ls="--")
    ax.set_ylabel(T["chart_items_y"])
    ax.set_xlabel(T["chart_items_x"])
    ax.set_title(T["chart_items_title"].format(a=assessment))
    return _png(fig)


def progression_chart(prog: pd.DataFrame, mark: float = PASS_MARK, T: dict | None = None) -> str | None:
    T = T or strings()
    df = prog.dropna(subset=["mean"])
    if df.empty:
        return None
    fig, ax = plt.subplots(figsize=(max(5, 0.8 * len(df) + 2), 3.2))
    ax.plot(df["assessment"], df["mean"], marker="o", label=T["chart_prog_mean"])
    ax.plot(df["assessment"], df["median"], marker="s", ls="--", label=T["chart_prog_median"])
    ax.axhline(mark, color="#1a7f37", lw=0.8, ls=":", label=T["chart_prog_mark"].format(m=mark))
    ax.set_ylim(0, 105)
    ax.set_ylabel(T["chart_prog_y"])
    ax.set_xlabel(T["chart_prog_x"])
    ax.set_title(T["chart_prog_title"])
    ax.legend(loc="lower left", fontsize=8)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    return _png(fig)


def mastery_chart(m: pd.DataFrame, max_rows: int = 60, T: dict | None = None) -> tuple[str | None, str]:
    T = T or strings()
    if m.empty:
        return None, ""
    note = ""
    if len(m) > max_rows:  # show the weakest trainees; the full table is in mastery.csv
        m = m.loc[m.mean(axis=1).sort_values().index[:max_rows]]
        note = T["mastery_note"].format(n=max_rows)
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * m.shape[1] + 2.5), max(2.5, 0.22 * m.shape[0] + 1.5)))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#d0d0d0")
    data = np.ma.masked_invalid(m.to_numpy(dtype=float))
    im = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks(range(m.shape[1]), m.columns, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(m.shape[0]), m.index, fontsize=7)
    ax.set_xlabel(T["chart_mastery_x"])
    ax.set_ylabel(T["chart_mastery_y"])
    ax.set_title(T["chart_mastery_title"])
    fig.colorbar(im, ax=ax, fraction=0.03, label=T["chart_mastery_bar"])
    return _png(fig), note


# --------------------------------------------------------------------------- HTML

def _where(lesson_id: str, sections: str, lang: str = "en", T: dict | None = None) -> str:
    T = T or strings(lang)
    try:
        les = get_lesson(lesson_id)
    except KeyError:
        return f"{lesson_id} {sections}"
    parts = [f"§{s} {les.section_title(s, lang)}".strip() for s in str(sections).split(", ") if s]
    return T["lesson_where"].format(n=les.number, title=les.title_in(lang), parts="; ".join(parts))


def _objective_text(oid: str, lang: str = "en") -> str:
    from tobops.content.course import objectives

    return objectives(lang).get(oid, "")


STATUS_KEY = {Status.GRADED.value: "status_graded", Status.MANUAL.value: "status_manual",
              Status.FAILED.value: "status_failed", Status.MISSING.value: "status_missing"}


def _status(status: str, T: dict) -> str:
    return T[STATUS_KEY[status]] if status in STATUS_KEY else status


def _translate(text: str, phrases: tuple[tuple[str, str], ...], T: dict) -> str:
    """``text`` (written by tobops.insight.analysis in English) with each known phrase in the
    report's language; numbers and the rest stay as they are."""
    for en, key in phrases:
        text = text.replace(en, T[key])
    return text


VERDICT_PHRASES = (("late: not counted", "late_not_counted"), ("pending (manual grading)", "pending"),
                   ("borderline: within one standard error of the cut", "borderline"), ("pass", "pass"),
                   ("fail", "fail"), ("not taken", "not_taken_short"))
FLAG_PHRASES = (("negative discrimination: check the key", "flag_key"), ("too easy", "flag_easy"),
                ("too hard", "flag_hard"), ("discriminates badly", "flag_weak"),
                ("behaves differently from its siblings", "flag_siblings"),
                ("differs by language", "flag_language"), ("check the translation", "flag_translation"))


def _verdict(text: str, T: dict) -> str:
    """analysis.certification's verdict in the report's language."""
    if text.startswith("no result ("):
        return T["no_result"].format(status=_status(text[len("no result ("):-1], T))
    return _translate(text, VERDICT_PHRASES, T)


def _flag(text: str, T: dict) -> str:
    """An item-analysis flag in the report's language."""
    return _translate(text, FLAG_PHRASES, T)


def _fmt(x, digits=1) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"


def pass_mark(course: Course) -> tuple[float, int]:
    """The certification's pass mark: the modified-Angoff cut score of its bank when every
    slot is rated (and how many slots rated it), else the course's fixed mark (and 0)."""
    if course.bank_path(CERTIFICATION).exists():
        bank = course.bank(CERTIFICATION)
        if all(s.angoff is not None for s in bank.slots):
            return round(100 * cut_score(bank), 1), len(bank.slots)
    return PASS_MARK, 0


def html_report(course: Course, assessments: list[str], out_dir: str | Path, lang: str = "en",
                count_late: bool = False) -> dict[str, Path]:
    """``tobops report``: the CSVs and the HTML report of the course's results (in ``lang``;
    each trainee's page in that trainee's language)."""
    subs = submissions_frame(course, assessments, count_late)
    items = items_frame(course, assessments, subs)
    paths = write_csvs(subs, items, out_dir)
    mark, rated = pass_mark(course)
    roster = course.roster()
    paths.update(render(subs, items, assessments, out_dir, str(course.home), mark=mark, rated=rated, lang=lang,
                        trainee_langs=roster.langs(), teams=roster.teams()))
    return paths


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[:n].rstrip(" ,;:") + "…"


NEAR = 15  # points below the pass mark still shown amber, not red


def band(percent: float, mark: float) -> str:
    """The colour of a score: at or above the pass mark, up to NEAR points below it, or further."""
    return "ok" if percent >= mark else "near" if percent >= mark - NEAR else "low"


def verdict_class(verdict: str) -> str:
    """ready, borderline, not-ready, pending or none: the five groups the report opens with."""
    if "borderline" in verdict:
        return "borderline"
    return {"pass": "ready", "fail": "not-ready", "pending": "pending"}.get(verdict.split(" ")[0], "none")


FIX_ORDER = ("check the key", "check the translation", "siblings", "too hard", "discriminates badly", "too easy")


def items_to_fix(stats: pd.DataFrame, variants: pd.DataFrame, langs: pd.DataFrame, lang: str, T: dict) -> list[dict]:
    """Every flagged item, variant and translation, the likeliest errors first."""
    rows = [(r.assessment, r.item, r.objective, r.flag) for r in stats.itertuples() if r.flag]
    obj = dict(zip(zip(stats["assessment"], stats["item"]), stats["objective"]))
    rows += [(r.assessment, f"{r.item} ({r.variant})", obj.get((r.assessment, r.item), ""), r.flag)
             for r in variants.itertuples() if r.flag]
    rows += [(r.assessment, r.item, obj.get((r.assessment, r.item), ""), r.flag) for r in langs.itertuples() if r.flag]

    def rank(row):
        return next((i for i, k in enumerate(FIX_ORDER) if k in row[3]), len(FIX_ORDER))

    return [{"assessment": a, "item": i, "objective": o, "objective_text": _objective_text(o, lang), "flag": _flag(f, T)}
            for a, i, o, f in sorted(rows, key=rank)]


def render(subs: pd.DataFrame, items: pd.DataFrame, assessments: list[str], out: Path, source: str,
           title: str | None = None, mark: float = PASS_MARK, rated: int = 0, lang: str = "en",
           trainee_langs: dict[str, str] | None = None, teams: dict[str, str] | None = None) -> dict[str, Path]:
    """Write report.html, trainees/*.html and the analysis CSVs from the two tables."""
    T = strings(lang)
    _font(lang)
    title = title or T["title"]
    mark_how = T["mark_angoff"].format(n=rated) if rated else T["mark_fixed"]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    m = analysis.mastery(items)
    stats = analysis.item_statistics(items)
    variants = analysis.variant_statistics(items)
    langs = analysis.language_statistics(items)
    prog = analysis.progression(subs[subs["counts"].astype(bool)], assessments)
    rel = analysis.reliability(items, CERTIFICATION)
    cert = analysis.certification(subs, CERTIFICATION, mark, rel["sem_percent"])
    weak_by_trainee = analysis.weak_spots(items)
    m.to_csv(out / "mastery.csv", lineterminator="\n")
    stats.to_csv(out / "item_stats.csv", index=False, lineterminator="\n")
    variants.to_csv(out / "variant_stats.csv", index=False, lineterminator="\n")
    cert.to_csv(out / "certification.csv", index=False, lineterminator="\n")
    paths.update(mastery=out / "mastery.csv", item_stats=out / "item_stats.csv",
                 variant_stats=out / "variant_stats.csv", certification=out / "certification.csv")

    cert_by = dict(zip(cert["trainee"], cert["certification"]))
    trainees = []
    for t in sorted(subs["trainee"].unique()):
        cells = []
        for a in assessments:
            mine = subs[(subs["trainee"] == t) & (subs["assessment"] == a)]
            r = mine[mine["counts"].astype(bool)]
            if r.empty:
                cells.append({"text": "", "css": "", "status": "", "sort": -2})
                continue
            r = r.iloc[0]
            text = {Status.FAILED.value: "✗", Status.MISSING.value: "–"}.get(r["status"], _fmt(r["percent"], 0))
            if r["status"] == Status.MANUAL.value:
                text += "✎"
            if len(mine) > 1:
                text += f" ({T['attempt']} {r['attempt']}/{mine['attempt'].max()})"
            if float(r["late_minutes"] or 0) > 0:
                text += " " + T["late"].format(m=float(r["late_minutes"]))
            graded = r["status"] == Status.GRADED.value
            cells.append({"text": text, "css": band(r["percent"], mark) if graded else CSS.get(r["status"], ""),
                          "status": _status(r["status"], T),
                          "sort": r["percent"] if r["percent"] == r["percent"] else -1})
        c = cert_by.get(t, "not taken")
        css = verdict_class(c)
        weak = [(o, _objective_text(o, lang)) for o in weak_by_trainee.get(t, [])[:3]]
        trainees.append({"id": t, "team": (teams or {}).get(t, ""), "cells": cells, "cert": _verdict(c, T),
                         "cert_css": css, "cert_sort": CERT_SORT[css],
                         "weak": [{"id": o, "text": text, "short": _short(text)} for o, text in weak]})

    weakest = []
    for r in analysis.weakest_objectives(items, n=8).itertuples():
        weakest.append({"objective": r.objective, "text": _objective_text(r.objective, lang),
                        "mastery": _fmt(100 * r.mastery, 0), "trainees_below": r.trainees_below,
                        "where": _where(r.lesson, r.sections, lang, T)})
    picks = items[items["kind"] == "choice"].groupby(["assessment", "item"])["picked"] \
        .agg(lambda s: ", ".join(f"{k}: {v}" for k, v in s.value_counts().sort_index().items()))
    item_blocks = []
    for a in assessments:
        rows = []
        for r in stats[stats["assessment"] == a].itertuples():
            rows.append({"item": r.item, "kind": r.kind, "objective": r.objective,
                         "objective_text": _objective_text(r.objective, lang), "n": r.n,
                         "facility": _fmt(r.facility, 2), "discrimination": _fmt(r.discrimination, 2),
                         "point_biserial": _fmt(r.point_biserial, 2), "flag": _flag(r.flag, T),
                         "options": picks.get((a, r.item), "")})
        vrows = [{"item": r.item, "variant": r.variant, "n": r.n, "facility": _fmt(r.facility, 2),
                  "siblings": _fmt(r.siblings, 2), "flag": _flag(r.flag, T)}
                 for r in variants[variants["assessment"] == a].itertuples()]
        lrows = [{"item": r.item, "n_en": r.n_en, "facility_en": _fmt(r.facility_en, 2), "n_zh": r.n_zh,
                  "facility_zh": _fmt(r.facility_zh, 2), "flag": _flag(r.flag, T)}
                 for r in langs[langs["assessment"] == a].itertuples() if r.n_en and r.n_zh]
        item_blocks.append({"id": a, "rows": rows, "chart": item_chart(stats, a, T), "variants": vrows,
                            "langs": lrows})
    attention = [{"trainee": r.trainee, "assessment": r.assessment + (f" (attempt {r.attempt})" if r.attempt > 1 else ""),
                  "status": _status(r.status, T), "css": CSS.get(r.status, ""), "reason": r.reason,
                  "problems": r.problems}
                 for r in subs.itertuples() if r.needs_attention]
    manual = analysis.manual_queue(items).to_dict("records")
    chart, note = mastery_chart(m, T=T)
    groups = {k: [] for k in CERT_SORT}
    for t in trainees:
        groups[t["cert_css"]].append(t["id"])
    fixes = items_to_fix(stats, variants, langs, lang, T)
    html = TEMPLATES.get_template("report.html.j2").render(
        title=title, generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), course=source,
        n_trainees=subs["trainee"].nunique(), assessments=assessments, exam=CERTIFICATION, pass_mark=f"{mark:g}",
        mark_how=mark_how, reliability=rel, sem=_fmt(rel["sem_percent"]), alpha=_fmt(rel["alpha"], 2),
        trainees=trainees, progression_chart=progression_chart(prog, mark, T), T=T,
        progression=[{"assessment": r.assessment, "graded": int(r.graded) if r.graded == r.graded else 0,
                      "mean": _fmt(r.mean), "median": _fmt(r.median)} for r in prog.itertuples()],
        mastery_chart=chart, mastery_note=note, weakest=weakest, weak_pct=f"{100 * analysis.WEAK:g}",
        easy=f"{100 * analysis.EASY:g}", hard=f"{100 * analysis.HARD:g}", low_disc=analysis.LOW_DISCRIMINATION,
        item_blocks=item_blocks, manual=manual, attention=attention, groups=groups, reteach=weakest[:3],
        fixes=fixes[:8], more_fixes=max(0, len(fixes) - 8), teams=sorted(set((teams or {}).values())), near=NEAR)
    paths["html"] = out / "report.html"
    paths["html"].write_text(html, encoding="utf-8")
    paths["trainees"] = trainee_pages(out / "trainees", subs, items, m, cert_by, mark, trainee_langs or {}, lang)
    return paths


def trainee_pages(out: Path, subs: pd.DataFrame, items: pd.DataFrame, m: pd.DataFrame,
                  cert_by: dict[str, str], mark: float = PASS_MARK, langs: dict[str, str] | None = None,
                  default_lang: str = "en") -> Path:
    """One page per trainee, in that trainee's language (else the report's)."""
    out.mkdir(parents=True, exist_ok=True)
    tpl = TEMPLATES.get_template("trainee.html.j2")
    scored = analysis.scored(items)
    by_lang = {lang: strings(lang) for lang in ("en", "zh")}
    for t in sorted(subs["trainee"].unique()):
        lang = (langs or {}).get(t, default_lang)
        T = by_lang[lang]
        rows = [{"assessment": r.assessment, "attempt": r.attempt, "counts": bool(r.counts),
                 "late": T["late"].format(m=float(r.late_minutes)) if float(r.late_minutes or 0) > 0 else "",
                 "status": _status(r.status, T), "css": CSS.get(r.status, ""),
                 "score": "" if pd.isna(r.score) else f"{r.score:g} / {r.max_score:g}",
                 "percent": _fmt(r.percent, 0), "reason": r.reason, "problems": r.problems}
                for r in subs[subs["trainee"] == t].itertuples()]
        mine = scored[(scored["trainee"] == t) & (scored["score"] < scored["max_score"])]
        wrong = [{"assessment": r.assessment, "item": r.item, "points": f"{r.score:g} / {r.max_score:g}",
                  "where": _where(r.lesson, r.section, lang, T)} for r in mine.itertuples()]
        weak = []
        if t in m.index:
            row = m.loc[t]
            for oid, share in row[row < analysis.WEAK].sort_values().items():
                secs = ", ".join(sorted(set(scored.loc[scored["objective"] == oid, "section"].astype(str))))
                weak.append({"id": oid, "text": _objective_text(oid, lang), "mastery": _fmt(100 * share, 0),
                             "where": _where(oid.split(".")[0], secs, lang, T)})
        c = cert_by.get(t, "not taken")
        (out / f"{t}.html").write_text(tpl.render(
            T=T, id=t, rows=rows, wrong=wrong, weak=weak, exam=CERTIFICATION, pass_mark=f"{mark:g}",
            cert=_verdict(c, T), cert_css=verdict_class(c), weak_pct=f"{100 * analysis.WEAK:g}"), encoding="utf-8")
    return out
