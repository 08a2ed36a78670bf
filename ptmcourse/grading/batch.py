"""Grade many submissions in parallel and write per-student, per-question CSV and JSON.

Used in: ``ptmcourse grade PATH... --out DIR``.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..utils import progress
from .grader import gradescope_json, grade_notebook, hidden_suite, notebook_exercise, read_notebook

CSV_FIELDS = ["student", "exercise", "question", "score", "max_score", "passed", "total", "reason", "seconds", "submission"]


def find_submissions(paths: list[str | os.PathLike]) -> list[Path]:
    """Files named on the command line, plus every ``*.ipynb`` under named folders (sorted)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in f.parts)
        elif p.exists():
            found.append(p)
        else:
            raise FileNotFoundError(f"no such submission file or folder: {p}")
    return list(dict.fromkeys(found))


def student_ids(files: list[Path], exercises: set[str] = frozenset()) -> list[str]:
    """``alice.ipynb`` -> ``alice``; ``alice/maximum-likelihood.ipynb`` -> ``alice``; unique."""
    ids = [f.parent.name if (f.stem in exercises and f.parent.name) else f.stem for f in files]
    dup = {i for i in ids if ids.count(i) > 1}
    return [str(f.with_suffix("")) if i in dup else i for i, f in zip(ids, files)]


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def write_results(results: list[dict], out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """Write ``grades.csv`` (one row per student and question, plus a ``total`` row) and ``grades.json``."""
    out = Path(out_dir)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    w.writeheader()
    for r in results:
        base = {"student": r["student"], "exercise": r["exercise"], "seconds": r["seconds"], "submission": r["submission"]}
        for q in r["questions"]:
            w.writerow({**base, **{k: q[k] for k in ("question", "score", "max_score", "passed", "total", "reason")}})
        w.writerow({**base, "question": "total", "score": r["score"], "max_score": r["max_score"],
                    "passed": "", "total": "", "reason": r["reason"]})
    csv_path, json_path = out / "grades.csv", out / "grades.json"
    _atomic_write(csv_path, buf.getvalue())
    _atomic_write(json_path, json.dumps({"submissions": results}, indent=1) + "\n")
    return csv_path, json_path


def grade_paths(paths: list[str | os.PathLike], out_dir: str | os.PathLike | None = None, *, jobs: int | None = None,
                timeout_s: float = 20.0, memory_mb: int = 1024, exercise: str | None = None,
                seed: int | None = None, masters: str | None = None) -> list[dict]:
    """Grade every submission under ``paths`` with ``jobs`` sandboxes at a time; write results to ``out_dir``.

    Returns one dict per submission (see :func:`~ptmcourse.grading.grader.grade_notebook`) with
    ``student`` and a Gradescope-shaped ``gradescope`` entry added, in input order. A submission
    that breaks the grader itself is reported with ``status: "error"``, never raised.
    """
    files = find_submissions(paths)
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    named = {}
    for f in files:
        nb, _ = read_notebook(f)
        named[f] = exercise or (notebook_exercise(nb) if nb is not None else None)
    known = {n for n in named.values() if n}
    fallback = exercise or (next(iter(known)) if len(known) == 1 else None)
    for name in sorted(known | ({fallback} if fallback else set())):
        hidden_suite(name, seed, masters)  # compute expected values once, before the workers start
    ids = student_ids(files, known)
    hide = sorted({str(f.resolve().parent) for f in files} | ({str(Path(out_dir).resolve())} if out_dir else set()))
    results: list[dict | None] = [None] * len(files)

    def one(i: int) -> dict:
        try:
            return grade_notebook(files[i], exercise=named[files[i]] or fallback, timeout_s=timeout_s,
                                  memory_mb=memory_mb, seed=seed, masters=masters, hide=hide)
        except Exception as exc:  # noqa: BLE001 - a grader bug must not lose the other results
            return {"submission": str(files[i]), "exercise": named[files[i]] or fallback, "status": "error",
                    "score": 0.0, "max_score": 0.0, "reason": f"internal grader error: {type(exc).__name__}: {exc}",
                    "seconds": 0.0, "questions": [], "isolation": [], "killed": 0, "survivors": [], "stdout_tail": ""}

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(one, i): i for i in range(len(files))}
        for fut in progress(as_completed(futures), total=len(files), desc="grading", unit="nb"):
            i = futures[fut]
            r = fut.result()
            r["student"] = ids[i]
            r["gradescope"] = gradescope_json(r)
            results[i] = r
    if out_dir is not None:
        write_results(results, out_dir)
    return results


def format_table(results: list[dict], width: int = 90) -> str:
    """A plain-text table: student, score, seconds, reason."""
    rows = [("student", "score", "seconds", "reason")]
    for r in results:
        rows.append((r["student"], f"{r['score']:g}/{r['max_score']:g}", f"{r['seconds']:.2f}", r["reason"][:width]))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return "\n".join(f"{a:<{w0}}  {b:>{w1}}  {c:>7}  {d}" for a, b, c, d in rows)
