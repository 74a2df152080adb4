"""Run a trainee's notebook kernel under limits, away from the instructor's files.

nbgrader executes trainee code in an ordinary kernel that can read anything the grader
can: the answer keys in ``source/``, ``gradebook.db``, other trainees' work. This module
is the launcher every grading kernel starts through (``python -m tobops.grade.sandbox``,
from :class:`tobops.grade.kernel.SandboxedKernelManager`, which ``nbgrader_config.py``
names, so stock ``nbgrader autograde`` and ``tobops grade`` both use it):

* **resource limits** on the kernel: address space (memory), CPU seconds, size of the
  files it may write;
* **a private filesystem view** with bubblewrap (``bwrap``): the kernel sees only the
  system, the Python installation, the course package and its datasets, read-only, plus
  an empty private home. The course folder, answer keys, gradebook, other trainees'
  work and the rest of ``/tmp`` and ``$HOME`` do not exist for it. It runs as the
  unprivileged ``nobody`` user id with every capability dropped;
* **no network**: the kernel talks to the grader over Unix sockets, and under bubblewrap
  has no network interface at all, not even localhost (a hub's API, a database);
* **a clean environment**: only an allow-list of variables (``KEEP_ENV``) reaches it, so
  no token of the grader's does.

Without ``bwrap`` on the machine (``make install`` installs it where it can) the limits
still apply but the kernel can read what the grader can read; :func:`isolation` says so
and ``tobops grade`` prints it.

It imports nothing of Jupyter's: it runs once for every kernel, the fork server's
templates and the hub's trainee servers, before the sandboxed program starts.

Limits come from :class:`tobops.settings.Limits` (one place; ``tobops grade --memory-mb``
or ``TOBOPS_MEMORY_MB`` and friends change them). Two functions build every sandbox
command: :func:`launcher_command` (a grading kernel or the fork server's template:
limits, then bubblewrap) and :func:`bwrap_args` (the bubblewrap view, which the hub's
trainee servers use too).
"""
from __future__ import annotations

import argparse
import functools
import glob
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from tobops.settings import Limits

NOBODY = 65534
#: The only environment variables a sandboxed kernel inherits from the grader.
KEEP_ENV = {"PATH", "LANG", "LANGUAGE", "TZ", "TERM", "JPY_PARENT_PID", "JPY_SESSION_NAME",
            "TOBOPS_DATA_DIR", "VIRTUAL_ENV", "PYTHONHASHSEED"}
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")


@functools.lru_cache(maxsize=1)
def bwrap() -> str | None:
    """The bubblewrap binary, if it is installed *and works here* (containers may block the
    user namespaces it needs; then it would fail on every kernel)."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    try:
        ok = subprocess.run([path, "--unshare-user", "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc",
                             "--dev", "/dev", "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return path if ok else None


def isolation(limits: Limits) -> str:
    """One line describing how trainee code is isolated on this machine."""
    base = limits.describe()
    if bwrap():
        return f"trainee code runs sandboxed (bubblewrap: no access to course files) with limits: {base}"
    return (f"WARNING: bubblewrap (bwrap) is missing or blocked here, so trainee code runs with limits ({base}) but can "
            "read the files you can read, answer keys included; install bubblewrap to isolate it")


def _package_dirs() -> list[str]:
    """What a kernel needs to see: the Python installation, the venv, tobops and its data."""
    import tobops

    pkg = Path(tobops.__file__).resolve().parent
    dirs = {sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent),
            sysconfig.get_paths()["purelib"], str(pkg)}
    env = os.environ.get("TOBOPS_DATA_DIR")
    for data in (env, pkg / "_datasets", pkg.parent / "datasets"):
        if data and Path(data).is_dir():
            dirs.add(str(Path(data).resolve()))
            break
    return sorted(d for d in dirs if d and Path(d).exists())


_FONT_CACHE: list[str] | None = None


def _font_cache() -> list[str]:
    """matplotlib's font list, built once by the grader and copied into each kernel home,
    so kernels never print 'building the font cache' on stderr."""
    global _FONT_CACHE
    if _FONT_CACHE is None:
        import matplotlib
        import matplotlib.font_manager  # noqa: F401  (builds the cache if missing)

        _FONT_CACHE = glob.glob(os.path.join(matplotlib.get_cachedir(), "fontlist-*.json"))
    return _FONT_CACHE


def kernel_home(prefix: str, parent: str | None = None, fonts: bool = True) -> str:
    """A fresh private home for a sandboxed process (it runs as nobody), with matplotlib's
    font list in it (or, without ``fonts``, a place for it: :func:`add_fonts`)."""
    home = tempfile.mkdtemp(prefix=prefix, dir=parent)
    for d in (home, os.path.join(home, ".matplotlib")):
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o777)
    if fonts:
        add_fonts(home)
    return home


def add_fonts(home: str) -> None:
    """Copy matplotlib's font list into a :func:`kernel_home` (finding it imports matplotlib's
    font manager: a third of a second, the first time in a process)."""
    for f in _font_cache():
        dest = shutil.copy(f, os.path.join(home, ".matplotlib"))
        os.chmod(dest, 0o666)


# --------------------------------------------------------------------------- commands

def launcher_command(cmd: list[str], *, home: str, limits: Limits, binds: list[str] = (),
                     pid_namespace: bool = False, network: bool = True, after: list[str] = ()) -> list[str]:
    """The command that runs ``cmd`` under ``limits`` in the sandbox (via :func:`main`);
    with ``after``, once those paths exist (see :func:`wait_for`)."""
    out = [sys.executable, "-m", "tobops.grade.sandbox", "--home", home, "--parent", str(os.getpid()),
           "--memory-mb", str(limits.memory_mb), "--cpu-seconds", str(limits.cpu_seconds),
           "--file-mb", str(limits.file_mb)]
    for path in after:
        out += ["--after", path]
    for d in binds:
        out += ["--bind", d]
    if pid_namespace:
        out.append("--pid-namespace")
    if not network:
        out.append("--no-network")
    return out + ["--", *cmd]


def read_only_view() -> list[str]:
    """bwrap arguments showing the system, Python and the course package, read-only."""
    args: list[str] = []
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for d in _package_dirs():
        args += ["--ro-bind", d, d]
    return args


def bwrap_args(*, home: str, binds: list[tuple[str, str]] = (), ro_binds: list[tuple[str, str]] = (),
               pid_namespace: bool = False, network: bool = True, as_nobody: bool = True) -> list[str]:
    """The bubblewrap command line (up to and including ``--``) that shows a process only the
    system, Python and the course package (read-only), its ``home`` and the given
    ``(source, target)`` folders; every capability dropped, its own user, IPC and UTS
    namespaces, a private ``/tmp``; optionally its own process ids and no network.
    Grading kernels, the fork server's template and the hub's trainee servers all run in it."""
    args = [bwrap(), "--die-with-parent", "--cap-drop", "ALL", "--unshare-user"]
    if as_nobody:
        args += ["--uid", str(NOBODY), "--gid", str(NOBODY)]
    args += ["--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--proc", "/proc", "--dev", "/dev",
             "--tmpfs", "/tmp"]
    if pid_namespace:
        args.append("--unshare-pid")
    if not network:
        args.append("--unshare-net")
    args += read_only_view()
    for src, dst in ro_binds:
        args += ["--ro-bind", str(src), str(dst)]
    for src, dst in binds:
        args += ["--bind", str(src), str(dst)]
    return args + ["--bind", home, home, "--chdir", home, "--"]


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (exists, and is not a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return not f.read().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def die_with_parent(parent: int | None = None) -> None:
    """Be killed when the process that started this one ends; with ``parent`` (its pid),
    be killed now if it has ended already, as the kernel would have done. (bwrap's
    ``--die-with-parent`` only starts once bwrap runs: a parent that ends before would leave
    the sandbox, and a fork server's template in it, running for ever.)"""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # kept across exec
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)  # the signal the kernel would have sent


