"""Kernels in a trainee's JupyterLab talk to their server over Unix sockets, each kernel in
a folder of its own, not over localhost ports.

Every trainee's server on a hub shares the machine's network. A kernel's TCP ports are
picked by binding port 0 and letting go of it, then the kernel binds them a second later:
with twenty trainees pressing *Validate* at once, another server's kernel can take a port
in between, and the kernel dies before it answers ("Kernel died before replying to
kernel_info"; jupyter_client #154). Socket files in a fresh private folder cannot be
taken by anyone else, and nothing on localhost can reach them. Set in the trainee's
configuration (``hub_files/trainee``): ``LabKernelManager`` for the notebooks' kernels,
``ValidateKernelManager`` for nbgrader's *Validate*.
"""
from __future__ import annotations

import os
import shutil
import tempfile

from jupyter_client.connect import ConnectionFileMixin
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets import CaselessStrEnum, default

from tobops.content.notebooks import PatientKernelManager


class PrivateSockets(ConnectionFileMixin):
    """Unix sockets in a folder made for this kernel (under ``$TMPDIR``: the sandbox's own
    ``/tmp`` on a hub), removed with it."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)
    _socket_dir: str | None = None

    @default("ip")
    def _ip_default(self) -> str:
        if self.transport != "ipc":
            return "127.0.0.1"
        self._socket_dir = tempfile.mkdtemp(prefix="kernel-")
        return os.path.join(self._socket_dir, "k")

    def cleanup_ipc_files(self) -> None:
        super().cleanup_ipc_files()
        if self._socket_dir:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


class LabKernelManager(PrivateSockets, ServerKernelManager):
    """A notebook's kernel in the trainee's JupyterLab."""


class ValidateKernelManager(PrivateSockets, PatientKernelManager):
    """The kernel nbgrader's *Validate* runs the assessment in."""
