"""How good are word vectors? Word similarity (Spearman's rank correlation with human ratings on
WordSim-353 and SimLex-999) and word analogies (the Google set, by 3CosAdd or 3CosMul).

Both follow the customs of word2vec.c's ``compute-accuracy`` and gensim: questions and pairs are
lowercased; an analogy question is answered only when its four words are among the ``restrict``
(30,000) most frequent words, and the others are *skipped and counted* (``coverage`` says how many
were answered); a similarity pair with a word outside the vocabulary is skipped and counted too.
Accuracy is over the answered questions, so always read it next to its coverage.

Works with anything that has ``words`` (most frequent first) and ``vectors`` (V, D), such as
:class:`ptmcourse.word2vec.KeyedVectors`, or a gensim ``KeyedVectors`` (``index_to_key``).

Used in: book/word-vectors, bench/word2vec.py
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .sts_eval import rankdata  # one copy of the tie-aware ranking

__all__ = ["rankdata", "spearman", "analogy_scores", "evaluate_similarity", "evaluate_analogy",
           "as_word_matrix", "ANALOGY_METHODS"]

ANALOGY_METHODS = ("3cosadd", "3cosmul")


# --- Spearman's rho with ties ------------------------------------------------------------------

def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman's rank correlation: Pearson's correlation of the (average-tie) ranks of x and y."""
    rx, ry = rankdata(x), rankdata(y)
    if rx.shape != ry.shape:
        raise ValueError(f"x and y must have the same length, got {rx.shape[0]} and {ry.shape[0]}")
    if rx.shape[0] < 2:
        raise ValueError(f"need at least 2 pairs for a correlation, got {rx.shape[0]}")
    rx, ry = rx - rx.mean(), ry - ry.mean()
    den = np.sqrt((rx * rx).sum() * (ry * ry).sum())
    if den == 0:
        raise ValueError("x or y is constant: the rank correlation is undefined")
    return float((rx * ry).sum() / den)


# --- helpers -----------------------------------------------------------------------------------

def as_word_matrix(kv: object) -> tuple[list[str], np.ndarray]:
    """``(words, vectors)`` of our KeyedVectors, a gensim KeyedVectors, or a ``(words, matrix)`` pair."""
    if isinstance(kv, tuple) and len(kv) == 2:
        words, vecs = kv
    elif hasattr(kv, "index_to_key"):  # gensim 4
        words, vecs = kv.index_to_key, kv.vectors
    elif hasattr(kv, "words") and hasattr(kv, "vectors"):
        words, vecs = kv.words, kv.vectors
    else:
        raise TypeError(f"expected KeyedVectors or (words, vectors), got {type(kv).__name__}")
    vecs = np.asarray(vecs, dtype=np.float32)
    if vecs.ndim != 2 or vecs.shape[0] != len(words):
        raise ValueError(f"vectors must have shape (len(words)={len(words)}, D), got {vecs.shape}")
    return list(words), vecs


def _unit(m: np.ndarray) -> np.ndarray:
    return m / np.maximum(np.linalg.norm(m, axis=-1, keepdims=True), 1e-12)


# --- similarity --------------------------------------------------------------------------------

def evaluate_similarity(kv: object, pairs: str | Sequence[tuple[str, str, float]], lowercase: bool = True) -> dict:
    """Spearman's rho between human scores and cosine similarities.

    Parameters
    ----------
    kv : word vectors (see module docstring)
    pairs : ``"wordsim353"``, ``"simlex999"`` or a list of ``(word1, word2, score)``
    lowercase : lowercase the pair words before looking them up

    Returns
    -------
    dict with ``spearman``, ``pairs`` (total), ``used``, ``oov`` (skipped), ``coverage`` (used / pairs)
    """
    if isinstance(pairs, str):
        from .data import load_word_similarity

        pairs = load_word_similarity(pairs)
    words, vecs = as_word_matrix(kv)
    index = {w: i for i, w in enumerate(words)}
    ia, ib, gold = [], [], []
    for p in pairs:
        if len(p) != 3:
            raise ValueError(f"each pair must be (word1, word2, score), got {p!r}")
        a, b = (p[0].lower(), p[1].lower()) if lowercase else (p[0], p[1])
        if a in index and b in index:
            ia.append(index[a])
            ib.append(index[b])
            gold.append(float(p[2]))
    n, used = len(pairs), len(gold)
    if used < 2:
        raise ValueError(f"only {used} of {n} pairs have both words in the vocabulary ({len(words)} words): "
                         "nothing to correlate")
    u = _unit(vecs)
    cos = (u[ia] * u[ib]).sum(1)  # (used,)
    return {"spearman": spearman(gold, cos), "pairs": n, "used": used, "oov": n - used, "coverage": used / n}


