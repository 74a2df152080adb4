"""The course hub: JupyterHub for a training room, on one machine.

    tobops hub [run] [--course DIR] [--data DIR] [--port 8000]   start it (``make hub``)
    tobops hub add-trainee NAME [NAME ...]                        put trainees on the roster

* Listens on 127.0.0.1 only unless ``--ip`` says otherwise.
* Accounts: the roster (``DATA/roster.txt``): one instructor (JupyterHub admin) and the
  trainees. No sign-up. Trainees share one room password; the instructor has their own,
  longer one. Both are made up at first start and kept in ``DATA/secrets.json``
  (readable by the owner only, never in git); ``TOBOPS_TRAINEE_PASSWORD`` and
  ``TOBOPS_INSTRUCTOR_PASSWORD`` override them.
* Each trainee gets a home (``DATA/homes/NAME``, with a copy of the lessons) and their own
  JupyterLab server, run inside a bubblewrap sandbox that shows them only the system, the
  Python installation, the course package and datasets, their home, the released
  assessments (read-only) and their own private submission and feedback folders
  (:mod:`tobops.room.exchange`). Other trainees' work, the instructor's source and the
  gradebook do not exist for them. Formgrader is switched off for trainees; they get
  the Assignments panel.
* The instructor's server runs in the course folder with formgrader.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from tobops import TobopsError
from tobops.content.course import repo_root
from tobops.grade.coursedir import Course, ensure_tools_on_path
from tobops.grade.roster import LANGS
from tobops.grade.sandbox import bwrap
from tobops.room import workspace
from tobops.room.workspace import ensure_private

HUB_FILES = Path(__file__).resolve().parent / "hub_files"
DEFAULT_ROSTER = "instructor coach\n" + "".join(f"trainee trainee{i:02d}\n" for i in range(1, 4))
PROXY_TIMEOUT_S = 300  # how long the proxy waits for a trainee's server to answer
#: how `tobops hub` tells JupyterHub (a process it starts) where the hub lives: read once, by configure()
ENV = {"data": "TOBOPS_HUB_DATA", "course": "TOBOPS_COURSE_HOME", "ip": "TOBOPS_HUB_IP", "port": "TOBOPS_HUB_PORT"}


class HubError(TobopsError):
    """Something about the hub's set-up that its owner must fix (message says what)."""


