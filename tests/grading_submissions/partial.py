# A partly right submission: q1 right, q2 naive (log of a product: underflows on long inputs),
# q3 not attempted, q4 returns counts instead of frequencies (but validates its input).
# %%
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
    ones, zeros = int(y.sum()), int(y.size - y.sum())
    a = ones * math.log(p) if ones and p > 0 else (-math.inf if ones else 0.0)
    b = zeros * math.log1p(-p) if zeros and p < 1 else (-math.inf if zeros else 0.0)
    return a + b


# %%
def log_sum_prob(probs):
    with np.errstate(divide="ignore"):
        return float(np.log(np.prod(probs)))


def perplexity(log_probs):
    if len(log_probs) == 0:
        raise ValueError("empty")
    return float(np.exp(-np.mean(log_probs)))


# %%
def cross_entropy(logits, targets):
    raise NotImplementedError("write your code here")


# %%
def unigram_mle(token_ids, vocab_size):
    ids = np.asarray(token_ids)
    if ids.size == 0 or (ids < 0).any() or (ids >= vocab_size).any():
        raise ValueError("bad ids")
    return np.bincount(ids, minlength=vocab_size).astype(float)
