# Exercise master for book/exercises/bert-finetuning.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: BERT fine-tuning
#
# These exercises go with the chapter [BERT fine-tuning: why pre-train?](../bert-finetuning.ipynb).
# You will implement, with plain Python and NumPy, the measuring instruments of that chapter: the
# Spearman rank correlation (斯皮尔曼等级相关) used on STS-B, mean pooling (平均池化) and cosine
# similarity of sentence embeddings, a logistic-regression linear probe (线性探针) on frozen (冻结)
# features trained by gradient descent, and a stratified subsample (分层抽样) of labelled examples
# for a learning curve (学习曲线).
#
# **How to work.** Run the setup cell first. Then, for each question, replace
# `raise NotImplementedError(...)` with your code, run the cell, and run the `check("qN")` cell
# below it: it runs that question's *public* tests and tells you what is wrong. Your grade comes
# from *hidden* tests (different, random inputs, including edge cases), so passing the public tests
# is necessary but not sufficient. Do not rename the functions. Use only Python, `math` and NumPy
# (the `ptmcourse` package is not available while grading; neither is SciPy). Later questions may
# call your answers to earlier ones.
#
# **Submitting.** Restart the kernel and run all cells (Kernel → Restart & Run All), check that
# every cell runs, save, and hand in this `.ipynb` file.

# %% [markdown] q1
# ## q1 — Spearman rank correlation with ties (3 points)
#
# STS-B is scored by the Spearman correlation between the model's similarities and the human
# scores: only the *order* matters, not the scale. Replace each value by its rank (秩) $1..n$ in
# increasing order; tied values (并列) share the *average* of the ranks they occupy, so
# `[10, 20, 20, 5]` has the ranks `[2, 3.5, 3.5, 1]`. Spearman's $\rho$ is the Pearson
# correlation (皮尔逊相关) of the two rank vectors $r, s$:
#
# $$\rho = \frac{\sum_i (r_i - \bar r)(s_i - \bar s)}{\sqrt{\sum_i (r_i - \bar r)^2 \sum_i (s_i - \bar s)^2}}.$$
#
# (The shortcut $1 - 6\sum_i d_i^2 / (n(n^2-1))$ is exact only without ties: do not use it.)
#
# 1. `average_ranks(x)` returns the float64 array of ranks of the 1-D sequence `x`.
# 2. `spearman(x, y)` returns $\rho$ as a float; it must equal `scipy.stats.spearmanr(x, y)[0]`.
#    If $x$ or $y$ is constant the correlation is undefined: return `float("nan")`.
#
# Raise `ValueError` if an input is not 1-D or contains NaN, and in `spearman` also if the lengths
# differ or there are fewer than 2 values. It must be fast for $n = 10^4$: sort, do not compare
# all pairs.

# %% q1
import numpy as np


def average_ranks(x):
    """Ranks 1..n of x (float64); tied values share the average of their ranks."""
    # BEGIN SOLUTION
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {a.shape}")
    if np.isnan(a).any():
        raise ValueError("x contains NaN")
    order = np.argsort(a, kind="stable")  # (n,)
    s = a[order]
    new = np.concatenate([[True], s[1:] != s[:-1]])  # (n,) first element of each group of equal values
    group = np.cumsum(new) - 1  # (n,) group of each sorted element
    starts = np.flatnonzero(new)  # (G,) 0-based start of each group
    ends = np.append(starts[1:], len(a))  # (G,) one past its end
    ranks = np.empty(len(a), dtype=np.float64)
    ranks[order] = ((starts + 1 + ends) / 2.0)[group]  # mean of the ranks start+1 .. end
    return ranks
    # END SOLUTION


