"""The kernel manager nbgrader grades with: every kernel starts inside the sandbox.

``nbgrader_config.py`` sets ``Execute.kernel_manager_class`` to
:class:`SandboxedKernelManager`, so stock ``nbgrader autograde`` and ``tobops grade``
(whose fork server builds on it, :mod:`tobops.grade.forkserver`) start each kernel through
the launcher of :mod:`tobops.grade.sandbox`: under limits, in a private view of the
filesystem, with no network. It lives apart from the launcher because it needs
jupyter_client, which the launcher, run once per kernel, should not import.
"""
from __future__ import annotations

import os
import shutil
import tempfile

from traitlets import CaselessStrEnum, Integer, default

from tobops.content.notebooks import PatientKernelManager
from tobops.grade.sandbox import kernel_home, launcher_command
from tobops.settings import Limits


class SandboxedKernelManager(PatientKernelManager):
    """A kernel manager whose kernels start through :func:`launcher_command`.

    The kernel talks to the grader over Unix sockets in a folder of their own instead of
    TCP, so under bubblewrap it gets no network at all: trainee code cannot reach a hub,
    a database or anything else listening on localhost."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)
    memory_mb = Integer(Limits.memory_mb, help="address space of a kernel (MB)").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU time of a kernel (s)").tag(config=True)
    file_mb = Integer(Limits.file_mb, help="largest file a kernel may write (MB)").tag(config=True)
    _sandbox_home: str | None = None
    _ipc_dir: str | None = None

    def limits(self) -> Limits:
        return Limits(memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds, file_mb=self.file_mb)

    @default("ip")
    def _ip_default(self) -> str:
        return os.path.join(self._ipc_folder(), "kernel") if self.transport == "ipc" else "127.0.0.1"

    def _ipc_folder(self) -> str:
        """Where the kernel's sockets go: a private folder, bound into its sandbox."""
        self._ipc_dir = tempfile.mkdtemp(prefix="tobops-ipc-")
        os.chmod(self._ipc_dir, 0o777)  # the kernel runs as nobody
        return self._ipc_dir

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        self._sandbox_home = kernel_home("tobops-kernel-")
        ipc = self.transport == "ipc" and self._ipc_dir
        return launcher_command(cmd, home=self._sandbox_home, limits=self.limits(),
                                binds=[self._ipc_dir] if ipc else [], network=not ipc)

    # jupyter_client's private cleanup hook (pinned in pyproject.toml): the public
    # cleanup_resources() calls it, and it is the one place that knows the kernel is gone
    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._sandbox_home:
            shutil.rmtree(self._sandbox_home, ignore_errors=True)
            self._sandbox_home = None
        if self._ipc_dir and not restart:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
