"""Every assessment through the stock nbgrader CLI, as an instructor types it, in one pass
over one course: what trainees get (nbgrader's release and every trainee's own form) holds
no solution, key, anchor or model answer; each trainee's right answers score full marks and
a blank form 0; every wrong option of every multiple-choice item scores 0 and so does a
number twice the tolerance away; ``nbgrader export`` works; feedback names what to revisit
and shows no key and none of the graders' notes. A copy of the same course graded by
``tobops grade`` gives every cell the same score, and its reruns change nothing."""
from __future__ import annotations

import concurrent.futures as cf
import html
import re
import shutil
import sqlite3

import nbformat
import pytest

from conftest import REPO, run
from tobops.assess import forms
from tobops.grade import grader
from tobops.grade.coursedir import Course, new_home
from tobops.room import cohort, release
from tobops.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("stock")]
SOURCE = REPO / "assignments" / "source"
ASSESSMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())
STUDENTS = ["solution", "blank", "wrong0", "wrong1", "wrong2", "wrong3"]
CHINESE = "blank"  # sits the Chinese edition of every assessment


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
    """Every graded cell's (auto score, needs manual grade), and every answer cell's automatic
    comment ("No response." when left as released), by assessment, trainee and cell."""
    with course.gradebook() as gb:
        subs = [(a, sub) for a in ASSESSMENTS for sub in gb.assignment_submissions(a)]
        grades = {(a, sub.student.id, g.name): (g.auto_score, g.needs_manual_grade)
                  for a, sub in subs for nb in sub.notebooks for g in nb.grades}
        return grades | {(a, sub.student.id, "comment", c.name): c.auto_comment
                         for a, sub in subs for nb in sub.notebooks for c in nb.comments}


def _wrong(bank, form, k: int) -> dict[str, str]:
    """Answers with the k-th wrong option of every multiple-choice item (k = 0 also puts
    every data task's number twice its tolerance away from the key)."""
    keys = forms.keys(bank, form)
    answers = {}
    for slot in bank.slots:
        key = keys[slot.id]
        if slot.kind == "choice":
            letters = forms.LETTERS[:len(slot.variant(form.pick(slot.id).variant).options)]
            wrong = [x for x in letters if x != key.value]
            answers[f"{slot.id}_answer"] = f'{slot.id} = "{wrong[min(k, len(wrong) - 1)]}"'
        elif slot.kind == "numeric" and k == 0:
            answers[f"{slot.id}_answer"] = f"{slot.id} = {key.value + 2 * key.tolerance!r}"
    return answers


class Stock:
    """One course with every assessment, graded by the stock nbgrader CLI as instructors
    type it (three at once, a trainee each), and a copy of it graded by ``tobops grade`` at
    the same time."""

    def __init__(self, base):
        self.course = new_home(base / "course")
        roster = run(["tobops", "trainee", *[s for s in STUDENTS if s != CHINESE]], cwd=self.course.home)
        assert roster.returncode == 0, roster.stderr
        roster = run(["tobops", "trainee", CHINESE, "--lang", "zh"], cwd=self.course.home)
        assert roster.returncode == 0, roster.stderr
        gen = run(["nbgrader", "generate_assignment", "*", "--force"], cwd=self.course.home)
        assert gen.returncode == 0, gen.stderr[-3000:]
        self.forms, self.n_wrong, self.banks = {}, {}, {}
        self.tobops_only = {}  # the other wrong options: graded by tobops grade (nbgrader's autograde in workers)
        for a in ASSESSMENTS:
            release.release(self.course, a)  # nbgrader's release_assignment, through the course's FormRelease
            for s in STUDENTS:
                nb, bank, form = release.fetched(self.course, a, s)
                self.forms[(a, s)], self.banks[a] = form, bank
                if s == "solution":
                    key = cohort.answer_key(bank, form)
                    sub = cohort.fill(nb, {k["cell"]: k["right"] for k in key.values()})
                elif s == "blank":
                    sub = nb
                else:
                    sub = cohort.fill(nb, _wrong(bank, form, int(s[-1])))
                if s in ("solution", "blank", "wrong0"):
                    _submit(self.course, s, a, sub)
                else:
                    self.tobops_only[(a, s)] = sub
            self.n_wrong[a] = max(len(v.options) for sl in bank.slots for v in sl.variants) - 1
        # a copy of the course, plus the other wrong options, is graded by tobops grade while
        # stock nbgrader grades the original: two courses, two gradebooks, nothing shared
        self.ours = Course(shutil.copytree(self.course.home, base / "ours", symlinks=True))
        for (a, student), nb in self.tobops_only.items():
            _submit(self.ours, student, a, nb)
        with cf.ThreadPoolExecutor(1) as pool:
            stock = pool.submit(self._stock, base)
            self.first = grader.grade(self.ours, ASSESSMENTS, settings=Settings.load(cell_timeout=60), progress=False)
            stock.result()
        self.ours_cells, self.stock_cells = _cells(self.ours), _cells(self.course)

    def _stock(self, base) -> None:
        """Three instructors' terminals at once, a trainee each: one gradebook written by three
        processes (the course's SQLite busy timeout makes each wait its turn)."""
        def each(cmd: list[str]) -> list:
            with cf.ThreadPoolExecutor(3) as pool:
                return list(pool.map(lambda s: run([*cmd, "--student", s], cwd=self.course.home, timeout=1200,
                                                   env={"TOBOPS_CELL_TIMEOUT": "60"}), ("solution", "blank", "wrong0")))

        for auto in each(["nbgrader", "autograde", "*"]):
            assert auto.returncode == 0, auto.stderr[-3000:]
        self.export = run(["nbgrader", "export", "--to", str(base / "export.csv")], cwd=self.course.home)
        self.export_csv = base / "export.csv"
        self.feedback = each(["nbgrader", "generate_feedback", "*"])