def spearman(x, y):
    """Spearman's rho: Pearson correlation of the average ranks (NaN if x or y is constant)."""
    # BEGIN SOLUTION
    rx, ry = average_ranks(x), average_ranks(y)
    if rx.shape != ry.shape:
        raise ValueError(f"x and y must have the same length, got {rx.shape} and {ry.shape}")
    if len(rx) < 2:
        raise ValueError("need at least 2 values")
    rx, ry = rx - rx.mean(), ry - ry.mean()
    den = np.sqrt((rx * rx).sum() * (ry * ry).sum())
    return float((rx * ry).sum() / den) if den > 0 else float("nan")
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Mean pooling, cosine similarity and STS evaluation (2 points)
#
# A bi-encoder (双编码器) embeds each sentence separately: the final hidden states `h` of shape
# `(B, T, d)` are averaged over the *real* tokens only, given by the attention mask (注意力掩码)
# `mask` `(B, T)`, 1 for a real token and 0 for padding:
#
# $$u_b = \frac{\sum_t m_{bt} h_{bt}}{\sum_t m_{bt}}.$$
#
# A pair is scored by the cosine $\cos(u, v) = \frac{u}{\lVert u\rVert}\cdot\frac{v}{\lVert v\rVert}$
# (L2 normalisation, L2归一化, then a dot product).
#
# 1. `mean_pool(h, mask)` returns the float64 array `(B, d)`. `mask` holds 0/1 ints, floats or
#    bools, and padding may be anywhere (not only at the end). Raise `ValueError` if `h` is not
#    3-D, if `mask` does not have shape `(B, T)`, if it holds a value other than 0 and 1, or if a
#    row has no real token.
# 2. `cosine_scores(u, v)` returns the float64 array `(N,)` of the cosines of row $i$ of `u` with
#    row $i$ of `v` (both `(N, d)`). Raise `ValueError` if the shapes differ or are not 2-D, or if
#    a row is all zeros (it cannot be normalised).
# 3. `sts_spearman(h1, mask1, h2, mask2, gold)` evaluates a bi-encoder on $N$ sentence pairs like
#    the chapter's `evaluate_sts`: mean-pool both sides, take the cosines of the pairs, and return
#    the Spearman correlation (your q1) with the gold scores `gold` `(N,)`, as a float. `h1` and
#    `h2` may have different `T`.

# %% q2
import numpy as np


def mean_pool(h, mask):
    """Average of h (B, T, d) over the positions where mask (B, T) is 1: (B, d)."""
    # BEGIN SOLUTION
    h = np.asarray(h, dtype=np.float64)  # (B, T, d)
    m = np.asarray(mask)
    if h.ndim != 3:
        raise ValueError(f"h must be 3-D (B, T, d), got shape {h.shape}")
    if m.shape != h.shape[:2]:
        raise ValueError(f"mask must have shape {h.shape[:2]}, got {m.shape}")
    if not np.isin(m, (0, 1)).all():
        raise ValueError("mask must hold only 0 and 1")
    m = m.astype(np.float64)  # (B, T)
    count = m.sum(axis=1)  # (B,)
    if (count == 0).any():
        raise ValueError("a row of mask has no real token")
    return np.einsum("bt,btd->bd", m, h) / count[:, None]  # (B, d)
    # END SOLUTION


def cosine_scores(u, v):
    """Cosine similarity of row i of u with row i of v, (N,)."""
    # BEGIN SOLUTION
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)  # (N, d) each
    if u.ndim != 2 or u.shape != v.shape:
        raise ValueError(f"u and v must be (N, d) of the same shape, got {u.shape} and {v.shape}")
    nu, nv = np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1)  # (N,) each
    if (nu == 0).any() or (nv == 0).any():
        raise ValueError("a row is all zeros: cannot L2-normalise it")
    return ((u / nu[:, None]) * (v / nv[:, None])).sum(axis=1)  # (N,)
    # END SOLUTION


def sts_spearman(h1, mask1, h2, mask2, gold):
    """Spearman correlation of the cosines of mean-pooled pairs with the gold scores."""
    # BEGIN SOLUTION
    return spearman(cosine_scores(mean_pool(h1, mask1), mean_pool(h2, mask2)), gold)
    # END SOLUTION


