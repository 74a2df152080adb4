# nbgrader settings for a trainee's server on the course hub (tobops/hub.py).
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "tobops-academy"
c.Exchange.root = os.environ["TOBOPS_EXCHANGE"]
# submissions and feedback in the hub user's name (nbgrader would use the Unix user's)
c.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER", "*")
