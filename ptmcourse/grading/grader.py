"""Grade one submission: extract its code cells, run them sandboxed on hidden inputs, compare here.

The score comes only from :func:`ptmcourse.grading.compare.compare` run in this (the grader's)
process against expected values computed from the master solution; nothing the submission prints
or writes is read as a score.
"""
from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._runner import CodecError, decode, encode
from .compare import compare, show_call
from .master import Exercise, list_exercises, masters_dir
from .sandbox import SandboxRun, read_capped, run_sandboxed

MAX_NOTEBOOK_BYTES = 20 << 20


@dataclass(frozen=True)
class Case:
    """One hidden test with its expected value (kept in the grader; only ``wire`` leaves it)."""

    id: str
    question: str
    fn: str
    raises: str | None
    expected: Any
    rtol: float
    atol: float
    shown: str
    wire: dict


_SUITES: dict[tuple, tuple[Exercise, list[Case]]] = {}
_LOCK = threading.Lock()


def hidden_suite(name: str, seed: int | None = None, masters: str | None = None) -> tuple[Exercise, list[Case]]:
    """The exercise and its hidden cases with expected values (computed once per process)."""
    key = (str(masters_dir(masters)), name, seed)
    with _LOCK:
        if key not in _SUITES:
            ex = Exercise.load(name, masters)
            cases = []
            for q, calls in ex.hidden_tests(seed).items():
                for i, c in enumerate(calls):
                    args, kwargs = encode(c.args), encode(c.kwargs)
                    expected = ex.expected(c)
                    expected = None if c.raises else decode(encode(expected))  # same types as the student's side
                    cases.append(Case(
                        id=f"{q}/{i}", question=q, fn=c.fn, raises=c.raises, expected=expected, rtol=c.rtol,
                        atol=c.atol, shown=show_call(c.fn, decode(args), decode(kwargs)),
                        wire={"id": f"{q}/{i}", "fn": c.fn, "args": args, "kwargs": kwargs}))
            _SUITES[key] = (ex, cases)
        return _SUITES[key]


def read_notebook(path: str | Path) -> tuple[Any | None, str | None]:
    """``(notebook, None)`` or ``(None, reason)`` for anything that is not a readable notebook."""
    import nbformat

    raw = read_capped(path, MAX_NOTEBOOK_BYTES + 1)
    if not raw:
        return None, "the file is empty, unreadable or not a regular file"
    if len(raw) > MAX_NOTEBOOK_BYTES:
        return None, f"the file is larger than {MAX_NOTEBOOK_BYTES >> 20} MB"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not a Jupyter notebook (the file is not UTF-8 text)"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
        return None, f"not a valid Jupyter notebook ({type(exc).__name__}: {str(exc)[:120]})"
    if not isinstance(getattr(nb, "cells", None), list):
        return None, "not a valid Jupyter notebook (no cells)"
    return nb, None


def notebook_exercise(nb: Any) -> str | None:
    meta = nb.get("metadata", {}).get("ptmcourse", {}) if isinstance(nb.get("metadata"), dict) else {}
    name = meta.get("exercise") if isinstance(meta, dict) else None
    return name if isinstance(name, str) else None


