"""The checking engine: the course-root ``public_tests.py``, loaded under its own name.

Students get ``public_tests.py`` in every assignment folder; the hidden tests
and the golden-file script use the very same code, so a public and a hidden
check can never disagree about what "correct" means.
"""

import importlib.util

from autograder import ROOT

_spec = importlib.util.spec_from_file_location("_course_engine", ROOT / "public_tests.py")
engine = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine)

encode, decode, run_exercise, run_case, Mismatch = (
    engine.encode, engine.decode, engine.run_exercise, engine.run_case, engine.Mismatch)
same, PRINT_ONLY = engine._same, engine._PRINT_ONLY
