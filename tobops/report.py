"""Grades out of the gradebook: CSV exports and a self-contained HTML report.

``tobops export`` and ``tobops report`` read two things: nbgrader's gradebook (scores per
cell) and tobops' results table (status and reason per submission, written by
``tobops grade``). The CSVs keep *not submitted*, *could not be graded* and *needs manual
grading* apart from a real score; nbgrader's own ``nbgrader export`` pads all of them
with 0, so use these files to decide who is ready.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from jinja2 import Environment  # noqa: E402

from . import grading  # noqa: E402
from .coursedir import Course  # noqa: E402
from .items import read_items  # noqa: E402


def submissions_frame(course: Course, assessments: list[str]) -> pd.DataFrame:
    rows = [r for r in grading.load_results(course) if r["assignment_id"] in assessments]
    df = pd.DataFrame(rows, columns=["student_id", "assignment_id", "status", "score", "max_score", "reason",
                                     "submitted_at", "graded_at"])
    df = df.rename(columns={"student_id": "trainee", "assignment_id": "assessment"})
    df["percent"] = (100 * df["score"] / df["max_score"]).round(1)
    order = {a: i for i, a in enumerate(assessments)}
    df = df.sort_values(["assessment", "trainee"], key=lambda s: s.map(order) if s.name == "assessment" else s)
    return df[["trainee", "assessment", "status", "score", "max_score", "percent", "reason", "submitted_at",
               "graded_at"]].reset_index(drop=True)


def items_frame(course: Course, assessments: list[str], subs: pd.DataFrame) -> pd.DataFrame:
    """One row per trainee and item, for submissions that were graded."""
    rows = []
    graded = subs[subs["status"].isin([grading.GRADED, grading.MANUAL])]
    with course.gradebook() as gb:
        for a in assessments:
            items = {i.grade_id: i for i in read_items(course.source_notebook(a), a)}
            for student in graded.loc[graded["assessment"] == a, "trainee"]:
                sub = gb.find_submission(a, student)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        item = items.get(g.name)
                        if item is None:
                            continue
                        rows.append({"trainee": student, "assessment": a, "item": item.item, "kind": item.kind,
                                     "lesson": item.lesson, "objective": item.objective, "section": item.section,
                                     "score": None if g.score is None else float(g.score),
                                     "max_score": float(g.max_score), "needs_manual_grade": bool(g.needs_manual_grade)})
    return pd.DataFrame(rows, columns=["trainee", "assessment", "item", "kind", "lesson", "objective", "section",
                                       "score", "max_score", "needs_manual_grade"])


def export(course: Course, assessments: list[str], out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    subs = submissions_frame(course, assessments)
    items = items_frame(course, assessments, subs)
    paths = {"grades": out / "grades.csv", "items": out / "items.csv"}
    subs.to_csv(paths["grades"], index=False, lineterminator="\n")
    items.to_csv(paths["items"], index=False, lineterminator="\n")
    return paths


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def item_chart(items: pd.DataFrame, assessment: str) -> str | None:
    df = items[(items["assessment"] == assessment) & items["score"].notna()]
    if df.empty:
        return None
    pct = (df.groupby("item", sort=False)["score"].sum() / df.groupby("item", sort=False)["max_score"].sum() * 100)
    kinds = df.drop_duplicates("item").set_index("item")["kind"].reindex(pct.index)
    colours = kinds.map({"choice": "#4c72b0", "numeric": "#55a868", "written": "#c44e52"}).fillna("#888888")
    fig, ax = plt.subplots(figsize=(max(4.5, 0.7 * len(pct) + 2), 3.2))
    ax.bar(pct.index, pct.values, color=list(colours))
    ax.set_ylim(0, 100)
    ax.set_ylabel("points earned (% of possible)")
    ax.set_xlabel("item (blue: choice, green: numeric, red: written)")
    ax.set_title(f"{assessment}: how the cohort did on each item")
    for x, v in zip(pct.index, pct.values):
        ax.text(x, v + 2, f"{v:.0f}%", ha="center", fontsize=8)
    return _png(fig)


def score_chart(subs: pd.DataFrame, assessment: str) -> str | None:
    df = subs[(subs["assessment"] == assessment) & subs["percent"].notna()]
    if df.empty:
        return None
    fig, ax = plt.subplots(figsize=(5.5, 3.0))
    ax.hist(df["percent"], bins=range(0, 105, 10), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("score (% of possible points)")
    ax.set_ylabel("trainees")
    ax.set_title(f"{assessment}: score distribution (graded submissions)")
    return _png(fig)


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3}.graded{color:#1a7f37}.needs{color:#9a6700}.failed{color:#cf222e;font-weight:600}.missing{color:#6e7781}
.note{background:#fff8c5;border:1px solid #d4a72c;padding:.6rem 1rem;border-radius:6px}
img{max-width:100%}
</style></head><body>
<h1>{{ title }}</h1>
<p>Generated {{ generated }} from <code>{{ course }}</code>. {{ n_trainees }} trainee(s), {{ assessments|length }} assessment(s).</p>
<p class="note">Status matters more than score: <b>not submitted</b> and <b>could not be graded</b> are not zeros,
and <b>needs manual grading</b> scores exclude written answers not yet graded. <code>nbgrader export</code> shows all of these as 0.</p>
{% for a in assessments %}
<h2>{{ a.id }}</h2>
<p>{% for s, n in a.counts.items() %}{{ n }} {{ s }}{% if not loop.last %} · {% endif %}{% endfor %}</p>
{% if a.score_chart %}<img alt="score distribution for {{ a.id }}" src="{{ a.score_chart }}">{% endif %}
{% if a.item_chart %}<img alt="percent correct per item for {{ a.id }}" src="{{ a.item_chart }}">{% endif %}
<table><thead><tr><th>trainee</th><th>status</th><th>score</th><th>%</th><th>reason / what to do</th></tr></thead><tbody>
{% for r in a.rows %}<tr><td>{{ r.trainee }}</td><td class="{{ r.css }}">{{ r.status }}</td>
<td>{{ r.score_text }}</td><td>{{ r.percent_text }}</td><td>{{ r.reason }}</td></tr>{% endfor %}
</tbody></table>
{% endfor %}
</body></html>"""

