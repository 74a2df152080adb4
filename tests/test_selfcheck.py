"""`tobops selfcheck` as a self-learner types it: grades their copy with the real hidden
tests in a private temp course, and writes the same feedback page a trainee gets."""
import re

import nbformat
import pytest

from conftest import BIN, REPO, run
from tobops.room import cohort
A = "02-tob-vs-toc"
pytestmark = pytest.mark.slow


def test_selfcheck_grades_a_partly_right_copy_and_writes_feedback(tmp_path):
    source = nbformat.read(REPO / "assignments" / "source" / A / f"{A}.ipynb", as_version=4)
    key = cohort.answer_key(source, A)
    # a learner's copy: the release with q1 right and q2 wrong (built from the source by clearing solutions)
    release = nbformat.from_dict(source)
    answers = {k["cell"]: (k["right"] if item == "q1" else k["wrong"]) for item, k in key.items()}
    mine = cohort.fill(release, answers)
    work = tmp_path / "me" / A
    work.mkdir(parents=True)
    nbformat.write(mine, work / f"{A}.ipynb")
    before = (work / f"{A}.ipynb").read_text()

    proc = run([str(BIN / "tobops"), "selfcheck", A], cwd=tmp_path / "me", timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"✔ q1", proc.stdout) and re.search(r"✘ q2 .*revisit Lesson 02 section", proc.stdout)
    assert "grade yourself with the rubric" in proc.stdout
    page = tmp_path / "me" / "feedback" / f"{A}.html"
    assert page.exists() and "HIDDEN TESTS" not in page.read_text()
    assert (work / f"{A}.ipynb").read_text() == before, "the learner's notebook is untouched"
    assert not (REPO / "assignments" / "gradebook.db").exists()


def test_selfcheck_says_clearly_when_the_notebook_is_missing(tmp_path):
    proc = run([str(BIN / "tobops"), "selfcheck", A], cwd=tmp_path)
    assert proc.returncode == 2 and f"no {A}.ipynb here" in proc.stderr
