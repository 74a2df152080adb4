"""The warm grader: ``tobops grade`` and ``tobops selfcheck`` without the start-up.

Most of a small job is start-up, paid again by every command: Python loading nbgrader in
each grading worker, and each worker's kernel template loading ipykernel, pandas and the
course's datasets (:mod:`tobops.grade.forkserver`). The notebooks themselves take a
fraction of a second each. So the first ``tobops grade`` or ``tobops selfcheck`` in a
course starts a *grader server* for it in the background, which keeps those processes
alive and takes jobs over a Unix socket; later commands send their job there and show its
progress, and pay no start-up at all. The instructor's terminal, the hub's and a
self-learner's all reuse it.

* It runs the same code as a command without it (:func:`tobops.grade.grader.grade`,
  :func:`tobops.grade.selfcheck.run`): the same sandboxes, the same limits, the same
  keys-out-of-kernel path, the same results. It only keeps processes alive between jobs.
* Its socket lives in a folder only this user can open (``$XDG_RUNTIME_DIR/tobops-UID``,
  else ``/tmp/tobops-UID``), and it serves only this user (checked on each connection).
  Grading kernels have no network and do not see that folder.
* Jobs run one at a time; a second command waits its turn. A command that is stopped
  (Ctrl-C) cancels the submissions of its job not yet started.
* ``tobops server start`` starts one ahead of time, every worker warm (what a room's batch
  needs). On a hub, the instructor's JupyterLab *holds* one while it runs (:meth:`start`
  with ``hold``): grading a room after class pays no start-up, however long the class.
* It stops by itself after ``TOBOPS_SERVER_IDLE`` seconds without a job (default 900; a
  held server: when every process holding it has ended), when its course folder is gone,
  on ``tobops server stop``, and when the code or settings it was started with no longer
  match the command's: every job carries a fingerprint of the tobops code, the datasets,
  the course's ``nbgrader_config.py``, the Python and the grading settings, and a server
  that does not match says so and exits, and the command starts a fresh one.
* ``TOBOPS_SERVER=off`` (or ``--no-server``) does the job in the command's own process.

Its log is ``grader-<hash>.log`` beside the socket (``tobops server status`` names it).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import fcntl
import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from tobops import TobopsError
from tobops.grade.sandbox import alive
from tobops.settings import GRADING_VARS

IDLE_SECONDS = 900
#: A job of more submissions than this a core is big: on a cold server its spare workers'
#: templates start at once (:meth:`Server.pool`); a smaller one is done before they would help.
SMALL_BATCH_PER_CORE = 12
#: ... and otherwise once the server has had no job for this long (a command run right after
#: another would pay for their loading, and gain little from them).
SPARES_AFTER_IDLE_S = 2
START_TIMEOUT_S = 180


class ServerError(TobopsError):
    pass


class Stale(Exception):
    """The server was started with other code or settings than the command's."""


# --------------------------------------------------------------------------- where and what

def enabled(env=None) -> bool:
    """Whether commands use the grader server (``TOBOPS_SERVER=off`` turns it off)."""
    env = os.environ if env is None else env
    return env.get("TOBOPS_SERVER", "on").strip().lower() not in ("off", "0", "no", "false")


