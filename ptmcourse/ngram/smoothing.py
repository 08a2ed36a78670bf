"""Estimating n-gram probabilities from counts: maximum likelihood, add-k, (modified) Kneser-Ney.

Every method except add-k is written in *interpolated* form, order by order from unigrams up::

    p_k(w | h) = max(a(h w) - D(a(h w)), 0) / a(h .)  +  gamma(h) * p_{k-1}(w | h')
    gamma(h)   = sum_w D(a(h w)) / a(h .)

where ``h'`` is ``h`` without its first word and ``a`` are the counts the method uses: raw counts for
maximum likelihood (D = 0) and for the highest Kneser-Ney order, continuation counts
``N1+(. h w)`` for lower Kneser-Ney orders. The result is stored as an ARPA backoff model: for each
seen n-gram its interpolated probability, for each context its weight ``gamma`` (the backoff weight
of an interpolated model), so one scorer serves all methods and ARPA files alike.

Used in: book/ngram-language-models
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .counts import NgramCounts

DEFAULT_FALLBACK = (0.5, 1.0, 1.5)  # KenLM's --discount_fallback


def count_of_counts(a: np.ndarray, rmax: int = 4) -> list[int]:
    """``[n_1, ..., n_rmax]``: how many n-grams have (adjusted) count exactly r."""
    a = np.asarray(a)
    a = a[(a > 0) & (a <= rmax)].astype(np.int64)
    return [int(x) for x in np.bincount(a, minlength=rmax + 1)[1:rmax + 1]]


def kn_discounts(coc: list[int], modified: bool = True,
                 fallback: tuple[float, float, float] = DEFAULT_FALLBACK) -> tuple[tuple[float, float, float], bool]:
    """Kneser-Ney discounts from count-of-counts ``[n1, n2, n3, n4]`` (Chen & Goodman 1998, eq. 26).

    ``Y = n1 / (n1 + 2 n2)``; plain KN uses ``D = Y`` for every count; modified KN uses
    ``D1 = 1 - 2Y n2/n1``, ``D2 = 2 - 3Y n3/n2``, ``D3+ = 3 - 4Y n4/n3``.

    When the estimate is undefined or out of range (a zero ``n_r``, or ``D_r`` outside ``(0, r]``, as
    happens for PTB's unigram continuation counts) the discounts fall back: first to the plain KN
    ``D = Y`` for all counts if that is valid, else to ``fallback``. Returns ``((D1, D2, D3), used_fallback)``.
    """
    n1, n2, n3, n4 = (list(coc) + [0, 0, 0, 0])[:4]
    y = n1 / (n1 + 2 * n2) if n1 > 0 and n2 > 0 else float("nan")
    if not modified:
        if 0 < y < 1:
            return (y, y, y), False
        return (fallback[0],) * 3, True
    if min(n1, n2, n3, n4) > 0:
        d = (1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
        if all(0 < di <= r for r, di in enumerate(d, start=1)):
            return d, False
    if 0 < y < 1:
        return (y, y, y), True
    return tuple(float(x) for x in fallback), True


def _discount_array(a: np.ndarray, d: tuple[float, float, float]) -> np.ndarray:
    """D(a) per entry: 0 for a = 0, D1 for 1, D2 for 2, D3+ for 3 and more; never more than a."""
    out = np.select([a <= 0, a == 1, a == 2], [0.0, d[0], d[1]], default=d[2])
    return np.minimum(out, a)


def adjusted_counts(counts: NgramCounts, order: int, kneser_ney: bool) -> list[np.ndarray]:
    """Counts each order uses: raw counts; for Kneser-Ney lower orders, continuation counts.

    With ``padding="single"`` an n-gram that starts with ``<s>`` has no left context, so it keeps its
    raw count (Chen & Goodman; SRILM; KenLM). With ``padding="nltk"`` every lower order uses
    continuation counts, as ``nltk.lm.KneserNeyInterpolated`` does. N-grams that end in ``<s>`` are
    never predicted with single padding and get 0.
    """
    V = counts.vocab_size
    predict = predictable(counts)
    out: list[np.ndarray] = [np.empty(0)]
    for k in range(1, order + 1):
        a = counts.counts[k].astype(np.float64)
        if kneser_ney and k < order:
            cont = counts.continuation_counts(k).astype(np.float64)
            if counts.padding == "single":
                cont = np.where(counts.first[k] == counts.bos, a, cont)
            a = cont
        last = counts.keys[k] % V if k > 1 else counts.keys[1]
        out.append(np.where(predict[last], a, 0.0))
    return out


def predictable(counts: NgramCounts) -> np.ndarray:
    """Boolean mask over ids: which ids a model predicts (all but ``<s>`` with single padding)."""
    mask = np.ones(counts.vocab_size, dtype=bool)
    if counts.padding == "single":
        mask[counts.bos] = False
    return mask


def _as_triple(discount) -> tuple[float, float, float]:
    if isinstance(discount, (int, float)) and not isinstance(discount, bool):
        d = (float(discount),) * 3
    else:
        try:
            d = tuple(float(x) for x in discount)
        except TypeError:
            d = ()
        if len(d) != 3:
            raise TypeError(f"discount must be a number or a (D1, D2, D3+) triple, got {discount!r}")
    if not all(math.isfinite(x) and 0 <= x for x in d):
        raise ValueError(f"discount values must be finite and >= 0, got {discount!r}")
    return d


def estimate_interpolated(counts: NgramCounts, order: int, method: str, discount=None,
                          lowest: str = "uniform", fallback=DEFAULT_FALLBACK, nltk_gamma: bool = False):
    """Interpolated estimates for ``method`` in {"mle", "kn", "mkn"}.

    Parameters
    ----------
    discount : None, float or (D1, D2, D3+)
        None: estimate from count-of-counts per order (Kneser-Ney). A number fixes one discount for
        every order (NLTK's ``KneserNeyInterpolated(discount=0.1)`` style).
    lowest : {"uniform", "continuation"}
        Kneser-Ney unigrams: ``"uniform"`` discounts them too and interpolates with the uniform
        distribution over the predicted vocabulary (SRILM, KenLM); ``"continuation"`` uses the
        undiscounted continuation-count unigram (NLTK).
    nltk_gamma : bool
        Reproduce a quirk of ``nltk.lm.KneserNeyInterpolated``: at lower orders it counts the word
        types that follow a context in the *raw* counts (``N1+(h .)``) while its denominator sums
        continuation counts. After padding contexts such as ``(<s>,)`` a type can have a raw count but
        no continuation count (``<s> <s>`` never has a left neighbour), so NLTK's ``p(. | <s> <s>)``
        sums to slightly more than 1. Off by default; on in :data:`ptmcourse.ngram.NLTK_KN`.

    Returns
    -------
    logp, logbow, discounts, fallbacks
        Lists indexed by order (0 unused): natural-log probability of every table entry, natural-log
        backoff weight of every entry as a context (orders < ``order``), the (D1, D2, D3+) used,
        and whether each order's discounts came from the fallback.
    """
    if method not in ("mle", "kn", "mkn"):
        raise ValueError(f"method must be 'mle', 'kn' or 'mkn' here, got {method!r}")
    if lowest not in ("uniform", "continuation"):
        raise ValueError(f"lowest must be 'uniform' or 'continuation', got {lowest!r}")
    fixed = None if discount is None else _as_triple(discount)
    kn = method != "mle"
    V = counts.vocab_size
    predict = predictable(counts)
    a_all = adjusted_counts(counts, order, kneser_ney=kn)
    probs: list[np.ndarray] = [np.empty(0)]
    gammas: list[np.ndarray] = [np.empty(0)]
    discounts: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)]
    fallbacks: list[bool] = [False]
    for k in range(1, order + 1):
        a = a_all[k]
        used_fb = False
        if not kn or (k == 1 and lowest == "continuation"):
            d = (0.0, 0.0, 0.0)
        elif fixed is not None:
            d = fixed
        else:
            d, used_fb = kn_discounts(count_of_counts(a), modified=(method == "mkn"), fallback=fallback)
            if used_fb:
                warnings.warn(f"order {k}: Kneser-Ney discounts from count-of-counts {count_of_counts(a)} are "
                              f"degenerate; using D = {tuple(round(x, 4) for x in d)}", RuntimeWarning, stacklevel=3)
        if k == 1:
            ctx = np.zeros(a.size, dtype=np.int64)
            n_ctx = 1
        else:
            ctx = counts.keys[k] // V
            n_ctx = counts.keys[k - 1].size
        dis = _discount_array(a, d)
        total = np.bincount(ctx, weights=a, minlength=n_ctx)
        has = total > 0
        safe = np.where(has, total, 1.0)
        mass = dis
        if nltk_gamma and kn and 1 < k < order:
            raw = counts.counts[k] > 0
            mass = np.where(raw, _discount_array(np.maximum(a, 1.0), d), 0.0)
        gamma = np.where(has, np.bincount(ctx, weights=mass, minlength=n_ctx) / safe, 1.0)
        alpha = (a - dis) / safe[ctx]
        if k == 1:
            if kn and lowest == "uniform":
                lower = predict / predict.sum()
            else:
                lower = np.zeros(V)
        else:
            lower = probs[k - 1][counts.suffix[k]]
        p = alpha + gamma[ctx] * lower
        last = counts.keys[k] % V if k > 1 else counts.keys[1]
        p = np.where(predict[last], p, 0.0)
        probs.append(p)
        gammas.append(gamma)
        discounts.append(tuple(float(x) for x in d))
        fallbacks.append(used_fb)
    with np.errstate(divide="ignore"):
        logp = [np.empty(0)] + [np.log(p) for p in probs[1:]]
        # the weight of context g (an entry of table k) is gamma of order k+1 at g
        logbow = [np.empty(0)] + [np.log(gammas[k + 1]) for k in range(1, order)] + [np.zeros(counts.keys[order].size)]
    return logp, logbow, discounts, fallbacks


def estimate_addk(counts: NgramCounts, order: int, k: float):
    """Context totals for add-k: ``p(w | h) = (c(h w) + k) / (c(h .) + k |V|)``, uniform for unseen h.

    Returns ``(counts_list, ctx_total)`` lists by order, where ``ctx_total[j][g]`` is the number of
    predicted tokens that follow context g (an entry of table j-1; one entry for j = 1).
    """
    if isinstance(k, bool) or not isinstance(k, (int, float)) or not math.isfinite(k) or k <= 0:
        raise ValueError(f"k (add-k pseudo-count) must be a finite number > 0, got {k!r}")
    V = counts.vocab_size
    predict = predictable(counts)
    c_all: list[np.ndarray] = [np.empty(0)]
    tot: list[np.ndarray] = [np.empty(0)]
    for j in range(1, order + 1):
        last = counts.keys[j] % V if j > 1 else counts.keys[1]
        c = np.where(predict[last], counts.counts[j], 0).astype(np.float64)
        if j == 1:
            t = np.array([c.sum()])
        else:
            t = np.bincount(counts.keys[j] // V, weights=c, minlength=counts.keys[j - 1].size)
        c_all.append(c)
        tot.append(t)
    return c_all, tot