# %% [markdown] q3
# ## q3 — A linear probe on frozen features (3 points)
#
# Path B of the chapter freezes the encoder $f_\theta$ and trains only a linear head $g_\phi$ on
# its features: logistic regression (逻辑回归). Here you train it by plain full-batch gradient
# descent (梯度下降), so that the answer is exactly defined.
#
# 1. `standardize(x_train, x_test)` returns the tuple `(a_train, a_test)` of the two feature
#    matrices standardised (标准化) with the *training* statistics, as the chapter's
#    `linear_probe` does: $a = (x - \mu)/(\sigma + 10^{-6})$, where $\mu$ and $\sigma$ are the
#    per-column mean and population standard deviation (`ddof=0`) of `x_train`. Raise
#    `ValueError` if an input is not 2-D or the numbers of columns differ.
# 2. `fit_probe(x, y, lr, steps, weight_decay=0.0)` fits $w \in \mathbb{R}^d$, $b \in \mathbb{R}$
#    to features `x` `(n, d)` and 0/1 labels `y` `(n,)` by minimising
#
#    $$J(w, b) = \frac1n\sum_{i=1}^n\Big[\log\big(1 + e^{z_i}\big) - y_i z_i\Big] + \lambda\lVert w\rVert^2,
#    \qquad z = xw + b,$$
#
#    with $\lambda$ = `weight_decay` (the mean binary cross-entropy of $\sigma(z)$ plus an L2
#    penalty; the bias is not decayed). Start from $w = 0$, $b = 0$ and do exactly `steps` updates
#    $w \leftarrow w - \eta\,\big(x^\top(\sigma(z) - y)/n + 2\lambda w\big)$ and
#    $b \leftarrow b - \eta\,\text{mean}(\sigma(z) - y)$ with $\eta$ = `lr`, both computed from
#    the *same* old $(w, b)$. Return the tuple `(w, b)`: a float64 array `(d,)` and a float. Use a sigmoid
#    $\sigma(z) = 1/(1+e^{-z})$ that does not overflow for $|z|$ in the thousands. Raise
#    `ValueError` if `x` is not 2-D, `y` is not `(n,)` or not all 0/1, `lr <= 0`, `steps < 0` or
#    `weight_decay < 0`.
# 3. `probe_accuracy(x, y, w, b)` returns the fraction (a float) of rows whose prediction is right,
#    predicting 1 where $xw + b > 0$ and 0 otherwise (so $z = 0$ predicts 0).

# %% q3
import numpy as np


def standardize(x_train, x_test):
    """Standardise both matrices with the training mean and (population std + 1e-6)."""
    # BEGIN SOLUTION
    a, t = np.asarray(x_train, dtype=np.float64), np.asarray(x_test, dtype=np.float64)
    if a.ndim != 2 or t.ndim != 2 or a.shape[1] != t.shape[1]:
        raise ValueError(f"x_train and x_test must be 2-D with the same columns, got {a.shape} and {t.shape}")
    mu, sd = a.mean(axis=0), a.std(axis=0) + 1e-6  # (d,) each
    return (a - mu) / sd, (t - mu) / sd
    # END SOLUTION


def fit_probe(x, y, lr, steps, weight_decay=0.0):
    """Logistic regression by full-batch gradient descent from zeros; returns (w (d,), b)."""
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)  # (n, d)
    y = np.asarray(y)
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"x must be (n, d) and y (n,), got {x.shape} and {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0 or 1")
    if lr <= 0 or steps < 0 or weight_decay < 0:
        raise ValueError(f"need lr > 0, steps >= 0, weight_decay >= 0; got {lr}, {steps}, {weight_decay}")
    y = y.astype(np.float64)
    n = x.shape[0]
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        z = x @ w + b  # (n,)
        e = np.exp(-np.abs(z))  # stable sigmoid: never exp of a large positive number
        p = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))  # (n,)
        r = p - y  # (n,) dJ/dz * n
        w, b = w - lr * (x.T @ r / n + 2.0 * weight_decay * w), b - lr * float(r.mean())
    return w, float(b)
    # END SOLUTION


def probe_accuracy(x, y, w, b):
    """Fraction of rows where (x @ w + b > 0) equals the 0/1 label."""
    # BEGIN SOLUTION
    pred = (np.asarray(x, dtype=np.float64) @ np.asarray(w, dtype=np.float64) + b > 0).astype(np.int64)  # (n,)
    return float((pred == np.asarray(y)).mean())
    # END SOLUTION


