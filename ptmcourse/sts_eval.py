"""Semantic textual similarity (STS) evaluation: Spearman correlation between the cosine similarity
of two sentence embeddings and the human score, in plain NumPy (ties get average ranks).

>>> pairs = ptmcourse.data.load_sts("stsb", "test")
>>> evaluate_sts(lambda sents: encode_sentences(model, tok, sents), pairs)
{'spearman': 0.8203, 'pearson': 0.83, 'n': 1379}

Used in: book/bert, book/bert-finetuning (and the sentence-embedding and ConSERT chapters).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

__all__ = ["rankdata", "spearman", "pearson", "cosine_rows", "evaluate_sts"]


def rankdata(x: Sequence[float] | np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``x`` (float64); tied values share the average of their ranks.

    >>> rankdata([10, 20, 20, 5])
    array([2. , 3.5, 3.5, 1. ])
    """
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {a.shape}")
    if np.isnan(a).any():
        raise ValueError("x contains NaN; ranks are undefined")
    order = np.argsort(a, kind="mergesort")
    s = a[order]
    # group boundaries of equal values in sorted order
    new = np.concatenate([[True], s[1:] != s[:-1]])
    group = np.cumsum(new) - 1  # (n,) group index of each sorted element
    starts = np.flatnonzero(new)
    ends = np.concatenate([starts[1:], [len(a)]])
    avg = (starts + ends + 1) / 2.0  # mean of ranks start+1 .. end
    ranks = np.empty(len(a), dtype=np.float64)
    ranks[order] = avg[group]
    return ranks


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Pearson correlation of two equally long 1-D arrays (NaN if one is constant)."""
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"x and y must be 1-D of the same length, got {a.shape} and {b.shape}")
    if len(a) < 2:
        raise ValueError(f"need at least 2 points, got {len(a)}")
    a, b = a - a.mean(), b - b.mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else float("nan")


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman's rank correlation: Pearson correlation of the (average-tie) ranks."""
    return pearson(rankdata(x), rankdata(y))


def cosine_rows(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row of ``u`` (N, D) with the same row of ``v`` (N, D)."""
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    if u.shape != v.shape or u.ndim != 2:
        raise ValueError(f"u and v must be (N, D) of the same shape, got {u.shape} and {v.shape}")
    nu = np.linalg.norm(u, axis=1)
    nv = np.linalg.norm(v, axis=1)
    return (u * v).sum(1) / np.maximum(nu * nv, 1e-12)


def evaluate_sts(embed: Callable[[list[str]], object], pairs, batch_sentences: bool = True) -> dict[str, float]:
    """Spearman (and Pearson) of cosine similarities against gold scores.

    Parameters
    ----------
    embed : callable list[str] -> (N, D) array or tensor of sentence embeddings.
    pairs : ``ptmcourse.data.STSPairs`` (``s1``, ``s2``, ``scores``).
    batch_sentences : embed ``s1 + s2`` in one call (else two calls).

    Returns
    -------
    ``{"spearman", "pearson", "n"}``; correlations as plain floats (x100 is the usual report).
    """
    s1, s2 = list(pairs.s1), list(pairs.s2)
    if len(s1) != len(s2) or len(s1) < 2:
        raise ValueError(f"pairs must hold >= 2 sentence pairs, got {len(s1)}")

    def arr(e):
        return e.detach().cpu().float().numpy() if hasattr(e, "detach") else np.asarray(e)

    if batch_sentences:
        e = arr(embed(s1 + s2))
        u, v = e[:len(s1)], e[len(s1):]
    else:
        u, v = arr(embed(s1)), arr(embed(s2))
    sims = cosine_rows(u, v)
    gold = np.asarray(pairs.scores, dtype=np.float64)
    return {"spearman": spearman(sims, gold), "pearson": pearson(sims, gold), "n": int(len(gold))}
