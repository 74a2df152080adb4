"""`tobops grade` on hand-made submissions: same scores as stock nbgrader, trainee code
cannot read the answer keys or the gradebook nor reach the network, reruns are idempotent."""
from __future__ import annotations

import os
import socket
import sqlite3
import sys

import nbformat
import pytest

from conftest import BIN, run
from tobops.room import cohort
from tobops.grade import grader as grading
from tobops.grade.coursedir import Course, chdir, new_home

pytestmark = pytest.mark.slow
A = "02-tob-vs-toc"


def _course(tmp_path) -> Course:
    course = new_home(tmp_path / "course")
    with chdir(course.home):
        res = course.api().generate_assignment(A, force=True, create=True)
    assert res["success"], res.get("log")
    return course


def _submit(course: Course, student: str, nb) -> None:
    dest = course.submitted(student, A)
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / f"{A}.ipynb")
    (dest / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")
    with course.gradebook() as gb:
        gb.update_or_create_student(student)


def _release_and_source(course):
    release = nbformat.read(course.root / "release" / A / f"{A}.ipynb", as_version=4)
    source = nbformat.read(course.source_notebook(A), as_version=4)
    return release, source


@pytest.mark.parametrize("grader", ["tobops grade", "nbgrader autograde"])
def test_trainee_code_cannot_read_keys_or_gradebook_nor_reach_the_network(tmp_path, monkeypatch, grader):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-secret-4711")  # as when grading from a hub terminal
    course = _course(tmp_path)
    release, source = _release_and_source(course)
    key = cohort.answer_key(source, A)
    targets = [course.source_notebook(A), course.db_path, course.home / "nbgrader_config.py",
               course.root / "release" / A / f"{A}.ipynb"]
    hub = socket.socket()  # stands in for a hub (or anything else) listening on localhost
    hub.bind(("127.0.0.1", 0))
    hub.listen()
    snoop = "\n".join([
        "import os, socket",
        "try:",
        f"    socket.create_connection(('127.0.0.1', {hub.getsockname()[1]}), timeout=3).close()",
        "    print('LEAKED: reached localhost')",
        "except OSError as exc:",
        "    print('no network', type(exc).__name__)",
        f"for p in {[str(t) for t in targets]!r}:",
        "    try:",
        "        data = open(p, 'rb').read(40)",
        "        print('LEAKED', p, data)",
        "    except OSError as exc:",
        "        print('blocked', type(exc).__name__)",
        f"print('cwd', os.getcwd(), 'home', os.path.expanduser('~'))",
        "print('env', sorted(os.environ.items()))",
        "q1 = 'A'",
    ])
    first = next(k for k in key.values() if k["kind"] == "choice")
    _submit(course, "snoop", cohort.fill(release, {first["cell"]: snoop}))
    if grader == "tobops grade":  # kernels forked from a template in the sandbox
        [res] = grading.grade(course, [A], workers=1, progress=False)
        assert res.status in (grading.GRADED, grading.MANUAL), res.line()
    else:  # stock nbgrader, as an instructor types it: one sandboxed kernel per notebook
        proc = run([str(BIN / "nbgrader"), "autograde", A], cwd=course.home)
        assert proc.returncode == 0, proc.stderr[-2000:]
    nb = nbformat.read(course.autograded("snoop", A) / f"{A}.ipynb", as_version=4)
    out = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert out.count("blocked") == len(targets), out
    assert "LEAKED" not in out
    assert "env [" in out and "hub-secret-4711" not in out, out
    assert "no network" in out, out
    hub.close()


def _first_choice(course):
    release, source = _release_and_source(course)
    key = cohort.answer_key(source, A)
    return release, next(k for k in key.values() if k["kind"] == "choice")


def test_each_notebook_gets_a_fresh_kernel_with_nothing_left_by_the_one_before(tmp_path):
    """Kernels are forked from one template per worker: what one trainee's code leaves
    behind (files, processes, variables, modules) must be gone for the next."""
    course = _course(tmp_path)
    release, first = _first_choice(course)
    leave = "\n".join([
        "import os, subprocess, sys, pandas",
        "open(os.path.expanduser('~/left.txt'), 'w').write('x'); open('/tmp/left.txt', 'w').write('x')",
        "subprocess.Popen(['sleep', '600'], start_new_session=True)",
        "pandas.LEFT_BEHIND = 1; sys.modules['left_behind'] = sys",
        "print('pid', os.getpid())",
        "q1 = 'A'",
    ])
    look = "\n".join([
        "import os, sys, pandas",
        "procs = [open(f'/proc/{p}/cmdline').read() for p in os.listdir('/proc') if p.isdigit()]",
        "print('pid', os.getpid())",
        "print('files', os.path.exists(os.path.expanduser('~/left.txt')), os.path.exists('/tmp/left.txt'))",
        "print('sleepers', sum('sleep' in c for c in procs))",
        "print('state', hasattr(pandas, 'LEFT_BEHIND'), 'left_behind' in sys.modules, 'subprocess' in dir())",
        "q1 = 'A'",
    ])
    _submit(course, "a-leaves", cohort.fill(release, {first["cell"]: leave}))
    _submit(course, "b-looks", cohort.fill(release, {first["cell"]: look}))
    results = grading.grade(course, [A], workers=1, progress=False)
    assert [r.status for r in results] == [grading.GRADED] * 2 or all(r.status == grading.MANUAL for r in results)

    def out(student):
        nb = nbformat.read(course.autograded(student, A) / f"{A}.ipynb", as_version=4)
        return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)

    a, b = out("a-leaves"), out("b-looks")
    assert "pid" in a and "files" in b, (a, b)
    assert a.split("pid ")[1].split()[0] != b.split("pid ")[1].split()[0]
    assert "files False False" in b, b
    assert "sleepers 0" in b, b
    assert "state False False False" in b, b


