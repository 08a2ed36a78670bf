"""Counting n-grams of every order with numpy: no per-token Python loop in the hot path.

A corpus of sentences (lists of integer ids) becomes one flat *stream* ``<s> w1 .. wm </s> <s> ...``
with, for each position, its offset inside its padded sentence. An n-gram of order k is identified by
the pair (index of its first k-1 words in the order k-1 table, its last word), packed into one int64
``key = prefix_index * V + word``. Each table is the sorted array of the distinct keys of one order, so
counting is ``np.unique`` and lookup is ``np.searchsorted``; the prefix of an entry is ``key // V``.
This is the sorted-array trie that tools such as KenLM use, in a few lines of numpy.

Used in: book/ngram-language-models
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

PADDINGS = ("single", "nltk")


def _check_int(name: str, value, low: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r})")
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


@dataclass
class Stream:
    """A padded corpus: ``tokens[i]`` and its offset ``pos[i]`` inside its padded sentence.

    ``n_bos`` copies of ``<s>`` open each sentence (1 for SRILM/KenLM style, order-1 for NLTK);
    ``target`` marks the positions a model is scored on: the words and the first ``</s>``.
    """

    tokens: np.ndarray  # (T,) int64
    pos: np.ndarray  # (T,) int64
    n_bos: int
    n_sentences: int
    target: np.ndarray  # (T,) bool: the scored positions, every word and the first </s> of a sentence


def make_stream(sentences: Sequence[Sequence[int]], vocab_size: int, bos: int, eos: int,
                unk: int | None = None, n_bos: int = 1, n_eos: int = 1) -> Stream:
    """Pad and flatten ``sentences`` (sequences of ids in ``[0, vocab_size)``) into a :class:`Stream`.

    Ids outside ``[0, vocab_size)`` become ``unk``; without an ``unk`` id they are an error, and so are
    the boundary ids ``bos``/``eos`` inside a sentence (the padding adds them).
    """
    if isinstance(sentences, (str, bytes)) or not hasattr(sentences, "__len__"):
        raise TypeError(f"sentences must be a sequence of sequences of int ids, got {type(sentences).__name__}")
    if len(sentences) == 0:
        raise ValueError("sentences is an empty corpus (0 sentences); need at least one sentence")
    lens, flat = _flatten(sentences)
    bad = (flat < 0) | (flat >= vocab_size)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        if unk is None:
            raise ValueError(f"token id {int(flat[j])} (at flat position {j}) is outside the vocabulary "
                             f"[0, {vocab_size}) and the model has no unknown-token id (unk=None); "
                             "map unknown words to an <unk> id or pass unk=")
        flat = np.where(bad, unk, flat)
    boundary = (flat == bos) | (flat == eos)
    if boundary.any():
        j = int(np.flatnonzero(boundary)[0])
        raise ValueError(f"sentences contain the boundary id {int(flat[j])} (<s>/</s>) at flat position {j}; "
                         "pass sentences without <s> and </s>, the model adds them")
    plen = lens + n_bos + n_eos
    starts = np.concatenate([[0], np.cumsum(plen)[:-1]])
    total = int(plen.sum())
    pos = np.arange(total, dtype=np.int64) - np.repeat(starts, plen)
    slen = np.repeat(lens, plen)
    tokens = np.empty(total, dtype=np.int64)
    is_bos = pos < n_bos
    is_eos = pos >= n_bos + slen
    tokens[is_bos] = bos
    tokens[is_eos] = eos
    tokens[~(is_bos | is_eos)] = flat
    target = ~is_bos & (pos <= n_bos + slen)
    return Stream(tokens, pos, n_bos, len(sentences), target)


def _flatten(sentences) -> tuple[np.ndarray, np.ndarray]:
    """Sentence lengths and all ids in one int64 array; checks that every item holds int ids."""
    for i, s in enumerate(sentences):
        if isinstance(s, (str, bytes)):
            raise TypeError(f"sentences[{i}] is a string ({s[:40]!r}); encode tokens to int ids first "
                            "(e.g. with ptmcourse.data.Vocab)")
    lens = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))
    if all(isinstance(s, np.ndarray) for s in sentences):
        for i, s in enumerate(sentences):
            if s.size and s.dtype.kind not in "iu":
                raise TypeError(f"sentences[{i}] must hold int ids, got an array of dtype {s.dtype}")
        parts = [s.reshape(-1).astype(np.int64, copy=False) for s in sentences if s.size]
        return lens, (np.concatenate(parts) if parts else np.zeros(0, np.int64))
    else:
        try:  # lists of Python ints: one pass in C (float64 holds ids exactly and shows non-integers)
            f = np.fromiter(itertools.chain.from_iterable(sentences), dtype=np.float64, count=int(lens.sum()))
            flat = f.astype(np.int64)
            if not np.array_equal(flat, f):
                raise ValueError
            return lens, flat
        except (TypeError, ValueError):
            flat = np.concatenate([np.asarray(s).reshape(-1) for s in sentences] + [np.zeros(0, np.int64)])
    if flat.size and flat.dtype.kind not in "iu":
        bad = next(i for i, s in enumerate(sentences) if np.asarray(s).size and np.asarray(s).dtype.kind not in "iu")
        raise TypeError(f"sentences[{bad}] must hold int ids, got {list(sentences[bad])[:5]!r}")
    return lens, flat.astype(np.int64, copy=False)


def position_index(keys: list[np.ndarray], stream: Stream, vocab_size: int, order: int) -> list[np.ndarray]:
    """For each order k, the table index of the k-gram ending at each stream position (-1: not in the table).

    ``out[k][i]`` for k = 1..order (``out[0]`` is unused). Unigram tables hold every id, so
    ``out[1] = tokens``.
    """
    t, pos = stream.tokens, stream.pos
    out: list[np.ndarray] = [np.empty(0, np.int64), t.copy()]
    for k in range(2, order + 1):
        prev = np.full_like(t, -1)
        prev[1:] = out[k - 1][:-1]  # index of the (k-1)-gram ending one position earlier
        ok = (pos >= k - 1) & (prev >= 0)
        q = prev[ok] * vocab_size + t[ok]
        idx = np.full_like(t, -1)
        idx[ok] = lookup(keys[k], q)
        out.append(idx)
    return out


def lookup(table: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Index of each query key in the sorted ``table``, or -1 where it is absent.

    The queries are sorted first: numpy's binary search then starts each search where the previous
    one ended, which is several times faster than searching in random order.
    """
    if table.size == 0 or queries.size == 0:
        return np.full(queries.size, -1, dtype=np.int64)
    o = np.argsort(queries)
    qs = queries[o]
    j = np.searchsorted(table, qs)
    j[j >= table.size] = table.size - 1
    res = np.empty(queries.size, dtype=np.int64)
    res[o] = np.where(table[j] == qs, j, -1)
    return res


