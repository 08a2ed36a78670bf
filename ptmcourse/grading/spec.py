"""How an exercise master describes one test: a function name, its inputs and the tolerance.

Masters (``exercises/<name>.py``) build their public and hidden tests with :func:`call`. Expected
values are never written by hand: the grader computes them by calling the master's own solution on
the same inputs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    """One test: call ``fn(*args, **kwargs)`` and compare with the master solution's result.

    ``raises`` names the exception type the call must raise instead (e.g. ``"ValueError"``).
    Numbers compare with ``|got - expected| <= atol + rtol * |expected|``; NaN equals NaN and
    infinities must match exactly.
    """

    fn: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    rtol: float = 1e-7
    atol: float = 1e-9
    raises: str | None = None


def call(fn: str, *args: Any, rtol: float = 1e-7, atol: float = 1e-9, raises: str | None = None, **kwargs: Any) -> Call:
    """Build a :class:`Call`; the keyword-only options configure the comparison, the rest are inputs.

    Used in: exercises/*.py (the masters).
    """
    if not isinstance(fn, str) or not fn.isidentifier():
        raise ValueError(f"fn must be a function name, got {fn!r}")
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    return Call(fn=fn, args=tuple(args), kwargs=dict(kwargs), rtol=float(rtol), atol=float(atol), raises=raises)
