"""Read an exercise master: notebook cells, solutions, points, public and hidden tests.

A master is one Python file, ``exercises/<name>.py``, in "percent" format:

* ``# %% [markdown]`` (optionally followed by a question name) starts a markdown cell whose lines
  are comments (``# text``);
* ``# %% q1`` starts a code cell that belongs to question ``q1``: the student fills it in. Code
  between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` is the solution; the student notebook gets
  ``raise NotImplementedError`` in its place;
* ``# %% [grading]`` ends the notebook part. What follows is never shown to students: ``POINTS``,
  ``HIDDEN_SEED``, ``public_tests()`` and ``hidden_tests(rng)``, built with
  :func:`ptmcourse.grading.spec.call`.

The file is also a plain module: importing it defines the solution functions, which is how the
grader computes expected values.
"""
from __future__ import annotations

import copy
import importlib.util
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from .spec import Call

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
STUB = 'raise NotImplementedError("write your code here")'
_MARKER = re.compile(r"^# %%(?P<rest>.*)$")


@dataclass(frozen=True)
class Cell:
    """One cell of the student notebook as written in the master."""

    kind: str  # "markdown" or "code"
    question: str | None
    source: str  # markdown text, or code with the solution markers still in it


def masters_dir(path: str | os.PathLike | None = None) -> Path:
    """Where the masters live: ``path``, else ``$PTMCOURSE_EXERCISES``, else ``<repo>/exercises``."""
    if path is None:
        path = os.environ.get("PTMCOURSE_EXERCISES") or Path(__file__).resolve().parents[2] / "exercises"
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(
            f"no exercise masters at {path}: grading needs the repository's exercises/ folder "
            "(run from a source checkout, or pass --masters DIR / set PTMCOURSE_EXERCISES)")
    return path


def list_exercises(directory: str | os.PathLike | None = None) -> list[str]:
    """Names of the exercise masters (``exercises/<name>.py``), sorted."""
    return sorted(p.stem for p in masters_dir(directory).glob("*.py") if not p.name.startswith("_"))


def strip_solutions(code: str) -> str:
    """Replace each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` block by an indented ``raise NotImplementedError``."""
    out, inside = [], False
    for lineno, line in enumerate(code.splitlines(), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"line {lineno}: nested {BEGIN}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}{STUB}")
        elif stripped == END:
            if not inside:
                raise ValueError(f"line {lineno}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} without {END}")
    return "\n".join(out)


