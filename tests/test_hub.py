"""The course hub (`tobops hub`), driven as its users drive it.

* two trainees' journeys (English, Chinese) and the instructor's, at once, each in a real
  browser (Playwright + Debian's Chromium), with a screenshot at each step;
* 20 trainees at once fetching, executing (nbgrader validate) and submitting over HTTP:
  every submission arrives intact and in the right name;
* the sandbox of a trainee's server: no other trainee's work, no answer keys, no gradebook.
"""
from __future__ import annotations

import concurrent.futures as cf
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from conftest import BIN, REPO, free_ports, proxy, run
from tobops.assess import forms
from tobops.room import cohort
from tobops.grade.coursedir import chdir, new_home
from tobops.grade.results import Status
from tobops.settings import COURSE_ID

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]
A = "02-tob-vs-toc"
PASSWORD = "room-password-for-tests"
INSTRUCTOR_PASSWORD = "instructor-password-for-tests-0123456789"
TRAINEES = [f"t{i:02d}" for i in range(1, 21)]
VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in the tab being shown
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _unused(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


class HubRun:
    def __init__(self, base: Path) -> None:
        self.course = new_home(base / "course")
        with chdir(self.course.home):
            api = self.course.api()
            assert api.generate_assignment(A, force=True, create=True)["success"]
        self.data = base / "hub-data"
        self.data.mkdir()
        (self.data / "roster.txt").write_text("instructor coach\ntrainee ana\ntrainee mei zh\n"
                                              + "".join(f"trainee {t}\n" for t in TRAINEES))
        self.port = free_ports(3)  # the proxy's, the hub's and the proxy API's
        self.url = f"http://127.0.0.1:{self.port}"
        home = base / "home"
        home.mkdir()
        self.env = {**os.environ, "HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
                    "TOBOPS_TRAINEE_PASSWORD": PASSWORD, "TOBOPS_INSTRUCTOR_PASSWORD": INSTRUCTOR_PASSWORD,
                    "TOBOPS_EXCHANGE": str(self.data / "exchange")}
        for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "TOBOPS_DATA_DIR"):
            self.env.pop(var, None)
        # a terminal of the instructor's JupyterLab: grading on the warm grader server that the
        # JupyterLab holds (found where JupyterHub's environment for it puts its runtime folder)
        self.terminal = {**self.env, "TOBOPS_SERVER": "on"}
        for var in ("XDG_RUNTIME_DIR", "TMPDIR"):
            self.terminal.pop(var, None)
        self.grader: int | None = None
        # the instructor releases the assessment (as they would from a terminal)
        self.instructor(["nbgrader", "release_assignment", A, "--force"])
        self.log = open(base / "hub.log", "w")
        self.proc = subprocess.Popen([str(BIN / "tobops"), "hub", "--course", str(self.course.home),
                                      "--data", str(self.data), "--port", str(self.port)],
                                     cwd=self.course.home, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        import requests

        deadline = time.monotonic() + 300  # generous: the rest of the suite may be running beside it
        while True:
            try:
                if requests.get(self.url + "/hub/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert self.proc.poll() is None, (base / "hub.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "hub did not come up"
            time.sleep(0.5)

    def instructor(self, cmd: list[str], ok=(0,), env: dict | None = None) -> subprocess.CompletedProcess:
        res = run(cmd, cwd=self.course.home, env=env or self.env, timeout=900)
        assert res.returncode in ok, f"{cmd}: {res.stdout[-2000:]}{res.stderr[-2000:]}"
        return res

    def held_grader(self) -> tuple[int, int]:
        """The grader server the instructor's JupyterLab holds (it starts it, in the background,
        when it starts): its process id and jobs done."""
        deadline = time.monotonic() + 180
        while True:
            out = self.instructor([str(BIN / "tobops"), "server", "status"], env=self.terminal).stdout
            if "held by process" in out:
                self.grader = int(out.split()[2])
                return self.grader, int(out.split(": ")[1].split()[0])
            assert time.monotonic() < deadline, f"the instructor's JupyterLab holds no grader server: {out}"
            time.sleep(0.5)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        deadline = time.monotonic() + 30  # the grader server the instructor's JupyterLab held ends with it
        while self.grader and Path(f"/proc/{self.grader}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if self.grader and Path(f"/proc/{self.grader}").exists():
            os.kill(self.grader, signal.SIGKILL)
            raise AssertionError("the grader server held by the instructor's JupyterLab outlived the hub")


@pytest.fixture(scope="module")
def hub(tmp_path_factory, module_env):
    """One hub for every check that needs one (it takes a while to start)."""
    run = HubRun(tmp_path_factory.mktemp("hub"))
    yield run
    run.stop()


def _answers(hub, trainee: str, nb) -> dict[str, str]:
    """The right answers to the trainee's own form, with the written item signed by the
    trainee (to spot crossed work). Also checks that the form fetched is theirs."""
    form = forms.Form.from_dict(nb.metadata.tobops.form)
    assert form.trainee == trainee and form.practice is False, f"{trainee} fetched {form.trainee}'s form"
    out = {}
    for k in cohort.answer_key(hub.course.bank(A), form).values():
        out[k["cell"]] = k["right"] if k["kind"] != "written" else f"Written by {trainee}: ToB buyers decide as a group."
    return out


# ---------------------------------------------------------------------------- HTTP trainee

class Trainee:
    """A trainee who logs in and uses their server's REST API, as JupyterLab does."""

    def __init__(self, hub: HubRun, name: str) -> None:
        import requests

        self.hub, self.name, self.s = hub, name, requests.Session()
        self.base = f"{hub.url}/user/{name}"

    def login(self) -> None:
        r = self.s.get(self.hub.url + "/hub/login")
        r.raise_for_status()
        xsrf = self.s.cookies.get("_xsrf", path="/hub/")
        r = self.s.post(self.hub.url + "/hub/login", data={"username": self.name, "password": PASSWORD,
                                                            "_xsrf": xsrf}, allow_redirects=True, timeout=180)
        self._wait_for_spawn(r.text)
        deadline = time.monotonic() + 600
        while self.s.get(self.base + "/api/status", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, f"{self.name}: server did not start"
            self.s.get(self.hub.url + f"/hub/spawn/{self.name}", timeout=180)
            time.sleep(1)

    def _wait_for_spawn(self, page: str) -> None:
        """Wait as the hub's "server starting" page does: on its progress event stream, until
        the server is ready (polling the server and the hub instead, twenty trainees at once
        made the hub and proxy answer about forty requests a second for the whole start)."""
        found = re.search(r'new EventSource\("([^"]+)"\)', page)
        if not found:  # the server was up before the login's redirects ended
            return
        with self.s.get(self.hub.url + html.unescape(found.group(1)), stream=True, timeout=600) as events:
            for line in events.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    assert not event.get("failed"), f"{self.name}: the hub failed to start the server: {event}"
                    if event.get("ready"):
                        return

    def _headers(self) -> dict:
        xsrf = next((c.value for c in self.s.cookies if c.name == "_xsrf" and c.path.startswith("/user/")), None)
        if xsrf is None:
            self.s.get(self.base + "/lab", timeout=60)
            xsrf = next(c.value for c in self.s.cookies if c.name == "_xsrf" and c.path.startswith("/user/"))
        return {"X-XSRFToken": xsrf}

    def action(self, what: str) -> list | dict:
        r = self.s.post(f"{self.base}/assignments/{what}", data={"assignment_id": A, "course_id": COURSE_ID},
                        headers=self._headers(), timeout=300)
        r.raise_for_status()
        return r.json()

    def notebook(self) -> dict:
        r = self.s.get(f"{self.base}/api/contents/{A}/{A}.ipynb", timeout=60)
        r.raise_for_status()
        return r.json()["content"]

    def save(self, nb: dict) -> None:
        r = self.s.put(f"{self.base}/api/contents/{A}/{A}.ipynb", json={"type": "notebook", "content": nb},
                       headers=self._headers(), timeout=60)
        r.raise_for_status()

    def validate(self) -> dict:
        r = self.s.post(f"{self.base}/assignments/validate", data={"path": f"{A}/{A}.ipynb"},
                        headers=self._headers(), timeout=600)
        r.raise_for_status()
        return r.json()


def _work(hub: HubRun, name: str) -> dict:
    t = Trainee(hub, name)
    t.login()
    t.action("fetch")
    nb = nbformat.from_dict(t.notebook())
    t.save(json.loads(nbformat.writes(cohort.fill(nb, _answers(hub, name, nb)))))
    check = t.validate()
    listing = t.action("submit")
    return {"validate": check, "listing": listing}


def test_twenty_trainees_at_once_every_submission_arrives_intact_in_the_right_name(hub):
    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(max_workers=len(TRAINEES)) as pool:
        futures = {pool.submit(_work, hub, n): n for n in TRAINEES}
        done = {futures[f]: f.result() for f in cf.as_completed(futures)}
    elapsed = time.monotonic() - t0
    for name, out in done.items():
        assert out["validate"].get("success"), (name, out["validate"])
    hub.instructor(["nbgrader", "collect", A])
    arrived = {}
    for name in TRAINEES:
        path = hub.course.root / "submitted" / name / A / f"{A}.ipynb"
        assert path.exists(), f"{name}'s submission was lost"
        text = path.read_text()
        signed = {t for t in TRAINEES if f"Written by {t}:" in text}
        assert signed == {name}, f"{name}'s submission carries {signed}"
        arrived[name] = True
    # each inbox holds only its owner's submission
    private = hub.data / "exchange" / COURSE_ID / "private"
    for name in TRAINEES:
        subs = list((private / name / "inbound").iterdir())
        assert subs and all(s.name.startswith(f"{name}+{A}+") for s in subs), subs
    print(f"\nload test: {len(arrived)}/{len(TRAINEES)} submissions arrived intact in the right name, "
          f"{elapsed:.0f} s for {len(TRAINEES)} trainees fetching, executing and submitting at once")


def _in_sandbox(hub: HubRun, user: str, code: str) -> subprocess.CompletedProcess:
    """Run Python inside `user`'s server sandbox, exactly as the hub launches it."""
    home = hub.data / "homes" / user
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run([sys.executable, "-m", "tobops.room.hub", "--role", "trainee", "--user", user,
                           "--home", str(home), "--data", str(hub.data), "--course", str(hub.course.home),
                           "--course-id", COURSE_ID, "--", sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=120, env=hub.env)


def test_a_trainee_cannot_read_other_trainees_work_the_answer_keys_or_the_gradebook(hub):
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed (make install installs it): trainee servers are not sandboxed")
    ex = hub.data / "exchange" / COURSE_ID
    other_box = ex / "private" / "t02" / "inbound"
    other_box.mkdir(parents=True, exist_ok=True)
    (other_box / "t02+secret").mkdir(exist_ok=True)
    targets = {
        "another trainee's submissions": str(other_box),
        "another trainee's home": str(hub.data / "homes" / "t02"),
        "the item bank (keys)": str(hub.course.bank_path(A)),
        "the instructor's source": str(hub.course.root / "source" / A / f"{A}.ipynb"),
        "another trainee's form": str(ex / "forms" / "t02" / A / f"{A}.ipynb"),
        "the gradebook": str(hub.course.db_path),
        "the hub's secrets": str(hub.data / "secrets.json"),
        "the course config": str(hub.course.home / "nbgrader_config.py"),
    }
    (hub.data / "homes" / "t02").mkdir(parents=True, exist_ok=True)
    code = "\n".join([
        "import os, json",
        f"targets = {targets!r}",
        "seen = {k: os.path.exists(p) for k, p in targets.items()}",
        f"seen['released assessment'] = os.path.exists({str(ex / 'outbound' / A)!r})",
        f"seen['own inbox'] = os.access({str(ex / 'inbound')!r}, os.W_OK)",
        f"seen['own form'] = os.path.exists({str(ex / 'forms' / 't01' / A / f'{A}.ipynb')!r})",
        "print(json.dumps(seen))",
    ])
    res = _in_sandbox(hub, "t01", code)
    assert res.returncode == 0, res.stderr[-2000:]
    seen = json.loads(res.stdout.strip().splitlines()[-1])
    for what in targets:
        assert seen[what] is False, f"a trainee can see {what}"
    assert seen["released assessment"] and seen["own inbox"] and seen["own form"], seen


def test_hub_listens_on_localhost_only_and_keeps_secrets_out_of_git(hub):
    assert not _unused(hub.port)  # it is listening on 127.0.0.1 ...
    others = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    for ip in [a for a in others if ":" not in a and not a.startswith("127.")]:
        with socket.socket() as s:  # ... and on no other address of this machine
            s.settimeout(2)
            assert s.connect_ex((ip, hub.port)) != 0, f"the hub answers on {ip}"
    secrets = hub.data / "secrets.json"
    assert oct(secrets.stat().st_mode & 0o777) == "0o600"
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert not any("secrets" in p or p.startswith("hub-data") for p in tracked)
    assert "hub-data/" in (REPO / ".gitignore").read_text()


def _released(tmp_path):
    """A course with A released into its own exchange (no hub): the course, the exchange
    folder, and the environment that points nbgrader at it."""
    course = new_home(tmp_path / "course")
    exchange = tmp_path / "exchange"
    env = {"TOBOPS_EXCHANGE": str(exchange)}
    with chdir(course.home):
        assert course.api().generate_assignment(A, force=True, create=True)["success"]
    assert run(["nbgrader", "release_assignment", A], cwd=course.home, env=env).returncode == 0
    (exchange / COURSE_ID / "inbound").mkdir(parents=True, exist_ok=True)
    return course, exchange, env

def test_a_submit_during_a_save_waits_for_it_and_never_sends_half_a_notebook(tmp_path):
    """Ctrl+S then Submit at once: JupyterLab's server rewrites the notebook in place and keeps
    the old version in .~<name> meanwhile. The submit waits for the save, sends the finished
    notebook and not the backup; a save that never finishes sends nothing and says why."""
    course, exchange, env = _released(tmp_path)
    work = course.home / A
    work.mkdir()
    nb, backup = work / f"{A}.ipynb", work / f".~{A}.ipynb"
    before = (course.root / "release" / A / f"{A}.ipynb").read_text(encoding="utf-8")
    after = before.replace("YOUR ANSWER HERE", "the trainee's latest answer")
    assert after != before
    backup.write_text(before, encoding="utf-8")  # the server has begun saving
    nb.write_text(after[: len(after) // 2], encoding="utf-8")
    submit = subprocess.Popen(["nbgrader", "submit", A, "--student", "ana"], cwd=course.home, text=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **env})
    log = []
    for line in submit.stderr:  # the submit is waiting for the save: only now does the save finish
        log.append(line)
        if "Waiting for the save of" in line:
            nb.write_text(after, encoding="utf-8")
            backup.unlink()
            break
    log += submit.stderr.readlines()
    assert submit.wait(60) == 0, "".join(log)
    [sent] = (exchange / COURSE_ID / "inbound").iterdir()
    assert (sent / f"{A}.ipynb").read_text(encoding="utf-8") == after
    assert sorted(p.name for p in sent.iterdir()) == sorted([f"{A}.ipynb", "timestamp.txt", "submission_secret.txt"])

    # a backup left beside a whole notebook (a save whose tidying-up has not come yet) is not sent
    shutil.rmtree(sent)
    backup.write_text(before, encoding="utf-8")
    res = run(["nbgrader", "submit", A, "--student", "ana"], cwd=course.home, env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    [sent] = (exchange / COURSE_ID / "inbound").iterdir()
    assert not (sent / backup.name).exists() and (sent / f"{A}.ipynb").read_text(encoding="utf-8") == after

    # a save that never finishes: nothing is sent, and the trainee is told what to do
    shutil.rmtree(sent)
    nb.write_text(after[:1000], encoding="utf-8")
    res = run(["nbgrader", "submit", A, "--student", "ana", "--SettledSubmit.save_wait=0.3"],
              cwd=course.home, env=env)
    assert res.returncode != 0
    assert f"{A}.ipynb was still being saved" in res.stderr and "submit again" in res.stderr, res.stderr[-2000:]
    assert not list((exchange / COURSE_ID / "inbound").iterdir())


def test_a_trainee_cannot_submit_in_someone_elses_name(tmp_path):
    from tobops.room.workspace import ensure_private

    course, exchange, env = _released(tmp_path)
    inbox, _ = ensure_private(str(exchange), COURSE_ID, "mallory")
    forged = inbox / f"alice+{A}+2026-01-01 10:00:00.000000 UTC+abc"
    forged.mkdir()
    shutil.copy(course.root / "release" / A / f"{A}.ipynb", forged / f"{A}.ipynb")
    (forged / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")
    res = run(["nbgrader", "collect", A], cwd=course.home, env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "ignored" in res.stderr and "mallory" in res.stderr
    assert not (course.root / "submitted" / "alice").exists()



def test_a_hub_whose_ports_are_taken_says_which_and_starts_nothing(tmp_path):
    """JupyterHub itself, unable to bind its own port, exits with a traceback and leaves the
    proxy it started listening on the public port."""
    course = new_home(tmp_path / "course")
    port = free_ports(3)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1))
        taken.listen()
        res = run(["tobops", "hub", "--data", str(tmp_path / "hub-data"), "--port", str(port)], cwd=course.home,
                  timeout=60)
    assert res.returncode != 0
    assert f"listening on 127.0.0.1:{port + 1} already" in res.stderr and "--port" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "hub-data").exists(), "nothing started, nothing written"
    assert all(_unused(port + i) for i in (0, 2))


def test_a_proxy_left_by_the_hubs_last_run_does_not_count_as_taken(tmp_path):
    """JupyterHub stops the proxy named in proxy.pid when it starts; anything else on the
    hub's ports does count."""
    from tobops.room.hub import Hub, ports_in_use

    port = free_ports(3)
    hub = Hub(tmp_path / "hub-data", tmp_path / "course", port=port)
    hub.data.mkdir()
    with proxy(port, api_port=port + 2) as left:
        assert ports_in_use(hub) == [f"127.0.0.1:{port}", f"127.0.0.1:{port + 2}"], "not named in proxy.pid: taken"
        (hub.data / "proxy.pid").write_text(str(left.pid))
        assert ports_in_use(hub) == []

# ---------------------------------------------------------------------------- the browser journey

#: what the journey clicks and reads, in each language of JupyterLab and the course
UI = {"en": {"run_menu": "Run", "run_all": "Run All Cells", "menu_file": "File", "score": "Score"},
      "zh": {"run_menu": "运行", "run_all": "运行所有单元格", "menu_file": "文件", "score": "得分"}}


JOURNEYS = [("ana", "en"), ("mei", "zh")]


@pytest.fixture(scope="module")
def journeys(hub, tmp_path_factory) -> dict:
    """Both browser journeys at once, as two trainees in one room would go: each in a thread
    with a Playwright and a browser of its own; the instructor, one person, runs one command
    at a time. Each journey's outcome: its screenshots folder, or what went wrong."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (make install installs Debian's chromium)")
    instructor = threading.Lock()
    with cf.ThreadPoolExecutor(len(JOURNEYS)) as pool:
        futures = {user: pool.submit(_journey, hub, tmp_path_factory.mktemp(f"screenshots-{user}"), user, lang,
                                     instructor) for user, lang in JOURNEYS}
    return {user: f.exception() or f.result() for user, f in futures.items()}


@pytest.mark.parametrize("user, lang", JOURNEYS)
def test_trainee_and_instructor_journey_in_a_real_browser(journeys, user, lang):
    """A trainee (ana: English; mei: Chinese, on the roster as ``trainee mei zh``) logs in,
    runs lesson 02 of their edition and sees its chart, fetches, answers and submits their
    own form; the instructor grades it; the trainee reads their feedback, in their language."""
    outcome = journeys[user]
    if isinstance(outcome, BaseException):
        raise outcome
    names = sorted(p.name for p in outcome.iterdir())
    assert len(names) >= 10, names
    print(f"\nscreenshots: {outcome}")


def _journey(hub: HubRun, shots: Path, user: str, lang: str, instructor_lock: threading.Lock) -> Path:
    from playwright.sync_api import expect, sync_playwright

    step = iter(range(1, 100))

    t0 = time.monotonic()

    def snap(page, name):
        page.screenshot(path=str(shots / f"{next(step):02d}-{name}.png"))
        print(f"{user}: {time.monotonic() - t0:6.1f} s  {name}")

    def login(page, user, password):
        page.goto(hub.url + "/hub/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", password)
        page.click("input[type=submit], button[type=submit]")

    def one_idle_kernel(page, path):
        """Opening a notebook in a fresh workspace, JupyterLab now and then starts two sessions
        for it and shuts one down a moment later (seen in the hub log: two POST /api/sessions
        30 ms apart, then a DELETE); cells sent meanwhile go to the kernel being shut down and
        never run. Wait until the notebook has one session, with an idle kernel, twice in a row."""
        deadline, streak, sessions = time.monotonic() + 120, 0, []
        while streak < 2:
            assert time.monotonic() < deadline, f"{user}: {path} never settled on one idle kernel: {sessions}"
            time.sleep(0.5)
            sessions = [s for s in page.request.get(f"{hub.url}/user/{user}/api/sessions").json()
                        if s["path"] == path]
            streak = streak + 1 if len(sessions) == 1 and sessions[0]["kernel"]["execution_state"] == "idle" else 0

    def run_all_and_wait(page, path):
        page.wait_for_selector(f"{VISIBLE} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        one_idle_kernel(page, path)
        started = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]
            .some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))"""
        for attempt in range(3):  # on a busy machine the first click can land before the notebook has focus
            page.locator(f"{VISIBLE} .jp-Cell").first.click()
            page.get_by_role("menuitem", name=UI[lang]["run_menu"], exact=True).click()
            page.locator(".lm-Menu-itemLabel").get_by_text(UI[lang]["run_all"], exact=True).click()
            try:
                page.wait_for_function(started, timeout=30_000)
                break
            except Exception:
                page.keyboard.press("Escape")
        try:
            wait_done(page)
        except Exception:
            snap(page, "FAILED-run-all")
            state = page.evaluate("""() => ({
                prompts: [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]
                    .map(e => e.textContent),
                errors: [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
                    .map(e => e.textContent).filter(t => /Error|Traceback/.test(t)).map(t => t.slice(0, 500))})""")
            raise AssertionError(f"Run All did not finish: {state}")

    def wait_done(page):
        page.wait_for_function("""() => {
            const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')];
            return p.length > 0 && !p.some(e => e.textContent.includes('*'))
                && p.filter(e => /\\[\\d+\\]/.test(e.textContent)).length > 0 }""", timeout=180_000)

    def assignments_panel(page):
        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Assignment List", exact=True).click()
        page.wait_for_selector("#released_assignments_list, .list_container", timeout=60_000)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(90_000)

        # the trainee logs in and lands in JupyterLab, in their language
        login(page, user, PASSWORD)
        page.wait_for_url(f"**/user/{user}/lab**", timeout=180_000)
        page.wait_for_selector(".jp-Launcher", timeout=120_000)
        expect(page.get_by_role("menuitem", name=UI[lang]["menu_file"], exact=True)).to_be_visible()
        snap(page, "trainee-logged-in")

        # opens lesson 02 of their edition, runs it to the end and sees its charts
        page.goto(f"{hub.url}/user/{user}/lab/tree/lessons/02-tob-vs-toc.ipynb?reset")
        page.wait_for_selector(f"{VISIBLE} .jp-Cell", timeout=120_000)
        expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                            ".jp-Toolbar-kernelStatus, .jp-KernelStatus").first).to_be_visible()
        run_all_and_wait(page, "lessons/02-tob-vs-toc.ipynb")
        charts = page.locator(".jp-Notebook .jp-OutputArea-output img")
        expect(charts.first).to_be_attached()
        assert charts.count() >= 1
        # nothing on stderr: a chart label with no glyph in its font would have printed
        # matplotlib's "Glyph ... missing from font(s)" warning there (the Chinese charts
        # render in the course's CJK font)
        errors = page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0, errors.first.inner_text()
        if lang == "zh":
            expect(page.locator(f"{VISIBLE} h1").first).to_contain_text("第 02 课")
        charts.first.scroll_into_view_if_needed()
        snap(page, "lesson-02-run-with-chart")

        # fetches the assessment from the Assignments panel
        assignments_panel(page)
        snap(page, "assignment-list")
        page.locator(f"#released_assignments_list .list_item:has-text('{A}') button:has-text('Fetch')").click()
        page.wait_for_selector(f"#fetched_assignments_list .list_item:has-text('{A}')", timeout=60_000)
        snap(page, "assessment-fetched")

        # answers it (written into the notebook through the server, as the editor saves it),
        # opens it, runs it, and submits it from the panel
        t = Trainee(hub, user)
        t.s.cookies.update({c["name"]: c["value"] for c in page.context.cookies()})
        nb = nbformat.from_dict(t.notebook())
        assert nb.metadata.tobops.lang == lang, "the form is in the trainee's language"
        body = json.loads(nbformat.writes(cohort.fill(nb, _answers(hub, user, nb))))
        r = page.request.put(f"{hub.url}/user/{user}/api/contents/{A}/{A}.ipynb",
                             data=json.dumps({"type": "notebook", "content": body}),
                             headers={"X-XSRFToken": next(c["value"] for c in page.context.cookies()
                                                          if c["name"] == "_xsrf" and c["path"].startswith("/user/")),
                                      "Content-Type": "application/json"})
        assert r.ok, r.text()
        page.goto(f"{hub.url}/user/{user}/lab/tree/{A}/{A}.ipynb?reset")  # a workspace with just this notebook
        page.wait_for_selector(f"{VISIBLE} .jp-Cell", timeout=120_000)
        run_all_and_wait(page, f"{A}/{A}.ipynb")
        snap(page, "assessment-answered-and-run")
        page.keyboard.press("Control+s")
        assignments_panel(page)
        page.locator(f"#fetched_assignments_list .list_item:has-text('{A}') button:has-text('Submit')").click()
        page.wait_for_selector(f"#submitted_assignments_list .list_item:has-text('{A}')", timeout=60_000)
        snap(page, "assessment-submitted")

        # the instructor logs in (their server starts meanwhile), collects, grades with
        # tobops grade and releases feedback, then sees the graded submission in formgrader.
        # One person, one step at a time: two logins of one user at the same instant make
        # JupyterHub answer one of them with a 500 page ("coach pending spawn", a race of its
        # own /hub/spawn), which the two journeys, in step, once hit.
        instructor = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        with instructor_lock:
            login(instructor, "coach", INSTRUCTOR_PASSWORD)
            hub.instructor(["nbgrader", "collect", A, "--student", user])
            held, jobs = hub.held_grader()
            hub.instructor([str(BIN / "tobops"), "grade", A, "--student", user], ok=(0, 1), env=hub.terminal)
            assert hub.held_grader() == (held, jobs + 1), "graded on the warm server the instructor's JupyterLab holds"
            [mine] = [r for r in hub.course.results().load([A]) if r.student == user]
            assert mine.status == Status.MANUAL and not mine.problems, mine.line()  # the written item waits for a grade
            assert (hub.course.root / "autograded" / user / A / f"{A}.ipynb").exists()
            hub.instructor(["nbgrader", "generate_feedback", A, "--student", user])
            hub.instructor(["nbgrader", "release_feedback", A, "--student", user])
            instructor.wait_for_url("**/user/coach/**", timeout=180_000)
        instructor.goto(f"{hub.url}/user/coach/formgrader/manage_submissions/{A}")
        instructor.wait_for_selector(f"td:text-is('{user}')", timeout=120_000)
        snap(instructor, "instructor-formgrader-sees-graded-submission")

        # the trainee fetches their feedback; "view feedback" shows its folder in the file
        # browser, and the page opens in a browser tab (as "Open in New Browser Tab" does)
        page.goto(f"{hub.url}/user/{user}/lab?reset")
        expect(page.get_by_role("menuitem", name="Nbgrader", exact=True)).to_be_visible(timeout=120_000)
        assignments_panel(page)
        page.locator(f"#submitted_assignments_list .list_item:has-text('{A}') button:has-text('Fetch Feedback')").click()
        link = page.locator(f"#submitted_assignments_list .list_item:has-text('{A}') a:has-text('view feedback')").first
        expect(link).to_be_visible(timeout=60_000)
        snap(page, "feedback-fetched")
        feedback = sorted((hub.data / "homes" / user / A / "feedback").glob(f"*/{A}.html"))
        assert feedback, "feedback was not fetched into the trainee's home"
        link.click()
        expect(page.locator(f".jp-DirListing-item[title*='{A}.html'], .jp-DirListing-itemName:has-text('{A}.html')")
               .first).to_be_visible(timeout=60_000)
        snap(page, "feedback-folder-in-file-browser")
        rel = feedback[-1].relative_to(hub.data / "homes" / user).as_posix()
        fb = browser.new_context(storage_state=page.context.storage_state(),  # the trainee's session, a new tab
                                 viewport={"width": 1400, "height": 900}).new_page()
        fb.goto(f"{hub.url}/user/{user}/files/{rel}")
        expect(fb.get_by_text(UI[lang]["score"]).first).to_be_visible()
        if lang == "zh":  # nbgrader's labels and the grader's messages in Chinese too
            assert "Student's answer" not in fb.content() and "没有记录到答案" not in fb.content()
            expect(fb.get_by_text("你的答案是").first).to_be_visible()
        snap(fb, "trainee-reads-feedback")
        browser.close()
    return shots