def code_cells(nb: Any) -> list[tuple[int, str]]:
    """``(1-based cell number, source)`` for every code cell, as the student sees the numbering."""
    out = []
    for i, cell in enumerate(nb.cells, 1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            src = cell.get("source", "")
            out.append((i, "".join(src) if isinstance(src, list) else str(src)))
    return out


def _exit_text(run: SandboxRun, timeout_s: float) -> str:
    if run.timed_out:
        return f"time limit ({timeout_s:g} s) exceeded"
    code = run.exit_code
    if code is None:
        return "the process was killed"
    if code < 0:
        sig = -code
        names = {signal.SIGXCPU: "CPU time limit exceeded", signal.SIGXFSZ: "file size limit exceeded (too much output?)",
                 signal.SIGKILL: "killed (SIGKILL: memory limit?)", signal.SIGSEGV: "crashed (segmentation fault)"}
        return names.get(sig, f"killed by signal {sig}")
    return f"the code ended the process (exit code {code}; os._exit?)"


def _case_failure(case: Case, res: dict | None, blame: str | None, cell_error: str | None) -> str | None:
    """``None`` if the case passed, else why not."""
    if res is None:
        return blame or f"{case.shown}: no result came back"
    if not res["ok"]:
        exc, err = res["exc_type"], res["error"]
        if case.raises and exc == case.raises:
            return None
        if exc == "NameError" and err.endswith("is not defined") and err.startswith(case.fn):
            return f"{case.fn} is not defined" + (f" (your notebook stopped at {cell_error})" if cell_error else "")
        if exc == "NotImplementedError":
            return f"{case.fn} is not implemented yet (it raises NotImplementedError)"
        want = f", expected {case.raises}" if case.raises else ""
        return f"{case.shown} raised {err}{want}"
    try:
        got = decode(res["value"])
    except (CodecError, RecursionError, TypeError, ValueError) as exc:
        return f"{case.shown} returned a value the grader cannot read ({exc})"
    if case.raises:
        return f"{case.shown} returned {str(got)[:60]}, expected it to raise {case.raises}"
    try:
        msg = compare(got, case.expected, case.rtol, case.atol)
    except Exception as exc:  # noqa: BLE001 - never let a strange value crash the grader
        msg = f"returned a value that cannot be compared ({type(exc).__name__})"
    return None if msg is None else f"{case.shown} {msg}"


def _failure_result(path: Path, ex: Exercise | None, reason: str, seconds: float, status: str = "graded") -> dict:
    questions = [] if ex is None else [
        {"question": q, "score": 0.0, "max_score": float(p), "passed": 0, "total": 0, "reason": reason}
        for q, p in ex.points.items()]
    return {"submission": str(path), "exercise": ex.name if ex else None, "status": status,
            "score": 0.0, "max_score": ex.max_score if ex else 0.0, "reason": reason,
            "seconds": round(seconds, 3), "questions": questions, "isolation": [], "killed": 0,
            "survivors": [], "stdout_tail": ""}


def grade_notebook(path: str | Path, *, exercise: str | None = None, timeout_s: float = 20.0,
                   memory_mb: int = 1024, seed: int | None = None, masters: str | None = None,
                   hide: list[str] | tuple[str, ...] = ()) -> dict:
    """Grade one submitted notebook with the hidden tests; never raises for a bad submission.

    Parameters
    ----------
    path : path
        The submitted ``.ipynb`` (anything else is graded 0 with a reason).
    exercise : str, optional
        Exercise name; default: the notebook's ``metadata.ptmcourse.exercise``.
    timeout_s, memory_mb : limits for each sandboxed run (wall and CPU seconds; address space).
    seed : int, optional
        Hidden-test seed (default: the master's ``HIDDEN_SEED`` or ``$PTMCOURSE_HIDDEN_SEED``).
    masters : str, optional
        Folder of exercise masters (default: the repository's ``exercises/``).
    hide : paths
        Extra folders the submission must not see (the submissions and output folders).

    Returns
    -------
    dict
        ``submission, exercise, status, score, max_score, reason, seconds, questions[...]`` and
        sandbox details (``isolation``, ``killed``, ``survivors``, ``stdout_tail``).

    Used in: ``ptmcourse grade``.
    """
    t0 = time.perf_counter()
    path = Path(path)
    nb, why = read_notebook(path)
    name = exercise or (notebook_exercise(nb) if nb is not None else None)
    if name is None and nb is None:
        return _failure_result(path, None, why or "unreadable", time.perf_counter() - t0)
    if name is None or name not in list_exercises(masters):
        return _failure_result(path, None, f"cannot tell which exercise this is (metadata says {name!r}); "
                               "pass --exercise NAME", time.perf_counter() - t0)
    ex, cases = hidden_suite(name, seed, masters)
    if nb is None:
        return _failure_result(path, ex, why, time.perf_counter() - t0)
    cells = code_cells(nb)
    root = masters_dir(masters)  # the masters, and the repository around them (git objects hold them too)
    hide = [str(root), str(root.parent), str(Path(__file__).resolve().parents[1]), str(path.resolve().parent), *hide]
    results: dict[str, dict] = {}
    blame: dict[str, str] = {}
    pending, runs = list(cases), []
    cell_error = None
    while pending:
        run = run_sandboxed(cells, [c.wire for c in pending], timeout_s=timeout_s, memory_mb=memory_mb, hide=hide)
        runs.append(run)
        if run.setup_error:
            out = _failure_result(path, ex, f"grader error: {run.setup_error}", time.perf_counter() - t0, "error")
            out["isolation"] = run.isolation
            return out
        cell_error = cell_error or run.cell_error
        results.update(run.results)
        missing = [c for c in pending if c.id not in results]
        if not missing:
            break
        if not run.loaded:  # died or hung while running the notebook's own cells
            reason = f"{_exit_text(run, timeout_s)} while running the notebook's cells; no test could run"
            for c in missing:
                blame[c.id] = reason
            break
        first = missing[0]  # calls run in order: the first one without a result hung or crashed
        for c in missing:
            if c.question == first.question:
                blame[c.id] = f"{_exit_text(run, timeout_s)} while running {first.shown}"
        pending = [c for c in missing if c.question != first.question]
        if len(runs) > len(ex.questions):  # cannot happen with honest progress; bound it anyway
            for c in pending:
                blame[c.id] = "not run: too many sandbox restarts"
            break
    questions = []
    for q, points in ex.points.items():
        qcases = [c for c in cases if c.question == q]
        outcome = [(c, _case_failure(c, results.get(c.id), blame.get(c.id), cell_error)) for c in qcases]
        failures = [m for _, m in outcome if m]
        passed = len(qcases) - len(failures)
        if passed and not any(m is None for c, m in outcome if not c.raises):
            passed = 0  # raising the right error earns nothing until some value is right
            failures.insert(0, next(m for c, m in outcome if m and not c.raises))
        if not failures:
            reason = f"all {len(qcases)} hidden tests passed"
        else:
            reason = f"{passed}/{len(qcases)} hidden tests passed; first failure: {failures[0]}"
        questions.append({"question": q, "score": round(points * passed / len(qcases), 2), "max_score": float(points),
                          "passed": passed, "total": len(qcases), "reason": reason})
    score = round(sum(q["score"] for q in questions), 2)
    last = runs[-1]
    notes = []
    if cell_error:
        notes.append(f"the notebook stopped at {cell_error}")
    if not last.loaded and any(blame.values()):
        notes.append(next(iter(blame.values())))
    if not notes:
        full = sum(q["score"] == q["max_score"] for q in questions)
        worst = next((q for q in questions if q["score"] < q["max_score"]), None)
        notes.append("full marks" if worst is None else f"{full}/{len(questions)} questions fully correct; "
                     f"{worst['question']}: {worst['reason'].split('first failure: ', 1)[-1]}")
    killed = sum(r.killed for r in runs)
    survivors = sorted({p for r in runs for p in r.survivors})
    if survivors:
        notes.append(f"WARNING: processes {survivors} survived the sandbox")
    return {"submission": str(path), "exercise": ex.name, "status": "graded", "score": score,
            "max_score": ex.max_score, "reason": "; ".join(notes), "seconds": round(time.perf_counter() - t0, 3),
            "questions": questions, "isolation": last.isolation, "killed": killed, "survivors": survivors,
            "stdout_tail": last.stdout_tail[-500:], "runs": len(runs)}


def gradescope_json(result: dict) -> dict:
    """A result in Gradescope's ``results.json`` shape (``score`` and one test per question)."""
    return {"score": result["score"], "execution_time": result["seconds"],
            "output": result["reason"],
            "tests": [{"name": q["question"], "score": q["score"], "max_score": q["max_score"],
                       "output": q["reason"], "visibility": "visible"} for q in result["questions"]]}
