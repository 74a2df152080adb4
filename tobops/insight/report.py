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
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from jinja2 import Environment  # noqa: E402

from tobops.insight import analysis
from tobops.grade import grader as grading  # noqa: E402
from tobops.content.course import CERTIFICATION, PASS_MARK  # noqa: E402
from tobops.content.course import lesson as get_lesson  # noqa: E402
from tobops.grade.coursedir import Course  # noqa: E402
from tobops.assess.items import read_items  # noqa: E402

CSS = {grading.GRADED: "graded", grading.MANUAL: "needs", grading.FAILED: "failed", grading.MISSING: "missing"}


# --------------------------------------------------------------------------- data

def submissions_frame(course: Course, assessments: list[str]) -> pd.DataFrame:
    rows = [r for r in grading.load_results(course) if r["assignment_id"] in assessments]
    df = pd.DataFrame(rows, columns=["student_id", "assignment_id", "status", "score", "max_score", "reason",
                                     "problems", "submitted_at", "graded_at"])
    df = df.rename(columns={"student_id": "trainee", "assignment_id": "assessment"})
    df["percent"] = (100 * df["score"].astype(float) / df["max_score"].astype(float)).round(1)
    order = {a: i for i, a in enumerate(assessments)}
    df = df.assign(_o=df["assessment"].map(order)).sort_values(["_o", "trainee"]).drop(columns="_o")
    return df[["trainee", "assessment", "status", "score", "max_score", "percent", "reason", "submitted_at",
               "graded_at"]].reset_index(drop=True)


def items_frame(course: Course, assessments: list[str], subs: pd.DataFrame) -> pd.DataFrame:
    """One row per trainee and item of every graded submission, with the option picked."""
    rows = []
    graded = subs[subs["status"].isin([grading.GRADED, grading.MANUAL])]
    with course.gradebook() as gb:
        for a in assessments:
            items = {i.grade_id: i for i in read_items(course.source_notebook(a), a)}
            for student in graded.loc[graded["assessment"] == a, "trainee"]:
                picks = _picks(course, student, a, items.values())
                sub = gb.find_submission(a, student)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        item = items.get(g.name)
                        if item is None:
                            continue
                        rows.append({"trainee": student, "assessment": a, "item": item.item, "kind": item.kind,
                                     "lesson": item.lesson, "objective": item.objective, "section": item.section,
                                     "score": None if g.score is None else float(g.score),
                                     "max_score": float(g.max_score),
                                     "needs_manual_grade": bool(g.needs_manual_grade),
                                     "picked": picks.get(item.item, "")})
    return pd.DataFrame(rows, columns=["trainee", "assessment", "item", "kind", "lesson", "objective", "section",
                                       "score", "max_score", "needs_manual_grade", "picked"])


def _picks(course: Course, student: str, assessment: str, items) -> dict[str, str]:
    choice = [i for i in items if i.kind == "choice"]
    if not choice:
        return {}
    path = course.autograded(student, assessment) / f"{assessment}.ipynb"
    if not path.exists():
        return {}
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source
             for c in nbformat.read(path, as_version=4).cells}
    return {i.item: analysis.picked_option(cells.get(f"{i.item}_answer", ""), i.answer_var) for i in choice}


