"""``tobops selfcheck``: a self-learner grades their own copy of an assessment.

The learner's notebook is graded with the real hidden tests, in a private temporary
course (so nothing in the learner's folder or the course is touched), and they get the
same feedback page a trainee gets from an instructor, plus a summary in the terminal:
each item right or wrong, the lesson section to revisit, and the rubric for the written
answers, which need a human (the learner themself) to grade.
"""
from __future__ import annotations

import getpass
import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from tobops import TobopsError

from tobops.grade import grader
from tobops.grade.results import Status
from tobops.content.course import lesson as get_lesson
from tobops.grade.coursedir import Course, chdir, new_home
from tobops.assess.items import read_items


class SelfCheckError(TobopsError):
    pass


def find_notebook(assessment: str, notebook: str | None) -> Path:
    if notebook:
        path = Path(notebook)
        if not path.exists():
            raise SelfCheckError(f"{path} does not exist")
        return path
    for cand in (Path(assessment) / f"{assessment}.ipynb", Path(f"{assessment}.ipynb")):
        if cand.exists():
            return cand
    raise SelfCheckError(f"no {assessment}.ipynb here or in ./{assessment}/; pass the notebook's path")


def _student_id() -> str:
    name = re.sub(r"[^A-Za-z0-9_-]", "", getpass.getuser()) or "learner"
    return name


def run(assessment: str, notebook: str | None = None, out_dir: str | Path = "feedback",
        template: Path | None = None) -> dict:
    path = find_notebook(assessment, notebook).resolve()
    out_dir = Path(out_dir).resolve()
    try:
        nbformat.read(path, as_version=4)
    except Exception as exc:
        raise SelfCheckError(f"{path} is not a readable notebook: {exc}") from exc
    student = _student_id()
    work = Path(tempfile.mkdtemp(prefix="tobops-selfcheck-"))
    try:
        course = new_home(work / "course", template)
        if assessment not in course.assessments():
            raise SelfCheckError(f"unknown assessment {assessment!r}; known: {', '.join(course.assessments())}")
        with chdir(course.home):
            api = course.api()
            res = api.generate_assignment(assessment, force=True, create=True)
            if not res["success"]:
                raise SelfCheckError("could not prepare the assessment:\n" + res.get("log", ""))
            with course.gradebook() as gb:
                gb.update_or_create_student(student)
            dest = course.submitted(student, assessment)
            dest.mkdir(parents=True)
            shutil.copy(path, dest / f"{assessment}.ipynb")
            [result] = grader.grade(course, [assessment], workers=1, progress=False)
            fb_path = None
            if result.status.scored:
                fb = api.generate_feedback(assessment, student)
                src = course.feedback(student, assessment) / f"{assessment}.html"
                if fb["success"] and src.exists():
                    out = Path(out_dir)
                    out.mkdir(parents=True, exist_ok=True)
                    fb_path = out / f"{assessment}.html"
                    shutil.copy(src, fb_path)
            lines = summary_lines(course, assessment, student, result)
        return {"result": result, "feedback": fb_path, "lines": lines}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summary_lines(course: Course, assessment: str, student: str, result) -> list[str]:
    lines = [f"{assessment}: {result.status}"
             + ("" if result.score is None else f", {result.score:g} of {result.max_score:g} points")]
    if result.reason:
        lines.append(f"  note: {result.reason}")
    lines += [f"  problem: {p}" for p in result.problems]
    if not result.status.scored:
        return lines
    items = read_items(course.source_notebook(assessment), assessment)
    with course.gradebook() as gb:
        sub = gb.find_submission(assessment, student)
        scores = {g.name: (g.score, g.max_score) for nb in sub.notebooks for g in nb.grades}
    for item in items:
        g = scores.get(item.grade_id)
        les = get_lesson(item.lesson)
        where = f"Lesson {les.number:02d} section {item.section} ({les.section_title(item.section)})"
        if item.kind == "written":
            lines.append(f"  ? {item.item} ({item.points:g} pts, written): grade yourself with the rubric:")
            lines += [f"      - ({r['points']}) {r['criterion']}" for r in item.rubric]
        elif g is not None and g[0] == g[1]:
            lines.append(f"  ✔ {item.item} ({item.points:g} pts)")
        else:
            lines.append(f"  ✘ {item.item} ({item.points:g} pts): revisit {where}")
    return lines
