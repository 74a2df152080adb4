"""The kernel managers nbgrader grades with: every kernel starts inside the sandbox.

``nbgrader_config.py`` sets ``Execute.kernel_manager_class`` to
:class:`SandboxedKernelManager`, so stock ``nbgrader autograde`` starts each kernel through
the launcher of :mod:`tobops.grade.sandbox`: under limits, in a private view of the
filesystem, with no network. ``tobops grade`` uses :class:`ForkingKernelManager`, whose
kernels are forked from a warm template that runs in that same sandbox
(:mod:`tobops.grade.forkserver`): jupyter_client and nbclient manage them as ordinary
kernels (interrupting a cell that runs too long, killing the kernel at shutdown, noticing
a kernel that died), through a kernel provisioner (:class:`ForkProvisioner`) that talks to
the template instead of starting a process. They live apart from the launcher and the
template's module because they need jupyter_client, which those should not import.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import tempfile
import time
import uuid
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.provisioning import LocalProvisioner
from traitlets import CaselessStrEnum, DottedObjectName, Integer, Type, default

from tobops.content.notebooks import PatientClient, PatientKernelManager
from tobops.grade.forkserver import server
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
            await asyncio.sleep(0.001)
        self._close()
        return self._status

    async def send_signal(self, signum: int) -> None:
        # jupyter_client interrupts a kernel before killing it at shutdown: no need, it is killed at once
        if signum == signal.SIGINT and self._sock is not None and not self.parent.shutting_down:
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

    client_class = DottedObjectName("tobops.grade.kernel.QuickReadyClient")
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
        await super()._async_wait(pollinterval=min(pollinterval, 0.001))

    def format_kernel_cmd(self, extra_arguments=None):
        # only the kernel's own arguments (nbgrader's Execute.extra_arguments): the template
        # is the kernel's Python
        return list(extra_arguments or [])