def export(course: Course, assessments: list[str], out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    subs = submissions_frame(course, assessments)
    items = items_frame(course, assessments, subs)
    paths = {"grades": out / "grades.csv", "items": out / "items.csv"}
    subs.to_csv(paths["grades"], index=False, lineterminator="\n")
    items.to_csv(paths["items"], index=False, lineterminator="\n")
    return paths


# --------------------------------------------------------------------------- charts

def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def item_chart(stats: pd.DataFrame, assessment: str) -> str | None:
    df = stats[stats["assessment"] == assessment]
    if df.empty:
        return None
    colours = df["kind"].map({"choice": "#4c72b0", "numeric": "#55a868", "written": "#c44e52"}).fillna("#888")
    fig, ax = plt.subplots(figsize=(max(5, 0.6 * len(df) + 2), 3.2))
    ax.bar(df["item"], 100 * df["facility"], color=list(colours))
    ax.set_ylim(0, 105)
    ax.axhline(100 * analysis.EASY, color="grey", lw=0.8, ls="--")
    ax.axhline(100 * analysis.HARD, color="grey", lw=0.8, ls="--")
    ax.set_ylabel("points earned (% of possible)")
    ax.set_xlabel("item (blue: choice, green: numeric, red: written)")
    ax.set_title(f"{assessment}: facility per item (dashed: too easy / too hard)")
    return _png(fig)


def progression_chart(prog: pd.DataFrame) -> str | None:
    df = prog.dropna(subset=["mean"])
    if df.empty:
        return None
    fig, ax = plt.subplots(figsize=(max(5, 0.8 * len(df) + 2), 3.2))
    ax.plot(df["assessment"], df["mean"], marker="o", label="mean")
    ax.plot(df["assessment"], df["median"], marker="s", ls="--", label="median")
    ax.axhline(PASS_MARK, color="#1a7f37", lw=0.8, ls=":", label=f"pass mark {PASS_MARK:g}%")
    ax.set_ylim(0, 105)
    ax.set_ylabel("score (% of possible points)")
    ax.set_xlabel("assessment, in course order")
    ax.set_title("Progression: how the cohort scores after each lesson")
    ax.legend(loc="lower left", fontsize=8)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    return _png(fig)


def mastery_chart(m: pd.DataFrame, max_rows: int = 60) -> tuple[str | None, str]:
    if m.empty:
        return None, ""
    note = ""
    if len(m) > max_rows:  # show the weakest trainees; the full table is in mastery.csv
        m = m.loc[m.mean(axis=1).sort_values().index[:max_rows]]
        note = f"Showing the {max_rows} trainees with the lowest mastery; mastery.csv has everyone."
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * m.shape[1] + 2.5), max(2.5, 0.22 * m.shape[0] + 1.5)))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#d0d0d0")
    data = np.ma.masked_invalid(m.to_numpy(dtype=float))
    im = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks(range(m.shape[1]), m.columns, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(m.shape[0]), m.index, fontsize=7)
    ax.set_xlabel("learning objective")
    ax.set_ylabel("trainee")
    ax.set_title("Mastery: share of each objective's points earned (grey: not assessed)")
    fig.colorbar(im, ax=ax, fraction=0.03, label="share of points")
    return _png(fig), note


# --------------------------------------------------------------------------- HTML

STYLE = """body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1150px;color:#222;padding:0 1rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .55rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.graded,.pass{color:#1a7f37}.needs,.pending{color:#9a6700}.failed,.fail{color:#cf222e;font-weight:600}.missing{color:#6e7781}
.note{background:#fff8c5;border:1px solid #d4a72c;padding:.6rem 1rem;border-radius:6px}img{max-width:100%}
nav a{margin-right:1rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}"""

MAIN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title><style>{{ style }}</style></head><body>
<h1>{{ title }}</h1>
<p>Generated {{ generated }} from <code>{{ course }}</code>: {{ n_trainees }} trainee(s), {{ assessments|length }} assessment(s).</p>
<nav><a href="#ready">Who is ready</a><a href="#progress">Progression</a><a href="#mastery">Mastery</a><a href="#items">Items to fix</a><a href="#manual">Manual grading</a><a href="#attention">Needs attention</a></nav>
<p class="note">Status matters more than score: <b>not submitted</b> and <b>could not be graded</b> are not zeros, and
<b>needs manual grading</b> scores leave out written answers not graded yet. <code>nbgrader export</code> shows all of these as 0.</p>

<h2 id="ready">Who is ready</h2>
<p>Certification: <b>{{ exam }}</b>, pass mark {{ pass_mark }}%.
{% if cert_counts %}{% for k, v in cert_counts.items() %}{{ v }} {{ k }}{% if not loop.last %} · {% endif %}{% endfor %}{% else %}Not taken yet.{% endif %}</p>
<table><thead><tr><th>trainee</th>{% for a in assessments %}<th>{{ a }}</th>{% endfor %}<th>certification</th><th>weakest objectives</th></tr></thead><tbody>
{% for t in trainees %}<tr><td><a href="trainees/{{ t.id }}.html">{{ t.id }}</a></td>
{% for c in t.cells %}<td class="{{ c.css }}" title="{{ c.status }}">{{ c.text }}</td>{% endfor %}
<td class="{{ t.cert_css }}">{{ t.cert }}</td><td>{{ t.weak }}</td></tr>{% endfor %}
</tbody></table>
<p>Cells show the score in percent, or: <span class="needs">…✎</span> written answers still to grade, <span class="failed">✗</span> could not be graded, <span class="missing">–</span> not submitted.</p>

