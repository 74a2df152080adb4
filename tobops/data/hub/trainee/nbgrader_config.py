# nbgrader settings for a trainee's server on the course hub (tobops/hub.py).
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "tobops-academy"
c.Exchange.root = os.environ["TOBOPS_EXCHANGE"]
