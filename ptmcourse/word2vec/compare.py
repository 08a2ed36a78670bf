"""Ours against gensim: the same corpus, the same settings, measured in one run.

Used by ``bench/word2vec.py`` and by the chapter at ``scale="paper"`` (the ``word2vec-vs-gensim``
reproduction). gensim is an optional (bench/dev) dependency.

Used in: book/word-vectors, bench/word2vec.py
"""
from __future__ import annotations

import time
from typing import Sequence

from ..wordvec_eval import evaluate_analogy, evaluate_similarity
from .config import Word2VecConfig
from .model import Word2Vec

__all__ = ["scores", "train_ours", "train_gensim", "compare_with_gensim", "comparison_config", "flat_metrics",
           "METRICS"]

METRICS = ("words_per_s", "analogy_acc", "analogy_coverage", "ws353_spearman", "simlex_spearman")


def comparison_config(epochs: int = 5, workers: int = 2, **overrides) -> Word2VecConfig:
    """The settings of the comparison: the ``paper`` preset (skip-gram, negative 5, window 5,
    dim 100, min_count 5, sample 1e-3, WikiText-2 + PTB), no loss tracking (gensim's default)."""
    return Word2VecConfig.preset("paper", epochs=epochs, workers=workers, compute_loss=False, **overrides)


def flat_metrics(result: dict) -> dict:
    """``{"ours_analogy_acc": ..., "gensim_analogy_acc": ..., ..., "speed_ratio": ...}`` for
    :func:`ptmcourse.results.record`."""
    out = {f"{side}_{k}": float(result[side][k]) for side in ("ours", "gensim") for k in METRICS}
    out["speed_ratio"] = float(result["speed_ratio"])
    return out


def scores(kv: object) -> dict:
    """The four numbers of the comparison: analogy accuracy (3CosAdd, top 30k words) and its
    coverage, Spearman on WordSim-353 and on SimLex-999."""
    an = evaluate_analogy(kv, restrict=30000, method="3cosadd")
    return {"analogy_acc": an["accuracy"], "analogy_coverage": an["coverage"],
            "ws353_spearman": evaluate_similarity(kv, "wordsim353")["spearman"],
            "simlex_spearman": evaluate_similarity(kv, "simlex999")["spearman"]}


def _timed(fn) -> tuple[float, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def train_ours(sentences: Sequence[Sequence[str]], config: Word2VecConfig) -> tuple[Word2Vec, dict]:
    """Train our model (JIT warmed up first, so compilation is not timed); return it and its timings."""
    model = Word2Vec(config)
    if model.backend == "numba":  # compile (or load the cached kernel) outside the timed run
        Word2Vec(config, min_count=1, epochs=1, compute_loss=config.compute_loss).fit([["a", "b", "c"]] * 50)
    model.build_vocab(sentences)
    wall, cpu = _timed(lambda: model.train(sentences))
    n = sum(len(s) for s in sentences)
    return model, {"words_per_s": n * config.epochs / wall, "train_s": wall, "cpu_s": cpu, "vocab": len(model.vocab),
                   "backend": model.backend, "device": str(model.device)}


def train_gensim(sentences: Sequence[Sequence[str]], config: Word2VecConfig):
    """Train gensim's Word2Vec with the same settings; return its KeyedVectors and timings."""
    try:
        from gensim.models import Word2Vec as GensimWord2Vec
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("the comparison needs gensim: pip install gensim") from exc
    c = config
    g = GensimWord2Vec(vector_size=c.dim, window=c.window, min_count=c.min_count, max_final_vocab=c.max_vocab,
                       sg=int(c.arch == "skipgram"), negative=c.negative, hs=int(c.hs), sample=c.sample,
                       alpha=c.start_alpha, min_alpha=c.min_alpha, ns_exponent=c.ns_exponent, cbow_mean=1,
                       workers=c.workers, epochs=c.epochs, seed=c.seed, compute_loss=False)
    g.build_vocab(sentences)
    wall, cpu = _timed(lambda: g.train(sentences, total_examples=g.corpus_count, epochs=c.epochs))
    n = sum(len(s) for s in sentences)
    return g.wv, {"words_per_s": n * c.epochs / wall, "train_s": wall, "cpu_s": cpu, "vocab": len(g.wv)}


def compare_with_gensim(sentences: Sequence[Sequence[str]], config: Word2VecConfig) -> dict:
    """Train both (ours first) and score both with the same evaluation code.

    Returns ``{"ours": {...}, "gensim": {...}, "speed_ratio": ours/gensim words_per_s,
    "diff": {metric: ours - gensim}}``; each side has ``words_per_s``, ``analogy_acc``,
    ``analogy_coverage``, ``ws353_spearman``, ``simlex_spearman``, ``train_s``, ``cpu_s``, ``vocab``.
    """
    model, ours = train_ours(sentences, config)
    ours.update(scores(model.wv))
    gwv, theirs = train_gensim(sentences, config)
    theirs.update(scores(gwv))
    keys = ("analogy_acc", "ws353_spearman", "simlex_spearman")
    return {"ours": ours, "gensim": theirs, "speed_ratio": ours["words_per_s"] / theirs["words_per_s"],
            "diff": {k: ours[k] - theirs[k] for k in keys}}
