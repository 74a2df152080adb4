"""Assessment items and their tags, read from the source notebooks.

Every graded cell of an assessment carries ``metadata.tobops``::

    {"item": "q1", "lesson": "L02", "objective": "L02.O1", "section": "2.2",
     "kind": "choice", "points": 2, "options": "ABCD", "answer_var": "q1"}

A written item's rubric (criteria, levels, anchors) lives in the item bank, per variant
(:mod:`tobops.assess.bank`). The item's nbgrader ``grade_id`` is the cell's
``metadata.nbgrader.grade_id``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

KINDS = ("choice", "numeric", "written")
#: The cells of an item besides its graded cell (whose grade_id is the item id itself, e.g.
#: ``q1``): ``q1_prompt`` (the question), ``q1_answer`` (the trainee's answer), ``q1_format``
#: (the visible 0-point format check).
ROLES = ("prompt", "answer", "format")


def cell_id(item: str, role: str) -> str:
    """The nbgrader grade_id of an item's cell in the given role (see :data:`ROLES`)."""
    if role not in ROLES:
        raise ValueError(f"unknown cell role {role!r}; one of {ROLES}")
    return f"{item}_{role}"


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata (empty for cells nbgrader does not track)."""
    return (cell.get("metadata") or {}).get("nbgrader") or {}


def is_test_cell(cell) -> bool:
    """An autograded test cell: a code cell that nbgrader grades and the trainee does not write."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


@dataclass(frozen=True)
class Item:
    assessment: str
    item: str             # "q1"
    grade_id: str         # nbgrader grade_id of the graded cell
    lesson: str
    objective: str
    section: str
    kind: str
    points: float
    options: str = ""
    answer_var: str = ""
    tolerance: float | None = None
    level: str = ""
    prompt: str = ""


def _prompt_before(cells, index: int) -> str:
    for cell in reversed(cells[:index]):
        if cell.cell_type == "markdown":
            return cell.source.strip()
    return ""


def read_items(notebook, assessment: str | None = None) -> list[Item]:
    """Items of an assessment notebook (a path, or a NotebookNode with ``assessment`` given)."""
    if isinstance(notebook, (str, Path)):
        nb = nbformat.read(notebook, as_version=4)
        assessment = assessment or Path(notebook).stem
    else:
        nb = notebook
    out = []
    for i, cell in enumerate(nb.cells):
        tag = cell.metadata.get("tobops")
        nbg = cell.metadata.get("nbgrader", {})
        if not tag or "item" not in tag:
            continue
        out.append(Item(
            assessment=assessment, item=tag["item"], grade_id=nbg.get("grade_id", ""),
            lesson=tag["lesson"], objective=tag["objective"], section=str(tag.get("section", "")),
            kind=tag["kind"], points=float(tag["points"]), options=tag.get("options", ""),
            answer_var=tag.get("answer_var", ""), tolerance=tag.get("tolerance"), level=tag.get("level", ""),
            prompt=_prompt_before(nb.cells, i) if tag["kind"] != "written" else _prompt_before(nb.cells, i),
        ))
    return out


def problems(notebook: str | Path) -> list[str]:
    """Inconsistencies between the tobops tags and nbgrader's metadata."""
    nb = nbformat.read(notebook, as_version=4)
    found, seen = [], set()
    for cell in nb.cells:
        tag, nbg = cell.metadata.get("tobops"), cell.metadata.get("nbgrader", {})
        if nbg.get("grade") and float(nbg.get("points", 0)) > 0 and not (tag or {}).get("item"):
            found.append(f"graded cell {nbg.get('grade_id')} has no tobops item tag")
        if not tag or "item" not in tag:
            continue  # not an item's graded cell (a form's header, setup or prompt cell)
        gid = nbg.get("grade_id")
        if tag.get("item") in seen:
            found.append(f"item {tag.get('item')} tagged twice")
        seen.add(tag.get("item"))
        if not nbg.get("grade"):
            found.append(f"item {tag.get('item')}: tagged cell {gid} is not an nbgrader grade cell")
        if float(nbg.get("points", -1)) != float(tag.get("points", -2)):
            found.append(f"item {tag.get('item')}: points {tag.get('points')} != nbgrader points {nbg.get('points')}")
        if tag.get("kind") not in KINDS:
            found.append(f"item {tag.get('item')}: kind {tag.get('kind')!r} not one of {KINDS}")
    return found
