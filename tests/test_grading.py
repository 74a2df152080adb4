"""`tobops grade` on hand-made submissions: trainee code cannot read the answer keys or the
gradebook nor reach the network, each notebook gets a fresh kernel, every kind of broken
submission is named, and a run killed midway is finished by the next. (Same scores as
stock nbgrader, and idempotent reruns: tests/test_stock_nbgrader.py.)"""
from __future__ import annotations

import os
import socket
import sys
import time

import nbformat
import pytest

from conftest import BIN, REPO, run
from tobops.grade import forkserver, grader, sandbox
from tobops.grade.coursedir import Course, new_home
from tobops.grade.results import Status
from tobops.room import cohort, release
from tobops.settings import Settings

pytestmark = pytest.mark.slow
A = "02-tob-vs-toc"


def _course(tmp_path, students: list[str]) -> Course:
    """A course with these trainees on the roster and the assessment released (each has a form)."""
    course = new_home(tmp_path / "course")
    with course.gradebook() as gb:
        for s in students:
            gb.update_or_create_student(s)
    release.release(course, A)
    return course


def _submit(course: Course, student: str, nb) -> None:
    dest = course.submitted(student, A)
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / f"{A}.ipynb")
    (dest / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")


def _first_choice(course, student):
    """The student's form as fetched, and the cell of its first multiple-choice answer."""
    nb, bank, form = release.fetched(course, A, student)
    key = cohort.answer_key(bank, form)
    return nb, next(k for k in key.values() if k["kind"] == "choice")


@pytest.mark.parametrize("which", ["tobops grade", "nbgrader autograde"])
def test_trainee_code_cannot_read_keys_or_gradebook_nor_reach_the_network(tmp_path, monkeypatch, which):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-secret-4711")  # as when grading from a hub terminal
    course = _course(tmp_path, ["snoop"])
    targets = [course.bank_path(A), course.source_notebook(A), course.db_path, course.home / "nbgrader_config.py",
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
    nb, first = _first_choice(course, "snoop")
    _submit(course, "snoop", cohort.fill(nb, {first["cell"]: snoop}))
    if which == "tobops grade":  # kernels forked from a template in the sandbox
        [res] = grader.grade(course, [A], workers=1, progress=False)
        assert res.status in (Status.GRADED, Status.MANUAL), res.line()
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


def test_each_notebook_gets_a_fresh_kernel_with_nothing_left_by_the_one_before(tmp_path):
    """Kernels are forked from one template per worker: what one trainee's code leaves
    behind (files, processes, variables, modules) must be gone for the next."""
    course = _course(tmp_path, ["a-leaves", "b-looks"])
    leave = "\n".join([
        "import os, subprocess, sys, pandas",
        "open(os.path.expanduser('~/left.txt'), 'w').write('x'); open('/tmp/left.txt', 'w').write('x')",
        "own = os.path.dirname(os.path.dirname(os.path.expanduser('~')))  # the template's folder, writable",
        "open(os.path.join(own, 'left.txt'), 'w').write('x')",
        "subprocess.Popen(['sleep', '600'], start_new_session=True)",
        "pandas.LEFT_BEHIND = 1; sys.modules['left_behind'] = sys",
        "print('pid', os.getpid())",
        "q1 = 'A'",
    ])
    look = "\n".join([
        "import os, sys, pandas",
        "procs = [open(f'/proc/{p}/cmdline').read() for p in os.listdir('/proc') if p.isdigit()]",
        "print('pid', os.getpid())",
        "own = os.path.dirname(os.path.dirname(os.path.expanduser('~')))",
        "print('files', os.path.exists(os.path.expanduser('~/left.txt')), os.path.exists('/tmp/left.txt'),",
        "      os.path.exists(os.path.join(own, 'left.txt')))",
        "print('sleepers', sum('sleep' in c for c in procs))",
        "print('state', hasattr(pandas, 'LEFT_BEHIND'), 'left_behind' in sys.modules, 'subprocess' in dir())",
        "print('fonts', any(n.startswith('fontlist-') for n in os.listdir(os.environ['MPLCONFIGDIR'])))",
        "q1 = 'A'",
    ])
    for student, code in (("a-leaves", leave), ("b-looks", look)):
        nb, first = _first_choice(course, student)
        _submit(course, student, cohort.fill(nb, {first["cell"]: code}))
    results = grader.grade(course, [A], workers=1, progress=False)
    # the written answer was left as released, so nbgrader scores it 0 with nothing to grade by hand
    assert [(r.student, r.status) for r in results] == [("a-leaves", Status.GRADED), ("b-looks", Status.GRADED)]

    def out(student):
        nb = nbformat.read(course.autograded(student, A) / f"{A}.ipynb", as_version=4)
        return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)

    a, b = out("a-leaves"), out("b-looks")
    assert "pid" in a and "files" in b, (a, b)
    assert a.split("pid ")[1].split()[0] != b.split("pid ")[1].split()[0]
    assert "files False False False" in b, b
    assert "sleepers 0" in b, b
    assert "state False False False" in b, b
    assert "fonts True" in b, b  # matplotlib's font list, passed on by the template to every kernel


def test_without_bubblewrap_grading_cleans_its_own_folder_and_leaves_tmp_alone(tmp_path, tmp_path_factory):
    """Where bubblewrap is missing or blocked (many containers), kernels share the machine's
    /tmp with the instructor, so the template must not empty /tmp after each kernel as it
    does its own sandbox's. The command runs in a /tmp of its own (lent by bwrap to the test,
    not to tobops, which finds a bwrap that fails), so that a regression costs nothing."""
    real = sandbox.bwrap()
    if not real:
        pytest.skip("bubblewrap is missing or blocked here (make install installs it): nothing to lend a private /tmp")
    course = _course(tmp_path, ["a-blank", "b-blank"])
    for student in ("a-blank", "b-blank"):
        _submit(course, student, release.fetched(course, A, student)[0])
    fake = tmp_path / "fakebin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    shown = {str(tmp_path_factory.getbasetemp()), str(REPO), str(BIN.parent)}
    binds = [a for d in sorted(shown) if d.startswith("/tmp/") for a in ("--bind", d, d)]
    script = ("echo keep > /tmp/notes.txt && mkdir /tmp/work && echo x > /tmp/work/draft.md && "
              f"tobops grade {A}; echo rc=$?; ls /tmp /tmp/work")
    res = run([real, "--unshare-user", "--dev-bind", "/", "/", "--tmpfs", "/tmp", *binds, "--chdir", str(course.home),
               "--", "bash", "-c", script], cwd=course.home, env={"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"})
    assert "bubblewrap (bwrap) is missing" in res.stdout + res.stderr, res.stdout[-2000:] + res.stderr[-2000:]
    assert "rc=0" in res.stdout, res.stdout[-2000:] + res.stderr[-2000:]
    listed = res.stdout.split("rc=0", 1)[1].split()
    assert "notes.txt" in listed and "draft.md" in listed, res.stdout[-2000:]
    assert not [n for n in listed if n.startswith("tobops-forkserver-")], "a template's folder was left behind"


EXPECTED = {  # broken kind -> words its reason must contain
    "syntax": "SyntaxError", "loop": "timed out", "memory": "ran out of memory", "corrupt": "not valid JSON",
    "truncated": "not valid JSON", "missing_notebook": "missing notebook", "renamed": "renamed notebook",
    "deleted_cells": "cells deleted", "edited_tests": "test cells edited", "extra_files": "extra files ignored",
    "huge_output": "too much output", "kernel_dies": "kernel died", "stderr": "stderr", "snoop": "",
}


def test_every_kind_of_broken_submission_is_named_and_the_batch_goes_on(tmp_path):
    students = {"s00-perfect": "perfect"} | {f"s{i + 1:02d}-{k}": k for i, k in enumerate(cohort.BROKEN)}
    assert set(EXPECTED) == set(cohort.BROKEN)
    course = _course(tmp_path, list(students))
    originals = {}
    for student, kind in students.items():
        files = cohort.submission(*release.fetched(course, A, student), kind)
        dest = course.submitted(student, A)
        dest.mkdir(parents=True)
        for name, text in files.items():
            (dest / name).write_text(text, encoding="utf-8")
            originals[dest / name] = text
        (dest / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")

    results = {r.student: r for r in grader.grade(course, [A], settings=Settings.load(cell_timeout=5), workers=2,
                                                  progress=False)}
    assert set(results) == set(students), "every trainee has a result"
    assert results["s00-perfect"].status in (Status.GRADED, Status.MANUAL) and not results["s00-perfect"].problems
    for student, kind in students.items():
        r = results[student]
        text = "; ".join([r.reason] + r.problems)
        assert EXPECTED.get(kind, "") in text, f"{kind}: {r.line()}"
        if kind in ("corrupt", "truncated", "missing_notebook", "renamed", "kernel_dies"):
            assert r.status == Status.FAILED and r.score is None, r.line()
        elif kind != "perfect":
            assert r.status in (Status.GRADED, Status.MANUAL), r.line()
    for path, text in originals.items():  # nothing lost, nothing changed
        assert path.read_text(encoding="utf-8") == text
    snoop = next(s for s, k in students.items() if k == "snoop")
    nb = nbformat.read(course.autograded(snoop, A) / f"{A}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "LEAKED" not in printed, printed[:500]


def test_a_run_killed_midway_is_finished_by_the_next_run(tmp_path):
    """One worker grades in trainee order; the fourth trainee's notebook sleeps far longer
    than the run is given, so the kill lands after exactly three notebooks. The next run
    grades the other three (the sleeper now with a short cell limit) and leaves the first
    three alone; the result equals one uninterrupted run."""
    import shutil
    import signal
    import subprocess
    import time

    profiles = ["perfect", "partial", "wrong", "sleeper", "partial", "perfect"]
    course = _course(tmp_path, [f"s{i}-{p}" for i, p in enumerate(profiles)])
    for i, p in enumerate(profiles):
        student = f"s{i}-{p}"
        if p == "sleeper":
            form_nb, first = _first_choice(course, student)
            nb = cohort.fill(form_nb, {first["cell"]: "import time\ntime.sleep(3600)"})
        else:
            files = cohort.submission(*release.fetched(course, A, student), p, seed=i)
            nb = nbformat.reads(files[f"{A}.ipynb"], as_version=4)
        _submit(course, student, nb)
    clean = Course(shutil.copytree(course.home, tmp_path / "clean"))
    before = set(forkserver.folders())

    proc = subprocess.Popen([str(BIN / "tobops"), "grade", A, "--workers", "1", "--cell-timeout", "3600",
                             "--course", str(course.home)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while sum(r.status.scored for r in course.results().load()) < 3:  # saved as each one finishes
        assert time.time() < deadline and proc.poll() is None, "the first three notebooks were not graded"
        time.sleep(0.2)
    time.sleep(0.5)  # the sleeper is running now; nothing else can finish
    os.killpg(proc.pid, signal.SIGKILL)  # as if the machine went down mid-run
    proc.wait()
    done = sorted(r.student for r in course.results().load() if r.status.scored)
    assert done == ["s0-perfect", "s1-partial", "s2-wrong"]
    # its template died with it, leaving its folder (the sleeper's kernel files in it) behind;
    # other tests' templates may come and go meanwhile: the killed run's is a new one whose
    # socket nobody answers any more
    while True:
        socks = [os.path.join(d, "template.sock") for d in set(forkserver.folders()) - before]
        dead = [os.path.dirname(s) for s in socks if os.path.exists(s) and not forkserver._listening(s)]
        if dead or time.time() > deadline:
            break
        time.sleep(0.2)
    assert dead, "the killed run's template folder was not found"

    quick = Settings.load(cell_timeout=3)
    again = grader.grade(course, [A], settings=quick, workers=2, progress=False)
    reference = grader.grade(clean, [A], settings=quick, workers=2, progress=False)
    assert [(r.student, r.status, r.score, r.problems) for r in again] == \
        [(r.student, r.status, r.score, r.problems) for r in reference]
    assert [r.student for r in again if r.seconds] == ["s3-sleeper", "s4-partial", "s5-perfect"], \
        "the next run grades only what the killed one did not finish"
    assert "timed out" in "; ".join(again[3].problems)
    assert not [d for d in dead if os.path.exists(d)], "the next run did not delete the killed run's template folder"

    def cells(c):
        with c.gradebook() as gb:
            return sorted((sub.student.id, g.name, g.auto_score) for sub in gb.assignment_submissions(A)
                          for nb in sub.notebooks for g in nb.grades)
    assert cells(course) == cells(clean)


def test_benchmark_smoke_run(tmp_path):
    from conftest import REPO
    proc = run([sys.executable, str(REPO / "benchmarks" / "grading.py"), "--trainees", "1", "--assessments", A,
                "--room", "1", "--runs", "2"], cwd=tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "scores identical: yes" in proc.stdout
    ratios = [line for line in proc.stdout.splitlines() if line.startswith("ratio ")]
    names = [r.split(" (")[0].split(":")[0] for r in ratios]
    assert names == ["ratio one notebook"] * 2 + ["ratio one room"] * 2 + ["ratio full cohort",
                                                                         "ratio self-check median"], ratios
    assert all(r.endswith("x") for r in ratios[:-1]) and ratios[-1].endswith(")")



@pytest.mark.parametrize("ends", ["at once", "later"])
def test_a_sandbox_ends_with_the_process_that_started_it(tmp_path, ends):
    """A grading worker that ends (a batch of submissions that all fail their precheck ends
    within a second, while the worker's kernel template is still starting) takes its
    sandbox with it, even if it ended before the sandbox had started: one left running
    keeps a terminal, or anyone reading the command's output, waiting for ever."""
    marker = tmp_path / "marker-dir"
    marker.mkdir()
    parent = "\n".join([
        "import os, subprocess, sys, time",
        "from tobops.grade.sandbox import launcher_command, kernel_home",
        "from tobops.settings import Limits",
        f"cmd = launcher_command([sys.executable, '-c', 'import time; time.sleep(60)', {str(marker)!r}],",
        f"                       home=kernel_home('k-', parent={str(tmp_path)!r}), limits=Limits(), pid_namespace=True)",
        "p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)",
        "print(p.pid, flush=True)",
        f"time.sleep({0 if ends == 'at once' else 3})",
        "os._exit(0)  # as a multiprocessing worker ends: no atexit",
    ])
    proc = run([sys.executable, "-c", parent], cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    left = []
    for _ in range(100):
        left = [p for p in os.listdir("/proc") if p.isdigit() and str(marker) in _cmdline(p)]
        if not left:
            break
        time.sleep(0.1)
    assert not left, [_cmdline(p) for p in left]


def _cmdline(pid: str) -> str:
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_workers_parse_kernel_message_dates_as_jupyter_client_does():
    """Workers parse the dates in kernel messages with the standard library instead of
    dateutil (grader._parse_message_dates_in_c): the datetimes must be the same."""
    import subprocess

    dates = ["2026-12-04T10:00:00.123456Z", "2026-12-04T10:00:00.1Z", "2026-12-04T10:00:00Z",
             "2026-12-04T10:00:00+0800", "2026-12-04T10:00:00.12+08:00", "2026-12-04T10:00:00-05:30"]
    code = ("import sys, warnings; warnings.simplefilter('ignore')\n"
            "from jupyter_client.jsonutil import extract_dates\n"
            "from tobops.grade import grader\n"
            f"dates = {dates!r}\n"
            "before = extract_dates({'list': dates})\n"
            "grader._parse_message_dates_in_c(); grader._parse_message_dates_in_c()\n"
            "import jupyter_client.jsonutil as j\n"
            "after = extract_dates({'list': dates})\n"
            "print(j._dateutil_parse.__module__, before == after,\n"
            "      [a.utcoffset() == b.utcoffset() for a, b in zip(before['list'], after['list'])])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.split()[0] == "tobops.grade.grader", out  # the patch is in place (once, however often it is applied)
    assert out.split()[1] == "True" and "False" not in out, out