<h2 id="progress">Progression (train, then assess)</h2>
{% if progression_chart %}<img alt="progression chart" src="{{ progression_chart }}">{% endif %}
<table><thead><tr><th>assessment</th><th>graded</th><th>mean %</th><th>median %</th></tr></thead><tbody>
{% for r in progression %}<tr><td>{{ r.assessment }}</td><td>{{ r.graded }}</td><td>{{ r.mean }}</td><td>{{ r.median }}</td></tr>{% endfor %}</tbody></table>

<h2 id="mastery">Mastery per learning objective: what to reteach</h2>
{% if mastery_chart %}<img alt="mastery heatmap" src="{{ mastery_chart }}"><p>{{ mastery_note }}</p>{% endif %}
<table><thead><tr><th>objective</th><th>what it is</th><th>cohort mastery</th><th>trainees below {{ weak_pct }}%</th><th>reteach from</th></tr></thead><tbody>
{% for r in weakest %}<tr><td>{{ r.objective }}</td><td>{{ r.text }}</td><td>{{ r.mastery }}%</td><td>{{ r.trainees_below }}</td><td>{{ r.where }}</td></tr>{% endfor %}</tbody></table>

<h2 id="items">Item analysis: which items to fix</h2>
<p>Facility is the share of points earned; discrimination compares the top and bottom 27% of trainees (by their score on the rest of the assessment); the point-biserial is the correlation of the item with that rest score. Flags: facility ≥ {{ easy }}% too easy, ≤ {{ hard }}% too hard, discrimination &lt; {{ low_disc }} discriminates badly, negative: check the key.</p>
{% for a in item_blocks %}<h3>{{ a.id }}</h3>{% if a.chart %}<img alt="facility per item for {{ a.id }}" src="{{ a.chart }}">{% endif %}
<table><thead><tr><th>item</th><th>kind</th><th>objective</th><th>n</th><th>facility</th><th>discrimination</th><th>point-biserial</th><th>options picked</th><th>flag</th></tr></thead><tbody>
{% for r in a.rows %}<tr><td>{{ r.item }}</td><td>{{ r.kind }}</td><td>{{ r.objective }}</td><td>{{ r.n }}</td><td>{{ r.facility }}</td><td>{{ r.discrimination }}</td><td>{{ r.point_biserial }}</td><td>{{ r.options }}</td><td class="{{ 'failed' if r.flag else '' }}">{{ r.flag }}</td></tr>{% endfor %}
</tbody></table>{% endfor %}

<h2 id="manual">Manual-grading queue</h2>
{% if manual %}<p>{{ manual|length }} written answer(s) wait for a grade in formgrader.</p>
<table><thead><tr><th>assessment</th><th>item</th><th>trainee</th><th>points</th></tr></thead><tbody>
{% for r in manual %}<tr><td>{{ r.assessment }}</td><td>{{ r.item }}</td><td>{{ r.trainee }}</td><td>{{ r.max_score }}</td></tr>{% endfor %}</tbody></table>
{% else %}<p>Nothing waits for manual grading.</p>{% endif %}

<h2 id="attention">Submissions that need attention</h2>
{% if attention %}<table><thead><tr><th>trainee</th><th>assessment</th><th>status</th><th>reason</th></tr></thead><tbody>
{% for r in attention %}<tr><td>{{ r.trainee }}</td><td>{{ r.assessment }}</td><td class="{{ r.css }}">{{ r.status }}</td><td>{{ r.reason }}</td></tr>{% endfor %}</tbody></table>
{% else %}<p>None.</p>{% endif %}
</body></html>"""

TRAINEE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ id }}: feedback</title><style>{{ style }}</style></head><body>
<p><a href="../report.html">← cohort report</a></p>
<h1>Feedback for {{ id }}</h1>
<p>Certification ({{ exam }}, pass mark {{ pass_mark }}%): <b class="{{ cert_css }}">{{ cert }}</b></p>
<table><thead><tr><th>assessment</th><th>status</th><th>score</th><th>%</th><th>note</th></tr></thead><tbody>
{% for r in rows %}<tr><td>{{ r.assessment }}</td><td class="{{ r.css }}">{{ r.status }}</td><td>{{ r.score }}</td><td>{{ r.percent }}</td><td>{{ r.reason }}</td></tr>{% endfor %}</tbody></table>
<h2>What was not right yet</h2>
{% if wrong %}<table><thead><tr><th>assessment</th><th>item</th><th>points</th><th>revisit</th></tr></thead><tbody>
{% for r in wrong %}<tr><td>{{ r.assessment }}</td><td>{{ r.item }}</td><td>{{ r.points }}</td><td>{{ r.where }}</td></tr>{% endfor %}</tbody></table>
{% else %}<p>Every graded item earned its full points.</p>{% endif %}
<h2>Weakest objectives</h2>
{% if weak %}<ul>{% for w in weak %}<li><b>{{ w.id }}</b> {{ w.text }} ({{ w.mastery }}% of its points): revisit {{ w.where }}</li>{% endfor %}</ul>
{% else %}<p>No objective below {{ weak_pct }}%.</p>{% endif %}
</body></html>"""


