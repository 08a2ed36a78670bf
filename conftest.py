"""Root pytest configuration: quiet progress bars, the data mirror, and a per-chapter run-time table."""
from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("PTMCOURSE_QUIET", "1")
_mirror = Path(__file__).resolve().parent.parent / "shared" / "data"
if "PTMCOURSE_DATA_MIRROR" not in os.environ and _mirror.is_dir():
    os.environ["PTMCOURSE_DATA_MIRROR"] = str(_mirror)

_NB_TIMES: dict[str, float] = defaultdict(float)
_NB_FAILED: set[str] = set()


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _NB_TIMES[path] += report.duration
        if report.failed:
            _NB_FAILED.add(path)


def pytest_terminal_summary(terminalreporter):
    if not _NB_TIMES:
        return
    tr = terminalreporter
    tr.section("chapter run times (nbval re-execution)")
    width = max(len(p) for p in _NB_TIMES)
    for path, secs in sorted(_NB_TIMES.items()):
        status = "FAILED" if path in _NB_FAILED else "ok"
        tr.write_line(f"{path:<{width}}  {secs:7.1f} s  {status}")
    tr.write_line(f"{'total':<{width}}  {sum(_NB_TIMES.values()):7.1f} s")
    out = os.environ.get("PTMCOURSE_CHAPTER_TIMES")  # `ptmcourse book runtimes --from FILE` renders it
    if out:
        with open(out, "w") as f:
            json.dump({p: {"seconds": round(t, 1), "ok": p not in _NB_FAILED} for p, t in _NB_TIMES.items()}, f,
                      indent=1)
