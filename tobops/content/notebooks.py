"""Small notebook utilities shared by the tests and the authoring tools.

* :func:`clean` clears outputs and execution counts and sets the ``python3`` kernelspec,
  the state every committed notebook is in.
* :func:`execute` runs a notebook top to bottom with nbclient and returns the problems a
  trainee would see: errors and anything written to stderr (warnings included).
"""
from __future__ import annotations

from pathlib import Path

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


def execute(path: str | Path, timeout: int = 120) -> tuple[nbformat.NotebookNode, list[str]]:
    """Run the notebook in its own directory; return the executed copy and its problems."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}}, shutdown_kernel="immediate",
    )
    client.execute()
    return nb, problems(nb)
