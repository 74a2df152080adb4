"""Fresh grading kernels in milliseconds: a fork server inside the sandbox.

Most of the cost of grading one notebook is not the trainee's cells (a few hundredths of
a second) but starting Python, importing ipykernel, IPython and pandas, every time. A
grading worker therefore starts one *template* process, inside the same sandbox and
limits as any grading kernel (:mod:`tobops.grade.sandbox`), that imports all of that once, reads
the course's datasets once (:func:`tobops.content.datasets.preload`), and never runs trainee code.
Each notebook then gets its own kernel process, forked from the
template: a fresh process with its own memory, so no state passes from one trainee to the
next. Before the next fork the template kills every process the last kernel left behind
(the sandbox has its own process-id namespace) and deletes the files it wrote (its home,
the template's folder and the sandbox's own ``/tmp``; never the machine's ``/tmp``, which
kernels share where bubblewrap is missing), and each kernel's CPU-time limit starts from zero.

Kernels are asked for through :class:`tobops.grade.kernel.ForkingKernelManager`, whose
kernel provisioner sends the template the kernel's connection details over the template's
Unix socket, forwards interrupts over it, and learns the kernel's exit code from it;
closing its end stops the kernel. Kernels talk to the grader over Unix sockets in the
template's folder, not TCP, so the sandbox has no network at all: trainee code cannot
reach a hub or a database on localhost.

This module imports nothing of Jupyter's (the template imports what kernels need itself,
:data:`PRELOAD`), so the grader server starts its templates first thing.

Only ``tobops grade`` uses this (see :mod:`tobops.grade.grader`); stock ``nbgrader autograde``
keeps starting every kernel from scratch.
"""
from __future__ import annotations

import argparse
import dataclasses
import glob
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from tobops.grade.sandbox import add_fonts, alive, bwrap, kernel_home, launcher_command
from tobops.settings import Limits

#: What the template imports once; what the assessments and ipykernel need.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "ipykernel.zmqshell", "IPython.core.interactiveshell",
           "jupyter_client.session", "numpy", "pandas", "tobops.assess.checks", "tobops.content.datasets",
           # what a kernel's start-up imports besides (listed by diffing sys.modules in a fork)
           "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.oinspect",
           "IPython.extensions.storemagic", "IPython.utils.wildcard", "faulthandler", "sqlite3",
           "tornado.platform.asyncio",
           # what its first cell imports (IPython 9 builds its %logstart logger then)
           "IPython.core.logger")
# matplotlib is left out on purpose: it remembers its config folder at import, and each
# kernel needs its own.


# --------------------------------------------------------------------------- the grader's side

PREFIX = "tobops-forkserver-"
#: A template makes its socket within seconds of its folder; a folder this old without one is dead.
STARTING_S = 120


