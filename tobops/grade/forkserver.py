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

The kernel manager (:class:`ForkingKernelManager`) starts no process itself: its kernel
provisioner (:class:`ForkProvisioner`, jupyter_client's interface for starting and
stopping kernels) hands the kernel's connection details to the template over a Unix
socket, forwards interrupts over it, and learns the kernel's exit code from it; closing
its end stops the kernel. So jupyter_client and nbclient manage an ordinary kernel:
interrupting a cell that runs too long, killing the kernel at shutdown, and noticing a
kernel that died all work as usual. Kernels talk to the grader over Unix sockets in the
template's folder, not TCP, so the sandbox has no network at all: trainee code cannot
reach a hub or a database on localhost.

Only ``tobops grade`` uses this (see :mod:`tobops.grade.grader`); stock ``nbgrader autograde``
keeps starting every kernel from scratch.
"""
from __future__ import annotations

import argparse
import asyncio
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
import uuid
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type, default
import zmq

from tobops.content.notebooks import PatientClient
from tobops.grade.kernel import SandboxedKernelManager
from tobops.grade.sandbox import alive, bwrap, kernel_home, launcher_command
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
    then overlaps the worker's instead of following it."""

    def __init__(self, limits: Limits, adopted: dict | None = None) -> None:
        self.limits = limits
        self._ready = False
        if adopted is not None:  # started by the grader server, which reaps it
            self.dir, self.socket, self.home, self.pid = (adopted[k] for k in ("dir", "socket", "home", "pid"))
            self.proc = None
            return
        remove_stale()
        self.dir = tempfile.mkdtemp(prefix=PREFIX)
        os.chmod(self.dir, 0o777)  # the template runs as nobody
        self.socket = os.path.join(self.dir, "template.sock")
        self.home = kernel_home("home-", parent=self.dir)
        template = [sys.executable, "-m", "tobops.grade.forkserver", "--socket", self.socket, "--home", self.home]
        if bwrap():  # alone in its process-id namespace and /tmp: it may kill all it sees, empty all of /tmp
            template.append("--sandboxed")
        cmd = launcher_command(template, home=self.home, limits=limits, binds=[self.dir], pid_namespace=True,
                               network=False)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid

    def describe(self) -> dict:
        """What another process needs to use this template (see :func:`adopt`)."""
        return {"dir": self.dir, "socket": self.socket, "home": self.home, "pid": self.pid,
                "limits": dataclasses.asdict(self.limits)}

    def alive(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        return alive(self.pid)

    def ready(self) -> "ForkServer":
        """Wait until the template has loaded everything and listens (it starts in the
        background, so a worker can load nbgrader meanwhile)."""
        deadline = time.monotonic() + 60
        while not self._ready:
            if os.path.exists(self.socket):
                self._ready = True
            elif not self.alive() or time.monotonic() > deadline:
                raise RuntimeError("the grading kernel template did not start")
            else:
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


class QuickReadyClient(PatientClient):
    """The course's client (it re-polls), except that waiting for a new kernel to be ready ends
    after 20 ms of quiet on IOPub instead of 200 ms: a fifth of a second per notebook,
    once the kernel itself starts in a few hundredths.

    jupyter_client has no public setting for that wait, so this overrides its private
    ``_async_wait_for_ready`` (jupyter_client is pinned to 8.x in pyproject.toml for it).

    Its sockets also retry connecting every 5 ms, not ZeroMQ's 100: they connect before the
    new kernel has made its socket files, and the first retry after the kernel has made
    them is when the kernel can be reached. With ZeroMQ's 100 ms the kernel was ready
    about 210 ms after its start, with 5 ms about 65 ms."""

    @default("context")
    def _context_with_quick_reconnect(self):
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, 5)
        return context

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:  # flush IOPub
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready


class ForkProvisioner(LocalProvisioner):
    """Starts a kernel by asking the worker's template to fork one: no process starts here.

    Over one connection to the template's socket it sends the kernel's connection file and
    arguments, then ``I`` for an interrupt; the template answers with the kernel's exit
    code when the kernel has ended. Killing (or terminating) the kernel is closing this
    end for writing: the template then kills the kernel and answers the same way."""

    _sock: socket.socket | None = None
    _status: int | None = None
    _buf = b""

    @property
    def has_process(self) -> bool:
        return self._sock is not None

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        km = self.parent
        with open(km.connection_file) as f:
            request = {"connection": json.load(f), "args": cmd}
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(server(km.limits()).ready().socket)
            sock.sendall(json.dumps(request).encode() + b"\n")
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        self._sock, self._status, self._buf = sock, None, b""
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info

    async def poll(self) -> int | None:
        while self._sock is not None and self._status is None:
            try:
                chunk = self._sock.recv(64)
            except BlockingIOError:
                return None
            except OSError:
                chunk = b""
            self._buf += chunk
            if not chunk or self._buf.endswith(b"\n"):  # no answer: the template died, and its kernel with it
                self._status = int(self._buf.strip() or 1)
        return self._status if self._status is not None else 0

    async def wait(self) -> int | None:
        while await self.poll() is None:
            await asyncio.sleep(0.005)
        self._close()
        return self._status

    async def send_signal(self, signum: int) -> None:
        if signum == signal.SIGINT and self._sock is not None:
            try:
                self._sock.send(b"I")
            except OSError:
                pass
        elif signum in (signal.SIGKILL, signal.SIGTERM):
            await self.kill()

    async def kill(self, restart: bool = False) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    async def terminate(self, restart: bool = False) -> None:
        await self.kill(restart)

    async def cleanup(self, restart: bool = False) -> None:
        self._close()
        await super().cleanup(restart)

    def _close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class ForkingKernelManager(SandboxedKernelManager):
    """Starts each kernel by forking the worker's template instead of a new Python."""

    client_class = DottedObjectName("tobops.grade.forkserver.QuickReadyClient")
    client_factory = Type(QuickReadyClient, klass=AsyncKernelClient)

    def _ipc_folder(self) -> str:
        # the template's folder, already bound into its sandbox (which has no network); one
        # kernel at a time per worker, and jupyter_client skips socket names still in use
        return server(self.limits()).dir

    async def _async_pre_start_kernel(self, **kw):
        # jupyter_client picks a provisioner by the kernel spec's name for it, among those
        # installed as entry points; this one is for this manager only (a private
        # jupyter_client hook, pinned to 8.x in pyproject.toml)
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # the template answers within milliseconds of a kill; don't poll for it every 100 ms
        # (a private jupyter_client hook, pinned to 8.x in pyproject.toml)
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    def format_kernel_cmd(self, extra_arguments=None):
        # only the kernel's own arguments (nbgrader's Execute.extra_arguments): the template
        # is the kernel's Python
        return list(extra_arguments or [])


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


def _serve_one(conn: socket.socket, home: str, font_cache) -> None:
    f = conn.makefile("rb")
    line = f.readline()
    if not line:
        return
    request = json.loads(line)
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
    mpl = os.environ.get("MPLCONFIGDIR", "")
    font_cache = []
    if os.path.isdir(mpl):
        for name in os.listdir(mpl):
            if name.startswith("fontlist-"):
                with open(os.path.join(mpl, name), "rb") as fh:
                    font_cache.append((name, fh.read()))
    _sweep(args.home)
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
            _serve_one(conn, args.home, font_cache)


if __name__ == "__main__":
    main()
