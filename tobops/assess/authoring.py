"""Build nbgrader's source notebook of an assessment from its item bank.

``tobops build`` (``make assessments``) writes ``assignments/source/<id>/<id>.ipynb`` from
``assignments/bank/<id>.toml``. The notebook is the bank's *reference form* (each slot's
first variant, options as authored, the course data); nbgrader's ``generate_assignment``
turns it into the release skeleton and records its graded cells, and each trainee's own
form is rendered on that skeleton at release (:func:`tobops.assess.forms.render`).

Cells, per item (docs/item-bank.md):

* a prompt (markdown, ``metadata.tobops.role = "prompt"``: filled in per form);
* choice and data tasks: an answer cell (nbgrader solution cell ``q1_answer``; for data
  tasks ``role = "starter"``: the form puts the trainee's starter code in it) and a graded
  check cell ``q1`` that calls :func:`tobops.assess.checks.record`, the same in every
  form, with no key in it: the grader scores the reported answer;
* written: a manually graded markdown answer cell ``q7``.

Every graded cell carries ``metadata.tobops`` (item, lesson, objective, section, kind,
level, points), which the grading, feedback and report tools read.
"""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tobops.assess import forms
from tobops.assess.bank import Bank, Slot
from tobops.assess.items import cell_id
from tobops.content.notebooks import KERNELSPEC


def _nbg(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def item_tag(bank: Bank, slot: Slot) -> dict:
    tag = {"item": slot.id, "lesson": slot.objective.split(".")[0], "objective": slot.objective,
           "section": slot.section, "kind": slot.kind, "level": slot.level, "points": slot.points}
    if slot.kind == "choice":
        tag.update(options=forms.LETTERS[:len(slot.variants[0].options)], answer_var=slot.id)
    elif slot.kind == "numeric":
        tag.update(answer_var=slot.id)
    return tag


def _role(cell, role: str, slot: str | None = None):
    cell.metadata["tobops"] = {forms.ROLE: role, **({"slot": slot} if slot else {})}
    return cell


def slot_cells(bank: Bank, slot: Slot, form: forms.Form) -> list:
    pick = form.pick(slot.id)
    variant = slot.variant(pick.variant)
    prompt = _role(new_markdown_cell(forms.prompt_markdown(slot, variant, pick, "en")), "prompt", slot.id)
    prompt.id = cell_id(slot.id, "prompt")
    if slot.kind == "written":
        ans = new_markdown_cell(variant.model("en"), metadata=_nbg(slot.id, grade=True, solution=True,
                                                                    points=slot.points))
        ans.metadata["tobops"] = item_tag(bank, slot)
        ans.id = slot.id
        return [prompt, ans]
    if slot.kind == "choice":
        body = f'{slot.id} = "{pick.letter_of(variant.key)}"'
        expect = forms.LETTERS[:len(variant.options)]
    else:
        body = variant.solution
        expect = "number"
    ans = new_code_cell(f"### BEGIN SOLUTION\n{body}\n### END SOLUTION",
                        metadata=_nbg(cell_id(slot.id, "answer"), solution=True))
    if slot.kind == "numeric":
        ans.metadata["tobops"] = {forms.ROLE: "starter", "slot": slot.id}
    ans.id = cell_id(slot.id, "answer")
    check = new_code_cell(f'checks.record("{slot.id}", globals(), "{expect}")',
                          metadata=_nbg(slot.id, grade=True, locked=True, points=slot.points))
    check.metadata["tobops"] = item_tag(bank, slot)
    check.id = slot.id
    return [prompt, ans, check]


def build(bank: Bank) -> nbformat.NotebookNode:
    """The source notebook of ``bank``: its reference form, in English."""
    form = forms.reference(bank)
    head = _role(new_markdown_cell(forms.header_markdown(bank, form, "en", forms.follows_text(bank, "en"))), "header")
    head.id = "header"
    setup = _role(new_code_cell(forms.setup_code(bank, form, "en")), "setup")
    setup.id = "setup"
    cells = [head, setup] + [c for slot in bank.slots for c in slot_cells(bank, slot, form)]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["tobops"] = {"assessment": bank.assessment, "lesson": bank.lesson, "minutes": bank.minutes}
    return nb


def render(bank: Bank) -> str:
    """The source notebook as committed (byte-identical for an unchanged bank)."""
    return nbformat.writes(build(bank)) + "\n"