# --- analogies ---------------------------------------------------------------------------------

def analogy_scores(U: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray, method: str = "3cosadd") -> np.ndarray:
    """Scores of every candidate d (rows of the unit matrix ``U`` (n, D)) for questions "a : b :: c : d"
    given unit vectors a, b, c (Q, D). Returns (Q, n).

    3CosAdd (Mikolov et al. 2013c): ``cos(d, b - a + c)``, i.e. ``cos(d,b) - cos(d,a) + cos(d,c)`` up to
    a per-question scale. 3CosMul (Levy & Goldberg 2014): ``cos'(d,b) cos'(d,c) / (cos'(d,a) + 1e-3)``
    with ``cos' = (cos + 1) / 2``, so no single term can dominate.
    """
    if method == "3cosadd":
        q = _unit(b - a + c)                         # (Q, D)
        return q @ U.T                               # (Q, n)
    if method == "3cosmul":
        ca, cb, cc = ((x @ U.T + 1.0) / 2.0 for x in (a, b, c))  # (Q, n) each, in [0, 1]
        return cb * cc / (ca + 1e-3)
    raise ValueError(f"method must be one of {ANALOGY_METHODS}, got {method!r}")


def evaluate_analogy(kv: object, questions: Mapping[str, Sequence[tuple[str, str, str, str]]] | None = None,
                     restrict: int | None = 30000, method: str = "3cosadd", lowercase: bool = True,
                     batch: int = 512) -> dict:
    """Accuracy on analogy questions "a is to b as c is to d" (the Google set by default).

    The answer is the best-scoring word among the ``restrict`` most frequent ones, a, b and c
    excluded; a question with a word outside them is skipped (counted in ``skipped``).

    Returns
    -------
    dict with ``accuracy`` (correct / answered, NaN if none was answered), ``correct``,
    ``answered``, ``skipped``, ``total``, ``coverage`` (answered / total), ``semantic`` and
    ``syntactic`` accuracies (sections named ``gram*`` are syntactic), and ``sections``
    ({name: {"accuracy", "answered", "total"}}).
    """
    if method not in ANALOGY_METHODS:
        raise ValueError(f"method must be one of {ANALOGY_METHODS}, got {method!r}")
    if restrict is not None and (isinstance(restrict, bool) or not isinstance(restrict, int) or restrict < 1):
        raise ValueError(f"restrict must be None or a positive int, got {restrict!r}")
    if questions is None:
        from .data import load_analogy

        questions = load_analogy()
    words, vecs = as_word_matrix(kv)
    n = len(words) if restrict is None else min(restrict, len(words))
    index = {w: i for i, w in enumerate(words[:n])}
    U = _unit(vecs[:n])
    sections: dict[str, dict] = {}
    tot = {"semantic": [0, 0], "syntactic": [0, 0]}
    total = 0
    for name, qs in questions.items():
        ids = []
        for q in qs:
            if len(q) != 4:
                raise ValueError(f"section {name!r}: each question must have 4 words, got {q!r}")
            q = [w.lower() for w in q] if lowercase else list(q)
            if all(w in index for w in q):
                ids.append([index[w] for w in q])
        total += len(qs)
        correct = 0
        ids_a = np.asarray(ids, dtype=np.int64).reshape(-1, 4)
        for s in range(0, len(ids_a), batch):
            blk = ids_a[s:s + batch]                                             # (Q, 4)
            sc = analogy_scores(U, U[blk[:, 0]], U[blk[:, 1]], U[blk[:, 2]], method)  # (Q, n)
            rows = np.arange(len(blk))[:, None]
            sc[rows, blk[:, :3]] = -np.inf                                       # never answer a, b or c
            correct += int((sc.argmax(1) == blk[:, 3]).sum())
        sections[name] = {"accuracy": correct / len(ids_a) if len(ids_a) else float("nan"),
                          "answered": int(len(ids_a)), "total": len(qs)}
        kind = "syntactic" if name.startswith("gram") else "semantic"
        tot[kind][0] += correct
        tot[kind][1] += len(ids_a)
    correct = tot["semantic"][0] + tot["syntactic"][0]
    answered = tot["semantic"][1] + tot["syntactic"][1]

    def acc(c: int, a: int) -> float:
        return c / a if a else float("nan")

    return {"accuracy": acc(correct, answered), "correct": correct, "answered": answered,
            "skipped": total - answered, "total": total, "coverage": answered / total if total else float("nan"),
            "semantic": acc(*tot["semantic"]), "syntactic": acc(*tot["syntactic"]), "sections": sections,
            "method": method, "restrict": n}