CSS = {grading.GRADED: "graded", grading.MANUAL: "needs", grading.FAILED: "failed", grading.MISSING: "missing"}


def html_report(course: Course, assessments: list[str], out_dir: str | Path, title: str = "ToB Ops Academy: cohort report") -> dict[str, Path]:
    out = Path(out_dir)
    paths = export(course, assessments, out)
    subs = pd.read_csv(paths["grades"], keep_default_na=False, na_values=[""])
    items = pd.read_csv(paths["items"])
    blocks = []
    for a in assessments:
        df = subs[subs["assessment"] == a]
        rows = []
        for r in df.itertuples():
            score = "" if pd.isna(r.score) else f"{r.score:g} / {r.max_score:g}"
            rows.append({"trainee": r.trainee, "status": r.status, "css": CSS.get(r.status, ""),
                         "score_text": score or "–", "percent_text": "" if pd.isna(r.percent) else f"{r.percent:.0f}",
                         "reason": "" if pd.isna(r.reason) else r.reason})
        counts = {s: int((df["status"] == s).sum()) for s in grading.STATUSES if (df["status"] == s).any()}
        blocks.append({"id": a, "rows": rows, "counts": counts, "item_chart": item_chart(items, a),
                       "score_chart": score_chart(subs, a)})
    html = Environment(autoescape=True).from_string(TEMPLATE).render(
        title=title, generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), course=str(course.home),
        n_trainees=subs["trainee"].nunique(), assessments=blocks)
    paths["html"] = out / "report.html"
    paths["html"].write_text(html, encoding="utf-8")
    return paths