# %% [markdown] q4
# ## q4 — A stratified subsample for the learning curve (2 points)
#
# The learning curve trains on $k$ labelled examples for several $k$. The chapter takes the first
# $k$ of a random permutation, so the class balance of the subset varies by chance; a stratified
# subsample keeps it (almost) exactly. Let the training set have $n$ examples, $n_c$ of class $c$.
#
# 1. `class_quotas(labels, k)` returns a `dict` mapping every class present in `labels` (as an
#    int) to the number $k_c$ of its examples to draw, by the largest-remainder rule (最大余数法):
#    first $k_c = \lfloor k n_c / n\rfloor$; the $k - \sum_c k_c$ examples left over go, one each,
#    to the classes with the largest remainders $(k n_c) \bmod n$ (compute them with integers),
#    ties broken in favour of the smaller class label. E.g. 7 examples of class 0 and 3 of class 1
#    with $k = 4$: $\lfloor 28/10\rfloor = 2$ remainder 8, $\lfloor 12/10\rfloor = 1$ remainder 2,
#    the one left over goes to class 0: `{0: 3, 1: 1}`.
# 2. `stratified_subsample(labels, k, keys)` draws the subset. The randomness is passed in:
#    `keys` `(n,)` holds one random number per example (in practice
#    `keys = np.random.default_rng(seed).random(n)`). From each class $c$ take the $k_c$ examples
#    with the *smallest* keys (equal keys: the smaller index first), and return the indices of all
#    chosen examples as an int64 array `(k,)` sorted in increasing order.
#
# `labels` is a list or 1-D array of ints. Raise `ValueError` if it is empty or not 1-D, if $k$ is
# not in $[1, n]$, or (in `stratified_subsample`) if `keys` does not have shape `(n,)`.

# %% q4
import numpy as np


def class_quotas(labels, k):
    """Examples to draw per class for a stratified subsample of size k (largest remainders)."""
    # BEGIN SOLUTION
    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0:
        raise ValueError("labels must be a non-empty 1-D sequence")
    n = y.size
    if not 1 <= k <= n:
        raise ValueError(f"k must be in [1, {n}], got {k}")
    classes, counts = np.unique(y, return_counts=True)  # (C,) each, classes sorted
    quota, rem = np.divmod(int(k) * counts, n)  # (C,) each, exact integers
    left = int(k - quota.sum())
    winners = np.lexsort((classes, -rem))[:left]  # largest remainder first, then smaller label
    quota[winners] += 1
    return {int(c): int(q) for c, q in zip(classes, quota)}
    # END SOLUTION


def stratified_subsample(labels, k, keys):
    """Sorted indices (k,) of a stratified subsample: per class, the examples with the smallest keys."""
    # BEGIN SOLUTION
    quotas = class_quotas(labels, k)
    y = np.asarray(labels)
    keys = np.asarray(keys, dtype=np.float64)
    if keys.shape != y.shape:
        raise ValueError(f"keys must have shape {y.shape}, got {keys.shape}")
    chosen = []
    for c, q in quotas.items():
        idx = np.flatnonzero(y == c)  # (n_c,) increasing
        chosen.append(idx[np.argsort(keys[idx], kind="stable")[:q]])  # stable: equal keys keep index order
    return np.sort(np.concatenate(chosen)).astype(np.int64)
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 3, "q2": 2, "q3": 3, "q4": 2}
HIDDEN_SEED = 5_120_733