def test_same_scores_as_stock_nbgrader_and_reruns_are_idempotent(tmp_path):
    course = _course(tmp_path)
    release, source = _release_and_source(course)
    profiles = ["perfect", "partial", "wrong", "blank", "syntax"]
    for i, p in enumerate(profiles):
        files = cohort.submission(release, source, A, p, seed=i)
        _submit(course, f"s{i}-{p}", nbformat.reads(files[f"{A}.ipynb"], as_version=4))

    def per_cell():
        with course.gradebook() as gb:
            return {(s, g.name): (g.auto_score, g.needs_manual_grade)
                    for s in [f"s{i}-{p}" for i, p in enumerate(profiles)]
                    for nb in gb.find_submission(A, s).notebooks for g in nb.grades}

    first = grading.grade(course, [A], workers=2, progress=False)
    ours = per_cell()
    stock = run(["nbgrader", "autograde", A, "--force"], cwd=course.home)
    assert stock.returncode == 0, stock.stderr[-2000:]
    assert per_cell() == ours, "tobops grade and nbgrader autograde disagree"

    again = grading.grade(course, [A], workers=2, progress=False, force=True)
    assert [(r.student, r.status, r.score) for r in again] == [(r.student, r.status, r.score) for r in first]
    rows = sqlite3.connect(course.db_path).execute("SELECT COUNT(*) FROM tobops_results").fetchone()[0]
    assert rows == len(profiles)
    skipped = grading.grade(course, [A], workers=2, progress=False)  # nothing new: nothing regraded
    assert [(r.student, r.status, r.score) for r in skipped] == [(r.student, r.status, r.score) for r in first]


EXPECTED = {  # broken kind -> words its reason must contain
    "syntax": "SyntaxError", "loop": "timed out", "memory": "ran out of memory", "corrupt": "not valid JSON",
    "truncated": "not valid JSON", "missing_notebook": "missing notebook", "renamed": "renamed notebook",
    "deleted_cells": "cells deleted", "edited_tests": "test cells edited", "extra_files": "extra files ignored",
    "huge_output": "too much output", "kernel_dies": "kernel died", "stderr": "stderr", "snoop": "",
}


