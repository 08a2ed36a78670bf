"""Tools for the book itself: list the chapters in ``_toc.yml`` and measure their run times.

``ptmcourse book runtimes`` (or ``python -m ptmcourse.booktools runtimes``) executes every chapter at book scale with papermill (into a
temporary copy; the stored notebooks are not touched), times each, and writes ``book/runtimes.md``,
the book's page of chapter run times.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import yaml


def toc_files(root: str | os.PathLike) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` (root first), in reading order, without extension."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    out = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                out.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                if key in node:
                    walk(node[key])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return out


def chapter_notebooks(root: str | os.PathLike) -> list[Path]:
    """The chapter notebooks listed in ``_toc.yml``, in reading order (not the exercise notebooks in
    ``book/exercises/``, which students fill in and which are never executed as they are)."""
    root = Path(root)
    return [root / f"{f}.ipynb" for f in toc_files(root)
            if (root / f"{f}.ipynb").exists() and not f.startswith("book/exercises/")]


def notebook_title(path: Path) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def measure_runtimes(root: str | os.PathLike, scale: str = "book") -> list[tuple[Path, float]]:
    """Execute each chapter at ``scale`` in a temp copy and return ``(path, seconds)`` pairs."""
    import papermill as pm

    from .utils import progress

    root = Path(root)
    out = []
    with tempfile.TemporaryDirectory(prefix="ptmcourse-runtimes-") as tmp:
        for nb in progress(chapter_notebooks(root), desc="chapters", unit="nb"):
            t0 = time.perf_counter()
            pm.execute_notebook(str(nb), str(Path(tmp) / nb.name), parameters={"scale": scale},
                                cwd=str(nb.parent), progress_bar=False, kernel_name="python3")
            out.append((nb, time.perf_counter() - t0))
    return out


def times_from_nbval(root: str | os.PathLike, path: str | os.PathLike) -> list[tuple[Path, float]]:
    """Chapter times recorded by an nbval run (the JSON that ``PTMCOURSE_CHAPTER_TIMES`` names), TOC order."""
    import json

    root = Path(root)
    rec = json.loads(Path(path).read_text())
    failed = [p for p, r in rec.items() if not r["ok"]]
    if failed:
        raise ValueError(f"{path}: these chapters failed under nbval, so their times mean nothing: {failed}")
    by_path = {(root / p).resolve(): r["seconds"] for p, r in rec.items()}
    missing = [nb for nb in chapter_notebooks(root) if nb.resolve() not in by_path]
    if missing:
        raise ValueError(f"{path} has no time for {[str(m.relative_to(root)) for m in missing]}; "
                         "run nbval on every chapter")
    return [(nb, by_path[nb.resolve()]) for nb in chapter_notebooks(root)]


def write_runtimes_page(root: str | os.PathLike, times: list[tuple[Path, float]], how: str = "papermill",
                        note: str = "") -> Path:
    """Write ``book/runtimes.md`` from measured ``times``."""
    import torch

    root = Path(root)
    rows = "\n".join(f"| [{notebook_title(p)}]({p.name}) | {s:.0f} |" for p, s in times)
    total = sum(s for _, s in times)
    when = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
    command = {"papermill": "ptmcourse book runtimes",
               "nbval": "PTMCOURSE_CHAPTER_TIMES=times.json make chapters\nptmcourse book runtimes --from times.json"}[how]
    text = f"""# Chapter run times

How long each chapter takes to execute from top to bottom at book scale (`scale = "book"`), measured
by executing every chapter on one machine with

```bash
{command}
```

which writes this page. The budget is about 90 s per chapter on 2 CPU cores, so that a student can run
any chapter on a laptop, and so that CI, which re-executes every chapter on each change, stays fast.
Times include starting the kernel and importing PyTorch (a few seconds).

| chapter | seconds |
|---|---:|
{rows}
| **total** | **{total:.0f}** |

Measured on {when}: {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()},
PyTorch {torch.__version__}, {torch.get_num_threads()} threads, no GPU used.
{note}
"""
    path = root / "book" / "runtimes.md"
    path.write_text(text)
    return path


def main(argv: list[str] | None = None) -> int:
    from .reproduce import repo_root

    ap = argparse.ArgumentParser(prog="python -m ptmcourse.booktools")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("chapters", help="print the chapter notebooks in TOC order")
    r = sub.add_parser("runtimes", help="execute every chapter at book scale and write book/runtimes.md")
    r.add_argument("--scale", default="book")
    r.add_argument("--note", default="", help="a sentence about the measurement (e.g. machine load)")
    r.add_argument("--from", dest="from_json", metavar="JSON",
                   help="use the chapter times an nbval run wrote (PTMCOURSE_CHAPTER_TIMES) instead of executing")
    a = ap.parse_args(argv)
    root = repo_root()
    if a.cmd == "chapters":
        for nb in chapter_notebooks(root):
            print(nb.relative_to(root))
        return 0
    if a.from_json:
        times = times_from_nbval(root, a.from_json)
        print(write_runtimes_page(root, times, how="nbval", note=a.note))
        return 0
    times = measure_runtimes(root, a.scale)
    for p, s in times:
        print(f"{p.relative_to(root)}\t{s:.1f} s")
    print(write_runtimes_page(root, times, note=a.note))
    return 0


if __name__ == "__main__":
    sys.exit(main())
