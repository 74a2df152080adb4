"""Assessments no trainee can game: keys never enter the kernel, tampering is named, and a
trainee is always graded on their own form. Hostile trainees, graded by `tobops grade` and
by the stock `nbgrader autograde` CLI (both take the same path, through nbgrader_config.py).
Uses a small test bank (tests/data/mini-bank.toml) so that each notebook runs in a moment."""
from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from conftest import REPO, run
from tobops.assess import authoring, forms
from tobops.assess.checks import REPORT_MIME
from tobops.grade import grader
from tobops.grade.coursedir import Course, new_home
from tobops.grade.results import Status
from tobops.room import cohort, release

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("integrity")]
A = "02-tob-vs-toc"
MINI = REPO / "tests" / "data" / "mini-bank.toml"

# a trainee who hooks IPython to read every cell before it runs (the old attack on hidden tests)
HOOK = """
seen = []
get_ipython().events.register("pre_run_cell", lambda info: seen.append(info.raw_cell))
q1 = "A"
"""
# ... who makes later cells report nothing at all (and so, under stock nbgrader, pass)
SKIP_CELLS = """
from IPython.core.interactiveshell import ExecutionResult, ExecutionInfo
async def nothing(raw_cell, *args, **kwargs):
    return ExecutionResult(ExecutionInfo(raw_cell, False, False, False, None))
get_ipython().run_cell_async = nothing
q1 = "A"
"""
# ... whose answer equals anything
EQUALS_ALL = """
class Yes(str):
    def __eq__(self, other):
        return True
    def strip(self, *args):
        return self
    def upper(self):
        return self
    __hash__ = str.__hash__
q1 = Yes("A")
"""
# ... who forges a report for another item
FORGE = """
from IPython.display import display
display({"%s": {"item": "q3", "value": "A", "plain": True, "type": "str"}}, raw=True)
q1 = "A"
""" % REPORT_MIME


def _course(base) -> Course:
    course = new_home(base / "course")
    for p in course.source("x").parent.iterdir():
        if p.name != A:
            shutil.rmtree(p)
    for p in course.bank_path("x").parent.iterdir():
        p.unlink()
    shutil.copy(MINI, course.bank_path(A))
    course.source_notebook(A).write_text(authoring.render(course.bank(A)), encoding="utf-8")
    return course


def _submit(course: Course, student: str, nb) -> None:
    dest = course.submitted(student, A)
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / f"{A}.ipynb")
    (dest / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, module_env):
    base = tmp_path_factory.mktemp("integrity")
    course = _course(base)
    students = ["honest", "hook", "skipper", "equals", "forger", "borrower"]
    with course.gradebook() as gb:
        for s in students:
            gb.update_or_create_student(s)
    release.release(course, A)
    key = {}
    for s in students:
        nb, bank, form = release.fetched(course, A, s)
        key[s] = cohort.answer_key(bank, form)
        right = {k["cell"]: k["right"] for k in key[s].values()}
        attack = {"hook": HOOK, "skipper": SKIP_CELLS, "equals": EQUALS_ALL, "forger": FORGE}.get(s)
        if attack:
            right["q1_answer"] = attack  # the attack sits in the first answer cell; the rest is right
        if s == "borrower":  # submits honest's notebook, answers and all
            honest_nb, _, _ = release.fetched(course, A, "honest")
            nb = cohort.fill(honest_nb, {k["cell"]: k["right"] for k in key["honest"].values()})
        else:
            nb = cohort.fill(nb, right)
        _submit(course, s, nb)
    stock = Course(shutil.copytree(course.home, base / "stock", symlinks=True))
    results = {r.student: r for r in grader.grade(course, [A], progress=False)}
    proc = run(["nbgrader", "autograde", A], cwd=stock.home)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return course, stock, results, key


def _cells(course: Course) -> dict:
    with course.gradebook() as gb:
        return {(sub.student.id, g.name): g.auto_score for sub in gb.assignment_submissions(A)
                for nb in sub.notebooks for g in nb.grades}


def _findings(course: Course, student: str) -> list[str]:
    nb = nbformat.read(course.autograded(student, A) / f"{A}.ipynb", as_version=4)
    return nb.metadata.tobops.grading.findings


