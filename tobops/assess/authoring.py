"""Builders for assessment notebooks, so every item has the same, correct nbgrader shape.

An assessment's items are written as a short Python spec in ``tools/assessments/``;
``python tools/build_assessments.py`` turns each into
``assignments/source/<id>/<id>.ipynb``. The cells follow docs/authoring.md:

* multiple choice: prompt, answer cell (``q1 = "B"`` as the solution), a visible 0-point
  format check, a hidden test worth the item's points;
* numeric: the same, with a tolerance;
* written: prompt with the rubric, and a manually graded markdown answer cell.

Each graded cell carries ``metadata.tobops`` (item, lesson, objective, section, kind,
points), which the grading, feedback and report tools read.
"""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tobops.content.course import lesson as get_lesson
from tobops.assess.items import cell_id
from tobops.content.notebooks import KERNELSPEC


def _nbg(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _revisit(lesson_id: str, section: str) -> str:
    les = get_lesson(lesson_id)
    title = les.section_title(section)
    return f"Revisit Lesson {les.number:02d}, section {section}" + (f" ({title})" if title else "") + "."


def markdown(grade_id: str, text: str):
    return new_markdown_cell(text.strip(), metadata=_nbg(grade_id, locked=True))


def code(grade_id: str, text: str):
    return new_code_cell(text.strip(), metadata=_nbg(grade_id, locked=True))


def _tag(item, lesson, objective, section, kind, points, **extra) -> dict:
    tag = {"item": item, "lesson": lesson, "objective": objective, "section": section, "kind": kind,
           "points": points}
    tag.update(extra)
    return tag


def choice(item: str, *, lesson: str, objective: str, section: str, points: int, prompt: str,
           options: list[str], answer: str) -> list:
    letters = "ABCDEFGH"[: len(options)]
    assert answer in letters, f"{item}: answer {answer!r} not among {letters}"
    listing = "\n".join(f"- **{letter}.** {text}" for letter, text in zip(letters, options))
    allowed = ", ".join(f'`"{x}"`' for x in letters)
    md = new_markdown_cell(
        f"### {item} ({points} points)\n\n{prompt.strip()}\n\n{listing}\n\n"
        f"Set `{item}` to one of {allowed}.",
        metadata=_nbg(cell_id(item, "prompt"), locked=True))
    ans = new_code_cell(f'### BEGIN SOLUTION\n{item} = "{answer}"\n### END SOLUTION',
                        metadata=_nbg(cell_id(item, "answer"), solution=True))
    fmt = new_code_cell(f'# Format check only (0 points): is {item} one of the letters?\n'
                        f'checks.choice("{item}", globals(), "{letters}")',
                        metadata=_nbg(cell_id(item, "format"), grade=True, locked=True, points=0))
    hidden = new_code_cell(
        f"# Hidden tests for {item} run here when your work is graded.\n"
        f"### BEGIN HIDDEN TESTS\n"
        f'assert str({item}).strip().upper() == "{answer}", "{item} is not right. {_revisit(lesson, section)}"\n'
        f"### END HIDDEN TESTS",
        metadata=_nbg(item, grade=True, locked=True, points=points))
    hidden.metadata["tobops"] = _tag(item, lesson, objective, section, "choice", points,
                                     options=letters, answer_var=item)
    return [md, ans, fmt, hidden]


DEFAULT_SETUP = "import pandas as pd\n\nfrom tobops.assess import checks\nfrom tobops.content.datasets import load"


def evaluate(item: str, solution: str, setup: str = DEFAULT_SETUP, digits: int = 6) -> float:
    """Run a numeric item's solution code and return its answer, for the hidden test key."""
    ns: dict = {}
    exec(setup, ns)  # noqa: S102 - author's own code
    exec(solution, ns)  # noqa: S102
    return round(float(ns[item]), digits)


def numeric(item: str, *, lesson: str, objective: str, section: str, points: int, prompt: str,
            solution: str, expected: float, tolerance: float, starter: str = "") -> list:
    md = new_markdown_cell(f"### {item} ({points} points)\n\n{prompt.strip()}\n\n"
                           f"Assign your result to `{item}` (a number). Tolerance: ±{tolerance:g}.",
                           metadata=_nbg(cell_id(item, "prompt"), locked=True))
    body = (starter.strip() + "\n" if starter.strip() else "") + \
        f"### BEGIN SOLUTION\n{solution.strip()}\n### END SOLUTION"
    ans = new_code_cell(body, metadata=_nbg(cell_id(item, "answer"), solution=True))
    fmt = new_code_cell(f"# Format check only (0 points): is {item} a number?\n"
                        f'checks.number("{item}", globals())',
                        metadata=_nbg(cell_id(item, "format"), grade=True, locked=True, points=0))
    hidden = new_code_cell(
        f"# Hidden tests for {item} run here when your work is graded.\n"
        f"### BEGIN HIDDEN TESTS\n"
        f'assert abs(float({item}) - ({expected!r})) <= {tolerance!r}, '
        f'"{item} is not within the tolerance. {_revisit(lesson, section)}"\n'
        f"### END HIDDEN TESTS",
        metadata=_nbg(item, grade=True, locked=True, points=points))
    hidden.metadata["tobops"] = _tag(item, lesson, objective, section, "numeric", points,
                                     answer_var=item, tolerance=tolerance)
    return [md, ans, fmt, hidden]


def written(item: str, *, lesson: str, objective: str, section: str, prompt: str,
            rubric: list[tuple[str, int]], model_answer: str) -> list:
    points = sum(p for _, p in rubric)
    rubric_md = "\n".join(f"- ({p}) {c}" for c, p in rubric)
    md = new_markdown_cell(
        f"### {item} ({points} points, graded by your instructor)\n\n{prompt.strip()}\n\n"
        f"**Rubric** (what the instructor looks for):\n\n{rubric_md}\n\n"
        f"Write your answer in the cell below (double-click it to edit).",
        metadata=_nbg(cell_id(item, "prompt"), locked=True))
    ans = new_markdown_cell(model_answer.strip(), metadata=_nbg(item, grade=True, solution=True, points=points))
    ans.metadata["tobops"] = _tag(item, lesson, objective, section, "written", points,
                                  rubric=[{"criterion": c, "points": p} for c, p in rubric])
    return [md, ans]


def assessment(assessment_id: str, *, lesson: str | None, title: str, minutes: int, intro: str,
               items: list[list], setup: str | None = None) -> nbformat.NotebookNode:
    """The notebook; ``lesson=None`` for an exam that follows the whole course."""
    if lesson:
        les = get_lesson(lesson)
        follows = f"Lesson {les.number:02d}, *{les.title}* (`{les.notebook}`)"
    else:
        follows = "all lessons, 01 to 08"
    head = markdown("header", f"""
# Assessment {assessment_id}: {title}

**Follows:** {follows} · **Time:** about {minutes} minutes

{intro.strip()}

**How to answer.** Replace each `raise NotImplementedError()` with your answer, run the
cell, then run the format check under it: it tells you only whether your answer has the
right form. Correctness is checked by hidden tests when your work is graded. Do not
rename this notebook or delete cells. Before submitting: *Kernel → Restart Kernel and
Run All Cells*, then *Validate* in the Assignments tab.
""")
    setup_cell = code("setup", setup or DEFAULT_SETUP)
    cells = [head, setup_cell] + [c for group in items for c in group]
    for cell in cells:  # stable ids keep rebuilt notebooks byte-identical
        cell.id = cell.metadata["nbgrader"]["grade_id"].replace(".", "-")
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["tobops"] = {"assessment": assessment_id, "lesson": lesson or "all", "minutes": minutes}
    return nb
