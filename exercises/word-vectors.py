# Exercise master for book/exercises/word-vectors.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: word vectors
#
# These exercises go with the chapter
# [Word vectors: from one-hot codes to the neural language model and word2vec](../word-vectors.ipynb).
# You will see why one-hot codes (独热编码) carry no similarity, compute word2vec's noise
# distribution and its subsampling of frequent words (高频词亚采样), write the loss and gradients of
# skip-gram with negative sampling (负采样), and answer analogy questions (类比) with word vectors
# (词向量).
#
# **How to work.** Run the setup cell first. Then, for each question, replace
# `raise NotImplementedError(...)` with your code, run the cell, and run the `check("qN")` cell
# below it: it runs that question's *public* tests and tells you what is wrong. Your grade comes
# from *hidden* tests (different, random inputs, including edge cases), so passing the public tests
# is necessary but not sufficient. Do not rename the functions. Use only Python, `math` and NumPy
# (the `ptmcourse` package is not available while grading). Later questions may call your answers
# to earlier ones.
#
# **Submitting.** Restart the kernel and run all cells (Kernel → Restart & Run All), check that
# every cell runs, save, and hand in this `.ipynb` file.
#
# As in the chapter, the vocabulary has $V$ words with ids $0, \dots, V-1$, and the word vectors are
# the rows of a matrix with one row per word.

# %% [markdown] q1
# ## q1 — One-hot codes and cosine similarity (2 points)
#
# The one-hot vector (独热向量) of word $i$ has $V$ entries, all 0 except a 1 at position $i$. The
# cosine similarity (余弦相似度) of two vectors is
#
# $$\cos(x, y) = \frac{x \cdot y}{\lVert x \rVert\,\lVert y \rVert}.$$
#
# 1. `one_hot(ids, vocab_size)` returns a float64 array of shape `(n, vocab_size)` whose row $r$ is
#    the one-hot vector of `ids[r]` (`ids` is a list or 1-D array of $n \ge 1$ ints; repeats are
#    allowed). Raise `ValueError` if `ids` is empty or not 1-D, if `vocab_size < 1`, or if an id is
#    outside $[0, \text{vocab\_size})$.
# 2. `cosine_matrix(X)` takes $n$ vectors as the rows of `X` (a list of lists or a 2-D array of
#    shape `(n, m)`, $n, m \ge 1$) and returns the float64 array `S` of shape `(n, n)` with
#    `S[i, j]` $= \cos(x_i, x_j)$. Compute it with matrix operations, not a double loop. The cosine
#    is undefined for a zero vector: raise `ValueError` if a row of `X` is all zeros, or if `X` is
#    not 2-D or has no rows or no columns.
#
# Then `cosine_matrix(one_hot(ids, V))` for distinct ids is the identity matrix: different one-hot
# codes are orthogonal (正交), so every word is equally far from every other word.

# %% q1
import numpy as np


def one_hot(ids, vocab_size):
    """One-hot rows for the given word ids, float64 array of shape (len(ids), vocab_size)."""
    # BEGIN SOLUTION
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError(f"ids must be a non-empty 1-D sequence, got shape {ids.shape}")
    if vocab_size < 1:
        raise ValueError(f"vocab_size must be >= 1, got {vocab_size}")
    if ((ids < 0) | (ids >= vocab_size)).any():
        raise ValueError(f"ids must be in [0, {vocab_size})")
    out = np.zeros((ids.size, vocab_size))  # (n, V)
    out[np.arange(ids.size), ids] = 1.0
    return out
    # END SOLUTION


