"""Self-learners, as they type it: `tobops practice` writes a practice form of their own,
`tobops selfcheck` checks it with the grader's own scoring, says what to revisit, shows how
to grade the written answer yourself and writes a feedback page; graded forms are refused,
and the certification gives bands, never per-item right or wrong."""
import re

import nbformat
import pytest

from conftest import BIN, run
from tobops.assess import forms
from tobops.grade.coursedir import new_home
from tobops.room import cohort

A = "02-tob-vs-toc"
CERT = "09-certification"
pytestmark = pytest.mark.slow


def _practice(home, assessment, lang="en"):
    proc = run([str(BIN / "tobops"), "practice", assessment, "--lang", lang], cwd=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    path = home / assessment / f"{assessment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return path, nb, forms.Form.from_dict(nb.metadata.tobops.form)


def test_a_self_learner_practises_and_checks_their_answers(tmp_path):
    course = new_home(tmp_path / "course")
    path, nb, form = _practice(course.home, A)
    assert form.practice and form.data % 2 == 1, "a practice form, on practice data"
    key = cohort.answer_key(course.bank(A), form)
    answers = {k["cell"]: (k["right"] if item in ("q1", "q5") else k["wrong"]) for item, k in key.items()}
    nbformat.write(cohort.fill(nb, answers), path)
    before = path.read_text()

    proc = run([str(BIN / "tobops"), "selfcheck", A], cwd=course.home, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"✔ q1", proc.stdout) and re.search(r"✔ q5", proc.stdout)
    assert re.search(r"✘ q2 .*revisit Lesson 02, section", proc.stdout), proc.stdout
    assert "4 of 12 points" in proc.stdout, proc.stdout
    assert "grade yourself, criterion by criterion" in proc.stdout and "  2: " in proc.stdout
    page = course.home / "feedback" / f"{A}.html"
    assert page.exists() and "For the grader only" not in page.read_text()
    assert path.read_text() == before, "the learner's notebook is untouched"
    assert not (course.root / "gradebook.db").exists(), "nothing is written into the course's gradebook"

    again = _practice(course.home, A)[2]  # a new practice form; the last one is kept beside it
    assert again.attempt == 2 and again.id != form.id
    assert (course.home / f"{A} (practice 1)" / f"{A}.ipynb").exists()


def test_selfcheck_refuses_a_graded_form_and_says_clearly_when_the_notebook_is_missing(tmp_path):
    course = new_home(tmp_path / "course")
    proc = run([str(BIN / "tobops"), "selfcheck", A], cwd=course.home)
    assert proc.returncode == 2 and f"no {A}.ipynb here" in proc.stderr and "tobops practice" in proc.stderr
    path, nb, form = _practice(course.home, A)
    nb.metadata.tobops.form.practice = False  # a trainee trying their graded form here
    nbformat.write(nb, path)
    proc = run([str(BIN / "tobops"), "selfcheck", A], cwd=course.home)
    assert proc.returncode == 2 and "graded form" in proc.stderr, proc.stderr


def test_certification_selfcheck_gives_bands_never_items(tmp_path):
    course = new_home(tmp_path / "course")
    path, nb, form = _practice(course.home, CERT, lang="zh")
    key = cohort.answer_key(course.bank(CERT), form, "zh")
    nbformat.write(cohort.fill(nb, {k["cell"]: k["right"] for k in key.values()}), path)
    proc = run([str(BIN / "tobops"), "selfcheck", CERT], cwd=course.home, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "扎实" in proc.stdout and "题目来自题库" in proc.stdout, proc.stdout  # a Chinese form: a Chinese summary
    assert not re.search(r"[✔✘] q\d", proc.stdout), "no per-item right or wrong on the certification"
