"""Every assessment through the stock nbgrader CLI, as an instructor types it, in one pass
over one course: the release leaks no solution, key or hidden test; the source scores full
marks and the blank release 0; every wrong option of every multiple-choice item scores 0
and so does a number twice the tolerance away; ``nbgrader export`` works; feedback shows
no hidden test and names what to revisit. A copy of the same course graded by ``tobops
grade`` gives every cell the same score, and its reruns change nothing."""
from __future__ import annotations

import html
import re
import shutil
import sqlite3

import nbformat
import pytest

from conftest import REPO, run
from tobops.assess import items as items_mod
from tobops.grade import grader
from tobops.grade.coursedir import Course, new_home
from tobops.room.cohort import answer_key, fill
from tobops.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stock")]
SOURCE = REPO / "assignments" / "source"
ASSESSMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())


def _submit(course: Course, student: str, assessment: str, nb) -> None:
    dest = course.submitted(student, assessment)
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / f"{assessment}.ipynb")
    (dest / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")


def _scores(course: Course, student: str, assessment: str) -> dict[str, float]:
    with course.gradebook() as gb:
        sub = gb.find_submission(assessment, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades}


def _cells(course: Course) -> dict:
    """Every graded cell's (auto score, needs manual grade), by assessment, trainee and cell."""
    with course.gradebook() as gb:
        return {(a, sub.student.id, g.name): (g.auto_score, g.needs_manual_grade)
                for a in ASSESSMENTS for sub in gb.assignment_submissions(a) for nb in sub.notebooks for g in nb.grades}


def _hidden_expected(source, item) -> float:
    test = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == item.grade_id)
    return float(re.search(r"- \((-?[0-9.e+-]+)\)\)", test).group(1))


class Stock:
    """One course with every assessment, graded in one pass by the stock nbgrader CLI as an
    instructor types it, then a copy of it graded by ``tobops grade``."""

    def __init__(self, base):
        self.course = new_home(base / "course")
        gen = run(["nbgrader", "generate_assignment", "*", "--force"], cwd=self.course.home)
        assert gen.returncode == 0, gen.stderr[-3000:]
        self.source, self.release, self.items, self.key, self.n_wrong = {}, {}, {}, {}, {}
        stock_students, all_students = ["solution", "blank", "wrong0"], set()
        self.tobops_only = {}  # the other wrong options: graded by tobops grade (nbgrader's autograde in workers)
        for a in ASSESSMENTS:
            self.source[a] = source = nbformat.read(self.course.source_notebook(a), as_version=4)
            self.release[a] = release = nbformat.read(self.course.release(a) / f"{a}.ipynb", as_version=4)
            self.items[a] = items = items_mod.read_items(source, a)
            self.key[a] = key = answer_key(source, a)
            choice = [i for i in items if i.kind == "choice"]
            off = {f"{i.item}_answer": f"{i.answer_var} = {_hidden_expected(source, i) + 2 * i.tolerance!r}"
                   for i in items if i.kind == "numeric"}  # 2x the tolerance away, submitted with wrong0
            self.n_wrong[a] = max(len(i.options) - 1 for i in choice)
            _submit(self.course, "solution", a, source)
            _submit(self.course, "blank", a, release)
            for k in range(self.n_wrong[a]):
                answers = dict(off) if k == 0 else {}
                for i in choice:
                    letter = re.search(r'"([A-Z])"', key[i.item]["right"]).group(1)
                    wrong = [x for x in i.options if x != letter]
                    answers[f"{i.item}_answer"] = f'{i.answer_var} = "{wrong[min(k, len(wrong) - 1)]}"'
                all_students.add(f"wrong{k}")
                if k == 0:
                    _submit(self.course, "wrong0", a, fill(release, answers))
                else:
                    self.tobops_only[(a, f"wrong{k}")] = fill(release, answers)
        with self.course.gradebook() as gb:  # the roster
            for s in set(stock_students) | all_students:
                gb.update_or_create_student(s)
        auto = run(["nbgrader", "autograde", "*"], cwd=self.course.home, env={"TOBOPS_CELL_TIMEOUT": "60"}, timeout=1200)
        assert auto.returncode == 0, auto.stderr[-3000:]
        self.export = run(["nbgrader", "export", "--to", str(base / "export.csv")], cwd=self.course.home)
        self.export_csv = base / "export.csv"
        self.feedback = run(["nbgrader", "generate_feedback", "*"], cwd=self.course.home, timeout=1200)
        self.stock_cells = _cells(self.course)

        # the same course, plus the other wrong options, graded by tobops grade
        self.ours = Course(shutil.copytree(self.course.home, base / "ours", symlinks=True))
        for (a, student), nb in self.tobops_only.items():
            _submit(self.ours, student, a, nb)
        self.first = grader.grade(self.ours, ASSESSMENTS, settings=Settings.load(cell_timeout=60), progress=False)
        self.ours_cells = _cells(self.ours)


