"""An n-gram language model over integer ids: fit, score, perplexity, next-word distribution, sampling.

Used in: book/ngram-language-models
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .counts import NgramCounts, Stream, _check_int, make_stream, position_index
from .smoothing import DEFAULT_FALLBACK, estimate_addk, estimate_interpolated

METHODS = ("mle", "addk", "kn", "mkn")


@dataclass(repr=False)
class NgramLM:
    """An n-gram language model of order ``order`` over ids ``0..vocab_size-1``.

    Build one with :meth:`fit` (from sentences of ids), :meth:`from_counts` (from an
    :class:`NgramCounts` of at least this order) or :func:`ptmcourse.ngram.read_arpa`.

    Except for add-k, the model is held as an ARPA backoff model: for order k, ``keys[k]`` (sorted
    n-gram keys, see :mod:`ptmcourse.ngram.counts`), ``logp[k]`` (natural-log probability of each
    entry) and ``logbow[k]`` (natural-log backoff weight of each entry as a context)::

        log p(w | h) = logp[h w]                          if h w is in the table
                     = logbow[h] + log p(w | h[1:])       otherwise (logbow = 0 for an unseen h)

    Add-k keeps raw counts (``counts[k]``, ``ctx_total[k]``) instead.

    Used in: book/ngram-language-models
    """

    order: int
    vocab_size: int
    bos: int
    eos: int
    unk: int | None
    method: str
    padding: str
    keys: list[np.ndarray]
    logp: list[np.ndarray] = field(default_factory=list)
    logbow: list[np.ndarray] = field(default_factory=list)
    discounts: list[tuple[float, float, float]] = field(default_factory=list)
    k: float | None = None
    counts: list[np.ndarray] = field(default_factory=list)
    ctx_total: list[np.ndarray] = field(default_factory=list)

    # ---- building -----------------------------------------------------------------------------
    @classmethod
    def fit(cls, sentences: Sequence[Sequence[int]], order: int, vocab_size: int, bos: int, eos: int,
            unk: int | None = None, method: str = "mkn", *, k: float = 1.0, discount=None,
            lowest: str = "uniform", padding: str = "single", nltk_gamma: bool = False,
            discount_fallback: tuple[float, float, float] = DEFAULT_FALLBACK) -> "NgramLM":
        """Count ``sentences`` and estimate a model.

        Parameters
        ----------
        sentences : sequence of sequences of int
            Token ids without ``<s>``/``</s>``; ids outside ``[0, vocab_size)`` map to ``unk``.
        order : int
            n, >= 1.
        vocab_size, bos, eos, unk : int
            The id space and the ids of ``<s>``, ``</s>`` and the unknown word (None: none).
        method : {"mle", "addk", "kn", "mkn"}
            Maximum likelihood, add-k (Laplace for k=1), interpolated Kneser-Ney (one discount per
            order), interpolated modified Kneser-Ney (D1, D2, D3+ per order, Chen & Goodman 1998).
        k : float
            Pseudo-count for add-k.
        discount : None, float or (D1, D2, D3+)
            Kneser-Ney discounts; None estimates them per order from count-of-counts.
        lowest : {"uniform", "continuation"}
            Kneser-Ney unigrams (see :func:`ptmcourse.ngram.smoothing.estimate_interpolated`).
        padding : {"single", "nltk"}
            One ``<s>``/``</s>`` per sentence (SRILM/KenLM), or ``order-1`` of each (NLTK).
        nltk_gamma : bool
            Reproduce NLTK's lower-order interpolation weight (see
            :func:`ptmcourse.ngram.smoothing.estimate_interpolated`); only for comparisons with NLTK.
        discount_fallback : (D1, D2, D3+)
            Used when count-of-counts give no valid discounts.

        The configuration that reproduces ``nltk.lm.KneserNeyInterpolated(order, discount=d)`` on
        ``padded_everygram_pipeline`` data is ``method="kn", discount=d, lowest="continuation",
        padding="nltk", nltk_gamma=True`` (:data:`ptmcourse.ngram.NLTK_KN`).
        """
        order = _check_int("order", order, 1)
        counts = NgramCounts.from_sentences(sentences, order, vocab_size, bos, eos, unk, padding=padding)
        return cls.from_counts(counts, order, method, k=k, discount=discount, lowest=lowest,
                               nltk_gamma=nltk_gamma, discount_fallback=discount_fallback)

    @classmethod
    def from_counts(cls, counts: NgramCounts, order: int | None = None, method: str = "mkn", *,
                    k: float = 1.0, discount=None, lowest: str = "uniform", nltk_gamma: bool = False,
                    discount_fallback: tuple[float, float, float] = DEFAULT_FALLBACK) -> "NgramLM":
        """Estimate a model of ``order`` (default: ``counts.order``) from already computed counts.

        One :class:`NgramCounts` of order 5 serves models of every order 1..5.
        """
        if not isinstance(counts, NgramCounts):
            raise TypeError(f"counts must be an NgramCounts, got {type(counts).__name__}")
        order = counts.order if order is None else _check_int("order", order, 1)
        if order > counts.order:
            raise ValueError(f"order={order} needs counts of at least that order; these have order {counts.order}")
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        if counts.padding == "nltk" and order != counts.order:
            raise ValueError("NLTK padding depends on the order; count again with this order")
        common = dict(order=order, vocab_size=counts.vocab_size, bos=counts.bos, eos=counts.eos,
                      unk=counts.unk, method=method, padding=counts.padding, keys=counts.keys[:order + 1])
        if method == "addk":
            c, tot = estimate_addk(counts, order, k)
            return cls(**common, k=float(k), counts=c, ctx_total=tot)
        logp, logbow, discounts, _ = estimate_interpolated(counts, order, method, discount=discount,
                                                          lowest=lowest, fallback=discount_fallback,
                                                          nltk_gamma=nltk_gamma)
        return cls(**common, logp=logp, logbow=logbow, discounts=discounts)

    def __repr__(self) -> str:
        extra = f", k={self.k}" if self.method == "addk" else ""
        return (f"NgramLM(order={self.order}, method={self.method!r}{extra}, vocab_size={self.vocab_size}, "
                f"padding={self.padding!r}, ngrams={self.num_ngrams()})")

    # ---- helpers ------------------------------------------------------------------------------
    @property
    def n_pad(self) -> int:
        return 1 if self.padding == "single" else max(self.order - 1, 1)

    def _predict_mask(self) -> np.ndarray:
        m = np.ones(self.vocab_size, dtype=bool)
        if self.padding == "single":
            m[self.bos] = False
        return m

    def _stream(self, sentences) -> Stream:
        return make_stream(sentences, self.vocab_size, self.bos, self.eos, self.unk, self.n_pad, self.n_pad)

    def _check_context(self, context: Sequence[int]) -> list[int]:
        if isinstance(context, (str, bytes)):
            raise TypeError(f"context must be a sequence of int ids, got a string {context!r}")
        ctx = [int(w) for w in context]
        if len(ctx) > self.order - 1:
            raise ValueError(f"context has {len(ctx)} ids but a {self.order}-gram model uses at most "
                             f"{self.order - 1}; pass context[-{self.order - 1}:]" if self.order > 1 else
                             f"context has {len(ctx)} ids but a unigram model takes an empty context")
        for w in ctx:
            if not 0 <= w < self.vocab_size:
                if self.unk is None:
                    raise ValueError(f"context id {w} is outside the vocabulary [0, {self.vocab_size}) "
                                     "and the model has no unknown-token id")
        return [w if 0 <= w < self.vocab_size else self.unk for w in ctx]

    # ---- scoring ------------------------------------------------------------------------------
    def token_logprobs(self, sentences: Sequence[Sequence[int]]) -> np.ndarray:
        """Natural-log probability of every predicted token (each word and each ``</s>``), in order.

        Vectorised over the whole corpus: one ``searchsorted`` per order, no Python loop over tokens.
        With ``padding="nltk"`` the extra ``</s>`` pads after the first are not scored.
        """
        stream = self._stream(sentences)
        return self._stream_logprobs(stream)[stream.target]

    def _stream_logprobs(self, stream: Stream) -> np.ndarray:
        """log p of the token at every stream position (0 for padding positions)."""
        N, V = self.order, self.vocab_size
        idx = position_index(self.keys, stream, V, N)
        t, pos = stream.tokens, stream.pos
        T = t.size
        if self.method == "addk":
            # effective order: the longest n-gram with its history inside the sentence
            kk = np.minimum(N, pos + 1)
            out = np.zeros(T)
            vp = float(self._predict_mask().sum())
            for k in range(1, N + 1):
                sel = np.flatnonzero((kk == k) & (pos >= stream.n_bos))
                e = idx[k][sel]
                c = _gather(self.counts[k], e)
                if k == 1:
                    tot = np.full(sel.size, self.ctx_total[1][0])
                else:
                    tot = _gather(self.ctx_total[k], idx[k - 1][sel - 1])
                p = (c + self.k) / (tot + self.k * vp)
                p = np.where(self._predict_mask()[t[sel]], p, 0.0)
                with np.errstate(divide="ignore"):
                    out[sel] = np.log(p)
            return out
        # the highest order whose n-gram ending here is stored; it gives the probability, and the
        # contexts of every longer order that failed contribute their backoff weights
        K = np.ones(T, dtype=np.int8)
        for k in range(2, N + 1):
            K[idx[k] >= 0] = k
        out = np.zeros(T)
        for k in range(1, N + 1):
            m = np.flatnonzero(K == k)
            out[m] = self.logp[k][idx[k][m]]
        ctx = np.empty(T, dtype=np.int64)
        ctx[0] = -1
        for j in range(1, N):
            ctx[1:] = idx[j][:-1]  # the j-gram ending one position earlier: the context of order j+1
            m = np.flatnonzero((K <= j) & (ctx >= 0) & (pos >= j))
            out[m] += self.logbow[j][ctx[m]]
        out[pos < stream.n_bos] = 0.0  # padding is not predicted
        return out

    def logprob(self, sentences: Sequence[Sequence[int]]) -> float:
        """Total natural-log probability of a corpus (``</s>`` included, ``<s>`` not predicted)."""
        return float(self.token_logprobs(sentences).sum())

    def sentence_logprobs(self, sentences: Sequence[Sequence[int]]) -> np.ndarray:
        """Natural-log probability of each sentence, shape ``(len(sentences),)``."""
        stream = self._stream(sentences)
        lp = self._stream_logprobs(stream)
        sid = np.cumsum(stream.pos == 0) - 1
        return np.bincount(sid, weights=np.where(stream.target, lp, 0.0), minlength=stream.n_sentences)

    def perplexity(self, sentences: Sequence[Sequence[int]]) -> float:
        """``exp(-(1/N) sum log p)`` over the N predicted tokens (the words and one ``</s>`` per sentence).

        Used in: book/ngram-language-models
        """
        lp = self.token_logprobs(sentences)
        return float(np.exp(-lp.mean()))

    # ---- next word ----------------------------------------------------------------------------
    def next_word_probs(self, context: Sequence[int] = ()) -> np.ndarray:
        """p(w | context) for every id w, shape ``(vocab_size,)``; sums to 1 (``<s>`` gets 0).

        ``context`` is the history, at most ``order-1`` ids; at a sentence start it begins with
        ``<s>`` (``[bos]`` predicts the first word).
        """
        ctx = self._check_context(context)
        V = self.vocab_size
        mask = self._predict_mask()
        if self.method == "addk":
            j = len(ctx)
            c = np.zeros(V)
            tot = 0.0
            if j == 0:
                c, tot = self.counts[1], self.ctx_total[1][0]
            else:
                h = self._index(ctx)
                if h >= 0:
                    lo, hi = np.searchsorted(self.keys[j + 1], [h * V, (h + 1) * V])
                    c[self.keys[j + 1][lo:hi] % V] = self.counts[j + 1][lo:hi]
                    tot = self.ctx_total[j + 1][h]
            p = (c + self.k) / (tot + self.k * mask.sum())
            return np.where(mask, p, 0.0)
        p = np.exp(self.logp[1]).copy()
        for j in range(1, len(ctx) + 1):
            h = self._index(ctx[len(ctx) - j:])
            if h < 0:
                break
            p *= math.exp(self.logbow[j][h])
            lo, hi = np.searchsorted(self.keys[j + 1], [h * V, (h + 1) * V])
            p[self.keys[j + 1][lo:hi] % V] = np.exp(self.logp[j + 1][lo:hi])
        return p

    def prob(self, word: int, context: Sequence[int] = ()) -> float:
        """p(word | context)."""
        word = int(word)
        if not 0 <= word < self.vocab_size:
            if self.unk is None:
                raise ValueError(f"word id {word} is outside [0, {self.vocab_size}) and the model has no unk id")
            word = self.unk
        return float(self.next_word_probs(context)[word])

    def _index(self, ngram: Sequence[int]) -> int:
        j = int(ngram[0])
        V = self.vocab_size
        for k in range(2, len(ngram) + 1):
            key = j * V + int(ngram[k - 1])
            tab = self.keys[k]
            j = int(np.searchsorted(tab, key))
            if j >= tab.size or tab[j] != key:
                return -1
        return j

    # ---- generation and cloze -----------------------------------------------------------------
    def generate(self, n: int = 1, max_len: int = 40, seed: int = 0, prefix: Sequence[int] = ()) -> list[list[int]]:
        """Sample ``n`` sentences (lists of ids, without ``<s>``/``</s>``), each starting with ``prefix``.

        Sampling stops at ``</s>`` or after ``max_len`` tokens. Seeded: the same seed gives the same text.
        """
        n = _check_int("n", n, 1)
        max_len = _check_int("max_len", max_len, 1)
        rng = np.random.default_rng(seed)
        out = []
        for _ in range(n):
            sent = [int(w) for w in prefix]
            while len(sent) < max_len:
                full = [self.bos] * self.n_pad + sent
                hist = full[max(0, len(full) - (self.order - 1)):] if self.order > 1 else []
                p = self.next_word_probs(hist)
                w = int(rng.choice(self.vocab_size, p=p / p.sum()))
                if w == self.eos:
                    break
                sent.append(w)
            out.append(sent)
        return out

    def rank_fillers(self, left: Sequence[int], candidates: Sequence[int],
                     right: Sequence[int] = ()) -> list[tuple[int, float]]:
        """Cloze ranking: score ``left + [c] + right`` as a whole sentence for each candidate ``c``.

        Returns ``(candidate, sentence log-probability)`` pairs, most likely first. Scoring the whole
        sentence lets words after the blank vote too.
        """
        cands = [int(c) for c in candidates]
        if not cands:
            raise ValueError("candidates is empty; give at least one candidate id")
        sents = [list(left) + [c] + list(right) for c in cands]
        lp = self.sentence_logprobs(sents)
        order = np.argsort(-lp, kind="stable")
        return [(cands[i], float(lp[i])) for i in order]

    def num_ngrams(self) -> list[int]:
        """Number of stored n-grams of each order 1..order."""
        return [int(k.size) for k in self.keys[1:]]


def _gather(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``values[idx]`` where ``idx >= 0``, 0 elsewhere (also when ``values`` is empty)."""
    out = np.zeros(idx.size)
    m = idx >= 0
    out[m] = values[idx[m]]
    return out