def _where(lesson_id: str, sections: str) -> str:
    try:
        les = get_lesson(lesson_id)
    except KeyError:
        return f"{lesson_id} {sections}"
    parts = [f"§{s} {les.section_title(s)}".strip() for s in str(sections).split(", ") if s]
    return f"Lesson {les.number:02d} ({les.title}): " + "; ".join(parts)


def _objective_text(oid: str) -> str:
    from tobops.content.course import objectives

    return objectives().get(oid, "")


def _fmt(x, digits=1) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"


def html_report(course: Course, assessments: list[str], out_dir: str | Path,
                title: str = "ToB Ops Academy: cohort report") -> dict[str, Path]:
    """Export the CSVs from the course's gradebook, then write the report from them."""
    out = Path(out_dir)
    paths = export(course, assessments, out)
    subs = pd.read_csv(paths["grades"], keep_default_na=False, na_values=[""])
    items = pd.read_csv(paths["items"], keep_default_na=False, na_values=[""],
                        dtype={"section": str, "picked": str})
    items["needs_manual_grade"] = items["needs_manual_grade"].astype(str).eq("True")
    paths.update(render(subs, items, assessments, out, str(course.home), title))
    return paths


def render(subs: pd.DataFrame, items: pd.DataFrame, assessments: list[str], out: Path, source: str,
           title: str = "ToB Ops Academy: cohort report") -> dict[str, Path]:
    """Write report.html, trainees/*.html and the analysis CSVs from the two tables."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    m = analysis.mastery(items)
    stats = analysis.item_statistics(items)
    prog = analysis.progression(subs, assessments)
    cert = analysis.certification(subs, CERTIFICATION, PASS_MARK)
    weak_by_trainee = analysis.weak_spots(items)
    m.to_csv(out / "mastery.csv", lineterminator="\n")
    stats.to_csv(out / "item_stats.csv", index=False, lineterminator="\n")
    cert.to_csv(out / "certification.csv", index=False, lineterminator="\n")
    paths.update(mastery=out / "mastery.csv", item_stats=out / "item_stats.csv", certification=out / "certification.csv")

    env = Environment(autoescape=True)
    cert_by = dict(zip(cert["trainee"], cert["certification"]))
    trainees = []
    for t in sorted(subs["trainee"].unique()):
        cells = []
        for a in assessments:
            r = subs[(subs["trainee"] == t) & (subs["assessment"] == a)]
            if r.empty:
                cells.append({"text": "", "css": "", "status": ""})
                continue
            r = r.iloc[0]
            text = {grading.FAILED: "✗", grading.MISSING: "–"}.get(r["status"], _fmt(r["percent"], 0))
            if r["status"] == grading.MANUAL:
                text += "✎"
            cells.append({"text": text, "css": CSS.get(r["status"], ""), "status": r["status"]})
        c = cert_by.get(t, "not taken")
        trainees.append({"id": t, "cells": cells, "cert": c, "cert_css": c.split(" ")[0],
                         "weak": ", ".join(weak_by_trainee.get(t, [])[:3])})

    weakest = []
    for r in analysis.weakest_objectives(items, n=8).itertuples():
        weakest.append({"objective": r.objective, "text": _objective_text(r.objective),
                        "mastery": _fmt(100 * r.mastery, 0), "trainees_below": r.trainees_below,
                        "where": _where(r.lesson, r.sections)})
    picks = items[items["kind"] == "choice"].groupby(["assessment", "item"])["picked"] \
        .agg(lambda s: ", ".join(f"{k}: {v}" for k, v in s.value_counts().sort_index().items()))
    item_blocks = []
    for a in assessments:
        rows = []
        for r in stats[stats["assessment"] == a].itertuples():
            rows.append({"item": r.item, "kind": r.kind, "objective": r.objective, "n": r.n,
                         "facility": _fmt(r.facility, 2), "discrimination": _fmt(r.discrimination, 2),
                         "point_biserial": _fmt(r.point_biserial, 2), "flag": r.flag,
                         "options": picks.get((a, r.item), "")})
        item_blocks.append({"id": a, "rows": rows, "chart": item_chart(stats, a)})
    attention = [{"trainee": r.trainee, "assessment": r.assessment, "status": r.status, "css": CSS.get(r.status, ""),
                  "reason": r.reason} for r in subs.itertuples()
                 if r.status == grading.FAILED or (isinstance(r.reason, str) and re.search(
                     r"timed out|Error|died|deleted|edited|too much|not run", r.reason))]
    manual = analysis.manual_queue(items).to_dict("records")
    chart, note = mastery_chart(m)
    html = env.from_string(MAIN).render(
        title=title, style=STYLE, generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), course=source,
        n_trainees=subs["trainee"].nunique(), assessments=assessments, exam=CERTIFICATION, pass_mark=f"{PASS_MARK:g}",
        cert_counts=cert["certification"].value_counts().to_dict() if len(cert) else {},
        trainees=trainees, progression_chart=progression_chart(prog),
        progression=[{"assessment": r.assessment, "graded": int(r.graded) if r.graded == r.graded else 0,
                      "mean": _fmt(r.mean), "median": _fmt(r.median)} for r in prog.itertuples()],
        mastery_chart=chart, mastery_note=note, weakest=weakest, weak_pct=f"{100 * analysis.WEAK:g}",
        easy=f"{100 * analysis.EASY:g}", hard=f"{100 * analysis.HARD:g}", low_disc=analysis.LOW_DISCRIMINATION,
        item_blocks=item_blocks, manual=manual, attention=attention)
    paths["html"] = out / "report.html"
    paths["html"].write_text(html, encoding="utf-8")
    paths["trainees"] = trainee_pages(out / "trainees", subs, items, m, cert_by)
    return paths


def trainee_pages(out: Path, subs: pd.DataFrame, items: pd.DataFrame, m: pd.DataFrame,
                  cert_by: dict[str, str]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    tpl = Environment(autoescape=True).from_string(TRAINEE)
    scored = analysis.scored(items)
    for t in sorted(subs["trainee"].unique()):
        rows = [{"assessment": r.assessment, "status": r.status, "css": CSS.get(r.status, ""),
                 "score": "" if pd.isna(r.score) else f"{r.score:g} / {r.max_score:g}",
                 "percent": _fmt(r.percent, 0), "reason": "" if pd.isna(r.reason) else r.reason}
                for r in subs[subs["trainee"] == t].itertuples()]
        mine = scored[(scored["trainee"] == t) & (scored["score"] < scored["max_score"])]
        wrong = [{"assessment": r.assessment, "item": r.item, "points": f"{r.score:g} / {r.max_score:g}",
                  "where": _where(r.lesson, r.section)} for r in mine.itertuples()]
        weak = []
        if t in m.index:
            row = m.loc[t]
            for oid, share in row[row < analysis.WEAK].sort_values().items():
                secs = ", ".join(sorted(set(scored.loc[scored["objective"] == oid, "section"].astype(str))))
                weak.append({"id": oid, "text": _objective_text(oid), "mastery": _fmt(100 * share, 0),
                             "where": _where(oid.split(".")[0], secs)})
        c = cert_by.get(t, "not taken")
        (out / f"{t}.html").write_text(tpl.render(
            id=t, style=STYLE, rows=rows, wrong=wrong, weak=weak, exam=CERTIFICATION, pass_mark=f"{PASS_MARK:g}",
            cert=c, cert_css=c.split(" ")[0], weak_pct=f"{100 * analysis.WEAK:g}"), encoding="utf-8")
    return out
