"""The untrusted side of grading: run a student's notebook code, call its functions, write plain data.

This file is copied into each sandbox's job folder and run there as
``python -I -S runner.py JOBDIR`` by ``_supervisor.py``; it needs only the standard library and
numpy. It never sees expected values: ``job.json`` holds the notebook's code cells and the hidden
*inputs*. Everything it writes (``outputs.jsonl``) is only a claim about what the student's
functions returned; the grader compares those values itself, in its own process.

The same file holds the tagged-JSON codec (``encode``/``decode``) that the grader imports, so both
sides speak one format: numbers, strings, None, bool, lists, tuples, dicts (any hashable decoded
keys) and numeric numpy arrays. Nothing else crosses the boundary (no pickle).
"""
from __future__ import annotations

import json
import math
import os
import sys

MAX_DEPTH = 32
MAX_ITEMS = 5_000_000
_ND = "__nd__"
_TUPLE = "__tuple__"
_DICT = "__dict__"
_DTYPES = {"f8": "float64", "f4": "float32", "i8": "int64", "i4": "int32", "b1": "bool"}


class CodecError(ValueError):
    """A value that cannot cross the sandbox boundary."""


def _np():
    import numpy

    return numpy


def encode(obj, _depth: int = 0):
    """Turn ``obj`` into JSON-able data with tags for tuples, dicts and numpy arrays."""
    if _depth > MAX_DEPTH:
        raise CodecError("value nested too deeply")
    if obj is None or type(obj) in (bool, str):
        return obj
    if type(obj) is int or (isinstance(obj, int) and not isinstance(obj, bool)):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    if type(obj).__module__ == "torch" and hasattr(obj, "detach"):  # a torch tensor
        obj = obj.detach().cpu().numpy()
    np = sys.modules.get("numpy")
    if np is not None and isinstance(obj, (np.generic, np.ndarray)):
        if isinstance(obj, np.ndarray):
            obj = np.asarray(obj)  # drop ndarray subclasses (and their overridden methods)
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return float(obj)
        if isinstance(obj, np.ndarray):
            kind = obj.dtype.kind
            if kind == "b":
                code = "b1"
            elif kind in "iu":
                code = "i8"
            elif kind == "f":
                code = "f8"
            else:
                raise CodecError(f"a numpy array of dtype {obj.dtype} (expected numbers or bools)")
            if obj.size > MAX_ITEMS:
                raise CodecError(f"an array with {obj.size} elements (too large)")
            flat = obj.astype(_DTYPES[code]).ravel().tolist()
            return {_ND: code, "shape": list(obj.shape), "data": flat}
    if isinstance(obj, list):
        return [encode(x, _depth + 1) for x in obj]
    if isinstance(obj, tuple):
        return {_TUPLE: [encode(x, _depth + 1) for x in obj]}
    if isinstance(obj, dict) or (hasattr(obj, "items") and hasattr(obj, "keys")):
        return {_DICT: [[encode(k, _depth + 1), encode(v, _depth + 1)] for k, v in obj.items()]}
    raise CodecError(f"a value of type {type(obj).__name__} (expected numbers, strings, lists, dicts or arrays)")


def decode(data, _depth: int = 0, _budget: list | None = None):
    """Inverse of :func:`encode`, strict: anything malformed raises :class:`CodecError`."""
    if _budget is None:
        _budget = [MAX_ITEMS]
    if _depth > MAX_DEPTH:
        raise CodecError("value nested too deeply")
    _budget[0] -= 1
    if _budget[0] < 0:
        raise CodecError("value too large")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(x, _depth + 1, _budget) for x in data]
    if type(data) is not dict or len(data) not in (1, 3):
        raise CodecError(f"malformed value of type {type(data).__name__}")
    if _TUPLE in data and len(data) == 1 and type(data[_TUPLE]) is list:
        return tuple(decode(x, _depth + 1, _budget) for x in data[_TUPLE])
    if _DICT in data and len(data) == 1 and type(data[_DICT]) is list:
        out = {}
        for pair in data[_DICT]:
            if type(pair) is not list or len(pair) != 2:
                raise CodecError("malformed dict entry")
            key = decode(pair[0], _depth + 1, _budget)
            try:
                hash(key)
            except TypeError:
                raise CodecError(f"unhashable dict key of type {type(key).__name__}") from None
            out[key] = decode(pair[1], _depth + 1, _budget)
        return out
    if set(data) == {_ND, "shape", "data"} and data[_ND] in _DTYPES:
        shape, flat = data["shape"], data["data"]
        if type(shape) is not list or len(shape) > 32 or not all(type(s) is int and 0 <= s for s in shape):
            raise CodecError("malformed array shape")
        size = math.prod(shape)
        if type(flat) is not list or len(flat) != size or size > _budget[0]:
            raise CodecError("array data does not match its shape")
        _budget[0] -= size
        allowed = (bool,) if data[_ND] == "b1" else (int,) if data[_ND][0] == "i" else (int, float)
        if not all(type(x) in allowed for x in flat):
            raise CodecError("array data of the wrong type")
        np = _np()
        return np.asarray(flat, dtype=_DTYPES[data[_ND]]).reshape(shape)
    raise CodecError("malformed tagged value")


