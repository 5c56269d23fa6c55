# nbgrader for a student of the class hub: which course, and where the exchange is.
# The hub's spawner sets both variables (hub/hub_auth.py); nbgrader's student id is the Unix
# user name, which is the hub user name.
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
c.CourseDirectory.course_id = os.environ["COURSE_HUB_COURSE_ID"]
c.Exchange.root = os.environ["COURSE_HUB_EXCHANGE"]
