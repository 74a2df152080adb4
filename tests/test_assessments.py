"""Every assessment, through the stock nbgrader CLI as an instructor types it:
the source scores full marks, the blank release scores 0 and leaks nothing, every wrong
option of every multiple-choice item scores 0, a numeric answer outside the tolerance
scores 0, and feedback shows no hidden test or answer key."""
from __future__ import annotations

import html
import importlib.util
import re
import shutil

import nbformat
import pytest

from conftest import REPO, run
from tobops.content import course as course_meta
from tobops.assess import items as items_mod
from tobops.room.cohort import answer_key, fill
from tobops.grade.coursedir import Course, new_home

SOURCE = REPO / "assignments" / "source"
ASSESSMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())


def load_builder():
    spec = importlib.util.spec_from_file_location("build_assessments", REPO / "tools" / "build_assessments.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_there_are_assessments():
    assert "02-tob-vs-toc" in ASSESSMENTS


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_committed_notebook_equals_a_fresh_build_of_its_spec(assessment):
    builder = load_builder()
    mod = next(m for m in builder.specs() if m.ASSESSMENT == assessment)
    committed = (SOURCE / assessment / f"{assessment}.ipynb").read_text(encoding="utf-8")
    assert builder.render(mod) == committed, "run `make assessments` and commit the result"


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_items_are_tagged_consistently(assessment):
    path = SOURCE / assessment / f"{assessment}.ipynb"
    assert items_mod.problems(path) == []
    items = items_mod.read_items(path)
    kinds = {i.kind for i in items}
    assert {"choice", "numeric", "written"} <= kinds, f"an assessment mixes all three kinds, has {kinds}"
    objectives = course_meta.objectives()
    for item in items:
        assert item.objective in objectives, f"{item.item}: unknown objective {item.objective}"
        les = course_meta.lesson(item.lesson)
        assert item.objective.startswith(les.id + ".")
        assert item.section in les.sections, f"{item.item}: {les.id} has no section {item.section}"
        assert item.points > 0


def _submit(course: Course, student: str, assessment: str, nb) -> None:
    dest = course.submitted(student, assessment)
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / f"{assessment}.ipynb")
    (dest / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")


def _scores(course: Course, student: str, assessment: str) -> dict[str, float]:
    with course.gradebook() as gb:
        sub = gb.find_submission(assessment, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades}


@pytest.mark.slow
@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_stock_nbgrader_grades_the_assessment_as_intended(assessment, tmp_path):
    course = new_home(tmp_path / "course")
    gen = run(["nbgrader", "generate_assignment", assessment, "--force"], cwd=course.home)
    assert gen.returncode == 0, gen.stderr

    release_path = course.root / "release" / assessment / f"{assessment}.ipynb"
    release_text = release_path.read_text(encoding="utf-8")
    source = nbformat.read(course.source_notebook(assessment), as_version=4)
    release = nbformat.read(release_path, as_version=4)
    items = items_mod.read_items(source, assessment)
    key = answer_key(source, assessment)

    # leak check: no solution, key, hidden test or model answer in what trainees get
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in release_text
    for item in items:
        right = key[item.item]["right"]
        if item.kind == "choice":
            assert right not in release_text, f"{item.item}: answer in release"
        if item.kind == "written":
            assert right[:60] not in release_text, f"{item.item}: model answer in release"
    for cell in source.cells:
        for line in cell.source.splitlines():
            if line.startswith("assert "):
                assert line not in release_text, "hidden test in release"

    # submissions: the source itself, the blank release, every wrong option, off-tolerance numbers
    _submit(course, "solution", assessment, source)
    _submit(course, "blank", assessment, release)
    choice = [i for i in items if i.kind == "choice"]
    numeric = [i for i in items if i.kind == "numeric"]
    off = {}  # numeric answers 2x the tolerance away from the key, submitted with wrong0
    for i in numeric:
        test = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == i.grade_id)
        expected = float(re.search(r"- \((-?[0-9.e+-]+)\)\)", test).group(1))
        off[f"{i.item}_answer"] = f"{i.answer_var} = {expected + 2 * i.tolerance!r}"
    n_wrong = max(len(i.options) - 1 for i in choice)
    for k in range(n_wrong):
        answers = dict(off) if k == 0 else {}
        for i in choice:
            letter = re.search(r'"([A-Z])"', key[i.item]["right"]).group(1)
            wrong = [x for x in i.options if x != letter]
            answers[f"{i.item}_answer"] = f'{i.answer_var} = "{wrong[min(k, len(wrong) - 1)]}"'
        _submit(course, f"wrong{k}", assessment, fill(release, answers))

    with course.gradebook() as gb:  # the roster
        for s in ["solution", "blank"] + [f"wrong{k}" for k in range(n_wrong)]:
            gb.update_or_create_student(s)
    auto = run(["nbgrader", "autograde", assessment], cwd=course.home,
               env={"TOBOPS_CELL_TIMEOUT": "60"})
    assert auto.returncode == 0, auto.stderr[-3000:]

    autograded = [i for i in items if i.kind != "written"]
    full = _scores(course, "solution", assessment)
    for i in autograded:
        assert full[i.grade_id] == i.points, f"source scores {full[i.grade_id]} on {i.item}"
    blank = _scores(course, "blank", assessment)
    for i in items:
        assert blank[i.grade_id] == 0, f"blank release scores {blank[i.grade_id]} on {i.item}"
    for k in range(n_wrong):
        wrong = _scores(course, f"wrong{k}", assessment)
        for i in choice:
            assert wrong[i.grade_id] == 0, f"wrong option scores on {i.item}"
    offtol = _scores(course, "wrong0", assessment)
    for i in numeric:
        assert offtol[i.grade_id] == 0, f"{i.item}: an answer 2x the tolerance away still scores"

    export = run(["nbgrader", "export", "--to", str(tmp_path / "export.csv")], cwd=course.home)
    assert export.returncode == 0, export.stderr[-2000:]
    assert (tmp_path / "export.csv").read_text().count("\n") >= 4

    # feedback shows scores, never hidden tests or keys
    fb = run(["nbgrader", "generate_feedback", assessment], cwd=course.home)
    assert fb.returncode == 0, fb.stderr[-3000:]
    hidden = [line.strip() for c in source.cells for line in c.source.splitlines() if line.startswith("assert ")]
    assert hidden
    for student in ("solution", "blank", "wrong0"):
        page = (course.feedback(student, assessment) / f"{assessment}.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", page))  # what a reader sees, highlighting removed
        assert "HIDDEN TESTS" not in text
        for line in hidden:
            assert line not in text, f"{student}'s feedback shows a hidden test"
    wrong_text = html.unescape(re.sub(r"<[^>]+>", "", (course.feedback("wrong0", assessment) / f"{assessment}.html").read_text()))
    assert "is not right" in wrong_text and "Revisit Lesson" in wrong_text, "feedback names the items to revisit"
    shutil.rmtree(course.home)


def test_every_objective_of_every_lesson_is_assessed():
    tested = set()
    for a in ASSESSMENTS:
        tested |= {i.objective for i in items_mod.read_items(SOURCE / a / f"{a}.ipynb")}
    for les in course_meta.lessons():
        if les.assessment:
            assert les.assessment in ASSESSMENTS, f"{les.id}: its assessment {les.assessment} is missing"
        for oid in les.objectives:
            if les.number > 0:
                assert oid in tested, f"objective {oid} is not tested by any item"


def test_certification_exam_draws_on_every_lesson():
    items = items_mod.read_items(SOURCE / course_meta.CERTIFICATION / f"{course_meta.CERTIFICATION}.ipynb")
    lessons = {i.lesson for i in items}
    assert lessons == {les.id for les in course_meta.lessons() if les.number > 0}
