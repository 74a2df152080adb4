"""Feedback that never shows keys or the graders' notes.

``nbgrader generate_feedback`` renders the *autograded* notebook. Keys never were in it
(the grader scores reported answers, :mod:`tobops.grade.scoring`), but the grader put the
rubric levels and anchor answers of each written item beside the trainee's answer for
formgrader. :class:`HideAnswerKeys` (enabled in ``nbgrader_config.py``) removes those
cells from the feedback copy, and keeps the outputs of graded cells to what the trainee
should read: the answer they gave and, when it was wrong, one line naming the lesson
section to revisit (never the right answer: the same variant may reach a colleague).
Hidden-test regions, should an instructor ever add one by hand, are cut out too.

The page speaks the trainee's language: :func:`configure` points nbgrader's HTML exporter at
``templates/feedback/tobops-feedback.html.j2``, nbgrader's own feedback page with its words
in English or Simplified Chinese (the language the grader recorded in the notebook).
"""
from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from tobops.assess.items import is_test_cell

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def configure(c) -> None:
    """nbgrader config: feedback pages from our template (found before nbgrader's, which it
    extends), also when formgrader's button asks for nbgrader's template by name."""
    import nbgrader

    nbgrader_templates = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.template_file = "tobops-feedback.html.j2"
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
GRADER_ONLY = "grader_only"


def strip_hidden(source: str) -> tuple[str, bool]:
    """The source without hidden-test regions, and whether there was one."""
    kept, hiding, found = [], False, False
    for line in source.splitlines():
        if BEGIN in line:
            hiding = found = True
        elif END in line:
            hiding = False
        elif not hiding:
            kept.append(line)
    return "\n".join(kept), found


class HideAnswerKeys(Preprocessor):
    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off unless enabled

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if not c.metadata.get("tobops", {}).get(GRADER_ONLY)]
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if not is_test_cell(cell):
            return cell, resources
        cell.source, _ = strip_hidden(cell.source)
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                msg = str(out.get("evalue", "")).strip() or "this check did not pass"
                out.traceback = [f"{out.ename}: {msg}"]
        return cell, resources
