"""nbgrader configuration for a class taught with this course (INSTRUCTORS.md shows how to use it).

Copy it into your course directory (the folder with source/, release/, submitted/ ...):

    cp tools/nbgrader_config.py mycourse/

tests/test_grading.py grades a lesson end to end with exactly this file.
"""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

c = get_config()  # noqa: F821 - nbgrader defines get_config when it loads this file

# Students give the same id to fetch and submit: nbgrader fetch_assignment lesson07 --course activations
c.CourseDirectory.course_id = "activations"

# Where release, fetch, submit and collect meet: a folder every student account can write to.
# nbgrader's default, so students need no configuration of their own. Create it once, before
# the first release:  sudo mkdir -p /usr/local/share/nbgrader/exchange
#                     sudo chmod 777 /usr/local/share/nbgrader/exchange
c.Exchange.root = "/usr/local/share/nbgrader/exchange"

# The feedback shows each check's verdict, not the hidden test's code (which only calls the grader).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