def _listening(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(1)  # a busy template's queue may be full: it is alive
        try:
            s.connect(path)  # a live template reads an empty request and goes on
        except (ConnectionRefusedError, FileNotFoundError):
            return False
        except OSError:
            return True  # not sure: keep it
    return True


def folders() -> list[str]:
    """Every template's folder on this machine (live, starting, or left by a dead one)."""
    return glob.glob(os.path.join(tempfile.gettempdir(), PREFIX + "*"))


def remove_stale() -> None:
    """Delete the folders that templates killed with their grader (``kill -9``, a crash, a
    power cut) left in the temp folder: they may hold the files of the kernel that was
    running, a trainee's. A folder is stale when it is ours and nothing listens on its
    socket, or it has no socket and is older than any template takes to start."""
    for d in folders():
        try:
            st = os.stat(d)
        except OSError:
            continue
        if st.st_uid != os.getuid():
            continue
        sock = os.path.join(d, "template.sock")
        if os.path.exists(sock):
            if _listening(sock):
                continue
        elif time.time() - st.st_mtime < STARTING_S:
            continue
        shutil.rmtree(d, ignore_errors=True)


class ForkServer:
    """One template process for one grading worker; :meth:`stop` (or exit) ends it.

    A worker normally starts its own. The grader server (:mod:`tobops.grade.server`)
    starts the first ones itself, at once, while the workers are still loading nbgrader,
    and hands each to one worker (:meth:`describe`, :func:`adopt`): the template's start-up
    then overlaps the worker's instead of following it. With ``after`` (another template) it
    loads once that one listens, and ``gated``, once :meth:`release` is called: see
    :meth:`tobops.grade.server.Server.pool`."""

    def __init__(self, limits: Limits, adopted: dict | None = None, fonts: bool = True,
                 after: "ForkServer | None" = None, gated: bool = False) -> None:
        self.limits = limits
        self._ready = False
        if adopted is not None:  # started by the grader server, which reaps it
            self.dir, self.socket, self.home, self.pid, self.gate = (
                adopted[k] for k in ("dir", "socket", "home", "pid", "gate"))
            self.proc = None
            return
        remove_stale()
        self.dir = tempfile.mkdtemp(prefix=PREFIX)
        os.chmod(self.dir, 0o777)  # the template runs as nobody
        self.socket = os.path.join(self.dir, "template.sock")
        self.gate = os.path.join(self.dir, "go") if gated else None
        self.home = kernel_home("home-", parent=self.dir, fonts=False)
        template = [sys.executable, "-m", "tobops.grade.forkserver", "--socket", self.socket, "--home", self.home]
        if bwrap():  # alone in its process-id namespace and /tmp: it may kill all it sees, empty all of /tmp
            template.append("--sandboxed")
        waits = ([after.socket] if after else []) + ([self.gate] if self.gate else [])
        cmd = launcher_command(template, home=self.home, limits=limits, binds=[self.dir], pid_namespace=True,
                               network=False, after=waits)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid
        if fonts:
            self.add_fonts()

    def add_fonts(self) -> None:
        """Give the template matplotlib's font list, which it passes on to each kernel. Call it
        before the first kernel is asked for: the template reads it then. (Finding the list
        imports matplotlib and numpy: the grader server starts its templates first and does
        it after loading the workers' modules, numpy among them.)"""
        add_fonts(self.home)

    def describe(self) -> dict:
        """What another process needs to use this template (see :func:`adopt`)."""
        return {"dir": self.dir, "socket": self.socket, "home": self.home, "pid": self.pid, "gate": self.gate,
                "limits": dataclasses.asdict(self.limits)}

    def release(self) -> None:
        """Let a gated template start loading (nothing for one that is not gated)."""
        if self.gate and os.path.isdir(self.dir):
            open(self.gate, "w").close()

    def alive(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        return alive(self.pid)

    def ready(self) -> "ForkServer":
        """Wait until the template has loaded everything and listens (it starts in the
        background, so a worker can load nbgrader meanwhile); a gated one is given a minute
        from its release."""
        deadline = time.monotonic() + 60
        while not self._ready:
            if os.path.exists(self.socket):
                self._ready = True
            elif not self.alive() or time.monotonic() > deadline:
                raise RuntimeError("the grading kernel template did not start")
            else:
                if self.gate and not os.path.exists(self.gate):
                    deadline = time.monotonic() + 60
                time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        else:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


_SERVER: ForkServer | None = None


def _set(srv: ForkServer) -> ForkServer:
    global _SERVER
    if _SERVER is not None:
        _SERVER.stop()
    _SERVER = srv
    import atexit
    from multiprocessing import util

    atexit.register(srv.stop)
    # a multiprocessing worker ends with os._exit, skipping atexit: its finalizers still run
    util.Finalize(srv, srv.stop, exitpriority=10)
    return srv


def adopt(described: dict) -> None:
    """Make a template started elsewhere (:meth:`ForkServer.describe`) this worker's."""
    _set(ForkServer(Limits(**described["limits"]), adopted=described))


def server(limits: Limits) -> ForkServer:
    """This worker's template, started (again) if it is not running or has other limits
    (call its :meth:`~ForkServer.ready` before using its socket)."""
    if _SERVER is None or not _SERVER.alive() or _SERVER.limits != limits:
        return _set(ForkServer(limits))
    return _SERVER


# --------------------------------------------------------------------------- the template's side

#: Set in the template: it runs under bubblewrap, alone in its own process-id namespace and
#: its own ``/tmp``. Without bubblewrap (a container that blocks it) neither is true: the
#: processes it sees and ``/tmp`` are the machine's, the instructor's files included.
SANDBOXED = False
#: What the sweep never deletes: the template's socket and home, and every mount point (the
#: read-only views of Python, the venv and the course, which sit under ``/tmp`` when the
#: course or its venv lives there), read once at start: kernels cannot mount anything.
KEEP: frozenset[str] = frozenset()


def _mount_points() -> set[str]:
    points = set()
    with open("/proc/self/mountinfo") as f:
        for line in f:
            field = line.split()[4]  # the mount point, with spaces etc. as octal escapes
            points.add(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field))
    return points


def _clear(folder: str) -> None:
    """Delete everything in ``folder`` but what :data:`KEEP` holds; a folder that holds a
    kept path is emptied around it, not walked into its mounts."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        p = os.path.join(folder, name)
        if p in KEEP:
            continue
        if any(k.startswith(p + os.sep) for k in KEEP):
            _clear(p)
        elif os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                os.unlink(p)
            except OSError:
                pass


def _sweep(home: str, kernel: int | None = None) -> None:
    """Kill what the last kernel left running and delete the files it wrote.

    Sandboxed, the template kills every process but itself and bwrap's init, and empties
    its home, its own folder and ``/tmp``. Otherwise it kills only the last kernel's process
    group and empties only its home and its own folder: ``/tmp`` is the machine's then."""
    me, parent = os.getpid(), os.getppid()
    if not SANDBOXED:
        if kernel:
            try:
                os.killpg(kernel, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _reap()
    for _ in range(3 if SANDBOXED else 0):
        others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (me, parent, 1)]
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)
        _reap()
    for folder in (home, os.path.dirname(home), *(["/tmp"] if SANDBOXED else [])):
        _clear(folder)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _kernel(connection: dict, args: list[str], home: str, font_cache: list[tuple[str, bytes]]) -> None:
    """In the forked child: become a fresh kernel. Never returns."""
    code = 1
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        os.setsid()
        kdir = os.path.join(home, "kernel")
        mpl = os.path.join(kdir, ".matplotlib")
        os.makedirs(mpl)
        for name, data in font_cache:
            with open(os.path.join(mpl, name), "wb") as f:
                f.write(data)
        conn = os.path.join(kdir, ".connection.json")
        with open(conn, "w") as f:
            json.dump(connection, f)
        os.environ.update(JPY_PARENT_PID=str(os.getppid()), HOME=kdir, MPLCONFIGDIR=mpl, IPYTHONDIR=os.path.join(kdir, ".ipython"),
                          JUPYTER_RUNTIME_DIR=os.path.join(kdir, ".runtime"))
        os.chdir(kdir)
        sys.argv = ["ipykernel_launcher", "-f", conn]
        if sys.path and sys.path[0] in ("", os.getcwd()):
            del sys.path[0]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=["-f", conn, *args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001  the kernel failed to start; the grader sees it died
        code = 1
    finally:
        os._exit(code)


def _serve_one(conn: socket.socket, home: str) -> None:
    f = conn.makefile("rb")
    line = f.readline()
    if not line:
        return
    request = json.loads(line)
    font_cache = _fonts()
    pid = os.fork()
    if pid == 0:
        conn.close()
        _kernel(request["connection"], request.get("args", []), home, font_cache)
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            ready, _, _ = select.select([conn, pidfd], [], [])
            if pidfd in ready:
                break
            data = conn.recv(64)
            if not data:  # the grader stopped the kernel (or died)
                os.kill(pid, signal.SIGKILL)
                break
            if b"I" in data:
                os.kill(pid, signal.SIGINT)
        _, st = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(st)
        try:  # the kernel is gone: the grader may go on while the files it left are deleted
            conn.sendall(f"{status if status >= 0 else 128 - status}\n".encode())
        except OSError:
            pass
    finally:
        os.close(pidfd)
        _sweep(home, pid)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m tobops.grade.forkserver")
    ap.add_argument("--socket", required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--sandboxed", action="store_true", help="alone in its process-id namespace and /tmp")
    args = ap.parse_args(argv)
    global SANDBOXED, KEEP
    SANDBOXED = args.sandboxed
    KEEP = frozenset({*_mount_points(), os.path.abspath(args.socket), os.path.abspath(args.home)})

    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    from tobops.content import datasets
    datasets.preload()  # each kernel then copies the course's datasets instead of parsing them
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nothing a kernel prints outside a cell is for the grader's screen
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = args.socket + ".tmp"
    listener.bind(tmp)
    listener.listen(8)
    os.rename(tmp, args.socket)  # appears only once the template is ready
    while True:
        conn, _ = listener.accept()
        with conn:
            _serve_one(conn, args.home)


_FONTS: list[tuple[str, bytes]] | None = None


def _fonts() -> list[tuple[str, bytes]]:
    """matplotlib's font list, from the template's own config folder, read at the first
    kernel's request (the grader copies it in after starting the template: ForkServer.add_fonts)."""
    global _FONTS
    if _FONTS is None:
        mpl, _FONTS = os.environ.get("MPLCONFIGDIR", ""), []
        for name in sorted(os.listdir(mpl)) if os.path.isdir(mpl) else []:
            if name.startswith("fontlist-"):
                with open(os.path.join(mpl, name), "rb") as fh:
                    _FONTS.append((name, fh.read()))
    return _FONTS


if __name__ == "__main__":
    main()
