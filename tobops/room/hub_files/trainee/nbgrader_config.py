# nbgrader settings for a trainee's server on the course hub (tobops/room/hub.py).
import os

from tobops.settings import Settings

c = get_config()  # noqa: F821
settings = Settings.load()  # the hub passes the exchange folder in TOBOPS_EXCHANGE
c.CourseDirectory.course_id = settings.course_id
c.Exchange.root = settings.exchange
# submissions and feedback in the hub user's name (nbgrader would use the Unix user's)
c.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER", "*")
