# Exercise master for book/exercises/maximum-likelihood.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: maximum likelihood
#
# These exercises go with the chapter [Maximum likelihood](../maximum-likelihood.ipynb). You will
# implement, with plain Python and NumPy, the estimators and losses the chapter derives:
# the Bernoulli maximum-likelihood estimate (极大似然估计), log-likelihoods that do not underflow
# (下溢), perplexity (困惑度), a numerically stable cross-entropy (交叉熵) and the unigram language
# model (一元语言模型).
#
# **How to work.** Run the setup cell first. Then, for each question, replace
# `raise NotImplementedError(...)` with your code, run the cell, and run the `check("qN")` cell
# below it: it runs that question's *public* tests and tells you what is wrong. Your grade comes
# from *hidden* tests (different, random inputs, including edge cases), so passing the public tests
# is necessary but not sufficient. Do not rename the functions. Use only Python, `math` and NumPy
# (the `ptmcourse` package is not available while grading).
#
# **Submitting.** Restart the kernel and run all cells (Kernel → Restart & Run All), check that
# every cell runs, save, and hand in this `.ipynb` file.

# %% [markdown] q1
# ## q1 — Bernoulli maximum likelihood (2 points)
#
# A review is positive ($y=1$) with probability $p$ and negative ($y=0$) otherwise: a Bernoulli
# distribution (伯努利分布). For labels $y_1,\dots,y_n$ the log-likelihood (对数似然) is
#
# $$\log L(p) = \sum_{i=1}^n \big[y_i \log p + (1-y_i)\log(1-p)\big],$$
#
# and it is largest at the relative frequency of ones, $\hat p = \frac{1}{n}\sum_i y_i$.
#
# 1. `bernoulli_mle(labels)` returns $\hat p$ as a float. `labels` is a list or 1-D array of 0/1
#    integers. Raise `ValueError` if it is empty or holds anything other than 0 and 1.
# 2. `bernoulli_log_likelihood(p, labels)` returns $\log L(p)$ (natural log) as a float. Use the
#    convention $0 \cdot \log 0 = 0$: with $p=1$ and only ones the answer is `0.0`, with $p=1$ and
#    at least one zero it is `-inf` (and the same for $p=0$). Raise `ValueError` if $p$ is outside
#    $[0, 1]$. It must work for tens of thousands of labels: do not multiply probabilities.

# %% q1
import math

import numpy as np