def cosine_matrix(X):
    """Cosine similarity of every pair of rows of X, float64 array of shape (n, n)."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n, m), got shape {X.shape}")
    norms = np.linalg.norm(X, axis=1, keepdims=True)  # (n, 1)
    if (norms == 0).any():
        raise ValueError("the cosine of a zero vector is undefined")
    unit = X / norms  # (n, m), rows of length 1
    return unit @ unit.T  # (n, n)
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Noise distribution and subsampling (2 points)
#
# `counts` is a list or 1-D array with the number of times $c(w)$ each word $w$ occurs in the
# training text, so the text has $N = \sum_w c(w)$ running words.
#
# 1. Negative sampling draws its noise words from the noise distribution (噪声分布)
#    $P_n(w) = c(w)^{\alpha} / \sum_{w'} c(w')^{\alpha}$, with $\alpha = 3/4$ in word2vec.
#    Write `noise_distribution(counts, exponent=0.75)` returning $P_n$ as a float64 array of shape
#    `(V,)`. Words with a count of 0 get probability 0. Raise `ValueError` if `counts` is empty or
#    not 1-D, if a count is negative, if all counts are 0, or if `exponent <= 0`.
# 2. Subsampling keeps each occurrence of word $w$ with the probability used by the released
#    word2vec.c (and by the chapter's `keep_probabilities`):
#
#    $$P_{\text{keep}}(w) = \min\Big(1,\ \big(\sqrt{c(w)/t} + 1\big)\,\frac{t}{c(w)}\Big),
#    \qquad t = \text{sample} \times N.$$
#
#    Write `keep_probabilities(counts, sample)` returning $P_{\text{keep}}$ as a float64 array of
#    shape `(V,)`. `sample = 0` switches subsampling off: every word is kept with probability 1.
#    Raise `ValueError` if `counts` is empty or not 1-D, if a count is not positive ($> 0$), or if
#    `sample` is negative or not finite.

# %% q2
import numpy as np


def noise_distribution(counts, exponent=0.75):
    """Negative-sampling noise distribution P_n(w) proportional to counts**exponent, shape (V,)."""
    # BEGIN SOLUTION
    c = np.asarray(counts, dtype=np.float64)  # (V,)
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D sequence, got shape {c.shape}")
    if (c < 0).any() or not (c > 0).any():
        raise ValueError("counts must be >= 0 with at least one positive count")
    if not exponent > 0:
        raise ValueError(f"exponent must be > 0, got {exponent}")
    p = c ** exponent  # (V,), 0 ** exponent = 0 for exponent > 0
    return p / p.sum()
    # END SOLUTION


def keep_probabilities(counts, sample):
    """word2vec.c's probability of keeping each occurrence of each word, shape (V,)."""
    # BEGIN SOLUTION
    c = np.asarray(counts, dtype=np.float64)  # (V,)
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D sequence, got shape {c.shape}")
    if (c <= 0).any():
        raise ValueError("counts must be positive")
    if not np.isfinite(sample) or sample < 0:
        raise ValueError(f"sample must be a finite number >= 0, got {sample}")
    if sample == 0:
        return np.ones_like(c)
    t = sample * c.sum()
    return np.minimum(1.0, (np.sqrt(c / t) + 1.0) * t / c)
    # END SOLUTION


# %% [markdown] q3
# ## q3 — Skip-gram negative-sampling loss and gradients (3 points)
#
# For one training pair, skip-gram with negative sampling (负采样) scores the input vector $v$
# against the output vector $u_o$ of the observed word and the output vectors $u_1, \dots, u_K$ of
# $K$ noise words (噪声词), and minimises
#
# $$L = -\log \sigma(u_o \cdot v) - \sum_{k=1}^{K} \log \sigma(-u_k \cdot v),
# \qquad \sigma(x) = \frac{1}{1 + e^{-x}}.$$
#
# Write `sgns_loss_and_grads(v, u_o, u_neg)` where `v` and `u_o` have shape `(D,)` and `u_neg`
# has shape `(K, D)` (row $k$ is $u_k$; $K = 0$, shape `(0, D)`, is allowed). Return the tuple
# `(loss, dv, du_o, du_neg)`: the loss $L$ as a float and the gradients
# $\partial L/\partial v$ `(D,)`, $\partial L/\partial u_o$ `(D,)` and $\partial L/\partial u_k$
# stacked as rows `(K, D)`, as float64 arrays (derive them, or see the chapter). Raise
# `ValueError` if the shapes do not fit together.
#
# Scores $u \cdot v$ can be as large as $\pm 1000$, where `np.log(1 / (1 + np.exp(-x)))` gives
# `-inf` or `nan`. Use a numerically stable log-sigmoid (对数sigmoid): $-\log\sigma(x) =
# \log(1 + e^{-x})$, which `np.logaddexp(0, -x)` computes without overflow, and a sigmoid that
# does not overflow either (e.g. $\sigma(x) = \tfrac12(1 + \tanh(x/2))$).

# %% q3
import numpy as np


