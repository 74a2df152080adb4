"""The warm grader server (tobops/grade/server.py), driven through the CLI as users type it:
it gives the same results as grading in the command's own process, is reused between
commands, starts afresh when its settings go stale, stops when idle or asked (or, held by
the hub's instructor, when its holder ends), starts ahead of time on request, serves one
job at a time, and no trainee code it runs can see its socket."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import BIN, run
from tobops.grade import sandbox
from tobops.grade.coursedir import Course
from tobops.room import demo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("server")]
A = "02-tob-vs-toc"
PROFILES = ["perfect", "partial", "wrong", "syntax"]


@pytest.fixture(scope="module")
def cohort_course(tmp_path_factory, module_env):
    """A course with four collected submissions of one assessment (built once; tests copy it)."""
    course, _, _ = demo.prepare(tmp_path_factory.mktemp("cohort") / "course", [A], len(PROFILES), profiles=PROFILES)
    return course


@pytest.fixture
def runtime(monkeypatch):
    """The server on, with a runtime folder of its own (short: a socket path is at most 107
    bytes); every server started in it is stopped afterwards, and must be gone."""
    d = Path(tempfile.mkdtemp(prefix="tr-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(d))
    monkeypatch.setenv("TOBOPS_SERVER", "on")
    yield d
    run([str(BIN / "tobops"), "server", "stop", "--all"], cwd=d, timeout=120)
    leftover = [p for p in _server_pids() if _env_of(p).get("XDG_RUNTIME_DIR") == str(d)]
    for pid in leftover:
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(d, ignore_errors=True)
    assert not leftover, f"grader servers left running: {leftover}"


def _server_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-f", "tobops.grade.server"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _env_of(pid: int) -> dict:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(kv.split("=", 1) for kv in raw.decode(errors="replace").split("\0") if "=" in kv)


def _copy(course: Course, dest: Path) -> Course:
    return Course(shutil.copytree(course.home, dest, symlinks=True))


def _cells(course: Course) -> dict:
    con = sqlite3.connect(course.db_path)
    try:
        return dict(((s, c), (a, m)) for s, c, a, m in con.execute(
            "SELECT student.id, base_cell.name, grade.auto_score, grade.needs_manual_grade FROM grade "
            "JOIN base_cell ON grade.cell_id = base_cell.id JOIN submitted_notebook ON grade.notebook_id = "
            "submitted_notebook.id JOIN submitted_assignment ON submitted_notebook.assignment_id = "
            "submitted_assignment.id JOIN student ON submitted_assignment.student_id = student.id"))
    finally:
        con.close()


def _status(course: Course) -> str:
    return run([str(BIN / "tobops"), "server", "status"], cwd=course.home).stdout


def test_grading_on_the_server_gives_what_grading_in_the_command_gives_and_it_is_reused(
        cohort_course, tmp_path, runtime):
    here, there = _copy(cohort_course, tmp_path / "here"), _copy(cohort_course, tmp_path / "there")
    alone = run([str(BIN / "tobops"), "grade", A, "--no-server"], cwd=here.home)
    assert "no grader server runs" in _status(here), "--no-server starts none"
    first = run([str(BIN / "tobops"), "grade", A], cwd=there.home)
    assert first.returncode == alone.returncode == 1, first.stdout + first.stderr  # the syntax-error submission
    assert "grading" in first.stderr and "4/4" in first.stderr, "the server's progress, shown as a bar"
    assert "starting this course's grader server" in first.stderr, "seconds of silence while it starts"
    assert first.stdout == alone.stdout, (first.stdout, alone.stdout)
    assert _cells(there) == _cells(here) and _cells(there)
    status = _status(there)
    assert "1 job(s)" in status, status
    pid = status.split()[2]
    # a second command: the same server, no start-up; a rerun changes nothing
    again = run([str(BIN / "tobops"), "grade", A, "--force", "--student", "t001-ana"], cwd=there.home)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "starting" not in again.stderr, again.stderr
    status = _status(there)
    assert status.split()[2] == pid and "2 job(s)" in status, status
    assert _cells(there) == _cells(here)


def test_a_stale_server_is_replaced_and_an_idle_one_stops(cohort_course, tmp_path, runtime):
    course = _copy(cohort_course, tmp_path / "c")
    assert run([str(BIN / "tobops"), "grade", A, "--student", "t001-ana"], cwd=course.home).returncode == 0
    pid = int(_status(course).split()[2])
    # other settings than the server was started with: it says so and exits; a fresh one grades
    res = run([str(BIN / "tobops"), "grade", A, "--student", "t001-ana", "--force"], cwd=course.home,
              env={"TOBOPS_CELL_TIMEOUT": "29", "TOBOPS_SERVER_IDLE": "3"})
    assert res.returncode == 0, res.stdout + res.stderr
    new = int(_status(course).split()[2])
    assert new != pid, "a fresh server grades"
    deadline = time.monotonic() + 30  # the stale one lets go of its socket first, then of its workers
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{pid}").exists(), "the stale server is gone"
    deadline = time.monotonic() + 60  # idle for 3 s: it stops by itself
    while Path(f"/proc/{new}").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not Path(f"/proc/{new}").exists(), "an idle server stops"
    assert "no grader server runs" in _status(course)


def test_a_held_server_outlives_its_idle_time_while_its_holder_lives_and_server_start_warms_one(
        cohort_course, tmp_path, runtime):
    """The hub's launcher holds a server for the instructor's JupyterLab (and does not wait
    for it); idle or not, it stays while its holder lives, and grading uses it; it stops
    when the holder ends. ``tobops server start`` keeps a running one, or starts one."""
    course = _copy(cohort_course, tmp_path / "c")
    idle = {"TOBOPS_SERVER_IDLE": "1"}
    holder = subprocess.Popen(["sleep", "600"])
    try:
        hold = run([sys.executable, "-c", "from tobops.grade import server; "
                    f"server.start({str(course.home)!r}, hold={holder.pid}, wait=False)"], cwd=course.home, env=idle)
        assert hold.returncode == 0 and hold.stdout == hold.stderr == "", hold.stdout + hold.stderr
        deadline = time.monotonic() + 120
        while "no grader server runs" in _status(course):
            assert time.monotonic() < deadline, "the held server did not start"
            time.sleep(0.2)
        time.sleep(3)  # three times its idle time
        status = _status(course)
        assert f"held by process {holder.pid}" in status and "0 job(s)" in status, status
        pid = int(status.split()[2])
        again = run([str(BIN / "tobops"), "server", "start"], cwd=course.home)
        assert again.returncode == 0 and int(again.stdout.split()[2]) == pid, again.stdout + again.stderr
        res = run([str(BIN / "tobops"), "grade", A, "--student", "t001-ana"], cwd=course.home)
        assert res.returncode == 0, res.stdout + res.stderr
        status = _status(course)
        assert int(status.split()[2]) == pid and "1 job(s)" in status, status
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{pid}").exists(), "a held server stops when its holder ends"
    fresh = run([str(BIN / "tobops"), "server", "start"], cwd=course.home)
    assert fresh.returncode == 0 and "0 job(s)" in fresh.stdout and "stops after 900 s idle" in fresh.stdout, \
        fresh.stdout + fresh.stderr
    assert int(fresh.stdout.split()[2]) != pid


def _templates(server_pid: int) -> list[tuple[str, bool]]:
    """The server's kernel templates (their sockets), and whether each was held back until
    released (see Server.pool: its folder has the "go" that released it); their launchers are
    the server's children."""
    out = []
    for d in Path("/proc").iterdir():
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == server_pid and b"--socket" in cmd:
            sock = cmd[cmd.index(b"--socket") + 1].decode()
            out.append((sock, os.path.exists(os.path.join(os.path.dirname(sock), "go"))))
    return sorted(out)


