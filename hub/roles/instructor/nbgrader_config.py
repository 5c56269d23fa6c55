# nbgrader for an instructor of the class hub: the course's own nbgrader settings (from
# tools/nbgrader_config.py, installed next to the hub's files), then this class's course id,
# exchange and course folder (~/nbgrader, inside the home that JupyterLab serves, as the
# formgrader requires).
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
load_subconfig(os.path.join(os.path.dirname(__file__), "..", "..", "course_nbgrader_config.py"))  # noqa: F821
c.CourseDirectory.course_id = os.environ["COURSE_HUB_COURSE_ID"]
c.Exchange.root = os.environ["COURSE_HUB_EXCHANGE"]
c.CourseDirectory.root = os.path.join(os.path.expanduser("~"), "nbgrader")