def solution_lines(code: str) -> list[str]:
    """The non-blank lines inside solution blocks (used to check that nothing leaks)."""
    lines, inside = [], False
    for line in code.splitlines():
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def _uncomment(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines = lines[:-1]  # blank lines between cells
    out = []
    for line in lines:
        if line.startswith("# "):
            out.append(line[2:])
        elif line.strip() == "#":
            out.append("")
        else:
            raise ValueError(f"markdown cell lines must start with '# ': {line!r}")
    return "\n".join(out).strip("\n")


def parse_cells(text: str) -> list[Cell]:
    """Split a master's text into notebook cells (up to ``# %% [grading]``)."""
    cells: list[Cell] = []
    header: tuple[str, str | None] | None = None
    body: list[str] = []

    def flush() -> None:
        if header is None:
            return
        kind, question = header
        if kind == "markdown":
            cells.append(Cell("markdown", question, _uncomment(body)))
        else:
            cells.append(Cell("code", question, "\n".join(body).strip("\n")))

    for line in text.splitlines():
        m = _MARKER.match(line)
        if not m:
            if header is not None:
                body.append(line)
            continue
        flush()
        body = []
        rest = m.group("rest").split()
        if rest and rest[0] == "[grading]":
            header = None
            break
        if rest and rest[0] == "[markdown]":
            header = ("markdown", rest[1] if len(rest) > 1 else None)
        elif len(rest) == 1 and re.fullmatch(r"q\d+", rest[0]):
            header = ("code", rest[0])
        else:
            raise ValueError(f"unknown cell marker {line!r}: use '# %% [markdown] [qN]', '# %% qN' or '# %% [grading]'")
    else:
        raise ValueError("the master has no '# %% [grading]' section")
    return cells


class Exercise:
    """One exercise master, loaded from ``exercises/<name>.py``.

    Used in: the grader, ``ptmcourse exercises generate``, and the student's ``check()``.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.name = self.path.stem
        self.text = self.path.read_text(encoding="utf-8")
        self.cells = parse_cells(self.text)
        mod = self.module
        for attr in ("POINTS", "HIDDEN_SEED", "public_tests", "hidden_tests"):
            if not hasattr(mod, attr):
                raise ValueError(f"{self.path}: the grading section must define {attr}")
        self.points: dict[str, float] = dict(mod.POINTS)
        asked = {c.question for c in self.cells if c.kind == "code"}
        if set(self.points) != asked:
            raise ValueError(f"{self.path}: POINTS names {sorted(self.points)} but the code cells are for {sorted(asked)}")

    @classmethod
    def load(cls, name: str, directory: str | os.PathLike | None = None) -> "Exercise":
        """Load the master called ``name`` (e.g. ``"maximum-likelihood"``)."""
        path = masters_dir(directory) / f"{name}.py"
        if not path.is_file():
            raise ValueError(f"unknown exercise {name!r}; known: {', '.join(list_exercises(directory))}")
        return cls(path)

    @cached_property
    def module(self) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"ptmcourse_master_{self.name.replace('-', '_')}", self.path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    @property
    def title(self) -> str:
        for cell in self.cells:
            if cell.kind == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("# "):
                        return line[2:].strip()
        return self.name

    @property
    def questions(self) -> list[str]:
        return list(self.points)

    @property
    def max_score(self) -> float:
        return float(sum(self.points.values()))

    def solution(self, fn: str) -> Callable[..., Any]:
        f = getattr(self.module, fn, None)
        if not callable(f):
            raise ValueError(f"{self.path}: a test calls {fn}, which the master does not define")
        return f

    def _checked(self, tests: dict[str, list[Call]], what: str) -> dict[str, list[Call]]:
        if set(tests) != set(self.points):
            raise ValueError(f"{self.path}: {what} cover {sorted(tests)}, expected {sorted(self.points)}")
        for q, calls in tests.items():
            if not calls or not all(isinstance(c, Call) for c in calls):
                raise ValueError(f"{self.path}: {what}[{q!r}] must be a non-empty list of call(...)")
        return {q: tests[q] for q in self.points}

    def public_tests(self) -> dict[str, list[Call]]:
        return self._checked(self.module.public_tests(), "public_tests()")

    def hidden_tests(self, seed: int | None = None) -> dict[str, list[Call]]:
        """The hidden tests for ``seed`` (default: the master's ``HIDDEN_SEED``, or ``$PTMCOURSE_HIDDEN_SEED``)."""
        import numpy as np

        if seed is None:
            seed = int(os.environ.get("PTMCOURSE_HIDDEN_SEED", self.module.HIDDEN_SEED))
        return self._checked(self.module.hidden_tests(np.random.default_rng(seed)), "hidden_tests()")

    def expected(self, c: Call) -> Any:
        """The master solution's answer for ``c`` (or the exception type name it raises)."""
        fn = self.solution(c.fn)
        try:
            value = fn(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs))
        except Exception as exc:  # noqa: BLE001
            if c.raises and type(exc).__name__ == c.raises:
                return None
            raise RuntimeError(f"{self.path}: the solution of {c.fn} failed on a test input: {exc!r}") from exc
        if c.raises:
            raise RuntimeError(f"{self.path}: a test expects {c.fn} to raise {c.raises}, but the solution returned {value!r}")
        return value

    def student_code(self, cell: Cell) -> str:
        return strip_solutions(cell.source) if cell.kind == "code" else cell.source
