"""The course hub: JupyterHub for a training room, on one machine.

    tobops hub [--course DIR] [--data DIR] [--port 8000]      start it (``make hub``)
    tobops hub add-trainee NAME [NAME ...]                     put trainees on the roster

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
import sys
from pathlib import Path

from tobops.content.course import COURSE_ID, repo_root
from tobops.grade.coursedir import Course, ensure_tools_on_path, find
from tobops.room.exchange import ensure_private
from tobops.grade.sandbox import bwrap, read_only_view

HUB_FILES = Path(__file__).resolve().parent / "hub_files"
DEFAULT_ROSTER = "instructor coach\n" + "".join(f"trainee trainee{i:02d}\n" for i in range(1, 4))


class Hub:
    """Where the hub keeps its state (git-ignored ``hub-data/`` by default)."""

    def __init__(self, data: Path, course: Path) -> None:
        self.data, self.course = Path(data).resolve(), Path(course).resolve()
        self.homes = self.data / "homes"
        self.exchange = self.data / "exchange"
        self.roster_file = self.data / "roster.txt"
        self.secrets_file = self.data / "secrets.json"

    @classmethod
    def from_env(cls) -> "Hub":
        return cls(Path(os.environ["TOBOPS_HUB_DATA"]), Path(os.environ["TOBOPS_COURSE_HOME"]))

    # ------------------------------------------------------------------ roster and secrets
    def roster(self) -> tuple[list[str], list[str]]:
        """(instructors, trainees) from the roster file."""
        if not self.roster_file.exists():
            self.data.mkdir(parents=True, exist_ok=True)
            self.roster_file.write_text("# role name   (one per line; role is instructor or trainee)\n" + DEFAULT_ROSTER)
        instructors, trainees = [], []
        for n, line in enumerate(self.roster_file.read_text().splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or parts[0] not in ("instructor", "trainee") or not _valid_name(parts[1]):
                raise SystemExit(f"{self.roster_file}:{n}: expected 'instructor NAME' or 'trainee NAME' "
                                 f"(NAME: lower-case letters, digits, - or _), got {line!r}")
            (instructors if parts[0] == "instructor" else trainees).append(parts[1])
        if not instructors:
            raise SystemExit(f"{self.roster_file}: no instructor on the roster")
        return instructors, trainees

    def add_trainees(self, names: list[str]) -> list[str]:
        bad = [n for n in names if not _valid_name(n)]
        if bad:
            raise SystemExit(f"not a valid trainee name: {', '.join(bad)} (lower-case letters, digits, - or _)")
        instructors, trainees = self.roster()
        new = [n for n in names if n not in trainees and n not in instructors]
        with self.roster_file.open("a") as f:
            f.writelines(f"trainee {n}\n" for n in new)
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
        """Folders, the exchange, and every trainee on the roster in the gradebook."""
        instructors, trainees = self.roster()
        for d in (self.homes, self.exchange / COURSE_ID / "outbound", self.exchange / COURSE_ID / "inbound"):
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data, 0o700)
        for t in trainees:
            ensure_private(str(self.exchange), COURSE_ID, t)
        with Course(self.course).gradebook() as gb:
            for t in trainees:
                gb.update_or_create_student(t)

    def home(self, user: str, trainee: bool) -> Path:
        home = self.homes / user
        if not home.exists():
            home.mkdir(parents=True)
            if trainee:  # a first-day copy of the lessons to work in
                lessons = self.course / "lessons" if (self.course / "lessons").is_dir() else repo_root() / "lessons"
                shutil.copytree(lessons, home / "lessons",
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        return home


def _valid_name(name: str) -> bool:
    return bool(name) and len(name) <= 32 and name[0].isalnum() and all(
        ch.isdigit() or ("a" <= ch <= "z") or ch in "-_" for ch in name)


# ---------------------------------------------------------------------- JupyterHub side

def configure(c) -> None:
    """Fill a JupyterHub config object; called by ``tobops/data/hub/jupyterhub_config.py``."""
    hub = Hub.from_env()
    instructors, trainees = hub.roster()
    sec = hub.secrets()
    c.JupyterHub.ip = os.environ.get("TOBOPS_HUB_IP", "127.0.0.1")
    port = int(os.environ.get("TOBOPS_HUB_PORT", "8000"))
    c.JupyterHub.port = port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = port + 1  # the hub's own API and the proxy's, next to the public port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
    c.JupyterHub.db_url = f"sqlite:///{hub.data / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub.data / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(hub.data / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.auth_token = sec["proxy_token"]
    c.ConfigurableHTTPProxy.pid_file = str(hub.data / "proxy.pid")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = sec["trainee_password"]
    c.SharedPasswordAuthenticator.admin_password = sec["instructor_password"]
    c.Authenticator.admin_users = set(instructors)
    c.Authenticator.allowed_users = set(trainees) | set(instructors)
    c.JupyterHub.spawner_class = CourseSpawner
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 300  # a whole room logging in at once on a small machine
    c.Spawner.http_timeout = 300
    c.JupyterHub.shutdown_on_logout = False


try:
    from jupyterhub.spawner import SimpleLocalProcessSpawner
except ImportError:  # jupyterhub is only needed on the machine that runs the hub
    SimpleLocalProcessSpawner = object


class CourseSpawner(SimpleLocalProcessSpawner):
    """A local process per user; trainees' processes inside their own sandbox."""

    async def start(self):
        hub = Hub.from_env()
        trainee = not self.user.admin
        home = hub.home(self.user.name, trainee)
        self.home_dir_template = str(home)
        if trainee:
            ensure_private(str(hub.exchange), COURSE_ID, self.user.name)
        self.cmd = [sys.executable, "-m", "tobops.room.hub", "launch", "--role", "trainee" if trainee else "instructor",
                    "--user", self.user.name, "--home", str(home), "--", "jupyterhub-singleuser"]
        return await super().start()

    def user_env(self, env):
        env = super().user_env(env)
        env["HOME"] = self.home_dir_template
        return env

    def get_env(self):
        env = super().get_env()
        hub = Hub.from_env()
        env.update(TOBOPS_EXCHANGE=str(hub.exchange), TOBOPS_HUB_DATA=str(hub.data),
                   TOBOPS_COURSE_HOME=str(hub.course), PATH=os.environ.get("PATH", ""),
                   OPENBLAS_NUM_THREADS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
        if not self.user.admin:
            env["JUPYTER_CONFIG_PATH"] = str(HUB_FILES / "trainee")
        return env


# ---------------------------------------------------------------------- the launcher

def trainee_sandbox(cmd: list[str], user: str, home: Path, hub: Hub) -> list[str]:
    """The bwrap command that runs a trainee's server with only what it needs in view."""
    course_ex = hub.exchange / COURSE_ID
    inbound, feedback = ensure_private(str(hub.exchange), COURSE_ID, user)
    args = [bwrap(), "--die-with-parent", "--unshare-user", "--unshare-ipc", "--unshare-uts", "--unshare-pid",
            "--unshare-cgroup-try", "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    args += read_only_view()
    args += ["--bind", str(home), str(home),
             "--ro-bind", str(course_ex / "outbound"), str(course_ex / "outbound"),
             "--bind", str(inbound), str(course_ex / "inbound"),
             "--ro-bind", str(feedback), str(course_ex / "feedback"),
             "--chdir", str(home), "--"]
    return args + cmd


def launch(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m tobops.room.hub launch")
    ap.add_argument("--role", choices=["trainee", "instructor"], required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    hub = Hub.from_env()
    ensure_tools_on_path()
    exe = shutil.which(cmd[0]) or cmd[0]
    cmd = [exe, *cmd[1:]]
    if os.geteuid() == 0:  # root only inside its own user namespace, with every capability dropped
        cmd.append("--allow-root")
    if args.role == "instructor":
        os.chdir(hub.course)  # formgrader works in the course folder
        os.execv(exe, cmd + [f"--ServerApp.root_dir={hub.course}"])
    if not bwrap():
        sys.exit("tobops hub: bubblewrap (bwrap) is not installed, so a trainee's server could read other "
                 "trainees' work and the answer keys; not starting it. Install bubblewrap (make install does).")
    full = trainee_sandbox(cmd + [f"--ServerApp.root_dir={args.home}"], args.user, Path(args.home), hub)
    os.execv(full[0], full)


# ---------------------------------------------------------------------- the CLI

def run(args) -> int:
    ensure_tools_on_path()
    course = find(args.course)
    hub = Hub(Path(args.data), course.home)
    hub.prepare()
    instructors, trainees = hub.roster()
    sec = hub.secrets()
    if not bwrap():
        print("WARNING: bubblewrap (bwrap) is missing: trainees' servers will refuse to start.", file=sys.stderr)
    env = dict(os.environ, TOBOPS_HUB_DATA=str(hub.data), TOBOPS_COURSE_HOME=str(hub.course),
               TOBOPS_HUB_IP=args.ip, TOBOPS_HUB_PORT=str(args.port), TOBOPS_EXCHANGE=str(hub.exchange))
    url = f"http://{args.ip}:{args.port}/"
    print(f"ToB Ops Academy hub at {url}\n"
          f"  instructor: {', '.join(instructors)} (password in {hub.secrets_file})\n"
          f"  trainees:   {', '.join(trainees) or '(none yet: tobops hub add-trainee NAME)'}\n"
          f"  room password for trainees: {sec['trainee_password']}\n"
          f"  roster: {hub.roster_file}; stop with Ctrl-C", flush=True)
    os.chdir(hub.data)
    jh = shutil.which("jupyterhub")
    if jh is None:
        raise SystemExit("jupyterhub is not installed in this environment (make install installs it)")
    os.execve(jh, [jh, "-f", str(HUB_FILES / "jupyterhub_config.py")], env)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["launch"]:
        launch(argv[1:])
        return 0
    ap = argparse.ArgumentParser(prog="tobops hub", description="JupyterHub for a training room")
    ap.add_argument("action", nargs="?", default="run", choices=["run", "add-trainee"])
    ap.add_argument("names", nargs="*", help="trainee names (add-trainee)")
    ap.add_argument("--course", help="course folder (default: this one)")
    ap.add_argument("--data", default="hub-data", help="where the hub keeps homes, exchange, roster, secrets")
    ap.add_argument("--ip", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    if args.action == "add-trainee":
        course = find(args.course)
        hub = Hub(Path(args.data), course.home)
        new = hub.add_trainees(args.names)
        hub.prepare()
        print(f"added {', '.join(new) or 'nobody new'}; restart the hub (or add them on its Admin page) "
              "so they can log in")
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