def sgns_loss_and_grads(v, u_o, u_neg):
    """Negative-sampling loss of one pair and its gradients: (loss, dv (D,), du_o (D,), du_neg (K, D))."""
    # BEGIN SOLUTION
    v, u_o, u_neg = (np.asarray(a, dtype=np.float64) for a in (v, u_o, u_neg))
    if v.ndim != 1 or u_o.shape != v.shape or u_neg.ndim != 2 or u_neg.shape[1] != v.shape[0]:
        raise ValueError(f"expected v (D,), u_o (D,), u_neg (K, D); got {v.shape}, {u_o.shape}, {u_neg.shape}")
    f_o, f_neg = u_o @ v, u_neg @ v  # (), (K,) scores
    loss = float(np.logaddexp(0.0, -f_o) + np.logaddexp(0.0, f_neg).sum())  # -log s(f_o) - sum log s(-f_k)
    sigmoid = lambda x: 0.5 * (1.0 + np.tanh(0.5 * x))  # noqa: E731 (no overflow)
    g_o, g_neg = sigmoid(f_o) - 1.0, sigmoid(f_neg)  # dL/df_o (), dL/df_k (K,)
    dv = g_o * u_o + g_neg @ u_neg  # (D,)
    return loss, dv, g_o * v, g_neg[:, None] * v[None, :]  # (D,), (K, D)
    # END SOLUTION


# %% [markdown] q4
# ## q4 — Analogies with 3CosAdd (3 points)
#
# "$a$ is to $b$ as $c$ is to ?" (*man : king :: woman : ?*) is answered by 3CosAdd: scale every
# row of the word-vector matrix to unit length, $\hat e_w = e_w / \lVert e_w \rVert$, and return the
# word $d$ whose unit vector is most similar to $\hat e_b - \hat e_a + \hat e_c$:
#
# $$d^* = \arg\max_{d \notin \{a, b, c\}} \hat e_d \cdot (\hat e_b - \hat e_a + \hat e_c).$$
#
# (Dividing the query by its length would not change the answer.)
#
# Write `analogy(vectors, words, a, b, c, restrict=None)`. `vectors` is a float array of shape
# `(V, D)` whose row $i$ is the vector of `words[i]`; `words` is a list of $V$ distinct strings
# (most frequent first, as in the chapter); `a`, `b`, `c` are strings. Return the **index** (a
# Python `int`) of the answer. Conventions, so that the answer is unique:
#
# - the candidates are the rows $0, \dots, \text{restrict}-1$ (all $V$ rows if `restrict` is
#   `None`), minus $a$, $b$ and $c$; $a$, $b$, $c$ themselves may be any words of `words`;
# - a row of zeros stays zero when normalised (its score is 0), as in the chapter's `KeyedVectors`;
# - ties go to the smallest index (what `np.argmax` does).
#
# Raise `ValueError` if $a$, $b$ or $c$ is not in `words` (out of vocabulary, 未登录词), if
# `len(words)` differs from the number of rows, if `restrict < 1`, or if no candidate is left.

# %% q4
import numpy as np


def analogy(vectors, words, a, b, c, restrict=None):
    """Index of the word d that best answers a : b :: c : d by 3CosAdd (a, b, c excluded)."""
    # BEGIN SOLUTION
    E = np.asarray(vectors, dtype=np.float64)  # (V, D)
    if E.ndim != 2 or E.shape[0] != len(words):
        raise ValueError(f"vectors must have shape ({len(words)}, D), got {E.shape}")
    index = {w: i for i, w in enumerate(words)}
    for w in (a, b, c):
        if w not in index:
            raise ValueError(f"{w!r} is not in the vocabulary")
    n = E.shape[0] if restrict is None else restrict
    if n < 1:
        raise ValueError(f"restrict must be >= 1, got {restrict}")
    n = min(n, E.shape[0])
    U = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-300)  # (V, D), zero rows stay 0
    ia, ib, ic = index[a], index[b], index[c]
    scores = U[:n] @ (U[ib] - U[ia] + U[ic])  # (n,)
    for i in (ia, ib, ic):
        if i < n:
            scores[i] = -np.inf
    if np.isneginf(scores).all():
        raise ValueError("no candidate is left once a, b and c are excluded")
    return int(np.argmax(scores))
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
import numpy as np  # noqa: E402

from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 2, "q2": 2, "q3": 3, "q4": 3}
HIDDEN_SEED = 19_532_013

_WORDS = ["man", "woman", "king", "queen", "apple"]
_VECS = [[1.0, 0.0, 0.1], [1.0, 1.0, 0.1], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, -1.0, 0.2]]