@dataclass(repr=False)
class NgramCounts:
    """Counts of every n-gram of orders 1..``order`` in a padded corpus.

    Attributes (lists indexed by order k; index 0 is unused)
    ----------
    keys[k] : (n_k,) int64, sorted; ``key = prefix * V + word``. For k = 1 the table is every id
        ``0..V-1`` (``key = word``), so a unigram's index is its id.
    counts[k] : (n_k,) int64, how often each n-gram occurs.
    suffix[k] : (n_k,) int64, index in table k-1 of the n-gram without its first word (k >= 2).
    first[k] : (n_k,) int64, the first word of each n-gram.

    Used in: book/ngram-language-models
    """

    order: int
    vocab_size: int
    bos: int
    eos: int
    unk: int | None
    padding: str
    keys: list[np.ndarray]
    counts: list[np.ndarray]
    suffix: list[np.ndarray]
    first: list[np.ndarray]
    n_sentences: int
    n_tokens: int  # predicted tokens in the corpus (words + </s>)

    @classmethod
    def from_sentences(cls, sentences: Sequence[Sequence[int]], order: int, vocab_size: int, bos: int,
                       eos: int, unk: int | None = None, padding: str = "single") -> "NgramCounts":
        """Count all n-grams up to ``order`` in ``sentences`` (sequences of int ids).

        Parameters
        ----------
        sentences : sequence of sequences of int
            Token ids, without ``<s>``/``</s>`` (they are added here).
        order : int
            Highest n-gram order, >= 1.
        vocab_size : int
            Ids are in ``[0, vocab_size)``; ``bos``, ``eos`` (and ``unk``) are ids in that range.
        padding : {"single", "nltk"}
            ``"single"``: one ``<s>`` and one ``</s>`` per sentence (SRILM, KenLM). ``"nltk"``:
            ``order-1`` of each, as ``nltk.lm.preprocessing.pad_both_ends`` does.
        """
        order = _check_int("order", order, 1)
        vocab_size = _check_int("vocab_size", vocab_size, 2)
        for name, v in (("bos", bos), ("eos", eos)) + ((("unk", unk),) if unk is not None else ()):
            _check_int(name, v, 0)
            if v >= vocab_size:
                raise ValueError(f"{name}={v} is outside the vocabulary [0, {vocab_size})")
        if bos == eos:
            raise ValueError(f"bos and eos must be different ids, both are {bos}")
        if padding not in PADDINGS:
            raise ValueError(f"padding must be one of {PADDINGS}, got {padding!r}")
        n_pad = 1 if padding == "single" else max(order - 1, 1)
        stream = make_stream(sentences, vocab_size, bos, eos, unk, n_bos=n_pad, n_eos=n_pad)
        t, pos = stream.tokens, stream.pos
        V = vocab_size
        keys = [np.empty(0, np.int64), np.arange(V, dtype=np.int64)]
        counts = [np.empty(0, np.int64), np.bincount(t, minlength=V).astype(np.int64)]
        suffix = [np.empty(0, np.int64), np.zeros(V, np.int64)]
        first = [np.empty(0, np.int64), np.arange(V, dtype=np.int64)]
        idx_prev = t  # table index of the (k-1)-gram ending at each position
        for k in range(2, order + 1):
            ok = np.flatnonzero(pos >= k - 1)  # positions where a k-gram ends inside its sentence
            q = idx_prev[ok - 1] * V + t[ok]
            uniq, inv, cnt = np.unique(q, return_inverse=True, return_counts=True)
            idx = np.full_like(t, -1)
            idx[ok] = inv
            suf = np.empty(uniq.size, np.int64)
            suf[inv] = idx_prev[ok]  # the (k-1)-gram ending at the same position
            keys.append(uniq)
            counts.append(cnt.astype(np.int64))
            suffix.append(suf)
            first.append(first[k - 1][uniq // V])
            idx_prev = idx
        n_tokens = int(np.count_nonzero(stream.target))
        return cls(order, V, int(bos), int(eos), None if unk is None else int(unk), padding, keys, counts,
                   suffix, first, stream.n_sentences, n_tokens)

    def __repr__(self) -> str:
        return (f"NgramCounts(order={self.order}, vocab_size={self.vocab_size}, padding={self.padding!r}, "
                f"sentences={self.n_sentences}, tokens={self.n_tokens}, ngrams={self.sizes()})")

    # ---- queries -----------------------------------------------------------------------------
    def sizes(self) -> list[int]:
        """Number of distinct n-grams of each order 1..order (unigrams: those seen at least once)."""
        return [int(np.count_nonzero(self.counts[1]))] + [int(k.size) for k in self.keys[2:]]

    def index(self, ngram: Sequence[int]) -> int:
        """Table index of ``ngram`` (a sequence of ids) in the table of its order, or -1 if unseen."""
        ngram = [int(w) for w in ngram]
        if not 1 <= len(ngram) <= self.order:
            raise ValueError(f"ngram must have 1..{self.order} ids, got {len(ngram)}")
        if any(not 0 <= w < self.vocab_size for w in ngram):
            raise ValueError(f"ngram {ngram} has ids outside [0, {self.vocab_size})")
        j = ngram[0]
        for k in range(2, len(ngram) + 1):
            j = _lookup(self.keys[k], j * self.vocab_size + ngram[k - 1])
            if j < 0:
                return -1
        return j

    def count(self, ngram: Sequence[int]) -> int:
        """How often ``ngram`` occurs in the corpus."""
        j = self.index(ngram)
        return 0 if j < 0 else int(self.counts[len(ngram)][j])

    def continuation_count(self, ngram: Sequence[int]) -> int:
        """Number of distinct words ``v`` with ``count(v + ngram) > 0``: Kneser-Ney's N1+(. ngram)."""
        k = len(ngram)
        if k >= self.order:
            raise ValueError(f"continuation counts need n-grams of order < {self.order}, got {k}")
        j = self.index(ngram)
        return 0 if j < 0 else int(np.count_nonzero(self.suffix[k + 1] == j))

    def continuation_counts(self, k: int) -> np.ndarray:
        """N1+(. g) for every n-gram g of order ``k`` < order, as an array over table k."""
        if not 1 <= k < self.order:
            raise ValueError(f"k must be in [1, {self.order - 1}], got {k}")
        return np.bincount(self.suffix[k + 1], minlength=self.keys[k].size).astype(np.int64)

    def ngrams(self, k: int) -> np.ndarray:
        """The word ids of every n-gram in table ``k``, shape ``(n_k, k)``."""
        if not 1 <= k <= self.order:
            raise ValueError(f"k must be in [1, {self.order}], got {k}")
        return ngram_ids(self.keys, k, self.vocab_size)


def ngram_ids(keys: list[np.ndarray], k: int, vocab_size: int) -> np.ndarray:
    """Unpack table ``k`` of a sorted-key trie into word ids, shape ``(n_k, k)``."""
    if k == 1:
        return keys[1][:, None].copy()
    cols = [keys[k] % vocab_size]
    j = keys[k] // vocab_size
    for m in range(k - 1, 1, -1):
        cols.append(keys[m][j] % vocab_size)
        j = keys[m][j] // vocab_size
    cols.append(keys[1][j])
    return np.stack(cols[::-1], axis=1)


def _lookup(table: np.ndarray, key: int) -> int:
    j = int(np.searchsorted(table, key))
    return j if j < table.size and table[j] == key else -1


def unseen_fraction(counts: NgramCounts, sentences: Sequence[Sequence[int]]) -> dict[int, float]:
    """Share of the n-grams of ``sentences`` (by order 1..counts.order) that never occur in ``counts``.

    An n-gram of order k is counted at every predicted position with k-1 tokens of history inside
    its sentence (``<s>`` included), the same n-grams a model of order k scores.

    Used in: book/ngram-language-models (the sparsity plot)
    """
    n_pad = 1 if counts.padding == "single" else max(counts.order - 1, 1)
    stream = make_stream(sentences, counts.vocab_size, counts.bos, counts.eos, counts.unk, n_pad, n_pad)
    idx = position_index(counts.keys, stream, counts.vocab_size, counts.order)
    out = {}
    for k in range(1, counts.order + 1):
        e = idx[k][stream.target & (stream.pos >= k - 1)]
        seen = e >= 0
        seen[seen] = counts.counts[k][e[seen]] > 0  # the unigram table also lists unseen ids
        out[k] = float(1.0 - seen.mean()) if e.size else 0.0
    return out
