"""word2vec: ours (ptmcourse.word2vec) against gensim, identical settings, one corpus, one run.

    .venv/bin/python bench/word2vec.py                # WikiText-2 (all splits) + PTB, 5 epochs, 2 threads
    .venv/bin/python bench/word2vec.py --corpus ptb --epochs 1   # a quick look
    .venv/bin/python bench/word2vec.py --record       # also write results/word2vec-vs-gensim/paper.json

Settings (``ptmcourse.word2vec.compare.comparison_config``): skip-gram, negative 5, window 5,
dim 100, min_count 5, sample 1e-3, alpha 0.025 -> 1e-4, the same epochs and threads for both;
neither tracks the loss. Both are scored by the same code (ptmcourse.wordvec_eval): Google
analogies by 3CosAdd over the 30k most frequent words, Spearman on WordSim-353 and SimLex-999.
words_per_s counts every corpus token per second of training (vocabulary building excluded for
both; our JIT is warmed up first). The machine's load average is printed: timings taken while
other jobs run mean little.

``--record`` does what ``ptmcourse reproduce word2vec-vs-gensim --scale paper`` does for the
chapter's comparison (the chapter at ``scale="paper"`` runs this same comparison, plus a paper-size
NNLM that wants a GPU): it calls ``ptmcourse.results.record`` and writes the record, with the
command and wall time, to ``results/word2vec-vs-gensim/paper.json``.

The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from ptmcourse import set_threads  # noqa: E402
from ptmcourse.word2vec import CORPORA, load_corpus  # noqa: E402
from ptmcourse.word2vec.compare import compare_with_gensim, comparison_config, flat_metrics  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="wikitext2+ptb", choices=CORPORA)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--record", action="store_true", help="write results/word2vec-vs-gensim/paper.json")
    a = ap.parse_args(argv)
    cfg = comparison_config(epochs=a.epochs, workers=a.workers, corpus=a.corpus)
    if a.record and cfg != comparison_config():
        ap.error("--record stores the paper-scale comparison: use the default --corpus/--epochs/--workers")
    t0 = time.time()
    set_threads(a.workers)
    sents = load_corpus(a.corpus)
    load_before = os.getloadavg()
    res = compare_with_gensim(sents, cfg)
    load_after = os.getloadavg()
    for side in ("ours", "gensim"):
        r = res[side]
        print(f"{side:>6}: {r['words_per_s']:,.0f} words/s ({r['train_s']:.1f} s wall, {r['cpu_s']:.1f} s cpu), "
              f"analogy {r['analogy_acc']:.4f} (coverage {r['analogy_coverage']:.3f}), "
              f"WS353 {r['ws353_spearman']:.4f}, SimLex {r['simlex_spearman']:.4f}", file=sys.stderr)
    out = {"bench": "word2vec", "corpus": a.corpus, "tokens": sum(len(s) for s in sents), "epochs": a.epochs,
           "workers": a.workers, "settings": cfg.to_dict(), "ours": res["ours"], "gensim": res["gensim"],
           "speed_ratio": res["speed_ratio"], "diff": res["diff"],
           "load_avg_before": [round(x, 2) for x in load_before], "load_avg_after": [round(x, 2) for x in load_after],
           "cpus": os.cpu_count()}
    if a.record:
        from ptmcourse.results import atomic_write_json, record

        conf = {**cfg.to_dict(), "tokens": out["tokens"], "load_avg_1m_before": round(load_before[0], 2),
                "load_avg_1m_after": round(load_after[0], 2), "cpus": os.cpu_count()}
        rec = record(name="word2vec-vs-gensim", scale="paper", metrics=flat_metrics(res), config=conf, seed=cfg.seed)
        rec["command"] = "python bench/word2vec.py --record"
        rec["wall_s"] = round(time.time() - t0, 1)
        path = atomic_write_json(ROOT / "results" / "word2vec-vs-gensim" / "paper.json", rec)
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
