"""Small notebook utilities shared by the tests and the authoring tools.

* :func:`clean` clears outputs and execution counts and sets the ``python3`` kernelspec,
  the state every committed notebook is in.
* :func:`execute` runs a notebook top to bottom with nbclient and returns the problems a
  trainee would see: errors and anything written to stderr (warnings included).
* :class:`PatientClient` is the kernel client every notebook run of the course uses (the
  lessons' check, the grader, the self-check, the trainee's *Validate*): it never waits
  for a kernel's message longer than it must (see :class:`RepollChannel`).
"""
from __future__ import annotations

import time
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

if TYPE_CHECKING:  # nbformat is imported where it is used: the sandbox's launcher imports this module
    import nbformat

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


def clean_file(path: str | Path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.write(clean(nb), path)


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Errors and stderr output in an executed notebook, one line each."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(f"cell {i}: stderr: {out.text.strip()[:300]}")
    return found


#: seconds between two looks at a kernel channel that has not signalled a message
REPOLL_S = 0.2


class RepollChannel(AsyncZMQSocketChannel):
    """jupyter_client's channel, except that a wait for a message looks at the socket again
    every :data:`REPOLL_S` seconds instead of once.

    pyzmq's asyncio wait can miss the (edge-triggered) wake-up of a message that has
    arrived; the wait then ends only at its timeout, when it looks again and finds the
    message. Under load it did, a few times per full test run: a lesson's cell replied at
    once and the run still stood still for the whole cell timeout (300 s), then went on
    as if nothing had happened. A fresh look at the socket finds such a message, so a
    missed wake-up now costs at most a fifth of a second."""

    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = REPOLL_S if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await super().get_msg(timeout=min(REPOLL_S, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class PatientClient(AsyncKernelClient):
    """An async kernel client whose shell, IOPub, stdin and control channels re-poll."""

    shell_channel_class = Type(RepollChannel)
    iopub_channel_class = Type(RepollChannel)
    stdin_channel_class = Type(RepollChannel)
    control_channel_class = Type(RepollChannel)


class PatientKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, handing out :class:`PatientClient` s."""

    client_class = DottedObjectName("tobops.content.notebooks.PatientClient")
    client_factory = Type(PatientClient, klass=AsyncKernelClient)


def execute(path: str | Path, timeout: int = 120) -> tuple[nbformat.NotebookNode, list[str]]:
    """Run the notebook in its own directory; return the executed copy and its problems."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}}, shutdown_kernel="immediate",
        kernel_manager_class=PatientKernelManager,
    )
    client.execute()
    return nb, problems(nb)
