"""Scores computed by the grader, in its own process, after the trainee's kernel is gone.

The trainee's kernel only *reports* answers (:func:`tobops.assess.checks.record`: a JSON
value in an output). :class:`ScoreAnswers` runs in nbgrader's autograde pipeline right
after the notebook has been executed (``nbgrader_config.py`` puts it there, so stock
``nbgrader autograde`` and ``tobops grade`` take the same path). It

1. derives the trainee's form from the course seed, the assessment, the **nbgrader student
   id** and their current attempt (never from anything in the submission) and computes its
   keys from the item bank, which the kernel never saw;
2. replaces each graded cell's outputs with the answer it reported and, when it is wrong, an
   error that names the lesson section to revisit: nbgrader's own ``SaveAutoGrades`` then
   scores the cell 0 or full, as for any test cell, so the gradebook, formgrader,
   ``nbgrader export`` and feedback keep working;
3. names what looks like tampering (a report outside its cell, more than one report, a graded
   cell that ran but reported nothing, an answer that is not plain data, a notebook that is
   not the trainee's own form, and the code findings of :mod:`tobops.grade.integrity`) in the
   notebook's metadata, where ``tobops grade`` reads them;
4. puts the rubric levels and anchor answers of the trainee's variant of each written item
   beside their answer, for the grader in formgrader (feedback removes them).

A forged report can only change *what* the trainee answered, never whether it is right.
"""
from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_markdown_cell, new_output
from traitlets import Bool

from tobops.assess import bank as bank_mod
from tobops.assess import forms
from tobops.assess.checks import REPORT_MIME
from tobops.assess.items import is_test_cell, nbgrader_meta
from tobops.grade import integrity
from tobops.grade.roster import Roster, course_seed

GRADER_ONLY = "grader_only"  # metadata.tobops flag of cells feedback must drop

TEXT = {
    "answered": {"en": "{item}: your answer was {value}.", "zh": "{item}：你的答案是 {value}。"},
    "wrong": {"en": "{item} is not right. Revisit {where}.", "zh": "{item} 答得不对。请复习{where}。"},
    "none": {"en": "{item}: no answer was recorded (its check cell ran but reported nothing).",
             "zh": "{item}：没有记录到答案（检查单元格运行了，但没有上报答案）。"},
    "where": {"en": "Lesson {n:02d}, section {section} ({title})", "zh": "第 {n:02d} 课第 {section} 节（{title}）"},
    "grader": {"en": "**For the grader only** ({item}, variant {variant}; not shown to the trainee):",
               "zh": "**仅供评分老师参考**（{item}，题目版本 {variant}；学员看不到）："},
    "example": {"en": "Example:", "zh": "示例："},
    "model": {"en": "A full-marks answer:", "zh": "满分答案示例："},
}


class NoBankError(RuntimeError):
    pass


def _t(key: str, lang: str, **kw) -> str:
    return TEXT[key]["zh" if lang == "zh" else "en"].format(**kw)


def where(slot, lang: str) -> str:
    from tobops.content.course import lesson

    les = lesson(slot.objective.split(".")[0])
    return _t("where", lang, n=les.number, section=slot.section, title=les.section_title(slot.section, lang))


def reports(cell) -> list[dict]:
    return [o["data"][REPORT_MIME] for o in cell.get("outputs", [])
            if o.get("output_type") in ("display_data", "execute_result") and REPORT_MIME in o.get("data", {})
            and isinstance(o["data"][REPORT_MIME], dict)]


def rubric_for_graders(slot, variant, lang: str) -> str:
    lines = [_t("grader", lang, item=slot.id, variant=variant.id), ""]
    for c in variant.criteria:
        lines.append(f"**{c.name(lang)}**")
        for lv in c.levels:
            lines.append(f"- **{lv.points}**: {lv.desc(lang)} *{_t('example', lang)}* {lv.anchor(lang)}")
        lines.append("")
    lines.append(f"*{_t('model', lang)}* {variant.model(lang)}")
    return "\n".join(lines)


