"""Feedback that never shows answer keys.

``nbgrader generate_feedback`` renders the *autograded* notebook, which contains the
hidden tests restored by nbgrader, and Python tracebacks that quote the failing test
line. :class:`HideAnswerKeys` (enabled in ``nbgrader_config.py``) removes both from the
feedback copy: hidden-test regions are cut out of test cells, and the outputs of test
cells keep only the error's one-line message, which names the item and the lesson
section to revisit.
"""
from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"


def strip_hidden(source: str) -> tuple[str, bool]:
    kept, hiding, removed = [], False, False
    for line in source.splitlines():
        if BEGIN in line:
            hiding = removed = True
        elif END in line:
            hiding = False
        elif not hiding:
            kept.append(line)
    return "\n".join(kept), removed


def _is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


class HideAnswerKeys(Preprocessor):
    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if not _is_test_cell(cell):
            return cell, resources
        cell.source, _ = strip_hidden(cell.source)
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                msg = str(out.get("evalue", "")).strip() or "this check did not pass"
                out.traceback = [f"{out.ename}: {msg}"]
        return cell, resources