@dataclass(frozen=True)
class Hub:
    """Where the hub keeps its state (git-ignored ``hub-data/`` by default), and where it listens."""

    data: Path
    course: Path
    ip: str = "127.0.0.1"
    port: int = 8000

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", Path(self.data).resolve())
        object.__setattr__(self, "course", Path(self.course).resolve())

    @property
    def course_id(self) -> str:
        return Course(self.course).course_id

    @property
    def homes(self) -> Path:
        return self.data / "homes"

    @property
    def exchange(self) -> Path:
        return self.data / "exchange"

    @property
    def roster_file(self) -> Path:
        return self.data / "roster.txt"

    @property
    def secrets_file(self) -> Path:
        return self.data / "secrets.json"

    def to_env(self) -> dict[str, str]:
        return {ENV["data"]: str(self.data), ENV["course"]: str(self.course), ENV["ip"]: self.ip,
                ENV["port"]: str(self.port)}

    @classmethod
    def from_env(cls, env=None) -> "Hub":
        env = os.environ if env is None else env
        return cls(Path(env[ENV["data"]]), Path(env[ENV["course"]]), env.get(ENV["ip"], "127.0.0.1"),
                   int(env.get(ENV["port"], "8000")))

    # ------------------------------------------------------------------ roster and secrets
    def roster(self) -> tuple[list[str], list[str]]:
        """(instructors, trainees) from the roster file."""
        instructors, trainees, _ = self.roster_with_languages()
        return instructors, trainees

    def roster_with_languages(self) -> tuple[list[str], list[str], dict[str, str]]:
        """(instructors, trainees, each trainee's language) from the roster file."""
        if not self.roster_file.exists():
            self.data.mkdir(parents=True, exist_ok=True)
            self.roster_file.write_text("# role name   (one per line; role is instructor or trainee)\n" + DEFAULT_ROSTER)
        instructors, trainees, langs = [], [], {}
        for n, line in enumerate(self.roster_file.read_text().splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if not 2 <= len(parts) <= 3 or parts[0] not in ("instructor", "trainee") or not _valid_name(parts[1]) \
                    or (len(parts) == 3 and parts[2] not in LANGS):
                raise HubError(f"{self.roster_file}:{n}: expected 'instructor NAME' or 'trainee NAME [en|zh]' "
                               f"(NAME: lower-case letters, digits, - or _), got {line!r}")
            (instructors if parts[0] == "instructor" else trainees).append(parts[1])
            if parts[0] == "trainee":
                langs[parts[1]] = parts[2] if len(parts) == 3 else "en"
        if not instructors:
            raise HubError(f"{self.roster_file}: no instructor on the roster")
        return instructors, trainees, langs

    def add_trainees(self, names: list[str], lang: str = "en") -> list[str]:
        bad = [n for n in names if not _valid_name(n)]
        if bad:
            raise HubError(f"not a valid trainee name: {', '.join(bad)} (lower-case letters, digits, - or _)")
        instructors, trainees = self.roster()
        new = [n for n in names if n not in trainees and n not in instructors]
        with self.roster_file.open("a") as f:
            f.writelines(f"trainee {n} {lang}\n" for n in new)
        return new

    def secrets(self) -> dict[str, str]:
        if self.secrets_file.exists():
            sec = json.loads(self.secrets_file.read_text())
        else:
            self.data.mkdir(parents=True, exist_ok=True)
            sec = {"trainee_password": secrets.token_urlsafe(9), "instructor_password": secrets.token_urlsafe(30),
                   "proxy_token": secrets.token_hex(32)}
            fd = os.open(self.secrets_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(sec, f, indent=1)
        sec["trainee_password"] = os.environ.get("TOBOPS_TRAINEE_PASSWORD", sec["trainee_password"])
        sec["instructor_password"] = os.environ.get("TOBOPS_INSTRUCTOR_PASSWORD", sec["instructor_password"])
        return sec

    # ------------------------------------------------------------------ set-up
    def prepare(self) -> None:
        """Folders, the exchange, and every trainee on the roster in the gradebook, with their
        language; trainees added since an assessment was released get their form of it."""
        instructors, trainees, langs = self.roster_with_languages()
        course_id = self.course_id
        for d in (self.homes, self.exchange / course_id / "outbound", self.exchange / course_id / "inbound"):
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data, 0o700)
        for t in trainees:
            ensure_private(str(self.exchange), course_id, t)
        course = Course(self.course)
        with course.gradebook() as gb:
            known = {s.id for s in gb.students}
            for t in trainees:
                gb.update_or_create_student(t)
        roster = course.roster()
        for t in trainees:
            roster.set_lang(t, langs[t])
        new = [t for t in trainees if t not in known]
        if new:  # their own forms of what is already out
            from tobops.room.exchange import write_forms

            for a in course.assessments():
                if (self.exchange / course_id / "outbound" / a).is_dir() and course.bank_path(a).exists():
                    write_forms(course.coursedir, str(self.exchange), a, new)

    def home(self, user: str, trainee: bool) -> Path:
        home = self.homes / user
        if trainee:  # their workspace: the lessons of their edition, JupyterLab in their language
            course = self.course if (self.course / "lessons").is_dir() else repo_root()
            workspace.prepare(home, course, Course(self.course).roster().lang(user))
        else:
            home.mkdir(parents=True, exist_ok=True)
        return home

    def trainee_sandbox(self, cmd: list[str], user: str, home: Path, course_id: str) -> list[str]:
        """The command that runs a trainee's server with only what it needs in view: the
        released assessments and their own form (read-only), their private inbox and
        feedback folders."""
        inbound, feedback = ensure_private(str(self.exchange), course_id, user)
        return workspace.sandbox_command(cmd, home=home, exchange=self.exchange, course_id=course_id,
                                         user=user, inbound=inbound, feedback=feedback)


def _valid_name(name: str) -> bool:
    return bool(name) and len(name) <= 32 and name[0].isalnum() and all(
        ch.isdigit() or ("a" <= ch <= "z") or ch in "-_" for ch in name)


# ---------------------------------------------------------------------- the launcher

def launch(argv: list[str] | None = None) -> None:
    """``python -m tobops.room.hub``: what the spawner runs for each user's server."""
    ap = argparse.ArgumentParser(prog="python -m tobops.room.hub")
    ap.add_argument("--role", choices=["trainee", "instructor"], required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--course", required=True)
    # from the spawner, which has it: reading it here (nbgrader's CourseDirectory) imports
    # nbgrader, about 1.3 s of CPU at every trainee's login; done only for a hub started
    # before an upgrade, whose spawner does not pass it yet
    ap.add_argument("--course-id")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    hub = Hub(Path(args.data), Path(args.course))
    ensure_tools_on_path()
    exe = shutil.which(cmd[0]) or cmd[0]
    cmd = [exe, *cmd[1:]]
    if os.geteuid() == 0:  # root only inside its own user namespace, with every capability dropped
        cmd.append("--allow-root")
    if args.role == "instructor":
        os.chdir(hub.course)  # formgrader works in the course folder
        _hold_grader(hub.course)
        os.execv(exe, cmd + [f"--ServerApp.root_dir={hub.course}"])
    if not bwrap():
        sys.exit("tobops hub: bubblewrap (bwrap) is not installed, so a trainee's server could read other "
                 "trainees' work and the answer keys; not starting it. Install bubblewrap (make install does).")
    full = hub.trainee_sandbox(cmd + [f"--ServerApp.root_dir={args.home}"], args.user, Path(args.home),
                               args.course_id or hub.course_id)
    os.execv(full[0], full)


def _hold_grader(course: Path) -> None:
    """A warm grader server for the course, held while the instructor's JupyterLab (this
    process, once exec'd) runs: ``tobops grade`` in its terminal, after class, pays no
    start-up. Started in the background; JupyterLab does not wait for it."""
    from tobops.grade import server

    if not server.enabled():
        return
    try:
        server.start(course, hold=os.getpid(), wait=False)
    except (OSError, server.ServerError) as exc:  # grading still works: it starts its own
        print(f"tobops hub: no warm grader server ({exc}); tobops grade starts one when needed", file=sys.stderr)


# ---------------------------------------------------------------------- what the CLI calls

def ports_in_use(hub: Hub) -> list[str]:
    """The hub's addresses that something else listens on already: the public port, the hub's
    own (port + 1) and the proxy's API (port + 2). A proxy that this hub's last run left
    behind (named in ``proxy.pid``) is not counted: JupyterHub stops it when it starts.

    Checked before JupyterHub starts, because JupyterHub that cannot bind its own port
    exits with a traceback and leaves the proxy it has started running."""
    wanted = [(hub.ip, hub.port), ("127.0.0.1", hub.port + 1), ("127.0.0.1", hub.port + 2)]
    if _previous_proxy(hub):
        wanted = wanted[1:2]
    taken = []
    for ip, port in wanted:
        family, kind, proto, _, addr = socket.getaddrinfo(ip or None, port, type=socket.SOCK_STREAM,
                                                          flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
            try:
                s.bind(addr)
            except OSError:
                taken.append(f"{ip}:{port}")
    return taken


def _previous_proxy(hub: Hub) -> bool:
    try:
        pid = int((hub.data / "proxy.pid").read_text().strip())
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return False
    # the course's proxy, or (left by an older version of the course) configurable-http-proxy's own
    return "tobops.room.proxy" in cmd or "configurable-http-proxy" in cmd


def run(hub: Hub) -> int:
    """Start JupyterHub for ``hub`` (replaces this process); prints where and how to log in."""
    taken = ports_in_use(hub)
    if taken:
        raise HubError(f"the hub needs ports {hub.port}, {hub.port + 1} and {hub.port + 2}, and something is "
                       f"listening on {', '.join(taken)} already: stop it, or start the hub on other ports "
                       f"(tobops hub --port N)")
    ensure_tools_on_path()
    hub.prepare()
    instructors, trainees = hub.roster()
    sec = hub.secrets()
    if not bwrap():
        print("WARNING: bubblewrap (bwrap) is missing: trainees' servers will refuse to start.", file=sys.stderr)
    jh = shutil.which("jupyterhub")
    if jh is None:
        raise HubError("jupyterhub is not installed in this environment (make install installs it)")
    env = dict(os.environ, TOBOPS_EXCHANGE=str(hub.exchange), **hub.to_env())
    print(f"ToB Ops Academy hub at http://{hub.ip}:{hub.port}/\n"
          f"  instructor: {', '.join(instructors)} (password in {hub.secrets_file})\n"
          f"  trainees:   {', '.join(trainees) or '(none yet: tobops hub add-trainee NAME)'}\n"
          f"  room password for trainees: {sec['trainee_password']}\n"
          f"  roster: {hub.roster_file}; stop with Ctrl-C", flush=True)
    os.chdir(hub.data)
    os.execve(jh, [jh, "-f", str(HUB_FILES / "jupyterhub_config.py")], env)
    return 0


def add_trainees(hub: Hub, names: list[str], lang: str = "en") -> list[str]:
    new = hub.add_trainees(names, lang)
    hub.prepare()
    return new


if __name__ == "__main__":
    launch()
