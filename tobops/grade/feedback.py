"""Feedback that never shows answer keys.

``nbgrader generate_feedback`` renders the *autograded* notebook, which contains the
hidden tests restored by nbgrader, and Python tracebacks that quote the failing test
line. :class:`HideAnswerKeys` (enabled in ``nbgrader_config.py``) removes both from the
feedback copy: hidden-test regions are cut out of test cells, and the outputs of test
cells keep only the error's one-line message, which names the item and the lesson
section to revisit. Trainee code could also print the hidden tests while it was graded
(IPython keeps every executed cell in ``In``/``_ih``), so any output line that quotes a
hidden-test line is replaced by a notice.
"""
from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from tobops.assess.items import is_test_cell

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"


def _split_hidden(source: str) -> tuple[list[str], list[str], bool]:
    """(lines outside hidden-test regions, lines inside them, whether there was one)."""
    kept, hidden, hiding, found = [], [], False, False
    for line in source.splitlines():
        if BEGIN in line:
            hiding = found = True
        elif END in line:
            hiding = False
        else:
            (hidden if hiding else kept).append(line)
    return kept, hidden, found


def strip_hidden(source: str) -> tuple[str, bool]:
    kept, _, removed = _split_hidden(source)
    return "\n".join(kept), removed


def hidden_lines(source: str) -> list[str]:
    return [line.strip() for line in _split_hidden(source)[1] if len(line.strip()) >= 6]


REDACTED = "[tobops: hidden test code removed from this output]"


def _redact(text: str, secrets: list[str]) -> str:
    if not any(s in text for s in secrets):
        return text
    out = []
    for line in text.split("\n"):
        out.append(REDACTED if any(s in line for s in secrets) else line)
    return "\n".join(out)


class HideAnswerKeys(Preprocessor):
    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off unless enabled

    def preprocess(self, nb, resources):
        self._secrets = sorted({ln for c in nb.cells if is_test_cell(c) for ln in hidden_lines(c.source)})
        return super().preprocess(nb, resources)

    def _redact_outputs(self, cell) -> None:
        secrets = getattr(self, "_secrets", [])
        if not secrets:
            return
        for out in cell.get("outputs", []):
            if "text" in out:
                out.text = _redact(out.text if isinstance(out.text, str) else "".join(out.text), secrets)
            for key, val in list(out.get("data", {}).items()):
                if key.startswith("text/") and isinstance(val, (str, list)):
                    out.data[key] = _redact(val if isinstance(val, str) else "".join(val), secrets)
            if out.output_type == "error":
                out.evalue = _redact(str(out.get("evalue", "")), secrets)
                out.traceback = [_redact(t, secrets) for t in out.get("traceback", [])]

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            self._redact_outputs(cell)
        if not is_test_cell(cell):
            return cell, resources
        cell.source, _ = strip_hidden(cell.source)
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                msg = str(out.get("evalue", "")).strip() or "this check did not pass"
                out.traceback = [f"{out.ename}: {msg}"]
        return cell, resources
