"""nbgrader settings for ToB Ops Academy.

Read by the nbgrader CLI and the JupyterLab extensions when they start in this folder.
Environment variables let an instructor change what differs between machines:
TOBOPS_EXCHANGE (where assessments are released and submitted; default ./.exchange),
TOBOPS_CELL_TIMEOUT (seconds per cell when grading; default 30),
TOBOPS_NOTEBOOK_TIMEOUT (seconds per notebook; default 300),
TOBOPS_MAX_OUTPUT_KB (output kept per cell; default 1000).
Memory, CPU and file-size limits of graded code: see tobops/sandbox.py.
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "tobops-academy"
c.CourseDirectory.root = "assignments"
c.Exchange.root = os.environ.get("TOBOPS_EXCHANGE", os.path.abspath(".exchange"))
# on the course hub each trainee has private inbound/feedback folders (tobops/exchange.py);
# without a hub these behave exactly like nbgrader's own
c.ExchangeFactory.collect = "tobops.room.exchange.PrivateCollect"
c.ExchangeFactory.release_feedback = "tobops.room.exchange.PrivateReleaseFeedback"

# grading: trainee code runs in a limited kernel (tobops/sandbox.py), is stopped after
# TOBOPS_CELL_TIMEOUT seconds a cell, and its kernel is shut down at once when done
c.Execute.timeout = int(os.environ.get("TOBOPS_CELL_TIMEOUT", "30"))
c.Execute.shutdown_kernel = "immediate"
c.Execute.kernel_manager_class = "tobops.grade.sandbox.SandboxedKernelManager"
c.LimitedExecute.notebook_timeout = int(os.environ.get("TOBOPS_NOTEBOOK_TIMEOUT", "300"))
c.LimitedExecute.max_output_bytes = 1000 * int(os.environ.get("TOBOPS_MAX_OUTPUT_KB", "1000"))
c.Autograde.autograde_preprocessors = [
    "tobops.grade.execute.LimitedExecute",  # nbgrader's Execute plus notebook and output limits
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# what trainees see in place of solutions
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# feedback shows scores and comments, never hidden tests or answer keys
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "tobops.grade.feedback.HideAnswerKeys",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
