# Not a submission: correct answers that some hostile submissions paste in (see the test file).
import math

import numpy as np


def bernoulli_mle(labels):
    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0 or not np.isin(y, (0, 1)).all():
        raise ValueError("bad labels")
    return float(y.mean())


def bernoulli_log_likelihood(p, labels):
    if not 0 <= p <= 1:
        raise ValueError("bad p")
    y = np.asarray(labels)
    ones, zeros = int((y == 1).sum()), int((y != 1).sum())
    a = (ones * math.log(p) if p > 0 else -math.inf) if ones else 0.0
    b = (zeros * math.log1p(-p) if p < 1 else -math.inf) if zeros else 0.0
    return a + b


def log_sum_prob(probs):
    p = np.asarray(probs, dtype=float)
    if p.size == 0 or (p < 0).any() or (p > 1).any():
        raise ValueError("bad probs")
    with np.errstate(divide="ignore"):
        return float(np.log(p).sum())


def perplexity(log_probs):
    if len(log_probs) == 0:
        raise ValueError("empty")
    return float(np.exp(-np.mean(log_probs)))


def cross_entropy(logits, targets):
    z, t = np.asarray(logits, dtype=float), np.asarray(targets)
    if z.ndim != 2 or t.shape != (z.shape[0],) or (t < 0).any() or (t >= z.shape[1]).any():
        raise ValueError("bad shapes")
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
    return float((lse - z[np.arange(len(t)), t]).mean())


def unigram_mle(token_ids, vocab_size):
    ids = np.asarray(token_ids)
    if ids.size == 0 or (ids < 0).any() or (ids >= vocab_size).any():
        raise ValueError("bad ids")
    c = np.bincount(ids, minlength=vocab_size).astype(float)
    return c / c.sum()