def bernoulli_mle(labels):
    """Maximum-likelihood estimate of p = P(y = 1) from 0/1 labels."""
    # BEGIN SOLUTION
    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D sequence, got shape {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0 or 1")
    return float(y.mean())
    # END SOLUTION


def bernoulli_log_likelihood(p, labels):
    """Log-likelihood of Bernoulli(p) for 0/1 labels, with 0 * log 0 = 0."""
    # BEGIN SOLUTION
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    y = np.asarray(labels)
    ones = int((y == 1).sum())
    zeros = int(y.size - ones)
    total = 0.0
    if ones:
        total += ones * math.log(p) if p > 0 else -math.inf
    if zeros:
        total += zeros * math.log1p(-p) if p < 1 else -math.inf
    return float(total)
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Log-probabilities and perplexity (2 points)
#
# A language model gives each token of a text a probability $p_t$. The probability of the whole
# text is $\prod_t p_t$, a number so small that it underflows to `0.0` after a few hundred tokens.
# Work with logarithms instead.
#
# 1. `log_sum_prob(probs)` returns $\sum_t \log p_t$ (natural log) as a float, without computing
#    the product. `probs` is a non-empty list or 1-D array with values in $[0, 1]$; a zero
#    probability gives `-inf`. Raise `ValueError` for an empty input or a value outside $[0, 1]$.
# 2. `perplexity(log_probs)` returns the perplexity (困惑度) $\exp\big(-\frac1T\sum_t \log p_t\big)$
#    of $T$ natural-log token probabilities, as a float. Raise `ValueError` for an empty input.

# %% q2
import math

import numpy as np


def log_sum_prob(probs):
    """Total natural-log probability of independent events, without underflow."""
    # BEGIN SOLUTION
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError("probs must be a non-empty 1-D sequence")
    if (p < 0).any() or (p > 1).any():
        raise ValueError("probabilities must be in [0, 1]")
    if (p == 0).any():
        return -math.inf
    return float(np.log(p).sum())
    # END SOLUTION


def perplexity(log_probs):
    """exp of the mean negative log-probability per token."""
    # BEGIN SOLUTION
    lp = np.asarray(log_probs, dtype=np.float64)
    if lp.size == 0:
        raise ValueError("log_probs must not be empty")
    return float(np.exp(-lp.mean()))
    # END SOLUTION


# %% [markdown] q3
# ## q3 — Cross-entropy from logits, stably (3 points)
#
# A classifier outputs unnormalised scores (logits) $z \in \mathbb{R}^{N\times C}$ for $N$
# examples and $C$ classes. The cross-entropy (交叉熵) loss is the mean negative log-probability of
# the right classes $t_i$:
#
# $$\ell = \frac1N\sum_{i=1}^N \Big[\log\sum_{c=1}^C e^{z_{ic}} - z_{i t_i}\Big].$$
#
# Write `cross_entropy(logits, targets)` returning $\ell$ as a float; it must equal PyTorch's
# `torch.nn.functional.cross_entropy(logits, targets)` (mean reduction). Logits can be as large as
# $\pm 10^4$: $e^{z}$ overflows, so use the log-sum-exp trick (对数求和指数技巧),
# $\log\sum_c e^{z_c} = m + \log\sum_c e^{z_c - m}$ with $m = \max_c z_c$. Raise `ValueError` if
# `logits` is not 2-D, if `targets` does not have one entry per row, or if a target is not in
# $[0, C)$.

# %% q3
import numpy as np


def cross_entropy(logits, targets):
    """Mean cross-entropy between softmax(logits) and integer targets, like F.cross_entropy."""
    # BEGIN SOLUTION
    z = np.asarray(logits, dtype=np.float64)  # (N, C)
    t = np.asarray(targets)  # (N,)
    if z.ndim != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {z.shape}")
    if t.shape != (z.shape[0],):
        raise ValueError(f"targets must have shape ({z.shape[0]},), got {t.shape}")
    if ((t < 0) | (t >= z.shape[1])).any():
        raise ValueError(f"targets must be in [0, {z.shape[1]})")
    m = z.max(axis=1, keepdims=True)  # (N, 1)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))  # (N,)
    return float((lse - z[np.arange(z.shape[0]), t]).mean())
    # END SOLUTION


# %% [markdown] q4
# ## q4 — The unigram language model (2 points)
#
# The maximum-likelihood unigram model gives each word its relative frequency (相对频率) in the
# training text, $\hat P(w) = c(w)/\sum_v c(v)$; this is also the distribution with the smallest
# cross-entropy on that text.
#
# Write `unigram_mle(token_ids, vocab_size)` returning a float64 NumPy array of shape
# `(vocab_size,)` with $\hat P(w)$ for every id $w$ (zero for ids that never occur). `token_ids` is
# a list or 1-D array of ints. Raise `ValueError` if it is empty or if an id is outside
# $[0, \text{vocab\_size})$.

# %% q4
import numpy as np


def unigram_mle(token_ids, vocab_size):
    """Relative frequency of each id in token_ids, as an array of shape (vocab_size,)."""
    # BEGIN SOLUTION
    ids = np.asarray(token_ids)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError("token_ids must be a non-empty 1-D sequence")
    if ((ids < 0) | (ids >= vocab_size)).any():
        raise ValueError(f"token ids must be in [0, {vocab_size})")
    counts = np.bincount(ids, minlength=vocab_size).astype(np.float64)  # (V,)
    return counts / counts.sum()
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 2, "q2": 2, "q3": 3, "q4": 2}
HIDDEN_SEED = 20_261_121


