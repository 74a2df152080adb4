"""`tobops demo` as a user types it: a synthetic cohort goes through release, submit,
collect, grading and the report; broken submissions are named, never silent zeros."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BIN
from tobops.room import cohort
from tobops.grade.results import Status
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]
# two assessments keep the suite fast; `make demo` runs them all
ASSESSMENTS = ["02-tob-vs-toc", "09-certification"]
# `make demo` stops a cell after 5 s; here the suite shares 2 cores with a hub of 21 servers,
# and an honest cell once took longer than 5 s (a partial answer graded "could not be graded").
# Both gradings in this file use the same, roomier limit, so the rerun can be compared.
CELL_TIMEOUT = "15"


@pytest.fixture(scope="module")
def demo(tmp_path_factory, mpl_cache):
    base = tmp_path_factory.mktemp("demo")
    home = base / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(mpl_cache),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    cmd = [str(BIN / "tobops"), "demo", "--dir", str(base / "course"), "--trainees", "12", "--cell-timeout", CELL_TIMEOUT]
    for a in ASSESSMENTS:
        cmd += ["--assessment", a]
    proc = subprocess.run(cmd,
                          capture_output=True, text=True, env=env, cwd=base, timeout=900)
    return proc, base / "course"


def test_demo_finishes_and_prints_where_the_report_and_csv_are(demo):
    proc, course = demo
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert f"report:        {course / 'reports' / 'report.html'}" in proc.stdout
    assert f"grades CSV:    {course / 'reports' / 'grades.csv'}" in proc.stdout
    html = (course / "reports" / "report.html").read_text()
    assert "data:image/png;base64," in html


def test_demo_csv_has_a_row_per_trainee_and_assessment(demo):
    _, course = demo
    rows = list(csv.DictReader(open(course / "reports" / "grades.csv")))
    trainees = {t.id for t in cohort.cohort(12)}
    assert {(r["trainee"], r["assessment"]) for r in rows} == {(t, a) for t in trainees for a in ASSESSMENTS}


def test_broken_submissions_are_named_with_their_cause_and_the_rest_are_graded(demo):
    _, course = demo
    rows = list(csv.DictReader(open(course / "reports" / "grades.csv")))
    profile = {t.id: t.profile for t in cohort.cohort(12)}
    for r in rows:
        kind = profile[r["trainee"]]
        status, reason = r["status"], r["reason"] + "; " + r["problems"]
        if kind == "corrupt":
            assert status == Status.FAILED and "corrupted notebook" in reason and "not valid JSON" in reason
            assert r["score"] == ""
        elif kind == "renamed":
            assert status == Status.FAILED and "renamed notebook" in reason
        elif kind == "missing":
            assert status == Status.MISSING and r["score"] == ""
        else:
            assert status in (Status.GRADED, Status.MANUAL), (r["trainee"], kind, reason)
            assert r["score"] != ""
        if kind == "syntax":
            assert "SyntaxError" in reason
        if kind == "loop":
            assert "timed out" in reason
    perfect = [r for r in rows if profile[r["trainee"]] == "perfect"]
    blank = [r for r in rows if profile[r["trainee"]] == "blank"]
    assert all(float(r["score"]) > 0 for r in perfect)
    assert all(float(r["score"]) == 0 for r in blank)


def test_original_submissions_are_kept_untouched(demo):
    """Grading never edits submitted/: each file equals what the trainee put in the exchange."""
    _, course = demo
    inbound = course / ".exchange" / "tobops-academy" / "inbound"
    compared = 0
    for record in inbound.iterdir():
        student, assessment = record.name.split("+")[:2]
        for f in record.glob("*.ipynb"):
            kept = course / "assignments" / "submitted" / student / assessment / f.name
            assert kept.read_bytes() == f.read_bytes(), f"{kept} differs from what was submitted"
            compared += 1
    assert compared >= 10


def test_grading_again_from_the_cli_changes_nothing_and_names_what_needs_attention(demo, tmp_path):
    _, course = demo
    before = (course / "reports" / "grades.csv").read_text()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([str(BIN / "tobops"), "grade", "--all", "--course", str(course), "--cell-timeout", CELL_TIMEOUT],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 1, "exit status says some submissions need attention"
    profile = {t.id: t.profile for t in cohort.cohort(12)}
    for trainee, kind in profile.items():
        if kind in ("corrupt", "renamed", "syntax", "loop"):
            assert trainee in proc.stdout, f"{trainee} ({kind}) is not named"
    out = tmp_path / "again"
    rep = subprocess.run([str(BIN / "tobops"), "report", "--all", "--course", str(course), "--out", str(out)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert rep.returncode == 0, rep.stderr
    cols = lambda text: [line.split(",")[:6] for line in text.splitlines()]  # noqa: E731
    assert cols((out / "grades.csv").read_text()) == cols(before)
    assert (out / "report.html").exists() and len(list((out / "trainees").glob("*.html"))) == 12
