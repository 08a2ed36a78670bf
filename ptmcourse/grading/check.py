"""``check("q1")`` in a student notebook: run that question's public tests and say what is wrong.

This runs in the student's own kernel and only ever sees the public tests shipped in
``ptmcourse/grading/public/``. It is feedback, not grading: the grade comes from the hidden tests.
"""
from __future__ import annotations

import copy
import importlib
import json
import sys
from dataclasses import dataclass
from typing import Callable

from ._runner import decode
from .compare import compare, show_call


@dataclass
class CheckResult:
    question: str
    passed: int
    total: int
    message: str

    @property
    def ok(self) -> bool:
        return self.passed == self.total


def public_tests(exercise: str) -> dict:
    """The public tests of ``exercise`` (as generated from its master)."""
    from .generate import public_module_name

    try:
        mod = importlib.import_module(f"ptmcourse.grading.public.{public_module_name(exercise)}")
    except ModuleNotFoundError:
        raise ValueError(f"no public tests for exercise {exercise!r}; is the name right and ptmcourse up to date?") from None
    return json.loads(mod.DATA)


def _one(t: dict, namespace: dict) -> str | None:
    """None if the public test passes, else what went wrong."""
    fn = namespace.get(t["fn"])
    args, kwargs = decode(t["args"]), decode(t["kwargs"])
    shown = show_call(t["fn"], args, kwargs)
    if not callable(fn):
        return f"{t['fn']} is not defined; run the cell that defines it"
    try:
        got = fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except NotImplementedError:
        return f"{t['fn']} is not implemented yet (replace `raise NotImplementedError(...)` with your code)"
    except Exception as exc:  # noqa: BLE001
        if t["raises"] and type(exc).__name__ == t["raises"]:
            return None
        want = f", expected {t['raises']}" if t["raises"] else ""
        return f"{shown} raised {type(exc).__name__}: {exc}{want}"
    if t["raises"]:
        return f"{shown} returned {got!r}, expected it to raise {t['raises']}"
    msg = compare(got, decode(t["expected"]), t["rtol"], t["atol"])
    return f"{shown} {msg}" if msg else None


def run_public(exercise: str, question: str, namespace: dict) -> CheckResult:
    """Run ``question``'s public tests against the functions defined in ``namespace``."""
    data = public_tests(exercise)
    if question not in data["questions"]:
        raise ValueError(f"question must be one of {sorted(data['questions'])}, got {question!r}")
    tests = data["questions"][question]["tests"]
    failures = [m for m in (_one(t, namespace) for t in tests) if m]
    n, passed = len(tests), len(tests) - len(failures)
    if not failures:
        return CheckResult(question, n, n, f"{question}: {n}/{n} public tests passed")
    return CheckResult(question, passed, n, f"{question} failed ({passed}/{n} public tests passed): {failures[0]}")


def checker(exercise: str) -> Callable[..., None]:
    """Return ``check`` for a student notebook: ``check("q1")`` checks one question, ``check()`` all.

    It looks the functions up in the caller's global namespace (the notebook), prints one line per
    question and returns nothing.

    Used in: book/exercises/*.ipynb (the setup cell).
    """
    data = public_tests(exercise)

    def check(question: str | None = None, namespace: dict | None = None) -> None:
        ns = namespace if namespace is not None else sys._getframe(1).f_globals
        names = list(data["questions"]) if question is None else [question]
        results = [run_public(exercise, q, ns) for q in names]
        for r in results:
            print(r.message)
        if question is None:
            ok = sum(r.ok for r in results)
            print(f"{ok}/{len(results)} questions pass their public tests"
                  + ("" if ok == len(results) else " — the hidden tests grade your submission"))

    check.__doc__ = f"Run the public tests of {exercise!r}: check('q1') for one question, check() for all."
    return check
