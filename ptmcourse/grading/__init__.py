"""Graded exercises: student checks, sandboxed tamper-resistant grading, notebook generation.

* Students: ``check = checker("maximum-likelihood")`` then ``check("q1")`` in the notebook runs
  that question's public tests (shipped in ``ptmcourse.grading.public``).
* Instructors: ``ptmcourse grade PATH... --out DIR`` (:func:`grade_paths`) runs each submission's
  code in a sandbox on hidden inputs and compares the returned values here; see ``_supervisor.py``
  for the isolation layers.
* Authors: masters live in ``exercises/<name>.py`` (solutions, public and hidden tests, points);
  ``ptmcourse exercises generate`` (:func:`generate`) writes the student notebooks.

Heavy imports (nbformat, numpy) happen inside the functions that need them.
"""
from __future__ import annotations

from .check import CheckResult, checker, run_public

__all__ = ["checker", "run_public", "CheckResult", "cli_main", "grade_notebook", "grade_paths", "generate",
           "Exercise", "list_exercises"]


def cli_main(argv: list[str] | None = None) -> int:
    """``grade PATH... --out DIR --jobs N --timeout S --memory MB`` or ``generate [--check]``; see ``cli.py``."""
    from .cli import cli_main as _main

    return _main(argv)


def __getattr__(name: str):
    if name == "grade_notebook":
        from .grader import grade_notebook

        return grade_notebook
    if name == "grade_paths":
        from .batch import grade_paths

        return grade_paths
    if name == "generate":
        from .generate import generate

        return generate
    if name in ("Exercise", "list_exercises"):
        from . import master

        return getattr(master, name)
    raise AttributeError(f"module 'ptmcourse.grading' has no attribute {name!r}")