def score_notebook(nb, bank, form, lang: str = "en") -> dict:
    """Score ``nb`` (executed) on ``form`` in place; returns what was found (also stored in
    ``nb.metadata.tobops.grading``)."""
    keys = forms.keys(bank, form)
    findings: list[str] = []
    answers: dict[str, object] = {}
    submitted = nb.metadata.get("tobops", {}).get("form", {})
    if submitted.get("id") and submitted["id"] != form.id:
        findings.append(f"the notebook is form {submitted['id']}, not this trainee's form {form.id} "
                        f"(attempt {form.attempt}): graded on their own form")
    expected_setup = {forms.setup_code(bank, form, lang).strip(), forms.setup_code(bank, form, "en").strip()}
    findings += integrity.scan(nb, trusted=expected_setup)

    check_cells = {}
    for i, cell in enumerate(nb.cells):
        tag = cell.metadata.get("tobops", {})
        if is_test_cell(cell) and tag.get("kind") in ("choice", "numeric"):
            check_cells[tag["item"]] = i
    for i, cell in enumerate(nb.cells):
        for r in reports(cell):
            item = r.get("item")
            if check_cells.get(item) != i:
                findings.append(f"cell {i}: a report for {item} outside its check cell")

    for item, i in check_cells.items():
        cell = nb.cells[i]
        slot = bank.slot(item)
        mine = [r for r in reports(cell) if r.get("item") == item]
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if len(mine) > 1:
            findings.append(f"cell {i} ({item}): {len(mine)} reports of one answer")
        if mine:
            r = mine[-1]
            value = r.get("value")
            answers[item] = value
            if not r.get("plain", False) or not isinstance(value, (str, int, float)) or isinstance(value, bool):
                findings.append(f"cell {i} ({item}): the answer is not plain data "
                                f"(a {r.get('type', type(value).__name__)}); scored on its plain value {value!r}")
            out = [new_output("stream", name="stdout", text=_t("answered", lang, item=item, value=repr(value)) + "\n")]
            if not forms.correct(keys[item], value):
                msg = _t("wrong", lang, item=item, where=where(slot, lang))
                out.append(new_output("error", ename="WrongAnswer", evalue=msg, traceback=[f"WrongAnswer: {msg}"]))
            cell.outputs = out
        elif errors:
            cell.outputs = errors[-1:]  # e.g. the answer is missing or has the wrong form: scores 0
        else:
            findings.append(f"cell {i} ({item}): the check cell ran but reported nothing")
            msg = _t("none", lang, item=item)
            cell.outputs = [new_output("error", ename="NoAnswer", evalue=msg, traceback=[f"NoAnswer: {msg}"])]

    # written items: the trainee's variant of the rubric, beside their answer, for the grader
    inserts = []
    for i, cell in enumerate(nb.cells):
        tag = cell.metadata.get("tobops", {})
        if tag.get("kind") == "written" and nbgrader_meta(cell).get("grade") and tag.get("item"):
            slot = bank.slot(tag["item"])
            variant = slot.variant(form.pick(slot.id).variant)
            note = new_markdown_cell(rubric_for_graders(slot, variant, lang))
            note.metadata["tobops"] = {GRADER_ONLY: True}
            inserts.append((i + 1, note))
    for offset, (i, note) in enumerate(inserts):
        nb.cells.insert(i + offset, note)

    grading = {"form": form.as_dict(), "lang": lang, "answers": answers, "findings": findings}
    nb.metadata.setdefault("tobops", {})["grading"] = grading
    return grading


class ScoreAnswers(Preprocessor):
    """The autograde step that scores reported answers (see the module docstring)."""

    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off unless enabled

    def preprocess(self, nb, resources):
        from nbgrader.coursedir import CourseDirectory

        info = resources["nbgrader"]
        student, assessment = info["student"], info["assignment"]
        root = Path(CourseDirectory(config=self.config).root)
        path = bank_mod.bank_dir(root) / f"{assessment}.toml"
        if not path.exists():
            raise NoBankError(f"no item bank for {assessment} ({path}): its answers cannot be scored")
        bank = bank_mod.load(path)
        db = info["db_url"].split("?", 1)[0].removeprefix("sqlite:///")
        roster = Roster(db)
        form = forms.draw(bank, course_seed(root), student, roster.attempt(student, assessment))
        score_notebook(nb, bank, form, roster.lang(student))
        return nb, resources
