"""Run a trainee's notebook kernel under limits, away from the instructor's files.

nbgrader executes trainee code in an ordinary kernel that can read anything the grader
can: the answer keys in ``source/``, ``gradebook.db``, other trainees' work. This module
is the kernel launcher used for grading (``nbgrader_config.py`` points
``Execute.kernel_manager_class`` here, so stock ``nbgrader autograde`` and ``tobops
grade`` both use it):

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

Limits come from environment variables so the instructor can set them in one place:
``TOBOPS_MEMORY_MB`` (default 1024), ``TOBOPS_CPU_SECONDS`` (default 300),
``TOBOPS_FILE_MB`` (default 64).
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
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum, default

NOBODY = 65534
#: The only environment variables a sandboxed kernel inherits from the grader.
KEEP_ENV = {"PATH", "LANG", "LANGUAGE", "TZ", "TERM", "JPY_PARENT_PID", "JPY_SESSION_NAME",
            "TOBOPS_DATA_DIR", "VIRTUAL_ENV", "PYTHONHASHSEED"}
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")


def limits() -> dict[str, int]:
    return {
        "memory_mb": int(os.environ.get("TOBOPS_MEMORY_MB", "1024")),
        "cpu_seconds": int(os.environ.get("TOBOPS_CPU_SECONDS", "300")),
        "file_mb": int(os.environ.get("TOBOPS_FILE_MB", "64")),
    }


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


def isolation() -> str:
    """One line describing how trainee code is isolated on this machine."""
    lim = limits()
    base = f"memory {lim['memory_mb']} MB, CPU {lim['cpu_seconds']} s, files {lim['file_mb']} MB"
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


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start through :func:`main` (this module).

    The kernel talks to the grader over Unix sockets in a folder of their own instead of
    TCP, so under bubblewrap it gets no network at all (``--no-network``): trainee code
    cannot reach a hub, a database or anything else listening on localhost."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)
    _sandbox_home: str | None = None
    _ipc_dir: str | None = None

    @default("ip")
    def _ip_default(self) -> str:
        return os.path.join(self._ipc_folder(), "kernel") if self.transport == "ipc" else "127.0.0.1"

    def _ipc_folder(self) -> str:
        """Where the kernel's sockets go: a private folder, bound into its sandbox."""
        self._ipc_dir = tempfile.mkdtemp(prefix="tobops-ipc-")
        os.chmod(self._ipc_dir, 0o777)  # the kernel runs as nobody
        return self._ipc_dir

    def _network_args(self) -> list[str]:
        if self.transport == "ipc" and self._ipc_dir:
            return ["--no-network", "--bind", self._ipc_dir]
        return []

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        lim = limits()
        home = tempfile.mkdtemp(prefix="tobops-kernel-")
        self._sandbox_home = home
        os.makedirs(os.path.join(home, ".matplotlib"))
        for f in _font_cache():
            shutil.copy(f, os.path.join(home, ".matplotlib"))
        os.chmod(home, 0o777)  # the kernel runs as nobody
        for d, _, files in os.walk(home):
            os.chmod(d, 0o777)
            for f in files:
                os.chmod(os.path.join(d, f), 0o666)
        return [sys.executable, "-m", "tobops.grade.sandbox", "--home", home, *self._network_args(),
                "--memory-mb", str(lim["memory_mb"]), "--cpu-seconds", str(lim["cpu_seconds"]),
                "--file-mb", str(lim["file_mb"]), "--", *cmd]

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._sandbox_home:
            shutil.rmtree(self._sandbox_home, ignore_errors=True)
            self._sandbox_home = None
        if self._ipc_dir and not restart:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)


def read_only_view() -> list[str]:
    """bwrap arguments showing the system, Python and the course package, read-only
    (shared by grading kernels and the hub's trainee servers)."""
    args: list[str] = []
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for d in _package_dirs():
        args += ["--ro-bind", d, d]
    return args


def _bwrap_cmd(cmd: list[str], home: str, binds: list[str] = (), pid_namespace: bool = False,
               network: bool = True) -> list[str]:
    args = [bwrap(), "--die-with-parent", "--cap-drop", "ALL", "--unshare-user", "--uid", str(NOBODY),
            "--gid", str(NOBODY), "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    if pid_namespace:
        args.append("--unshare-pid")
    if not network:
        args.append("--unshare-net")
    args += read_only_view()
    if "-f" in cmd:  # the connection file, read-only
        conn = cmd[cmd.index("-f") + 1]
        args += ["--ro-bind", conn, conn]
    for d in binds:
        args += ["--bind", d, d]
    args += ["--bind", home, home, "--chdir", home, "--"]
    return args + cmd


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tobops.grade.sandbox")
    parser.add_argument("--home", required=True, help="private, writable home for the kernel")
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--cpu-seconds", type=int, default=300)
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--bind", action="append", default=[], help="another writable folder to share")
    parser.add_argument("--pid-namespace", action="store_true", help="own process ids (for the fork server)")
    parser.add_argument("--no-network", action="store_true",
                        help="no network at all, not even localhost (kernels that talk over Unix sockets)")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
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
        cmd = _bwrap_cmd(cmd, home, args.bind, args.pid_namespace, network=not args.no_network)
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