def test_no_key_ever_enters_the_kernel_or_the_release(hostile):
    course, _, _, _ = hostile
    bank = course.bank(A)
    # what trainees can get: nbgrader's release, and every form in the exchange
    texts = [(course.release(A) / f"{A}.ipynb").read_text()]
    texts += [p.read_text() for p in (course.home / ".exchange").rglob("*.ipynb")]
    assert len(texts) > 6
    for text in texts:
        nb = json.loads(text)
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        assert "### BEGIN HIDDEN TESTS" not in code and "assert" not in code
        for slot in bank.slots:
            for v in slot.variants:
                if v.solution:  # the instructor's solution of a data task never leaves the grader
                    assert v.solution.strip() not in code.replace("\r", "")
                for c in v.criteria:  # nor do the graders' anchors
                    for lv in c.levels:
                        if len(lv.anchor.en) >= 10:
                            assert lv.anchor.en not in text


def test_the_honest_trainee_scores_every_automatic_point_and_is_not_flagged(hostile):
    course, _, results, _ = hostile
    honest = results["honest"]
    assert honest.status == Status.MANUAL and honest.score == 6 and not honest.problems, honest.line()


def test_hooking_ipython_reads_nothing_earns_nothing_and_is_named(hostile):
    course, _, results, key = hostile
    r = results["hook"]
    q1_right = key["hook"]["q1"]["right"] == 'q1 = "A"'
    assert r.score == 4 + (2 if q1_right else 0), r.line()  # exactly what it answered
    assert any("events" in p and "(q1_answer), line " in p for p in r.problems), r.problems
    assert r.needs_attention


def test_replacing_how_cells_run_loses_the_points_and_is_named(hostile):
    course, _, results, _ = hostile
    r = results["skipper"]
    assert r.score <= 2, r.line()  # the later check cells never ran: nothing was reported
    assert any("run_cell_async" in p for p in r.problems), r.problems
    assert any("reported nothing" in p for p in r.problems), r.problems


def test_an_answer_that_equals_anything_is_scored_on_its_plain_value_and_named(hostile):
    course, _, results, key = hostile
    r = results["equals"]
    q1_right = key["equals"]["q1"]["right"] == 'q1 = "A"'
    assert r.score == 4 + (2 if q1_right else 0), r.line()
    assert any("not plain data" in p for p in r.problems), r.problems
    assert any("overrides comparison" in p for p in r.problems), r.problems


def test_a_forged_report_changes_nothing_but_is_named(hostile):
    course, _, results, key = hostile
    r = results["forger"]
    q1_right = key["forger"]["q1"]["right"] == 'q1 = "A"'
    assert r.score == 4 + (2 if q1_right else 0), r.line()
    assert any("report for q3 outside its check cell" in p for p in r.problems), r.problems


def test_a_trainee_submitting_a_colleagues_notebook_is_graded_on_their_own_form(hostile):
    course, _, results, key = hostile
    r = results["borrower"]
    assert any("not this trainee's form" in p for p in r.problems), r.problems
    # their own form: an answer is right only where the colleague's answer is also right on it
    own, theirs = key["borrower"], key["honest"]
    expected = sum(2 for q in ("q1", "q3") if own[q]["right"] == theirs[q]["right"])
    grading = nbformat.read(course.autograded("borrower", A) / f"{A}.ipynb", as_version=4).metadata.tobops.grading
    assert grading["form"]["trainee"] == "borrower"
    q2_keys = forms.keys(course.bank(A), forms.Form.from_dict(grading["form"]))
    q2_right = abs(float(grading["answers"]["q2"]) - q2_keys["q2"].value) <= q2_keys["q2"].tolerance
    assert r.score == expected + (2 if q2_right else 0), r.line()


def test_stock_nbgrader_autograde_gives_every_cell_the_same_score(hostile):
    course, stock, _, _ = hostile
    assert _cells(stock) == _cells(course)
    for s in ("hook", "skipper", "equals", "forger", "borrower"):
        assert _findings(stock, s) == _findings(course, s)