# ---------------------------------------------------------------------------------------------
# The runner proper (only used when this file is run as a script inside the sandbox).

def _neutralize(src: str) -> str:
    """Comment out IPython magics and shell escapes so a cell compiles as plain Python."""
    lines = src.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        lines = lines[1:]  # a cell magic such as %%time: keep its body
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            out.append(line[: len(line) - len(stripped)] + "pass  # IPython magic removed by the grader")
        else:
            out.append(line)
    return "\n".join(out)


def _describe(exc: BaseException) -> str:
    try:
        msg = str(exc)
    except BaseException:  # noqa: BLE001 - a student's exception may have a broken __str__
        msg = "<unprintable>"
    name = type(exc).__name__
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        fname = tb.tb_frame.f_code.co_filename
        if fname.startswith("<cell "):
            where = f" ({fname[1:-1]}, line {tb.tb_lineno})"
        tb = tb.tb_next
    return f"{name}: {msg[:300]}{where}" if msg else f"{name}{where}"


def _install_stubs() -> None:
    """``ptmcourse`` is not importable while grading: students implement the exercise themselves."""
    import types

    class _Blocker:
        def find_spec(self, name, path=None, target=None):
            if name == "ptmcourse" or name.startswith("ptmcourse."):
                if name in ("ptmcourse", "ptmcourse.grading"):
                    return None
                raise ImportError(f"{name} is not available while grading: implement the exercise yourself")
            return None

    pkg = types.ModuleType("ptmcourse")
    pkg.__path__ = []
    grading = types.ModuleType("ptmcourse.grading")
    grading.checker = lambda *a, **k: (lambda *a, **k: None)
    grading.check = lambda *a, **k: None
    pkg.grading = grading
    sys.modules["ptmcourse"] = pkg
    sys.modules["ptmcourse.grading"] = grading
    sys.meta_path.insert(0, _Blocker())


def main(jobdir: str) -> None:
    os.chdir(jobdir)
    with open("job.json", encoding="utf-8") as f:
        job = json.load(f)
    for p in job.get("site", []):
        sys.path.append(p)
    fd = os.open("outputs.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    write, dumps = os.write, json.dumps

    def emit(record) -> None:
        try:
            write(fd, (dumps(record, allow_nan=True) + "\n").encode("utf-8"))
        except BaseException:  # noqa: BLE001 - e.g. the file size limit; the grader sees the gap
            pass

    _install_stubs()
    import builtins

    ns = {"__name__": "__main__", "__builtins__": builtins, "display": print, "check": lambda *a, **k: None}
    for index, src in job["cells"]:
        name = f"<cell {index}>"
        try:
            code = compile(_neutralize(src), name, "exec")
            exec(code, ns)  # noqa: S102 - this IS the sandbox
        except SystemExit as exc:
            emit({"event": "cell_error", "cell": index, "error": f"the code called sys.exit({exc.code!r})"})
            break
        except BaseException as exc:  # noqa: BLE001
            emit({"event": "cell_error", "cell": index, "error": _describe(exc)})
            break
    emit({"event": "loaded"})
    for call in job["calls"]:
        fn = ns.get(call["fn"])
        if not callable(fn):
            emit({"id": call["id"], "ok": False, "exc_type": "NameError", "error": f"{call['fn']} is not defined"})
            continue
        try:
            args = decode(call["args"])
            kwargs = decode(call["kwargs"])
            value = fn(*args, **kwargs)
            emit({"id": call["id"], "ok": True, "value": encode(value)})
        except CodecError as exc:
            emit({"id": call["id"], "ok": False, "exc_type": "TypeError", "error": f"returned {exc}"})
        except SystemExit as exc:
            emit({"id": call["id"], "ok": False, "exc_type": "SystemExit", "error": f"called sys.exit({exc.code!r})"})
        except BaseException as exc:  # noqa: BLE001
            emit({"id": call["id"], "ok": False, "exc_type": type(exc).__name__, "error": _describe(exc)})
    emit({"event": "done"})
    try:
        sys.stdout.flush()
    except BaseException:  # noqa: BLE001 - e.g. the output file hit its size limit
        pass
    os._exit(0)  # skip atexit handlers a submission may have registered


if __name__ == "__main__":
    main(sys.argv[1])
