"""The feedback copy of a graded notebook (HideAnswerKeys, run by nbgrader generate_feedback)
drops the graders' rubric notes, cuts any hidden-test region an instructor added by hand,
and shortens a failed check to its one-line message (no traceback with code in it)."""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tobops.grade.feedback import GRADER_ONLY, HideAnswerKeys


def _graded(source, **outputs):
    return new_code_cell(source, outputs=list(outputs.values()),
                         metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "q1_check", "points": 2}})


def test_feedback_keeps_what_the_trainee_should_read_and_nothing_else():
    note = new_markdown_cell("**For the grader only** (q7, variant q7b): anchor answer ...",
                             metadata={"tobops": {GRADER_ONLY: True}})
    hidden = _graded("checks.record('q1', globals())\n### BEGIN HIDDEN TESTS\nassert q1 == 'C'\n### END HIDDEN TESTS")
    failed = _graded("checks.record('q2', globals())", err=new_output(
        "error", ename="FormatError", evalue="q2 has no value yet: run your answer cell",
        traceback=["Traceback ...", "  File '<cell>', line 1, in <module>", "    q2 == secret_key"]))
    plain = new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="nothing secret\n")])
    nb = nbformat.from_dict(new_notebook(cells=[note, hidden, failed, plain]))
    out, _ = HideAnswerKeys().preprocess(nb, {})
    text = nbformat.writes(out)
    assert "For the grader only" not in text and len(out.cells) == 3
    assert "q1 == 'C'" not in text and "HIDDEN TESTS" not in text
    assert out.cells[0].source.strip() == "checks.record('q1', globals())"
    assert out.cells[1].outputs[0].traceback == ["FormatError: q2 has no value yet: run your answer cell"]
    assert "secret_key" not in text
    assert out.cells[2].outputs[0].text == "nothing secret\n"