def _all_listen(pid: int, want: int) -> list[tuple[str, bool]]:
    deadline = time.monotonic() + 60
    while True:
        found = _templates(pid)
        if len(found) == want and all(os.path.exists(s) for s, _ in found):
            return found
        assert time.monotonic() < deadline, f"templates not all listening: {found}"
        time.sleep(0.1)


def test_a_cold_server_holds_its_spare_template_until_it_is_idle(cohort_course, tmp_path, runtime):
    """A command that starts the server for a room's job gets one worker a core at once; the
    spare worker's template loads once the server is idle (during the room it would have
    taken the room's CPU and been ready too late to help). `tobops server start` holds
    nothing back."""
    from tobops.settings import default_workers

    cores, course = os.cpu_count() or 1, _copy(cohort_course, tmp_path / "c")
    first = run([str(BIN / "tobops"), "grade", A], cwd=course.home)
    assert first.returncode == 1 and "could not be graded" not in first.stdout, first.stdout + first.stderr
    pid = int(_status(course).split()[2])
    found = _all_listen(pid, default_workers())  # released two seconds after the job
    assert sum(held for _, held in found) == default_workers() - cores, found
    again = run([str(BIN / "tobops"), "grade", A, "--force"], cwd=course.home)
    assert again.stdout == first.stdout, again.stdout + again.stderr
    assert run([str(BIN / "tobops"), "server", "stop"], cwd=course.home).returncode == 0

    started = run([str(BIN / "tobops"), "server", "start"], cwd=course.home)
    assert started.returncode == 0, started.stdout + started.stderr
    found = _all_listen(int(started.stdout.split()[2]), default_workers())
    assert not any(held for _, held in found), found