def public_tests():
    return {
        "q1": [
            call("one_hot", [2, 0], 4),
            call("cosine_matrix", [[1.0, 0.0], [1.0, 1.0], [0.0, -2.0]], rtol=1e-6),
            call("cosine_matrix", one_hot([3, 1, 4], 6), rtol=1e-6),
            call("cosine_matrix", [[1.0, 2.0], [0.0, 0.0]], raises="ValueError"),
        ],
        "q2": [
            call("noise_distribution", [16, 1, 0, 81], rtol=1e-6),
            call("keep_probabilities", [900, 90, 9, 1], 0.01, rtol=1e-6),
            call("keep_probabilities", [5, 3], 0.0),
        ],
        "q3": [
            call("sgns_loss_and_grads", [1.0, 0.0], [0.5, -1.0], [[1.0, 1.0], [-2.0, 0.5]], rtol=1e-6),
            call("sgns_loss_and_grads", [0.1, 0.2, 0.3], [0.0, 0.0, 0.0], np.zeros((1, 3)), rtol=1e-6),
            call("sgns_loss_and_grads", [20.0, 0.0], [-50.0, 0.0], [[50.0, 0.0]], rtol=1e-6),
        ],
        "q4": [
            call("analogy", _VECS, _WORDS, "man", "king", "woman"),
            call("analogy", _VECS, _WORDS, "woman", "man", "queen"),
            call("analogy", _VECS, _WORDS, "man", "king", "prince", raises="ValueError"),
        ],
    }