@pytest.fixture(scope="module")
def stock(tmp_path_factory, module_env):
    return Stock(tmp_path_factory.mktemp("stock"))


def _secrets(bank) -> list[str]:
    """Texts that must never reach a trainee before grading: solutions of data tasks,
    anchors and model answers of written items, explanations of keys."""
    out = []
    for slot in bank.slots:
        given = "\n".join(v.starter for v in slot.variants)
        for v in slot.variants:
            if v.solution:  # the line(s) a trainee has to complete (found in no variant's starter)
                out += [line.strip() for line in v.solution.splitlines() if line.strip() not in given]
            for c in v.criteria:
                out += [lv.anchor.en for lv in c.levels] + [lv.anchor.zh for lv in c.levels]
            for text in (v.model, v.why):
                if text is not None:
                    out += [text.en[:80], text.zh[:40]]
    return [s for s in out if len(s) >= 12]


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_what_trainees_get_holds_no_solution_key_anchor_or_model_answer(stock, assessment):
    texts = [(stock.course.release(assessment) / f"{assessment}.ipynb").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in (stock.course.home / ".exchange").rglob(f"{assessment}.ipynb")]
    assert len(texts) >= 1 + len(STUDENTS)
    secrets = _secrets(stock.banks[assessment])
    assert secrets
    for text in texts:
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "assert "):
            assert marker not in text
        unescaped = nbformat.reads(text, as_version=4)
        shown = "\n".join(c.source for c in unescaped.cells)
        for secret in secrets:
            assert secret not in shown, f"{secret[:40]!r} reaches trainees"


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_stock_nbgrader_gives_right_answers_full_marks_and_the_blank_form_zero(stock, assessment):
    bank = stock.banks[assessment]
    full = _scores(stock.course, "solution", assessment)
    for s in bank.slots:
        if s.kind != "written":
            assert full[s.id] == s.points, f"the right answers score {full[s.id]} on {s.id}"
    blank = _scores(stock.course, "blank", assessment)
    for s in bank.slots:
        assert blank[s.id] == 0, f"a blank form scores {blank[s.id]} on {s.id}"


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_every_wrong_option_and_an_answer_off_tolerance_score_zero(stock, assessment):
    bank = stock.banks[assessment]
    off = _scores(stock.course, "wrong0", assessment)  # stock nbgrader: the first wrong options, numbers off
    for s in bank.slots:
        if s.kind in ("choice", "numeric"):
            assert off[s.id] == 0, f"{s.id}: a wrong answer scores {off[s.id]} (stock nbgrader)"
    for k in range(1, stock.n_wrong[assessment]):  # the other wrong options, through tobops grade
        wrong = _scores(stock.ours, f"wrong{k}", assessment)
        for s in bank.slots:
            if s.kind == "choice":
                assert wrong[s.id] == 0, f"wrong option scores on {s.id}"


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
def test_feedback_names_what_to_revisit_and_shows_no_key_or_graders_notes(stock, assessment):
    for proc in stock.feedback:
        assert proc.returncode == 0, proc.stderr[-3000:]
    bank = stock.banks[assessment]
    for student in ("solution", "blank", "wrong0"):
        page = (stock.course.feedback(student, assessment) / f"{assessment}.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", page))  # what a reader sees, highlighting removed
        assert "For the grader only" not in text and "仅供评分老师参考" not in text
        for secret in _secrets(bank):
            if student != "solution":  # the solution trainee wrote model answers themselves
                assert secret not in text, f"{student}'s feedback shows {secret[:40]!r}"
    wrong = (stock.course.feedback("wrong0", assessment) / f"{assessment}.html").read_text(encoding="utf-8")
    wrong_text = html.unescape(re.sub(r"<[^>]+>", "", wrong))
    assert "is not right" in wrong_text and "Revisit Lesson" in wrong_text, "feedback names the items to revisit"
    # each page in its trainee's language, nbgrader's own labels included
    zh = (stock.course.feedback(CHINESE, assessment) / f"{assessment}.html").read_text(encoding="utf-8")
    assert "得分" in zh and "书面回答" in zh and "还没有赋值" in zh, "a Chinese trainee's feedback is in Chinese"
    assert "Score" not in zh and "Student's answer" not in zh and "Written response" not in zh
    assert "Score" in wrong and "Written response" in wrong and "得分" not in wrong
    form = stock.forms[(assessment, "wrong0")]
    for slot, key in forms.keys(bank, form).items():  # never the right answer: the variant may reach a colleague
        if key.kind == "choice":
            assert f"{slot} is right: {key.value}" not in wrong_text
