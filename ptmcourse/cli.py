"""The ``ptmcourse`` command (also ``python -m ptmcourse``).

Each subcommand has an ``_add_<name>(subparsers)`` that declares its arguments and a ``_cmd_<name>``
that runs it and returns the exit status; :func:`build_parser` wires them together. To add a
command, write the pair and call ``_add_<name>`` in :func:`build_parser`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap

from . import __version__


# --- data -------------------------------------------------------------------------------------

def _human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError  # unreachable


def _cmd_data_list(args: argparse.Namespace) -> int:
    from . import data

    rows = []
    for name in data.names():
        ds = data.info(name)
        rows.append((name, str(len(ds.files)), _human_size(ds.size), "yes" if data.is_local(name) else "no",
                     ds.license))
    header = ("name", "files", "size", "local", "license")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(4)]
    lic_width = 70
    for r in (header, *rows):
        lic = r[4] if args.verbose or len(r[4]) <= lic_width else r[4][: lic_width - 3] + "..."
        print("  ".join([r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].rjust(widths[2]),
                         r[3].ljust(widths[3]), lic]).rstrip())
        if args.verbose and r is not header:
            ds = data.info(r[0])
            for label, text in (("title", ds.title), ("source", ds.source), ("cite", ds.citation)):
                print(textwrap.fill(text, width=100, initial_indent=f"    {label}: ",
                                    subsequent_indent=" " * (6 + len(label))))
    print(f"(local = every file is in the cache {data.cache_dir()} or the mirror "
          f"{data.mirror_dir() or '(PTMCOURSE_DATA_MIRROR not set)'}; otherwise it is downloaded on first use)")
    return 0


def _cmd_data_verify(args: argparse.Namespace) -> int:
    from . import data

    checks = data.verify(args.names or None, download=not args.no_download)
    corrupt = [c for c in checks if c.status == "corrupt"]
    missing = [c for c in checks if c.status == "missing"]
    for c in corrupt:
        print(f"BAD {c.dataset}: {c.file.path}")
        print(textwrap.indent(c.message, "    "))
    for c in missing:  # one line each; the advice (the same for all) once below
        print(f"MISSING {c.dataset}: {c.file.path}")
    if missing:
        print(textwrap.indent(missing[0].message, "    "))
    if corrupt or missing:
        print(f"{len(corrupt) + len(missing)} of {len(checks)} files failed verification "
              f"({len(corrupt)} corrupt, {len(missing)} missing)")
        return 1
    print(f"{len(checks)} files OK")
    return 0


def _cmd_data_path(args: argparse.Namespace) -> int:
    from . import data

    print(data.path(args.name, args.file))
    return 0


def _add_data(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="list, verify and locate the course datasets",
                       description="List, verify and locate the course datasets (see ptmcourse.data).")
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    q = dsub.add_parser("list", help="table of datasets: name, files, size, license")
    q.add_argument("-v", "--verbose", action="store_true", help="full license, title, source and citation")
    q.set_defaults(func=_cmd_data_list)
    q = dsub.add_parser("verify", help="full sha256 check of every file (exit 1 if any is bad)")
    q.add_argument("names", nargs="*", metavar="NAME", help="datasets to check (default: all)")
    q.add_argument("--no-download", action="store_true", help="report missing files instead of downloading them")
    q.set_defaults(func=_cmd_data_verify)
    q = dsub.add_parser("path", help="print the checked local path of a dataset (folder) or one of its files")
    q.add_argument("name", metavar="NAME")
    q.add_argument("file", nargs="?", metavar="FILE", help="e.g. ptb.train.txt (default: the dataset folder)")
    q.set_defaults(func=_cmd_data_path)


# --- reproduce ----------------------------------------------------------------------------------

def _cmd_reproduce(args: argparse.Namespace) -> int:
    from . import reproduce
    from .utils import quiet

    rec = reproduce.run(args.name, scale=args.scale, device=args.device, progress=not quiet())
    print(json.dumps(rec.get("metrics", {}), sort_keys=True))
    print(f"wrote results/{args.name}/{args.scale}.json and .ipynb")
    return 0


def _add_reproduce(sub: argparse._SubParsersAction) -> None:
    from .reproduce import REPRODUCTIONS, SCALES

    p = sub.add_parser("reproduce", help="re-run a paper result and store it under results/",
                       description="Run a reproduction notebook with papermill and write "
                                   "results/NAME/SCALE.json. Known: " + (", ".join(REPRODUCTIONS) or "(none)"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--scale", default="paper", choices=SCALES)
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    p.set_defaults(func=_cmd_reproduce)


# --- book ---------------------------------------------------------------------------------------

def _cmd_book(args: argparse.Namespace) -> int:
    from . import booktools

    argv = [args.book_command]
    if args.book_command == "runtimes":
        argv += ["--scale", args.scale] + (["--from", args.from_json] if args.from_json else [])
    return booktools.main(argv)


def _add_book(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("book", help="list the chapters; measure their run times",
                       description="Tools for the book: list chapters in TOC order, or execute each at book "
                                   "scale and rewrite book/runtimes.md.")
    bsub = p.add_subparsers(dest="book_command", metavar="ACTION", required=True)
    bsub.add_parser("chapters", help="print the chapter notebooks in TOC order").set_defaults(func=_cmd_book)
    q = bsub.add_parser("runtimes", help="execute every chapter and write book/runtimes.md")
    q.add_argument("--scale", default="book", choices=("smoke", "book", "paper"))
    q.add_argument("--from", dest="from_json", metavar="JSON",
                   help="render the times an nbval run recorded (env PTMCOURSE_CHAPTER_TIMES) instead of executing")
    q.set_defaults(func=_cmd_book)


# --- grading ------------------------------------------------------------------------------------
# `grade` and `exercises generate` hand their arguments to ptmcourse.grading's own parser unchanged
# (see main()); these entries only list them in `ptmcourse --help`.

def _add_grading(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("grade", help="grade notebook submissions with the hidden tests (see: ptmcourse grade --help)")
    p = sub.add_parser("exercises", help="`exercises generate [--check]`: rebuild book/exercises/ from exercises/")
    p.set_defaults(func=_usage_exercises)


def _usage_exercises(args: argparse.Namespace) -> int:
    print("usage: ptmcourse exercises generate [--check]", file=sys.stderr)
    return 2


_DELEGATED = {("grade",): "grade", ("exercises", "generate"): "generate"}

# --- entry point ---------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    """The ``ptmcourse`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="ptmcourse", description="Tools for the ptmcourse book and package.")
    parser.add_argument("--version", action="version", version=f"ptmcourse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_data(sub)
    _add_reproduce(sub)
    _add_book(sub)
    _add_grading(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``ptmcourse`` command; returns the exit status (0 ok, 1 failure, 2 bad arguments)."""
    from .data import DataError

    argv = list(sys.argv[1:] if argv is None else argv)
    for prefix, command in _DELEGATED.items():
        if tuple(argv[: len(prefix)]) == prefix:
            from .grading import cli_main

            return cli_main([command, *argv[len(prefix):]])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        print(f"ptmcourse: error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # bad names and values: the message lists what is allowed
        print(f"ptmcourse: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `ptmcourse data list | head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python's exit-time flush quiet
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
