"""The two sampling tables of word2vec: which tokens to drop (subsampling of frequent words) and
which words to use as noise in negative sampling (负采样).

Used in: book/word-vectors
"""
from __future__ import annotations

import numpy as np

__all__ = ["keep_probabilities", "noise_distribution", "noise_table"]


def keep_probabilities(counts: np.ndarray, sample: float) -> np.ndarray:
    """Probability of keeping each occurrence of a word (word2vec.c's formula), shape (V,) float32.

    With ``t = sample * total`` (total = the corpus size in vocabulary words) a word seen ``c`` times
    is kept with probability ``min(1, (sqrt(c / t) + 1) * t / c)``: words rarer than about ``t``
    are always kept, "the" (c >> t) roughly with probability ``sqrt(t / c)``. ``sample <= 0`` keeps
    everything. (Mikolov et al. 2013b wrote ``1 - sqrt(t / f)`` for the drop probability; the code
    they released uses this smoother variant, and so do gensim and we.)
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0 or (counts <= 0).any():
        raise ValueError("counts must be a non-empty 1-D array of positive counts")
    if not np.isfinite(sample) or sample < 0:
        raise ValueError(f"sample must be a finite number >= 0, got {sample!r}")
    if sample == 0:
        return np.ones(counts.shape, dtype=np.float32)
    t = sample * counts.sum()
    return np.minimum(1.0, (np.sqrt(counts / t) + 1.0) * t / counts).astype(np.float32)


def noise_distribution(counts: np.ndarray, exponent: float = 0.75) -> np.ndarray:
    """The negative-sampling noise distribution ``P_n(w) ∝ count(w)^exponent``, shape (V,) float64."""
    p = np.asarray(counts, dtype=np.float64) ** exponent
    if p.ndim != 1 or p.size == 0 or not np.isfinite(p).all() or p.sum() <= 0:
        raise ValueError("counts must be a non-empty 1-D array of non-negative counts with a positive sum")
    return p / p.sum()


def noise_table(counts: np.ndarray, exponent: float = 0.75, size: int | None = None) -> np.ndarray:
    """A table of word ids in which word ``w`` fills a share ``P_n(w)`` of the slots, int32 (size,).

    Drawing a uniform slot draws from ``P_n`` in O(1), as word2vec.c's ``unigram_table`` does (it
    uses 1e8 slots). ``size`` defaults to 100 slots per word, between 1e6 and 1e7: the rarest
    word of a real vocabulary still gets tens of slots.
    """
    if size is None:
        size = int(min(10_000_000, max(1_000_000, 100 * len(counts))))
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive int, got {size!r}")
    cum = np.cumsum(noise_distribution(counts, exponent))
    slots = (np.arange(size, dtype=np.float64) + 0.5) / size
    return np.minimum(np.searchsorted(cum, slots, side="right"), len(cum) - 1).astype(np.int32)
