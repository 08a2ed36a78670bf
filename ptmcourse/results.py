"""Reproduction results: what an experiment measured, next to the paper's number.

A chapter or reproduction notebook calls :func:`record` with the metrics it measured. When the
notebook is run by ``ptmcourse reproduce NAME --scale S`` the environment variable
``PTMCOURSE_RESULTS_FILE`` names a JSON file to write; :func:`ptmcourse.reproduce.run` then adds the
command, environment and wall time and places it at ``results/NAME/S.json``. Outside a reproduction
run, :func:`record` only returns the record (nothing is written), so a chapter run by hand never
overwrites a stored result.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

RESULTS_ENV = "PTMCOURSE_RESULTS_FILE"


def environment() -> dict[str, Any]:
    """Python, torch and numpy versions, device and thread count of this process."""
    import numpy as np
    import torch

    dev = "cpu"
    if torch.cuda.is_available():
        dev = f"cuda ({torch.cuda.get_device_name(0)})"
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "device": dev,
        "threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
    }


def _check_numbers(kind: str, d: dict) -> None:
    if not isinstance(d, dict) or not d:
        raise ValueError(f"{kind} must be a non-empty dict of name -> number, got {d!r}")
    for k, v in d.items():
        if k == "source":
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"{kind}[{k!r}] must be a finite number, got {v!r}")


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write JSON to ``path`` via a temp file in the same folder and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, indent=2, sort_keys=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def record(name: str, scale: str, metrics: dict, paper: dict | None = None,
           config: dict | None = None, seed: int | None = None, details: dict | None = None) -> dict:
    """Record a reproduction's measured metrics (and the paper's, with its ``source``).

    ``metrics`` and ``paper`` map names to numbers (the headline figures); ``details`` holds anything
    else worth keeping, JSON-serialisable (per-seed values, say).

    Returns the record. Writes it only inside ``ptmcourse reproduce`` (see module docstring).

    Used in: every chapter with a reproduction.
    """
    _check_numbers("metrics", metrics)
    if details is not None:
        try:
            json.dumps(details, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"details must be JSON-serialisable with finite numbers: {e}") from None
    if paper is not None:
        _check_numbers("paper", paper)
        if "source" not in paper:
            raise ValueError("paper must name its 'source' (e.g. 'Zaremba et al. 2014, Table 1')")
    rec = {
        "name": name,
        "scale": scale,
        "metrics": metrics,
        "paper": paper,
        "config": config or {},
        "seed": seed,
        **({"details": details} if details is not None else {}),
        "environment": environment(),
        "finished": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    target = os.environ.get(RESULTS_ENV)
    if target:
        atomic_write_json(target, rec)
    return rec


def artifact_dir() -> Path | None:
    """Inside ``ptmcourse reproduce``: a folder for files the run produces besides its numbers (e.g.
    a trained checkpoint), copied to ``results/NAME/SCALE/`` when the run succeeds. Outside a
    reproduction run: None (a chapter run by hand stores nothing).

    Used in: book/bert (the stored small-BERT checkpoint).
    """
    target = os.environ.get(RESULTS_ENV)
    if not target:
        return None
    d = Path(target).parent / "artifacts"
    d.mkdir(parents=True, exist_ok=True)
    return d


def stored_dir(name: str, scale: str, root: str | os.PathLike | None = None) -> Path:
    """``results/NAME/SCALE/``: where a reproduction's files (see :func:`artifact_dir`) are stored."""
    if root is None:
        from .reproduce import repo_root

        root = repo_root() / "results"
    return Path(root) / name / scale


def load(name: str, scale: str, root: str | os.PathLike = "results") -> dict | None:
    """Load ``results/NAME/SCALE.json`` or return None when that reproduction has not been run."""
    p = Path(root) / name / f"{scale}.json"
    if not p.exists():
        return None
    return json.loads(p.read_text())