def public_tests():
    h = np.arange(2 * 3 * 2, dtype=np.float64).reshape(2, 3, 2)
    x = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    y = np.array([0, 0, 1, 1])
    return {
        "q1": [
            call("average_ranks", [10, 20, 20, 5]),
            call("spearman", [1, 2, 3, 4], [10, 30, 20, 40]),
            call("spearman", [1.0, 2.0, 2.0, 3.0], [0.5, 0.1, 0.7, 0.9]),
            call("spearman", [1, 2, 3], [5, 5, 5]),
        ],
        "q2": [
            call("mean_pool", h, [[1, 1, 0], [1, 1, 1]]),
            call("cosine_scores", [[1.0, 0.0], [1.0, 1.0]], [[0.0, 2.0], [3.0, 3.0]]),
            call("sts_spearman", h, [[1, 0, 0], [0, 1, 1]], np.ones((2, 2, 2)), [[1, 1], [1, 0]], [1.0, 4.0]),
        ],
        "q3": [
            call("standardize", x, [[1.5, 1.0]]),
            call("fit_probe", x, y, 0.5, 3),
            call("probe_accuracy", x, y, np.array([1.0, -0.5]), -1.0),
        ],
        "q4": [
            call("class_quotas", [0, 0, 0, 0, 0, 0, 0, 1, 1, 1], 4),
            call("stratified_subsample", [0, 1, 0, 1, 0], 3, [0.9, 0.1, 0.2, 0.8, 0.5]),
        ],
    }


