"""Run untrusted notebook code in a sandbox and read back what its functions returned.

``run_sandboxed`` writes a job folder (the code cells and the test *inputs*, never the expected
values), starts ``_supervisor.py`` in a new session, and reads the results back defensively: the
files in the job folder belong to the submission, so every read is size-capped, does not follow
symlinks and refuses anything but a regular file. See ``_supervisor.py`` for the isolation layers.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUPERVISOR = HERE / "_supervisor.py"
RUNNER = HERE / "_runner.py"
MAX_OUTPUT_BYTES = 64 << 20


@dataclass
class SandboxRun:
    """What one sandboxed run reported. Only ``results`` values come from the submission."""

    results: dict[str, dict] = field(default_factory=dict)  # call id -> {"ok", "value" | "exc_type", "error"}
    loaded: bool = False  # the runner finished the notebook's cells (or stopped at an error)
    cell_error: str | None = None  # "cell 4: RuntimeError: boom (cell 4, line 1)"
    timed_out: bool = False
    exit_code: int | None = None
    wall_s: float = 0.0
    killed: int = 0
    survivors: list[int] = field(default_factory=list)
    isolation: list[str] = field(default_factory=list)
    setup_error: str | None = None
    stdout_tail: str = ""
    stderr_tail: str = ""


def read_capped(path: str | os.PathLike, cap: int, tail: bool = False) -> bytes:
    """Read at most ``cap`` bytes of a regular file without following symlinks ('' otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return b""
        if tail and st.st_size > cap:
            os.lseek(fd, st.st_size - cap, os.SEEK_SET)
        chunks, left = [], cap
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _site_dirs() -> list[str]:
    """Folders the untrusted interpreter needs on sys.path (where numpy is installed)."""
    import numpy

    return [str(Path(numpy.__file__).resolve().parents[1])]


def _hideable(paths: list[str]) -> list[str]:
    """Existing folders to hide (real paths); the supervisor binds back what the sandbox needs."""
    return sorted({os.path.realpath(p) for p in paths if os.path.isdir(p) and os.path.realpath(p) != "/"})


def _parse_outputs(raw: bytes, wanted: set[str], run: SandboxRun) -> None:
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if type(rec) is not dict:
            continue
        event = rec.get("event")
        if event == "loaded":
            run.loaded = True
        elif event == "cell_error" and run.cell_error is None and not run.loaded:
            cell, err = rec.get("cell"), rec.get("error")
            if type(cell) is int and type(err) is str:
                run.cell_error = f"cell {cell}: {err[:400]}"
        elif type(rec.get("id")) is str and rec["id"] in wanted and rec["id"] not in run.results:
            if rec.get("ok") is True and "value" in rec:
                run.results[rec["id"]] = {"ok": True, "value": rec["value"]}
            elif rec.get("ok") is False:
                exc, err = rec.get("exc_type"), rec.get("error")
                run.results[rec["id"]] = {"ok": False, "exc_type": exc if type(exc) is str else "Exception",
                                          "error": err[:400] if type(err) is str else "an error"}


def run_sandboxed(cells: list[tuple[int, str]], calls: list[dict], *, timeout_s: float = 20.0,
                  memory_mb: int = 1024, nproc: int = 64, fsize_mb: int = 64,
                  hide: list[str] | tuple[str, ...] = ()) -> SandboxRun:
    """Run ``cells`` (``(notebook index, source)`` pairs) then each call; return what came back.

    Parameters
    ----------
    cells : list of (int, str)
        The notebook's code cells in order.
    calls : list of dict
        ``{"id", "fn", "args", "kwargs"}`` with arguments already encoded by ``_runner.encode``.
    timeout_s, memory_mb, nproc, fsize_mb : limits
        Wall-clock seconds (CPU seconds too), address space, processes/threads, bytes per file.
    hide : paths
        Folders to cover with an empty tmpfs inside the sandbox (when running as root); the paths
        the sandbox needs (Python, numpy, its job folder) are bound back in.
    """
    if timeout_s <= 0 or memory_mb <= 0:
        raise ValueError(f"timeout_s and memory_mb must be > 0, got {timeout_s}, {memory_mb}")
    jobdir = tempfile.mkdtemp(prefix="ptmgrade-")
    run = SandboxRun()
    try:
        with open(os.path.join(jobdir, "job.json"), "w", encoding="utf-8") as f:
            json.dump({"cells": cells, "calls": calls, "site": _site_dirs()}, f, allow_nan=True)
        shutil.copyfile(RUNNER, os.path.join(jobdir, "runner.py"))
        os.chmod(jobdir, 0o700)
        needed = [os.path.realpath(x) for x in (sys.prefix, sys.base_prefix, sys.executable, *_site_dirs(),
                                                 os.path.dirname(os.__file__))]
        cfg = {
            "jobdir": jobdir,
            "argv": [sys.executable, "-I", "-S", os.path.join(jobdir, "runner.py"), jobdir],
            "env": {"PATH": "/usr/bin:/bin", "HOME": jobdir, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
                    "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                    "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"},
            "timeout_s": float(timeout_s),
            "limits": {"cpu_s": max(1, int(timeout_s) + 1), "memory_bytes": int(memory_mb) << 20,
                       "nproc": int(nproc), "fsize_bytes": int(fsize_mb) << 20},
            "unprivileged": os.environ.get("PTMCOURSE_GRADING_UNPRIVILEGED") == "1",  # test the non-root path
            "hide": _hideable(list(hide)),
            "needed": sorted({os.path.abspath(sys.executable), *needed}),
        }
        proc = subprocess.Popen([sys.executable, "-I", "-S", str(SUPERVISOR), json.dumps(cfg)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout_s + 30)
        except subprocess.TimeoutExpired:  # the supervisor itself is stuck: should never happen
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            run.setup_error = "the sandbox supervisor did not finish"
        try:
            report = json.loads(out.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            report = {"setup_error": f"the sandbox supervisor failed: {err.decode(errors='replace')[-500:]}"}
        run.timed_out = bool(report.get("timed_out"))
        run.exit_code = report.get("exit_code")
        run.wall_s = float(report.get("wall_s", 0.0))
        run.killed = int(report.get("killed", 0))
        run.survivors = list(report.get("survivors", []))
        run.isolation = list(report.get("isolation", []))
        run.setup_error = run.setup_error or report.get("setup_error")
        _parse_outputs(read_capped(os.path.join(jobdir, "outputs.jsonl"), MAX_OUTPUT_BYTES),
                       {c["id"] for c in calls}, run)
        run.stdout_tail = read_capped(os.path.join(jobdir, "stdout.txt"), 2000, tail=True).decode("utf-8", "replace")
        run.stderr_tail = read_capped(os.path.join(jobdir, "stderr.txt"), 2000, tail=True).decode("utf-8", "replace")
    finally:
        shutil.rmtree(jobdir, ignore_errors=True)
    return run