def runtime_dir() -> Path:
    """This user's private folder for grader sockets and logs."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    d = Path(base) / f"tobops-{os.getuid()}"
    if len(str(d)) > 70:  # a Unix socket's path has at most 107 bytes
        d = Path(tempfile.gettempdir()) / f"tobops-{os.getuid()}"
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = d.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise ServerError(f"{d} is not private to you (owner {st.st_uid}, mode {oct(st.st_mode & 0o777)}): "
                          "remove it, or grade with --no-server")
    return d


def _key(home: Path) -> str:
    return hashlib.sha256(str(Path(home).resolve()).encode()).hexdigest()[:16]


def socket_path(home: Path) -> Path:
    return runtime_dir() / f"grader-{_key(home)}.sock"


def log_path(home: Path) -> Path:
    return runtime_dir() / f"grader-{_key(home)}.log"


def fingerprint(home: Path) -> str:
    """What a server's processes loaded: the tobops code and data, the datasets, the
    course's nbgrader configuration, the Python, and the settings a grade depends on
    (:data:`tobops.settings.GRADING_VARS`; not the hub's own variables nor its passwords,
    which change no grade and which an instructor's terminal lacks)."""
    import tobops

    h = hashlib.sha256()
    package = Path(tobops.__file__).parent  # with its _datasets/ when installed from a wheel
    roots = [package, package.parent / "datasets", Path(os.environ.get("TOBOPS_DATA_DIR", package))]
    for root in roots:
        if not root.is_dir():
            continue
        for p in sorted(root.rglob("*")):
            if "__pycache__" in p.parts or not p.is_file():
                continue
            st = p.stat()
            h.update(f"{p}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    cfg = Path(home) / "nbgrader_config.py"
    h.update(cfg.read_bytes() if cfg.exists() else b"")
    h.update(sys.executable.encode())
    for k in GRADING_VARS:
        h.update(f"{k}={os.environ.get(k)}\n".encode())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- the command's side

def _connect(path: Path) -> socket.socket | None:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        s.close()
        return None
    return s


def _spawn(home: Path, fp: str, warm: int, hold: int | None = None, job: bool = False) -> None:
    """Start a server process for ``home`` in the background, in a session of its own, and
    not as this process's child (double fork): the process that asked may exec something
    else (the hub's launcher does), which would never reap it. ``job``: one is on its way."""
    cmd = [sys.executable, "-m", "tobops.grade.server", "--course", str(home), "--fingerprint", fp,
           "--warm", str(warm)] + (["--hold", str(hold)] if hold else []) + (["--job"] if job else [])
    log = open(log_path(home), "ab")
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            os.setsid()
            subprocess.Popen(cmd, cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True)
        finally:
            os._exit(0)
    log.close()
    os.waitpid(pid, 0)


def _start(home: Path, path: Path, fp: str, warm: int, hold: int | None = None, job: bool = False) -> None:
    """Start a server for ``home`` in the background and wait until it listens; it starts
    ``warm`` workers at once (what the first job needs; 0: all), the others when a job needs them."""
    _spawn(home, fp, warm, hold, job)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        s = _connect(path)
        if s is not None:
            s.close()
            return
        time.sleep(0.05)
    raise ServerError(f"the grader server did not start within {START_TIMEOUT_S} s; see {log_path(home)} "
                      "(or grade with --no-server)")


def request(home: Path, job: dict, on_message=None, warm: int = 0) -> dict:
    """Send ``job`` to the course's server (starting one if none runs, or a fresh one if
    it is stale) and return its answer; ``on_message`` sees each progress message (and
    ``{"starting": True}`` when a server has to be started: the job waits seconds for it).
    ``warm``: how many workers the job can use (0: as many as the server has)."""
    home = Path(home).resolve()
    path, fp = socket_path(home), fingerprint(home)
    for _ in range(3):
        s = _connect(path)
        if s is None:
            if on_message is not None:
                on_message({"starting": True})
            _start(home, path, fp, warm, job=True)
            s = _connect(path)
            if s is None:
                continue
        try:
            with s, s.makefile("rwb") as f:
                f.write(json.dumps({**job, "fingerprint": fp}).encode() + b"\n")
                f.flush()
                for line in f:
                    msg = json.loads(line)
                    if msg.get("stale"):
                        raise Stale()
                    if "error" in msg:
                        raise ServerError(msg["error"])
                    if "done" in msg:
                        return msg["done"]
                    if on_message is not None:
                        on_message(msg)
            raise ServerError(f"the grader server stopped during the job (see {log_path(home)}); "
                              "run the command again (nothing graded is lost), or use --no-server")
        except Stale:
            _wait_gone(path)
    raise ServerError(f"could not reach a grader server for {home}; see {log_path(home)} or use --no-server")


def start(home: Path, hold: int | None = None, wait: bool = True) -> None:
    """Have the course's server running, every worker warm, so that the next ``tobops grade``
    pays no start-up (``tobops server start``). With ``hold`` (a process id) it also stays up
    while that process lives, idle or not, and stops when it has ended: the hub's launcher
    holds one for the instructor's JupyterLab. A server that runs already is kept (and
    held), or replaced if it is stale. ``wait``: until it listens (else return at once)."""
    home = Path(home).resolve()
    path, fp = socket_path(home), fingerprint(home)
    if wait:
        if _hello(path, fp, hold):
            return
        _wait_gone(path)
        _start(home, path, fp, 0, hold)
    else:  # the new process says hello to a running one itself
        _spawn(home, fp, 0, hold)


def _hello(path: Path, fp: str, hold: int | None) -> bool | None:
    """Tell the server at ``path`` it is wanted (and held by ``hold`` while that lives):
    True if it took it, False if it is stale (and now stopping), None if none answers."""
    s = _connect(path)
    if s is None:
        return None
    with s, s.makefile("rwb") as f:
        f.write(json.dumps({"op": "hold", "pid": hold, "fingerprint": fp}).encode() + b"\n")
        f.flush()
        line = f.readline()
    return None if not line else not json.loads(line).get("stale")


def _wait_gone(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def status(home: Path) -> dict | None:
    s = _connect(socket_path(home))
    if s is None:
        return None
    with s, s.makefile("rwb") as f:
        f.write(json.dumps({"op": "status"}).encode() + b"\n")
        f.flush()
        line = f.readline()
    return json.loads(line)["done"] if line else None


def _stop(path: Path) -> bool:
    """Ask the server at ``path`` to stop and wait until its processes have ended."""
    s = _connect(path)
    if s is None:
        return False
    with s, s.makefile("rwb") as f:
        f.write(json.dumps({"op": "stop"}).encode() + b"\n")
        f.flush()
        line = f.readline()
    pid = json.loads(line)["done"].get("pid") if line else None
    deadline = time.monotonic() + 120  # a job still running finishes first
    while pid and Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return True


def stop(home: Path) -> bool:
    """Ask the course's server to stop; whether one was running."""
    return _stop(socket_path(home))


def stop_all() -> int:
    """Stop every grader server of this user; how many there were."""
    n = 0
    for sock in sorted(runtime_dir().glob("grader-*.sock")):
        if _stop(sock):
            n += 1
        else:
            sock.unlink(missing_ok=True)
    return n


# --------------------------------------------------------------------------- the server's side

def _selfcheck_job(home: str, assessment: str, notebook: str, out_dir: str, settings) -> dict:
    """In a worker: a self-check, on a kernel forked from the worker's warm template."""
    from tobops.grade import selfcheck
    from tobops.grade.coursedir import Course
    from tobops.grade.kernel import ForkingKernelManager

    out = selfcheck.run(assessment, notebook, out_dir, course=Course(Path(home)), settings=settings,
                        kernel_manager_class=ForkingKernelManager)
    return {"lines": out["lines"], "feedback": str(out["feedback"]) if out["feedback"] else None,
            "scores": out["scores"]}


def _ready(_: int) -> int:
    """A no-op job: makes the pool start a worker (and the worker its kernel template)."""
    return os.getpid()


class Server:
    def __init__(self, home: Path, fp: str, idle: float, holders: set[int] | None = None) -> None:
        from tobops.grade.coursedir import Course

        self.home, self.fp, self.idle = home, fp, idle
        self.holders = set(holders or ())  # processes that keep it up while they live
        self.held = bool(self.holders)
        self._holders_lock = threading.Lock()  # added to by a connection's thread, pruned by serve()
        self.course = Course(home)
        self.started = time.time()
        self.last = time.monotonic()
        self.jobs = 0
        self.busy = threading.Lock()
        self.stopping = threading.Event()
        # jobs run one at a time on one thread that lives as long as the server: the workers
        # and templates it starts are killed when the thread that started them ends
        self.runner = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")
        self.pools: dict[str, tuple] = {}  # "small" / "batch": (key, pool)
        self.warming: list = []
        self.templates: list = []
        self.preloaded = False
        self.spares: list = []  # templates that start loading once a job wants them (release_spares)

    # ------------------------------------------------------------------ workers
    def pool(self, kind: str, settings, workers: int, hold_spares: bool = False):
        """The workers for a job: *small* (one submission, a self-check: one worker, so that
        its kernel template and caches are warm for the next one) or *batch* (``workers``).

        Workers are forked from this process, which has loaded nbgrader once for all of
        them, each with a kernel template started here beside it. A small job uses the
        batch workers when there are some and no small one.

        A worker takes no submission before its template listens. On a cold server the
        templates load one after another, on the core this process's own loading leaves
        free: all at once, they slowed down that loading, which is what every worker waits
        for. ``hold_spares``: the templates of the workers beyond one a core load only when
        :meth:`release_spares` is called (by a big job, or once the server is idle): a room's
        job is done before they would be ready, and they would take its CPU."""
        from tobops.grade import forkserver

        def usable(kind: str, want) -> bool:
            key, pool = self.pools.get(kind, (None, None))
            return key is not None and want(key) and not getattr(pool, "_broken", False)

        n = 1 if kind == "small" else workers
        key = (settings, n)
        if kind == "small" and "small" not in self.pools and usable("batch", lambda k: k[0] == settings):
            return self.pools["batch"][1]
        if usable(kind, lambda k: k == key):
            return self.pools[kind][1]
        if kind in self.pools:
            self.pools.pop(kind)[1].shutdown(wait=True, cancel_futures=True)
        # the templates first: they take longest to load (finding matplotlib's font list for
        # them imports numpy, which the workers need too: it waits for the workers' imports)
        templates: list = []
        for i in range(n):
            after = templates[-1] if templates and not self.preloaded else None
            spare = hold_spares and i >= (os.cpu_count() or 1)
            templates.append(forkserver.ForkServer(settings.limits.for_kernel(), fonts=False, after=after,
                                                   gated=spare))
        self.templates += templates
        self.spares += [t for t in templates if t.gate]
        from tobops.grade import grader

        grader.preload()  # once, while the templates load; the workers are forked with it
        self.preloaded = True
        # forked while the other threads wait (in accept(), or for their job) and hold no lock,
        # at the first job: a no-op each, so they load while the font list is found
        pool = grader.pool(self.course, settings, n, templates=[t.describe() for t in templates], fork=True)
        self.warming = [pool.submit(_ready, i) for i in range(n)]
        for t in templates:  # before this returns: no worker asks for a kernel before then
            t.add_fonts()
        self.pools[kind] = (key, pool)
        return pool

    def warm_up(self, n: int, job: bool = False) -> None:
        """Start the workers the first command's job needs (``n``: trainees; 1 makes a
        small pool, 0 a batch one), with the default settings, while its job is on its way
        (``job``; without one, as ``tobops server start`` asks, every worker at once)."""
        from tobops.settings import Settings, default_workers  # not the grader: its imports would delay the templates

        self.pool("small" if n == 1 else "batch", Settings.load(), default_workers(), hold_spares=job)

    def release_spares(self) -> None:
        """Let the held templates load (:meth:`pool`): when a big job starts, or once the
        server is idle (:data:`SPARES_AFTER_IDLE_S`)."""
        for t in self.spares:
            t.release()
        self.spares = []

    # ------------------------------------------------------------------ jobs
    def grade(self, job: dict, send) -> dict:
        from tobops.grade import grader, sandbox
        from tobops.settings import Settings

        settings = Settings.load(**job.get("limits", {}))
        workers = job.get("workers") or grader.default_workers()
        send({"isolation": sandbox.isolation(settings.limits)})
        assessments = grader.resolve(self.course, job.get("assessment"))
        students = job.get("students")
        if sum(1 for a in assessments for s in self.course.submitters(a) if not students or s in students) \
                > SMALL_BATCH_PER_CORE * (os.cpu_count() or 1):
            self.release_spares()  # a big batch: the spare workers will be ready in time to help
        results = grader.grade(self.course, assessments, settings=settings, workers=workers,
                               force=job.get("force", False), students=job.get("students"),
                               workers_pool=self.pool(self._kind(job), settings, workers),
                               on_progress=lambda d, t, f: send({"progress": d, "total": t, "failed": f}))
        return {"results": [r.as_dict() for r in results]}

    @staticmethod
    def _kind(job: dict) -> str:
        """A job for one submission is small; any other is a batch."""
        return "small" if job.get("assessment") and len(job.get("students") or []) == 1 else "batch"

    def selfcheck(self, job: dict, send) -> dict:
        from tobops.grade import grader
        from tobops.settings import Settings

        settings = Settings.load()
        pool = self.pool("small", settings, grader.default_workers())
        if self.warming:  # a worker that is starting will be free soon: no need to start another
            cf.wait(self.warming, return_when=cf.FIRST_COMPLETED)
        fut = pool.submit(
            _selfcheck_job, str(self.home), job["assessment"], job["notebook"], job["out_dir"], settings)
        return fut.result()

    def handle(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as f:
            def send(msg: dict) -> None:
                f.write(json.dumps(msg).encode() + b"\n")
                f.flush()

            uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
            if uid != os.getuid():
                return
            line = f.readline()
            if not line:
                return
            job = json.loads(line)
            op = job.get("op")
            try:
                if op == "status":
                    send({"done": {"pid": os.getpid(), "course": str(self.home), "since": self.started,
                                   "jobs": self.jobs, "busy": self.busy.locked(), "log": str(log_path(self.home)),
                                   "idle_timeout": self.idle, "holders": sorted(self.holding())}})
                    return
                if op == "stop":
                    self.stopping.set()
                    send({"done": {"pid": os.getpid()}})
                    return
                if job.get("fingerprint") != self.fp:
                    self.stopping.set()
                    send({"stale": True})
                    return
                if op == "hold":  # wanted (tobops server start), and held while a process lives
                    if job.get("pid"):
                        with self._holders_lock:
                            self.holders.add(int(job["pid"]))
                            self.held = True
                    send({"done": {"pid": os.getpid()}})
                    return
                if not self.busy.acquire(blocking=False):
                    send({"waiting": True})
                    self.busy.acquire()
                try:
                    self.last = time.monotonic()
                    handler = {"grade": self.grade, "selfcheck": self.selfcheck}[op]
                    send({"done": self.runner.submit(handler, job, send).result()})
                    self.jobs += 1
                finally:
                    self.last = time.monotonic()
                    self.busy.release()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the command was stopped; its unstarted submissions were cancelled
            except TobopsError as exc:
                _try(send, {"error": str(exc)})
            except Exception as exc:  # noqa: BLE001  reported to the command, logged here
                traceback.print_exc()
                _try(send, {"error": f"the grader server failed: {type(exc).__name__}: {exc} "
                                     f"(details in {log_path(self.home)})"})

    def holding(self) -> set[int]:
        """The processes holding this server that still live."""
        with self._holders_lock:
            return set(self._prune())

    def done_waiting(self) -> bool:
        """Idle for longer than its idle time and held by nobody, or held and no longer."""
        with self._holders_lock:
            return not self._prune() and (self.held or time.monotonic() - self.last > self.idle)

    def _prune(self) -> set[int]:  # with the lock held
        self.holders = {p for p in self.holders if alive(p)}
        return self.holders

    def serve(self) -> None:
        path = socket_path(self.home)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        listener.bind(str(tmp))
        listener.listen(16)
        listener.settimeout(1.0)
        os.rename(tmp, path)  # commands see the socket once the server accepts jobs
        print(f"{time.strftime('%F %T')} grader server {os.getpid()} for {self.home} listening on {path}",
              flush=True)
        try:
            while not self.stopping.is_set():
                try:
                    conn, _ = listener.accept()
                except socket.timeout:
                    if not self.busy.locked() and (self.done_waiting() or not self.home.is_dir()):
                        break
                    if self.spares and not self.busy.locked() and time.monotonic() - self.last > SPARES_AFTER_IDLE_S:
                        self.release_spares()
                    continue
                conn.settimeout(None)
                threading.Thread(target=self.handle, args=(conn,), daemon=True).start()
        finally:
            # no new command connects from here on; a fresh server waits for this one's lock
            path.unlink(missing_ok=True)
            listener.close()
            # a job still running finishes first (it holds the lock)
            with self.busy:
                for _, pool in self.pools.values():
                    pool.shutdown(wait=True, cancel_futures=True)
                for t in self.templates:  # those handed to workers were stopped by them; reap all
                    t.stop()
            self.runner.shutdown(wait=False)
            print(f"{time.strftime('%F %T')} grader server {os.getpid()} stopped after {self.jobs} job(s)",
                  flush=True)


def _try(send, msg) -> None:
    try:
        send(msg)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tobops.grade.server")
    ap.add_argument("--course", required=True)
    ap.add_argument("--fingerprint", required=True)
    ap.add_argument("--warm", type=int, default=0, help="workers to start at once (0: all)")
    ap.add_argument("--hold", type=int, help="stay up while this process lives, and stop when it ends")
    ap.add_argument("--job", action="store_true", help="a command's job is on its way (see Server.pool)")
    args = ap.parse_args(argv)
    home = Path(args.course).resolve()
    lock = open(socket_path(home).with_suffix(".lock"), "w")
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:  # one server per course: the lock is held for a server's whole life
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a POSIX lock: the forked workers do not hold it
            break
        except (BlockingIOError, PermissionError):  # another server holds it
            if _hello(socket_path(home), args.fingerprint, args.hold):  # one is serving (and now held)
                return 0
            if time.monotonic() > deadline:
                return 1
            time.sleep(0.05)  # another one is starting, or stopping (a stale one finishing its job)
    from tobops.grade.coursedir import ensure_tools_on_path

    ensure_tools_on_path()
    idle = float(os.environ.get("TOBOPS_SERVER_IDLE", IDLE_SECONDS))
    srv = Server(home, args.fingerprint, idle, {args.hold} if args.hold else None)
    signal.signal(signal.SIGTERM, lambda *_: srv.stopping.set())  # stops as `tobops server stop` does
    srv.warm_up(args.warm or 1_000, job=args.job)
    srv.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
