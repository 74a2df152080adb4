"""nbgrader settings for ToB Ops Academy.

Read by the nbgrader CLI and the JupyterLab extensions when they start in this folder.
The course id, the exchange folder and the limits on graded trainee code come from
tobops.settings (one place; TOBOPS_* environment variables override the defaults there,
e.g. TOBOPS_EXCHANGE or TOBOPS_CELL_TIMEOUT); `tobops grade --cell-timeout ...` passes its
own on top.
"""
from tobops.settings import Settings

c = get_config()  # noqa: F821  (provided by nbgrader)

Settings.load().apply(c)  # course id, course folder assignments/, gradebook, exchange, limits

# on the course hub each trainee has private inbound/feedback folders (tobops/room/exchange.py);
# without a hub these behave exactly like nbgrader's own
c.ExchangeFactory.collect = "tobops.room.exchange.PrivateCollect"
c.ExchangeFactory.release_feedback = "tobops.room.exchange.PrivateReleaseFeedback"

# grading: trainee code runs in a sandboxed kernel with limits (tobops/grade/sandbox.py), with
# plain tracebacks and no input-history database, and is shut down at once when done
c.Execute.kernel_manager_class = "tobops.grade.sandbox.SandboxedKernelManager"
c.Execute.extra_arguments = ["--HistoryManager.enabled=False", "--InteractiveShell.xmode=Plain"]
c.Execute.shutdown_kernel = "immediate"
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