def test_a_launcher_waits_for_what_it_starts_after(tmp_path):
    """`python -m tobops.grade.sandbox --after PATH ...` (a template loading after another)
    starts once every such path exists, and does not wait on for a folder that is gone."""
    first, gate = tmp_path / "a" / "template.sock", tmp_path / "b" / "go"
    first.parent.mkdir()
    gate.parent.mkdir()
    timer = threading.Timer(0.5, first.touch)
    timer.start()
    threading.Timer(1.0, gate.touch).start()
    t0 = time.monotonic()
    sandbox.wait_for([str(first), str(gate)])
    assert time.monotonic() - t0 >= 1.0 and first.exists() and gate.exists()
    shutil.rmtree(gate.parent)
    t0 = time.monotonic()
    sandbox.wait_for([str(first), str(gate)])  # its folder is gone: what was to make it has stopped
    assert time.monotonic() - t0 < 0.5


def test_jobs_wait_their_turn_and_stop_ends_the_server(cohort_course, tmp_path, runtime):
    course = _copy(cohort_course, tmp_path / "c")
    outs = {}

    def grade(name, *extra):
        outs[name] = run([str(BIN / "tobops"), "grade", A, "--force", *extra], cwd=course.home)

    grade("warm-up", "--student", "t001-ana")
    jobs = [threading.Thread(target=grade, args=(f"job{i}",)) for i in range(2)]
    for j in jobs:
        j.start()
    for j in jobs:
        j.join()
    assert all(o.returncode == 1 for k, o in outs.items() if k != "warm-up"), outs
    assert any("waits its turn" in o.stdout for o in outs.values()), [o.stdout for o in outs.values()]
    assert outs["job0"].stdout.splitlines()[-3:] == outs["job1"].stdout.splitlines()[-3:]
    pid = int(_status(course).split()[2])
    stop = run([str(BIN / "tobops"), "server", "stop"], cwd=course.home)
    assert stop.stdout.strip() == "stopped"
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{pid}").exists()
    assert list(runtime.rglob("*.sock")) == []


def test_selfcheck_on_the_server_says_what_the_command_alone_says(tmp_path, runtime):
    from tobops.grade.coursedir import new_home

    course = new_home(tmp_path / "course")
    practice = run([str(BIN / "tobops"), "practice", A], cwd=course.home)
    assert practice.returncode == 0, practice.stderr
    alone = run([str(BIN / "tobops"), "selfcheck", A, "--no-server", "--out", "fb-alone"], cwd=course.home)
    served = [run([str(BIN / "tobops"), "selfcheck", A, "--out", "fb-served"], cwd=course.home) for _ in range(2)]
    for out in (alone, *served):
        assert out.returncode == 0, out.stdout + out.stderr
        assert out.stderr == "", out.stderr
    strip = [line for line in alone.stdout.splitlines() if not line.startswith("feedback page:")]
    for out in served:
        assert [line for line in out.stdout.splitlines() if not line.startswith("feedback page:")] == strip
    assert (course.home / "fb-served" / f"{A}.html").exists()
    assert "1 job(s)" not in _status(course) and "2 job(s)" in _status(course)


@pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap is not installed (make install installs it)")
def test_trainee_code_graded_on_the_server_cannot_see_its_socket(cohort_course, tmp_path, runtime):
    """A submission that looks for the server's socket folder and tries to connect to it.
    Its kernel has matplotlib's font list (the server gives it to the template after
    starting it), so a plot would not print "building the font cache" on stderr."""
    import nbformat

    course = _copy(cohort_course, tmp_path / "c")
    path = course.submitted("t001-ana", A) / f"{A}.ipynb"
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell(
        "import os, socket, glob\n"
        f"seen = [os.path.exists({str(runtime)!r}), glob.glob({str(runtime)!r} + '/*/*.sock')]\n"
        "try:\n"
        "    s = socket.socket(socket.AF_UNIX); "
        f"s.connect(glob.glob({str(runtime)!r} + '/*/*.sock')[0]); seen.append('connected')\n"
        "except Exception as e:\n"
        "    seen.append(type(e).__name__)\n"
        "print('PROBE', seen)\n"
        "print('FONTS', any(n.startswith('fontlist-') for n in os.listdir(os.environ['MPLCONFIGDIR'])))")
    nb.cells.insert(3, probe)
    nbformat.write(nb, path)
    res = run([str(BIN / "tobops"), "grade", A, "--student", "t001-ana"], cwd=course.home)
    assert list(runtime.rglob("*.sock")), "the server's socket exists (outside the sandbox)"
    graded = nbformat.read(course.autograded("t001-ana", A) / f"{A}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in graded.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "PROBE [False, [], 'IndexError']" in printed, (printed[-2000:], res.stdout)
    assert "FONTS True" in printed, printed[-2000:]