def public_tests():
    return {
        "q1": [
            call("bernoulli_mle", [1, 0, 1, 1]),
            call("bernoulli_log_likelihood", 0.75, [1, 0, 1, 1]),
            call("bernoulli_log_likelihood", 1.0, [1, 1, 1]),
        ],
        "q2": [
            call("log_sum_prob", [0.5, 0.25, 0.125]),
            call("perplexity", [math.log(0.25)] * 4),
        ],
        "q3": [
            call("cross_entropy", [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], [0, 1]),
            call("cross_entropy", [[0.0, 0.0]], [1]),
        ],
        "q4": [
            call("unigram_mle", [0, 1, 1, 3], 5),
        ],
    }


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    for n in (7, 200, 5_000):
        labels = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(np.int64)
        q1.append(call("bernoulli_mle", labels))
        q1.append(call("bernoulli_log_likelihood", float(rng.uniform(0.05, 0.95)), labels))
    big = (rng.random(50_000) < 0.3).astype(np.int64)
    q1 += [
        call("bernoulli_log_likelihood", 0.3, big),  # a product of probabilities underflows here
        call("bernoulli_log_likelihood", 0.0, [0, 0, 0, 0]),
        call("bernoulli_log_likelihood", 1.0, [1, 0, 1]),
        call("bernoulli_log_likelihood", 0.0, [0, 1]),
        call("bernoulli_mle", [], raises="ValueError"),
        call("bernoulli_mle", [0, 1, 2], raises="ValueError"),
        call("bernoulli_log_likelihood", 1.5, [1, 0], raises="ValueError"),
    ]
    for n in (3, 12, 40):  # short texts: the product does not underflow
        q2.append(call("log_sum_prob", rng.uniform(0.05, 1.0, n)))
    for n in (2_000, 10_000):  # long texts: the product underflows to 0.0
        q2.append(call("log_sum_prob", rng.uniform(1e-4, 1e-2, n)))
    q2 += [
        call("log_sum_prob", [0.5, 0.0, 0.5]),
        call("log_sum_prob", [], raises="ValueError"),
        call("log_sum_prob", [0.5, 1.5], raises="ValueError"),
    ]
    for n in (1, 50, 3_000):
        q2.append(call("perplexity", np.log(rng.uniform(1e-5, 1.0, n))))
    q2.append(call("perplexity", [], raises="ValueError"))
    for (n, c, scale) in ((1, 2, 1.0), (16, 5, 1.0), (64, 10, 30.0), (8, 4, 1e4), (32, 1000, 3.0)):
        logits = rng.normal(0.0, scale, (n, c))
        q3.append(call("cross_entropy", logits, rng.integers(0, c, n), rtol=1e-6))
    q3.append(call("cross_entropy", np.full((3, 4), -5e3), np.array([0, 3, 2]), rtol=1e-6))
    q3.append(call("cross_entropy", np.array([[1e4, 0.0, -1e4]]), np.array([2]), rtol=1e-6))
    q3 += [
        call("cross_entropy", np.zeros(4), np.array([0]), raises="ValueError"),
        call("cross_entropy", np.zeros((2, 3)), np.array([0, 1, 2]), raises="ValueError"),
        call("cross_entropy", np.zeros((2, 3)), np.array([0, 3]), raises="ValueError"),
    ]
    for (n, v) in ((5, 3), (400, 50), (20_000, 1_000)):
        ids = np.minimum(rng.zipf(1.3, n) - 1, v - 1)  # Zipf-like: many ids never occur
        q4.append(call("unigram_mle", ids, v))
    q4 += [
        call("unigram_mle", [], 4, raises="ValueError"),
        call("unigram_mle", [0, 4], 4, raises="ValueError"),
        call("unigram_mle", [-1, 0], 4, raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
