"""``ptmcourse reproduce NAME --scale S``: re-run a paper result and store it under ``results/``.

Each reproduction is a notebook (a chapter or a page of its own) with a papermill ``parameters``
cell holding ``scale`` and ``device``. The notebook calls :func:`ptmcourse.results.record`; this
module runs it with papermill, pointing ``PTMCOURSE_RESULTS_FILE`` at a temp file, then writes
``results/NAME/SCALE.json`` (the record plus command and wall time) and ``results/NAME/SCALE.ipynb``
(the executed notebook), and the files it left in :func:`ptmcourse.results.artifact_dir` (a trained
checkpoint, say) in ``results/NAME/SCALE/``. Nothing is written to ``results/`` unless the run
finished and recorded.

Scales: ``smoke`` (seconds, tests), ``book`` (the chapter's budget, about 90 s on 2 cores),
``laptop`` (minutes to an hour on a laptop CPU; only where a notebook defines it) and ``paper``
(the published setting, a GPU where one is needed).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .results import RESULTS_ENV, atomic_write_json

SCALES = ("smoke", "book", "laptop", "paper")


@dataclass(frozen=True)
class Reproduction:
    name: str
    notebook: str  # path relative to the repository root
    description: str


# name -> Reproduction. Add an entry when a chapter gains a reproduction.
REPRODUCTIONS: dict[str, Reproduction] = {
    r.name: r
    for r in [
        Reproduction("kn5-ptb", "book/ngram-language-models.ipynb",
                     "Modified Kneser-Ney 5-gram on PTB, test perplexity (Mikolov et al. 2011: 141.2)"),
        Reproduction("word2vec-vs-gensim", "book/word-vectors.ipynb",
                     "word2vec skip-gram vs gensim on WikiText-2 + PTB: analogies, WordSim-353, SimLex-999, speed"),
        Reproduction("zaremba-small-ptb", "book/zaremba-reproduction.ipynb",
                     "Zaremba et al. 2014 small non-regularised LSTM on PTB (114.5 test / 120.7 valid)"),
        Reproduction("baby-gpt-shakespeare", "book/gpt.ipynb",
                     "nanoGPT's CPU 'baby GPT' on Tiny Shakespeare characters (val loss 1.8857)"),
        Reproduction("bert-small-wikitext2", "book/bert.ipynb",
                     "Small BERT pre-trained on WikiText-2 (MLM + NSP): valid MLM accuracy and perplexity"),
    ]
}


def repo_root() -> Path:
    """The repository root (the folder holding ``_toc.yml``), found from this file or the cwd."""
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for p in (start, *start.parents):
            if (p / "_toc.yml").exists() and (p / "ptmcourse").is_dir():
                return p
    raise FileNotFoundError("cannot find the ptmcourse repository root (no _toc.yml above the cwd); "
                            "run `ptmcourse reproduce` from inside a clone of the repository")


def run(name: str, scale: str = "paper", device: str = "auto", out_root: str | os.PathLike | None = None,
        progress: bool = True) -> dict:
    """Execute reproduction ``name`` at ``scale`` and store its result; return the result dict."""
    if name not in REPRODUCTIONS:
        known = ", ".join(sorted(REPRODUCTIONS)) or "(none)"
        raise ValueError(f"unknown reproduction {name!r}; known: {known}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    import papermill as pm

    root = repo_root()
    rep = REPRODUCTIONS[name]
    nb_in = root / rep.notebook
    out_dir = Path(out_root) if out_root is not None else root / "results" / name
    with tempfile.TemporaryDirectory(prefix=f"ptmcourse-{name}-") as tmp:
        rec_file = Path(tmp) / "record.json"
        nb_out = Path(tmp) / f"{scale}.ipynb"
        old = os.environ.get(RESULTS_ENV)
        os.environ[RESULTS_ENV] = str(rec_file)
        t0 = time.time()
        try:
            pm.execute_notebook(str(nb_in), str(nb_out), parameters={"scale": scale, "device": device},
                                cwd=str(nb_in.parent), progress_bar=progress, kernel_name="python3")
        finally:
            if old is None:
                os.environ.pop(RESULTS_ENV, None)
            else:
                os.environ[RESULTS_ENV] = old
        wall = time.time() - t0
        if not rec_file.exists():
            raise RuntimeError(f"{rep.notebook} ran at scale={scale!r} but never called "
                               "ptmcourse.results.record(); nothing was written")
        rec = json.loads(rec_file.read_text())
        rec["command"] = f"ptmcourse reproduce {name} --scale {scale}" + (f" --device {device}" if device != "auto" else "")
        rec["wall_s"] = round(wall, 1)
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(nb_out, out_dir / f".{scale}.ipynb.tmp")
        os.replace(out_dir / f".{scale}.ipynb.tmp", out_dir / f"{scale}.ipynb")
        artifacts = Path(tmp) / "artifacts"
        if artifacts.is_dir() and any(artifacts.iterdir()):
            final, staging = out_dir / scale, out_dir / f".{scale}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(artifacts, staging)
            shutil.rmtree(final, ignore_errors=True)
            os.replace(staging, final)
        atomic_write_json(out_dir / f"{scale}.json", rec)
    return rec


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - thin wrapper used by cli.py
    import argparse

    ap = argparse.ArgumentParser(prog="ptmcourse reproduce")
    ap.add_argument("name")
    ap.add_argument("--scale", default="paper", choices=SCALES)
    ap.add_argument("--device", default="auto")
    a = ap.parse_args(argv)
    rec = run(a.name, a.scale, a.device)
    print(json.dumps(rec["metrics"]))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
