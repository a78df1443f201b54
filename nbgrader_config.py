"""nbgrader settings for this course. The course folder is the one holding this file.

    nbgrader generate_assignment <id> --force    # source/<id>/ -> release/<id>/
    nbgrader autograde <id>                      # submitted/<student>/<id>/ -> autograded/...

Assignment ids: see autograder/__init__.py (ASSIGNMENTS).
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "deep-learning-notebooks"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# A notebook whose cell runs longer than this is stopped and that cell scores zero.
c.Execute.timeout = 300

# Stub that replaces every solution block in the student's release.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