def test_every_kind_of_broken_submission_is_named_and_the_batch_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("TOBOPS_CELL_TIMEOUT", "5")
    course = _course(tmp_path)
    release, source = _release_and_source(course)
    students = {"s00-perfect": "perfect"} | {f"s{i + 1:02d}-{k}": k for i, k in enumerate(cohort.BROKEN)}
    assert set(EXPECTED) == set(cohort.BROKEN)
    originals = {}
    for student, kind in students.items():
        files = cohort.submission(release, source, A, kind)
        dest = course.submitted(student, A)
        dest.mkdir(parents=True)
        for name, text in files.items():
            (dest / name).write_text(text, encoding="utf-8")
            originals[dest / name] = text
        (dest / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")
        with course.gradebook() as gb:
            gb.update_or_create_student(student)

    results = {r.student: r for r in grading.grade(course, [A], workers=2, progress=False)}
    assert set(results) == set(students), "every trainee has a result"
    assert results["s00-perfect"].status in (grading.GRADED, grading.MANUAL) and not results["s00-perfect"].problems
    for student, kind in students.items():
        r = results[student]
        text = "; ".join([r.reason] + r.problems)
        assert EXPECTED.get(kind, "") in text, f"{kind}: {r.line()}"
        if kind in ("corrupt", "truncated", "missing_notebook", "renamed", "kernel_dies"):
            assert r.status == grading.FAILED and r.score is None, r.line()
        elif kind != "perfect":
            assert r.status in (grading.GRADED, grading.MANUAL), r.line()
    for path, text in originals.items():  # nothing lost, nothing changed
        assert path.read_text(encoding="utf-8") == text
    snoop = next(s for s, k in students.items() if k == "snoop")
    nb = nbformat.read(course.autograded(snoop, A) / f"{A}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "LEAKED" not in printed, printed[:500]


def test_a_run_killed_midway_is_finished_by_the_next_run(tmp_path):
    import shutil
    import signal
    import subprocess
    import time

    course = _course(tmp_path)
    release, source = _release_and_source(course)
    profiles = ["perfect", "partial", "wrong", "blank", "partial", "perfect"]
    for i, p in enumerate(profiles):
        files = cohort.submission(release, source, A, p, seed=i)
        _submit(course, f"s{i}-{p}", nbformat.reads(files[f"{A}.ipynb"], as_version=4))
    clean = Course(shutil.copytree(course.home, tmp_path / "clean"))

    proc = subprocess.Popen([str(BIN / "tobops"), "grade", A, "--workers", "1", "--course", str(course.home)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list(course.root.glob("autograded/*/*/*.ipynb")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # as if the machine went down mid-run
    proc.wait()
    done_before = len(list(course.root.glob("autograded/*/*/*.ipynb")))
    assert 0 < done_before < len(profiles), "the kill should land mid-run"

    again = grading.grade(course, [A], workers=2, progress=False)
    reference = grading.grade(clean, [A], workers=2, progress=False)
    assert [(r.student, r.status, r.score) for r in again] == [(r.student, r.status, r.score) for r in reference]

    def cells(c):
        with c.gradebook() as gb:
            return sorted((sub.student.id, g.name, g.auto_score) for sub in gb.assignment_submissions(A)
                          for nb in sub.notebooks for g in nb.grades)
    assert cells(course) == cells(clean)


def test_benchmark_smoke_run(tmp_path):
    from conftest import REPO
    proc = run([sys.executable, str(REPO / "benchmarks" / "grading.py"), "--trainees", "2", "--assessments", A,
                "--bare-sample", "1"], cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert "scores identical: yes" in proc.stdout
    assert lines[-1].startswith("speedup over nbgrader autograde: ") and lines[-1].endswith("x")
