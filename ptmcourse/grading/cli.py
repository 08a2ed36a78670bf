"""Command line for grading: ``ptmcourse grade ...`` and ``ptmcourse exercises generate``.

``ptmcourse.cli`` hands its arguments to :func:`cli_main`:

* ``grade PATH... [--out DIR] [--jobs N] [--timeout S] [--memory MB] [--exercise NAME] [--seed N]``
* ``generate [--check]``: regenerate the student notebooks and public tests from the masters.
"""
from __future__ import annotations

import argparse
import os
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ptmcourse", description="Grade exercise submissions; generate student notebooks.")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade notebooks (files or folders) with the hidden tests")
    g.add_argument("paths", nargs="+", metavar="PATH", help="a submitted .ipynb, or a folder of them")
    g.add_argument("--out", default="grades", metavar="DIR", help="where to write grades.csv and grades.json (default: grades)")
    g.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="submissions graded at once (default: all cores)")
    g.add_argument("--timeout", type=float, default=20.0, metavar="S", help="wall-clock and CPU seconds per sandboxed run (default: 20)")
    g.add_argument("--memory", type=int, default=1024, metavar="MB", help="address-space limit per submission (default: 1024)")
    g.add_argument("--exercise", default=None, metavar="NAME", help="exercise name when notebooks lack the metadata")
    g.add_argument("--seed", type=int, default=None, help="hidden-test seed (default: the master's, or $PTMCOURSE_HIDDEN_SEED)")
    g.add_argument("--masters", default=None, metavar="DIR", help="folder of exercise masters (default: the repository's exercises/)")
    gen = sub.add_parser("generate", help="regenerate book/exercises/*.ipynb and the public tests from exercises/*.py")
    gen.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    gen.add_argument("--masters", default=None, metavar="DIR")
    return p


def cli_main(argv: list[str] | None = None) -> int:
    """Run the grading command line; returns the exit status (0 ok, 1 usage/stale, 2 grader errors).

    Used in: ``ptmcourse grade`` and ``ptmcourse exercises generate`` (ptmcourse/cli.py).
    """
    args = _parser().parse_args(argv)
    if args.command == "generate":
        from .generate import generate

        changed = generate(masters=args.masters, check=args.check)
        for path in changed:
            print(("stale: " if args.check else "wrote: ") + str(path))
        if not changed:
            print("generated exercise files are up to date")
        return 1 if (args.check and changed) else 0
    from .batch import format_table, grade_paths

    if os.name == "posix" and os.geteuid() != 0:
        print("note: grading as a non-root user: submissions run with resource limits and are killed on timeout, "
              "but cannot be fully isolated (they can read your files and signal your processes). "
              "Grade as root in a container for full isolation.", file=sys.stderr)
    try:
        results = grade_paths(args.paths, args.out, jobs=args.jobs, timeout_s=args.timeout, memory_mb=args.memory,
                              exercise=args.exercise, seed=args.seed, masters=args.masters)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not results:
        print("error: no submissions found", file=sys.stderr)
        return 1
    print(format_table(results))
    print(f"wrote {os.path.join(args.out, 'grades.csv')} and {os.path.join(args.out, 'grades.json')}")
    return 2 if any(r["status"] == "error" for r in results) else 0