@pytest.fixture(scope="module")
def stock(tmp_path_factory, module_env):
    return Stock(tmp_path_factory.mktemp("stock"))


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_release_holds_no_solution_key_hidden_test_or_model_answer(stock, assessment):
    release_text = (stock.course.release(assessment) / f"{assessment}.ipynb").read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in release_text
    for item in stock.items[assessment]:
        right = stock.key[assessment][item.item]["right"]
        if item.kind == "choice":
            assert right not in release_text, f"{item.item}: answer in release"
        if item.kind == "written":
            assert right[:60] not in release_text, f"{item.item}: model answer in release"
    for cell in stock.source[assessment].cells:
        for line in cell.source.splitlines():
            if line.startswith("assert "):
                assert line not in release_text, "hidden test in release"


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_stock_nbgrader_gives_the_source_full_marks_and_the_blank_release_zero(stock, assessment):
    items = stock.items[assessment]
    full = _scores(stock.course, "solution", assessment)
    for i in items:
        if i.kind != "written":
            assert full[i.grade_id] == i.points, f"source scores {full[i.grade_id]} on {i.item}"
    blank = _scores(stock.course, "blank", assessment)
    for i in items:
        assert blank[i.grade_id] == 0, f"blank release scores {blank[i.grade_id]} on {i.item}"


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_every_wrong_option_and_an_answer_off_tolerance_score_zero(stock, assessment):
    items = stock.items[assessment]
    off = _scores(stock.course, "wrong0", assessment)  # stock nbgrader: the first wrong options, numbers off
    for i in items:
        if i.kind in ("choice", "numeric"):
            assert off[i.grade_id] == 0, f"{i.item}: a wrong answer scores {off[i.grade_id]} (stock nbgrader)"
    for k in range(1, stock.n_wrong[assessment]):  # the other wrong options, through tobops grade
        wrong = _scores(stock.ours, f"wrong{k}", assessment)
        for i in items:
            if i.kind == "choice":
                assert wrong[i.grade_id] == 0, f"wrong option scores on {i.item}"


def test_tobops_grade_gives_every_cell_the_score_stock_nbgrader_gives(stock):
    common = {k: v for k, v in stock.ours_cells.items() if k in stock.stock_cells}
    assert len(common) == len(stock.stock_cells) > 100
    assert common == stock.stock_cells, "tobops grade and nbgrader autograde disagree"


def test_tobops_grade_reruns_are_idempotent_and_skip_what_is_graded(stock):
    a = "02-tob-vs-toc"
    first = [(r.student, r.status, r.score) for r in stock.first if r.assessment == a]
    again = grader.grade(stock.ours, [a], settings=Settings.load(cell_timeout=60), progress=False, force=True)
    assert [(r.student, r.status, r.score) for r in again] == first
    rows = sqlite3.connect(stock.ours.db_path).execute("SELECT COUNT(*) FROM tobops_results").fetchone()[0]
    assert rows == len(stock.first), "one result per trainee and assessment, whatever the reruns"
    skipped = grader.grade(stock.ours, ASSESSMENTS, progress=False)  # nothing new: nothing regraded
    assert [(r.student, r.status, r.score) for r in skipped] == [(r.student, r.status, r.score) for r in stock.first]
    assert not any(r.seconds for r in skipped), "a skipped submission is not run again"
    assert _cells(stock.ours) == stock.ours_cells


def test_nbgrader_export_works(stock):
    assert stock.export.returncode == 0, stock.export.stderr[-2000:]
    assert stock.export_csv.read_text().count("\n") >= 4 * len(ASSESSMENTS)


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_feedback_shows_no_hidden_test_and_names_what_to_revisit(stock, assessment):
    assert stock.feedback.returncode == 0, stock.feedback.stderr[-3000:]
    source = stock.source[assessment]
    hidden = [line.strip() for c in source.cells for line in c.source.splitlines() if line.startswith("assert ")]
    assert hidden
    for student in ("solution", "blank", "wrong0"):
        page = (stock.course.feedback(student, assessment) / f"{assessment}.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", page))  # what a reader sees, highlighting removed
        assert "HIDDEN TESTS" not in text
        for line in hidden:
            assert line not in text, f"{student}'s feedback shows a hidden test"
    wrong = (stock.course.feedback("wrong0", assessment) / f"{assessment}.html").read_text(encoding="utf-8")
    wrong_text = html.unescape(re.sub(r"<[^>]+>", "", wrong))
    assert "is not right" in wrong_text and "Revisit Lesson" in wrong_text, "feedback names the items to revisit"
