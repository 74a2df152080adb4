"""nbgrader settings for ToB Ops Academy.

Read by the nbgrader CLI and the JupyterLab extensions when they start in this folder.
The course id, the exchange folder and the limits on graded trainee code come from
tobops.settings (one place; TOBOPS_* environment variables override the defaults there,
e.g. TOBOPS_EXCHANGE or TOBOPS_CELL_TIMEOUT); `tobops grade --cell-timeout ...` passes its
own on top.
"""
from tobops.grade.feedback import configure as configure_feedback
from tobops.settings import Settings

c = get_config()  # noqa: F821  (provided by nbgrader)

Settings.load().apply(c)  # course id, course folder assignments/, gradebook, exchange, limits

# every trainee gets their own form of an assessment (tobops/assess/forms.py): releasing writes
# each one theirs, fetching brings it; on the course hub each trainee also has private inbound and
# feedback folders (tobops/room/exchange.py); without a hub these behave like nbgrader's own.
# Submitting waits for a notebook's save in progress to finish, and never sends the save's backup
c.ExchangeFactory.release_assignment = "tobops.room.exchange.FormRelease"
c.ExchangeFactory.fetch_assignment = "tobops.room.exchange.FormFetch"
c.ExchangeFactory.submit = "tobops.room.exchange.SettledSubmit"
c.ExchangeFactory.collect = "tobops.room.exchange.PrivateCollect"
c.ExchangeFactory.release_feedback = "tobops.room.exchange.PrivateReleaseFeedback"

# grading: trainee code runs in a sandboxed kernel with limits (tobops/grade/sandbox.py), with
# plain tracebacks and no input-history database, and is shut down at once when done
c.Execute.kernel_manager_class = "tobops.grade.kernel.SandboxedKernelManager"
c.Execute.extra_arguments = ["--HistoryManager.enabled=False", "--InteractiveShell.xmode=Plain"]
c.Execute.shutdown_kernel = "immediate"
c.Autograde.autograde_preprocessors = [
    "tobops.grade.execute.LimitedExecute",  # nbgrader's Execute plus notebook and output limits
    # the kernel only reported answers; they are scored here, in the grader's process, against
    # keys from the item bank (assignments/bank/) that the kernel never saw
    "tobops.grade.scoring.ScoreAnswers",
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

# feedback shows scores and comments, never keys or the graders' rubric notes, in the
# trainee's language (tobops/grade/templates/feedback/)
configure_feedback(c)
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "tobops.grade.feedback.HideAnswerKeys",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