def _sentences(rng, B, T, d, left_pad=False):
    """Hidden states (B, T, d) and a 0/1 mask with at least one real token per row."""
    h = rng.normal(size=(B, T, d))
    lengths = rng.integers(1, T + 1, B)
    pos = np.arange(T)[None, :]
    mask = (pos >= T - lengths[:, None]) if left_pad else (pos < lengths[:, None])
    return h, mask.astype(np.int64)


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    # q1: continuous values (no ties), rounded values (many ties), integer scores like STS-B's
    for n in (2, 9, 300):
        q1.append(call("average_ranks", rng.normal(size=n)))
    q1.append(call("average_ranks", rng.integers(0, 4, 40)))
    q1.append(call("average_ranks", [3.0, 3.0, 3.0]))
    for n in (5, 50, 10_000):
        x = rng.normal(size=n)
        q1.append(call("spearman", x, x + rng.normal(0, 1.0, n)))
    x = rng.normal(size=200)
    q1.append(call("spearman", np.round(x, 1), np.round(x + rng.normal(0, 0.5, 200) * 5) / 5))  # ties in both
    q1.append(call("spearman", rng.integers(0, 6, 120), rng.integers(0, 6, 120)))
    q1.append(call("spearman", [2.0, 1.0], [1.0, 2.0]))
    q1.append(call("spearman", [1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))
    q1 += [
        call("average_ranks", np.zeros((2, 2)), raises="ValueError"),
        call("average_ranks", [1.0, float("nan")], raises="ValueError"),
        call("spearman", [1, 2, 3], [1, 2], raises="ValueError"),
        call("spearman", [1], [2], raises="ValueError"),
    ]
    # q2: random hidden states with right and left padding
    for (B, T, d, left) in ((1, 1, 1, False), (4, 7, 8, False), (16, 20, 32, True)):
        h, m = _sentences(rng, B, T, d, left)
        q2.append(call("mean_pool", h, m if B != 4 else m.astype(bool)))
    h = rng.normal(size=(3, 5, 4))
    q2 += [
        call("mean_pool", h, np.array([[1, 0, 1, 0, 1], [0, 0, 0, 0, 1], [1, 1, 1, 1, 1]], dtype=np.float64)),
        call("mean_pool", h, np.array([[1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]]), raises="ValueError"),
        call("mean_pool", h, np.array([[1, 2, 0, 0, 0], [1, 0, 0, 0, 0], [1, 1, 1, 1, 1]]), raises="ValueError"),
        call("mean_pool", h, np.ones((3, 4)), raises="ValueError"),
    ]
    for (N, d, scale) in ((1, 3, 1.0), (10, 16, 1e-3), (200, 64, 1e3)):
        q2.append(call("cosine_scores", rng.normal(0, scale, (N, d)), rng.normal(0, scale, (N, d))))
    u = rng.normal(size=(4, 6))
    q2 += [
        call("cosine_scores", u, -2.0 * u),
        call("cosine_scores", u, u[:3], raises="ValueError"),
        call("cosine_scores", u, np.vstack([u[:3], np.zeros((1, 6))]), raises="ValueError"),
    ]
    for (N, T1, T2, d) in ((3, 4, 6, 5), (60, 12, 9, 16)):
        h1, m1 = _sentences(rng, N, T1, d)
        h2, m2 = _sentences(rng, N, T2, d, left_pad=True)
        h2 = h2 + 2.0 * mean_pool(h1, m1)[:, None, :]  # pairs that share content: a real correlation
        cos = cosine_scores(mean_pool(h1, m1), mean_pool(h2, m2))
        gold = np.round(np.clip(2.5 + 2.5 * cos + rng.normal(0, 0.5, N), 0, 5) * 5) / 5  # STS-B-like, with ties
        q2.append(call("sts_spearman", h1, m1, h2, m2, gold))
    # q3: features like a frozen encoder's (a few informative directions), several sizes
    for (n, m, d, lr, steps, wd) in ((6, 3, 2, 0.5, 1, 0.0), (50, 20, 8, 0.5, 40, 1e-3), (400, 200, 64, 0.2, 150, 1e-2),
                                     (120, 40, 16, 1.0, 100, 0.0)):
        direction = rng.normal(size=d)
        xtr, xte = rng.normal(0.3, 2.0, (n, d)), rng.normal(0.3, 2.0, (m, d))
        ytr = (xtr @ direction + rng.normal(0, 2.0, n) > 0).astype(np.int64)
        yte = (xte @ direction + rng.normal(0, 2.0, m) > 0).astype(np.int64)
        q3.append(call("standardize", xtr, xte))
        a, t = standardize(xtr, xte)
        q3.append(call("fit_probe", a, ytr, lr, steps, weight_decay=wd, rtol=1e-6, atol=1e-9))
        w, b = fit_probe(a, ytr, lr, steps, wd)
        q3.append(call("probe_accuracy", t, yte, w, b))
    x = rng.normal(size=(10, 3))
    y = (x[:, 0] > 0).astype(np.int64)
    q3 += [
        call("fit_probe", x, y, 0.1, 0),  # no step: zeros
        call("fit_probe", 3e3 * x, y, 1.0, 5, rtol=1e-6, atol=1e-9),  # |z| in the thousands: sigmoid must not overflow
        call("probe_accuracy", x, y, np.zeros(3), 0.0),  # z = 0 everywhere predicts 0
        call("standardize", np.ones((4, 2)), np.array([[1.0, 2.0]])),  # a constant column: sd = 0 + 1e-6
        call("standardize", x, x[:, :2], raises="ValueError"),
        call("fit_probe", x, y + 1, 0.1, 5, raises="ValueError"),
        call("fit_probe", x, y[:5], 0.1, 5, raises="ValueError"),
        call("fit_probe", x, y, 0.0, 5, raises="ValueError"),
        call("fit_probe", x, y, 0.1, -1, raises="ValueError"),
        call("fit_probe", x, y, 0.1, 5, weight_decay=-1.0, raises="ValueError"),
    ]
    # q4: SST-2-like binary labels, imbalanced and multi-class labels, remainder ties
    binary = (rng.random(500) < 0.56).astype(np.int64)
    multi = rng.choice([0, 1, 2, 5], size=97, p=[0.5, 0.3, 0.15, 0.05])
    for labels, ks in ((binary, (1, 10, 100, 499)), (multi, (3, 50, 97))):
        for k in ks:
            q4.append(call("class_quotas", labels, k))
        q4.append(call("stratified_subsample", labels, ks[1], rng.random(len(labels))))
    q4 += [
        call("class_quotas", [2, 2, 1, 1, 0, 0], 2),  # equal remainders: smaller labels win
        call("stratified_subsample", [1, 0, 1, 0, 1, 0, 1, 0], 4, [0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.5, 0.5]),
        call("stratified_subsample", binary, 500, rng.random(500)),
        call("class_quotas", [], 1, raises="ValueError"),
        call("class_quotas", [0, 1, 1], 4, raises="ValueError"),
        call("class_quotas", [0, 1, 1], 0, raises="ValueError"),
        call("stratified_subsample", [0, 1, 1], 2, [0.1, 0.2], raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