def _planted(rng, v, d, n_questions):
    """Random vectors (v, d) with some rows planted near b - a + c, so analogies have answers."""
    E = rng.normal(size=(v, d)) * rng.uniform(0.2, 5.0, size=(v, 1))  # rows of different lengths
    questions = []
    for _ in range(n_questions):
        ia, ib, ic, idd = (int(i) for i in rng.choice(v, size=4, replace=False))
        u = E / np.linalg.norm(E, axis=1, keepdims=True)
        E[idd] = (u[ib] - u[ia] + u[ic] + 0.3 * rng.normal(size=d)) * rng.uniform(0.5, 2.0)
        questions.append((ia, ib, ic))
    return E, questions


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    # q1: one-hot codes
    for (n, v) in ((1, 1), (5, 7), (40, 300)):
        q1.append(call("one_hot", rng.integers(0, v, n), v))
    q1.append(call("one_hot", np.array([3, 3, 0, 3]), 4))  # repeats
    q1.append(call("cosine_matrix", one_hot(rng.permutation(50)[:12], 50), rtol=1e-6))
    q1.append(call("cosine_matrix", one_hot([2, 5, 2], 8), rtol=1e-6))  # a repeated word: cosine 1
    for (n, m, scale) in ((1, 3, 1.0), (6, 2, 1.0), (30, 50, 1e-3), (100, 300, 1e3)):
        q1.append(call("cosine_matrix", rng.normal(0.0, scale, (n, m)), rtol=1e-6, atol=1e-9))
    q1.append(call("cosine_matrix", rng.integers(0, 4, (8, 5)) + 1, rtol=1e-6))  # integer input
    X = rng.normal(size=(5, 4))
    X[3] = 0.0
    q1 += [
        call("cosine_matrix", X, raises="ValueError"),
        call("cosine_matrix", [1.0, 2.0, 3.0], raises="ValueError"),
        call("cosine_matrix", np.zeros((0, 3)), raises="ValueError"),
        call("one_hot", [], 5, raises="ValueError"),
        call("one_hot", [0, 5], 5, raises="ValueError"),
        call("one_hot", [-1, 2], 5, raises="ValueError"),
        call("one_hot", [0], 0, raises="ValueError"),
    ]
    # q2: noise distribution and subsampling on Zipf-like counts
    for v in (3, 60, 5_000):
        counts = np.minimum(rng.zipf(1.4, v), 10**7).astype(np.int64)
        q2.append(call("noise_distribution", counts, rtol=1e-6))
        q2.append(call("noise_distribution", counts, exponent=float(rng.uniform(0.3, 1.0)), rtol=1e-6))
        for sample in (1e-3, 1e-5):
            q2.append(call("keep_probabilities", counts, sample, rtol=1e-6))
    q2 += [
        call("noise_distribution", [0, 7, 0, 2], rtol=1e-6),  # zero counts: probability 0
        call("noise_distribution", [4, 4, 9], exponent=1.0, rtol=1e-6),  # the unigram distribution
        call("keep_probabilities", [12], 1e-3, rtol=1e-6),  # one word: c >> t
        call("keep_probabilities", np.array([1e6, 1e3, 10.0, 1.0]), 0.5, rtol=1e-6),  # large sample
        call("keep_probabilities", [4, 1, 9], 0),
        call("noise_distribution", [], raises="ValueError"),
        call("noise_distribution", [0, 0], raises="ValueError"),
        call("noise_distribution", [3, -1], raises="ValueError"),
        call("noise_distribution", [3, 1], exponent=0.0, raises="ValueError"),
        call("keep_probabilities", [3, 0, 2], 1e-3, raises="ValueError"),
        call("keep_probabilities", [3, 2], -1e-3, raises="ValueError"),
        call("keep_probabilities", [[3, 2]], 1e-3, raises="ValueError"),
    ]
    # q3: negative-sampling loss and gradients
    for (d, k, scale) in ((1, 1, 1.0), (5, 0, 1.0), (8, 5, 0.5), (50, 15, 0.3), (300, 20, 0.1)):
        q3.append(call("sgns_loss_and_grads", rng.normal(0, scale, d), rng.normal(0, scale, d),
                       rng.normal(0, scale, (k, d)), rtol=1e-6, atol=1e-9))
    for (d, k) in ((4, 3), (10, 5)):  # scores up to about +-1000: a naive log-sigmoid overflows
        q3.append(call("sgns_loss_and_grads", rng.normal(0, 15.0, d), rng.normal(0, 15.0, d),
                       rng.normal(0, 15.0, (k, d)), rtol=1e-6, atol=1e-9))
    q3 += [
        call("sgns_loss_and_grads", [30.0, 0.0], [-40.0, 1.0], [[40.0, 0.0], [-40.0, 2.0]], rtol=1e-6),
        call("sgns_loss_and_grads", [0.0, 0.0, 0.0], [1.0, 2.0, 3.0], np.ones((2, 3)), rtol=1e-6),
        call("sgns_loss_and_grads", np.zeros((2, 3)), np.zeros(3), np.zeros((1, 3)), raises="ValueError"),
        call("sgns_loss_and_grads", np.zeros(3), np.zeros(4), np.zeros((1, 3)), raises="ValueError"),
        call("sgns_loss_and_grads", np.zeros(3), np.zeros(3), np.zeros((2, 4)), raises="ValueError"),
        call("sgns_loss_and_grads", np.zeros(3), np.zeros(3), np.zeros(3), raises="ValueError"),
    ]
    # q4: analogies over random vectors with planted answers
    for (v, d, nq) in ((8, 3, 2), (200, 20, 3), (2_000, 40, 3)):
        E, questions = _planted(rng, v, d, nq)
        words = [f"w{i}" for i in range(v)]
        for ia, ib, ic in questions:
            q4.append(call("analogy", E, words, words[ia], words[ib], words[ic]))
        ia, ib, ic = questions[0]
        q4.append(call("analogy", E, words, words[ia], words[ib], words[ic], restrict=max(4, v // 2)))
    E, _ = _planted(rng, 30, 6, 1)
    words = [f"w{i}" for i in range(30)]
    Ez = E.copy()
    Ez[[0, 4, 9]] = 0.0  # zero rows score 0
    Z = np.zeros((6, 3))
    Z[[1, 3]] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]  # all other candidates are zero rows: a tie
    q4 += [
        call("analogy", Ez, words, "w0", "w1", "w2"),  # a is a zero row
        call("analogy", Ez, words, "w5", "w6", "w7", restrict=12),
        call("analogy", E, words, "w3", "w3", "w8"),  # repeated words
        call("analogy", E, words, "w1", "w2", "w25", restrict=5),  # c outside the candidates
        call("analogy", Z, list("abcdef"), "a", "b", "c"),  # ties go to the smallest index
        call("analogy", E, words, "w1", "w2", "w3", restrict=100),  # restrict > V
        call("analogy", E, words, "w1", "w2", "x", raises="ValueError"),
        call("analogy", E, words, "oov", "w2", "w3", raises="ValueError"),
        call("analogy", E, words[:-1], "w1", "w2", "w3", raises="ValueError"),
        call("analogy", E, words, "w1", "w2", "w3", restrict=0, raises="ValueError"),
        call("analogy", E, words, "w0", "w1", "w2", restrict=3, raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
