# nbgrader settings for a trainee's server on the course hub (tobops/room/hub.py).
import os

from tobops.settings import IOPUB_WAIT_S, Settings

c = get_config()  # noqa: F821
settings = Settings.load()  # the hub passes the exchange folder in TOBOPS_EXCHANGE
c.CourseDirectory.course_id = settings.course_id
c.Exchange.root = settings.exchange
# fetching brings the trainee's own form of an assessment (tobops/room/exchange.py)
c.ExchangeFactory.fetch_assignment = "tobops.room.exchange.FormFetch"
# submitting waits for a save in progress (Ctrl+S, then Submit at once) and never sends its backup
c.ExchangeFactory.submit = "tobops.room.exchange.SettledSubmit"
# submissions and feedback in the hub user's name (nbgrader would use the Unix user's)
c.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER", "*")
# Validate's kernel talks over Unix sockets in a folder of its own (tobops/room/kernels.py)
c.Execute.kernel_manager_class = "tobops.room.kernels.ValidateKernelManager"
# a busy room's kernels can be slow to send their last output (tobops/settings.py)
c.Execute.iopub_timeout = IOPUB_WAIT_S
