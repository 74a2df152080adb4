"""A trainee cell that prints the hidden tests while being graded (IPython keeps every
executed cell in In/_ih) must not carry them into the feedback."""
import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tobops.grade.feedback import REDACTED, HideAnswerKeys


def test_hidden_test_lines_printed_by_trainee_code_are_removed_from_feedback():
    secret = "assert q1 == 'C', 'q1: revisit lesson 02, section 2.2'"
    test = new_code_cell("checks.choice('q1', q1)\n### BEGIN HIDDEN TESTS\n" + secret + "\n### END HIDDEN TESTS",
                         metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "q1_test", "points": 2}})
    snoop = new_code_cell("print(_ih)", metadata={"nbgrader": {"grade": False, "solution": True, "grade_id": "q2"}},
                          outputs=[new_output("stream", name="stdout", text="before\n" + repr([secret]) + "\nafter\n"),
                                   new_output("execute_result", data={"text/plain": secret}, execution_count=3)])
    plain = new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="nothing secret\n")])
    nb = new_notebook(cells=[test, snoop, plain])
    out, _ = HideAnswerKeys().preprocess(nbformat.from_dict(nb), {})
    text = nbformat.writes(out)
    assert "q1 == 'C'" not in text
    assert REDACTED in out.cells[1].outputs[0].text and "before" in out.cells[1].outputs[0].text
    assert out.cells[2].outputs[0].text == "nothing secret\n"
