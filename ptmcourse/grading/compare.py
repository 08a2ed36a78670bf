"""Compare a student's answer with the expected one, and say clearly what differs.

Runs in the grader's (or the student's own, for public checks) process with that process's numpy:
a submission cannot reach it. ``compare`` returns ``None`` when the answer is right, else a short
sentence such as ``"returned 0.25, expected 0.2 ± 1e-09"``.
"""
from __future__ import annotations

import math
import reprlib
from typing import Any

import numpy as np

_short = reprlib.Repr()
_short.maxstring, _short.maxother, _short.maxlist, _short.maxtuple, _short.maxdict = 40, 40, 6, 6, 4
_short.maxlevel = 3


def show(value: Any) -> str:
    """A short, readable rendering of a value (arrays by shape when large)."""
    if isinstance(value, np.ndarray):
        if value.size <= 8:
            return np.array2string(value, precision=6, separator=", ")
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, (list, tuple, dict)) and len(value) > 8:
        kind = type(value).__name__
        return f"{kind} with {len(value)} items"
    if isinstance(value, float):
        return repr(value)
    return _short.repr(value)


def show_call(fn: str, args: tuple, kwargs: dict) -> str:
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{fn}({', '.join(parts)})"


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _num_diff(got: Any, exp: float, rtol: float, atol: float, at: str) -> str | None:
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got.item()
    if not _is_number(got):
        return f"returned {show(got)} ({type(got).__name__}){at}, expected the number {exp!r}"
    g, e = float(got), float(exp)
    if math.isnan(e) and math.isnan(g):
        return None
    if math.isinf(e) or math.isinf(g) or math.isnan(g):
        return None if g == e else f"returned {g!r}{at}, expected {e!r}"
    tol = atol + rtol * abs(e)
    return None if abs(g - e) <= tol else f"returned {g!r}{at}, expected {e!r} ± {tol:.2g}"


def compare(got: Any, expected: Any, rtol: float = 1e-7, atol: float = 1e-9, _where: str = "") -> str | None:
    """``None`` if ``got`` matches ``expected`` within tolerance, else a sentence saying what differs.

    Numbers (ints, floats, numpy scalars) compare with ``atol + rtol*|expected|``; arrays need the
    same shape; lists and tuples compare item by item (either kind for either); dicts need the same
    keys. Used in: the grader and ``check()``.
    """
    at = f" at {_where}" if _where else ""
    if isinstance(expected, (bool, np.bool_)):
        ok = isinstance(got, (bool, np.bool_)) and bool(got) == bool(expected)
        return None if ok else f"returned {show(got)}{at}, expected {bool(expected)}"
    if _is_number(expected):
        return _num_diff(got, expected, rtol, atol, at)
    if expected is None or isinstance(expected, str):
        return None if (type(got) is type(expected) and got == expected) else f"returned {show(got)}{at}, expected {show(expected)}"
    if isinstance(expected, np.ndarray):
        try:
            g = np.asarray(got)
        except Exception:  # noqa: BLE001
            return f"returned {show(got)}{at}, expected an array of shape {expected.shape}"
        if g.dtype.kind not in "biuf":
            return f"returned {show(got)}{at}, expected a numeric array of shape {expected.shape}"
        if g.shape != expected.shape:
            return f"returned an array of shape {g.shape}{at}, expected shape {expected.shape}"
        g64, e64 = g.astype(np.float64), expected.astype(np.float64)
        tol = atol + rtol * np.abs(e64)
        same = (g64 == e64) | (np.isnan(g64) & np.isnan(e64))
        close = same | (np.isfinite(g64) & np.isfinite(e64) & (np.abs(g64 - e64) <= tol))
        if close.all():
            return None
        idx = tuple(int(i) for i in np.argwhere(~close)[0])
        bad = int((~close).sum())
        return (f"returned an array whose element {list(idx)}{at} is {float(g64[idx])!r}, expected "
                f"{float(e64[idx])!r} ± {float(tol[idx]):.2g} ({bad} of {close.size} elements differ)")
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            return f"returned {show(got)} ({type(got).__name__}){at}, expected a {type(expected).__name__} of {len(expected)} items"
        if len(got) != len(expected):
            return f"returned {len(got)} items{at}, expected {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            msg = compare(g, e, rtol, atol, f"{_where}[{i}]")
            if msg:
                return msg
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"returned {show(got)} ({type(got).__name__}){at}, expected a dict with {len(expected)} keys"
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing:
            return f"returned a dict without the key {missing[0]!r}{at} ({len(missing)} missing keys)"
        if extra:
            return f"returned a dict with an unexpected key {extra[0]!r}{at} ({len(extra)} extra keys)"
        for k, e in expected.items():
            msg = compare(got[k], e, rtol, atol, f"{_where}[{k!r}]")
            if msg:
                return msg
        return None
    raise TypeError(f"cannot compare with an expected value of type {type(expected).__name__}")
