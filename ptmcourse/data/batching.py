"""Batches for language models (contiguous streams, BPTT windows, random blocks) and classifiers
(padding). Everything is NumPy int64; :func:`to_torch` converts at the end.
"""
from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np


def _as_ids(ids: object, name: str = "ids") -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _rng(rng: object) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")


# --- language models -------------------------------------------------------------------------

def lm_stream(ids: Sequence[int] | np.ndarray, batch_size: int) -> np.ndarray:
    """Cut a token stream into ``batch_size`` contiguous rows; the trailing remainder is dropped.

    Row b is ``ids[b*N:(b+1)*N]`` with ``N = len(ids) // batch_size``, as in Zaremba et al.'s
    ``ptb_iterator`` and pytorch examples' ``batchify`` (which returns the transpose, (N, B)).

    Returns
    -------
    np.ndarray, int64, shape (B, N)

    Used in: book/rnn-language-models.
    """
    arr = _as_ids(ids)
    b = _positive_int(batch_size, "batch_size")
    n = len(arr) // b
    if n < 2:
        raise ValueError(f"ids has {len(arr)} tokens: too few for batch_size={b} "
                         f"(each of the {b} rows needs at least 2 tokens)")
    return arr[: n * b].reshape(b, n)  # (B, N)


def bptt_batches(stream: np.ndarray, bptt: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Walk a (B, N) stream in windows of ``bptt`` steps: inputs ``x`` and next-token targets ``y``.

    Window i covers columns ``[i*bptt, i*bptt + T)`` with ``T = min(bptt, N - 1 - i*bptt)``;
    ``y = stream[:, t+1]`` for each ``x = stream[:, t]``. The last, shorter window is included, so
    every token but the first of each row is predicted exactly once. ``x`` and ``y`` are views.

    Yields
    ------
    (x, y) : two int64 arrays of shape (B, T)

    Used in: book/rnn-language-models.
    """
    s = np.asarray(stream)
    if s.ndim != 2 or s.shape[1] < 2:
        raise ValueError(f"stream must have shape (B, N) with N >= 2 (see lm_stream), got {s.shape}")
    k = _positive_int(bptt, "bptt")
    n = s.shape[1]
    for i in range(0, n - 1, k):
        t = min(k, n - 1 - i)
        yield s[:, i: i + t], s[:, i + 1: i + 1 + t]  # (B, T), (B, T)


def random_windows(ids: Sequence[int] | np.ndarray, block_size: int, batch_size: int,
                   rng: np.random.Generator | int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``batch_size`` random contiguous blocks of ``block_size`` tokens and their next-token targets.

    nanoGPT's ``get_batch``: starts are drawn uniformly from ``[0, len(ids) - block_size)``.

    Returns
    -------
    x, y : int64 arrays of shape (B, T); ``y[:, t] == x[:, t+1]`` for t < T-1.

    Used in: book/gpt, book/char-rnn.
    """
    arr = _as_ids(ids)
    t = _positive_int(block_size, "block_size")
    b = _positive_int(batch_size, "batch_size")
    if len(arr) <= t:
        raise ValueError(f"ids has {len(arr)} tokens; block_size={t} needs at least {t + 1}")
    starts = _rng(rng).integers(0, len(arr) - t, size=b)  # (B,)
    offsets = starts[:, None] + np.arange(t)[None, :]  # (B, T)
    return arr[offsets], arr[offsets + 1]


# --- classification --------------------------------------------------------------------------

def pad_batch(seqs: Sequence[Sequence[int]], pad_id: int, max_len: int | None = None,
              min_len: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad id sequences into one array.

    Sequences longer than ``max_len`` are truncated (their end is cut). The width is the longest
    (truncated) length, but at least ``min_len`` (e.g. a CNN's widest kernel).

    Returns
    -------
    ids : int64 array (B, T), ``pad_id`` after each sequence's end
    lengths : int64 array (B,), the lengths before padding (after truncation)

    Used in: book/text-classification.
    """
    if isinstance(seqs, (str, bytes)) or not hasattr(seqs, "__len__"):
        raise TypeError(f"seqs must be a list of id sequences, got {type(seqs).__name__}")
    if len(seqs) == 0:
        raise ValueError("seqs is empty: nothing to pad")
    if isinstance(pad_id, bool) or not isinstance(pad_id, (int, np.integer)):
        raise TypeError(f"pad_id must be an int, got {pad_id!r}")
    if max_len is not None:
        max_len = _positive_int(max_len, "max_len")
    if isinstance(min_len, bool) or not isinstance(min_len, (int, np.integer)) or min_len < 0:
        raise ValueError(f"min_len must be an int >= 0, got {min_len!r}")
    rows = [_as_ids(s, f"seqs[{i}]")[:max_len] for i, s in enumerate(seqs)]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)  # (B,)
    width = max(int(lengths.max()), int(min_len))
    out = np.full((len(rows), width), int(pad_id), dtype=np.int64)  # (B, T)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out, lengths


def classification_batches(seqs: Sequence[Sequence[int]], labels: Sequence[int] | np.ndarray, batch_size: int,
                           shuffle: bool = True, rng: np.random.Generator | int | None = None, pad_id: int = 0,
                           max_len: int | None = None, min_len: int = 0, drop_last: bool = False,
                           ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Mini-batches for a classifier: one pass over the data (call it again for the next epoch).

    Yields
    ------
    ids : int64 (B, T) padded with ``pad_id`` (see :func:`pad_batch`)
    lengths : int64 (B,)
    labels : (B,) the labels of those rows (dtype kept: int labels or float scores)

    The last batch may be smaller unless ``drop_last``. With ``shuffle``, the order is a permutation
    drawn from ``rng`` (a Generator, or an int seed for a reproducible order).

    Used in: book/text-classification.
    """
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != len(seqs):
        raise ValueError(f"labels must be 1-D with one label per sequence ({len(seqs)}), got shape {y.shape}")
    b = _positive_int(batch_size, "batch_size")
    order = _rng(rng).permutation(len(seqs)) if shuffle else np.arange(len(seqs))
    for start in range(0, len(order), b):
        idx = order[start: start + b]
        if drop_last and len(idx) < b:
            break
        ids, lengths = pad_batch([seqs[i] for i in idx], pad_id, max_len, min_len)
        yield ids, lengths, y[idx]


def to_torch(*arrays: np.ndarray, device: object = None):
    """NumPy arrays -> torch tensors (shared memory on CPU; copied to ``device`` if given).

    Returns one tensor for one argument, else a tuple.
    """
    import torch

    out = tuple(torch.as_tensor(a, device=device) for a in arrays)
    return out[0] if len(out) == 1 else out