def wait_for(paths: list[str]) -> None:
    """Sleep until every one of ``paths`` exists, or the folder of one is gone (what was to
    make it has stopped). (The process that started this one ending ends it too: ``--parent``.)"""
    while not all(os.path.exists(p) for p in paths) and all(os.path.isdir(os.path.dirname(p)) for p in paths):
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tobops.grade.sandbox")
    parser.add_argument("--home", required=True, help="private, writable home for the kernel")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--cpu-seconds", type=int, default=Limits.cpu_seconds)
    parser.add_argument("--file-mb", type=int, default=Limits.file_mb)
    parser.add_argument("--bind", action="append", default=[], help="another writable folder to share")
    parser.add_argument("--pid-namespace", action="store_true", help="own process ids (for the fork server)")
    parser.add_argument("--no-network", action="store_true",
                        help="no network at all, not even localhost (kernels that talk over Unix sockets)")
    parser.add_argument("--parent", type=int, default=0,
                        help="the process that started this one: if it ends, so does the sandbox")
    parser.add_argument("--after", action="append", default=[],
                        help="start once this path exists, e.g. another process's sign that it is ready "
                             "(repeatable; or once the folder of one is gone)")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.parent:
        die_with_parent(args.parent)
    if args.after:
        wait_for(args.after)
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        parser.error("no kernel command given")

    mem = args.memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (args.cpu_seconds, args.cpu_seconds + 5))
    fsize = args.file_mb << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    home = args.home
    # a clean environment: nothing of the grader's (e.g. a JupyterHub API token) reaches trainee code
    kept = {k: v for k, v in os.environ.items() if k in KEEP_ENV or k.startswith("LC_")}
    os.environ.clear()
    os.environ.update(kept)
    os.environ.update(HOME=home, MPLCONFIGDIR=os.path.join(home, ".matplotlib"),
                      IPYTHONDIR=os.path.join(home, ".ipython"), JUPYTER_RUNTIME_DIR=os.path.join(home, ".runtime"),
                      OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                      PYDEVD_DISABLE_FILE_VALIDATION="1")
    if bwrap():
        ro = []
        if "-f" in cmd:  # the kernel's connection file, read-only
            conn = cmd[cmd.index("-f") + 1]
            ro.append((conn, conn))
        cmd = bwrap_args(home=home, binds=[(d, d) for d in args.bind], ro_binds=ro,
                         pid_namespace=args.pid_namespace, network=not args.no_network) + cmd
        # bwrap would die of the SIGINT that interrupts a timed-out cell, killing the
        # kernel with it; ignored here, it passes through to the kernel, which installs
        # its own SIGINT handler while it runs a cell
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    else:
        os.chdir(home)
    # the kernel's own log lines (e.g. its TCP notice) are not for the grader's screen
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    exe = cmd[0] if os.path.isabs(cmd[0]) else shutil.which(cmd[0]) or cmd[0]
    os.execv(exe, cmd)


if __name__ == "__main__":
    main()
