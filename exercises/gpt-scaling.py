# Exercise master for book/exercises/gpt-scaling.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: GPT-2, GPT-3 and scaling laws
#
# These exercises go with the chapter [GPT-2, GPT-3 and scaling laws](../gpt-scaling.ipynb). You
# will implement, with plain Python and NumPy, layer normalisation (层归一化) and the two ways of
# placing it in a residual stack — post-LN (GPT-1) and pre-LN (GPT-2) — then the scaling-law (缩放定律)
# arithmetic of GPT-3 and Chinchilla: fitting a power law (幂律) to loss against model size, the
# training compute $C \approx 6ND$ and its compute-optimal split (计算最优), and predictions from
# the fitted law.
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

# %% [markdown] q1
# ## q1 — Layer norm, pre-LN and post-LN (3 points)
#
# Layer normalisation (层归一化) normalises each row $x \in \mathbb{R}^C$ of a batch on its own:
#
# $$\mathrm{LN}(x) = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta,\qquad
# \mu = \frac1C\sum_{j} x_j,\quad \sigma^2 = \frac1C\sum_j (x_j - \mu)^2,$$
#
# with the *biased* variance (divide by $C$), as `torch.nn.LayerNorm` does.
#
# 1. `layer_norm(x, gamma=None, beta=None, eps=1e-5)`: `x` is a float array of shape `(N, C)`,
#    `gamma` and `beta` arrays of shape `(C,)` (default: ones and zeros). Return the float64 array
#    `(N, C)`. Raise `ValueError` if `x` is not 2-D, if `gamma` or `beta` does not have shape
#    `(C,)`, or if `eps <= 0`.
# 2. `residual_stack(x, weights, norm_first, eps=1e-5)` runs a toy stack of $L$ residual blocks
#    (残差块) whose sub-layer is linear, $f_l(h) = h\,W_l$, with `weights` of shape `(L, C, C)`
#    ($W_l$ = `weights[l]`) and every LayerNorm plain ($\gamma = 1$, $\beta = 0$, the given `eps`):
#    - post-LN (`norm_first=False`, GPT-1): $x \leftarrow \mathrm{LN}(x + f_l(x))$ for
#      $l = 0, \dots, L-1$;
#    - pre-LN (`norm_first=True`, GPT-2): $x \leftarrow x + f_l(\mathrm{LN}(x))$ for
#      $l = 0, \dots, L-1$, then **one final** $\mathrm{LN}$, as GPT-2 adds.
#
#    Return the float64 array `(N, C)`. Raise `ValueError` if `x` is not 2-D or `weights` is not of
#    shape `(L, C, C)` with $L \ge 1$.

# %% q1
import numpy as np


def layer_norm(x, gamma=None, beta=None, eps=1e-5):
    """Normalise each row of x (N, C) to mean 0 and variance 1, then scale by gamma and shift by beta."""
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)  # (N, C)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (N, C), got shape {x.shape}")
    c = x.shape[1]
    g = np.ones(c) if gamma is None else np.asarray(gamma, dtype=np.float64)  # (C,)
    b = np.zeros(c) if beta is None else np.asarray(beta, dtype=np.float64)  # (C,)
    if g.shape != (c,) or b.shape != (c,):
        raise ValueError(f"gamma and beta must have shape ({c},), got {g.shape} and {b.shape}")
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    mu = x.mean(axis=1, keepdims=True)  # (N, 1)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)  # (N, 1) biased variance
    return (x - mu) / np.sqrt(var + eps) * g + b
    # END SOLUTION


def residual_stack(x, weights, norm_first, eps=1e-5):
    """L residual blocks with linear sub-layers h @ W_l: pre-LN (plus a final LN) or post-LN."""
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)  # (N, C)
    w = np.asarray(weights, dtype=np.float64)  # (L, C, C)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (N, C), got shape {x.shape}")
    c = x.shape[1]
    if w.ndim != 3 or w.shape[0] < 1 or w.shape[1:] != (c, c):
        raise ValueError(f"weights must have shape (L, {c}, {c}) with L >= 1, got {w.shape}")
    for wl in w:  # (C, C)
        if norm_first:
            x = x + layer_norm(x, eps=eps) @ wl  # the stream itself is never normalised
        else:
            x = layer_norm(x + x @ wl, eps=eps)  # every residual sum is normalised
    return layer_norm(x, eps=eps) if norm_first else x
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Fitting a power law (3 points)
#
# Kaplan et al. (2020) found that the test loss falls as a power law of the number of
# non-embedding parameters $N$. With an irreducible loss (不可约损失) $E \ge 0$ (the entropy of the
# text, which no model removes; the chapter uses $E = 0$):
#
# $$L(N) = E + \left(\frac{N_c}{N}\right)^{\alpha},\qquad\text{i.e.}\qquad
# \log\big(L - E\big) = \alpha\log N_c - \alpha\log N,$$
#
# a straight line in log–log space (双对数坐标). Write `fit_power_law(n, loss, irreducible=0.0)`
# that fits the line $\log(L_i - E) \approx a + b\log N_i$ by ordinary least squares (最小二乘,
# natural logarithms, every point weighted equally, as the chapter's `fit_power_law`) and returns
# the tuple of floats `(alpha, n_c)` with $\alpha = -b$ and $N_c = e^{a/\alpha}$.
#
# `n` and `loss` are 1-D lists or arrays of the same length. Raise `ValueError` if they are not
# 1-D of the same length, if there are fewer than 2 points, if some $N_i \le 0$, if some
# $L_i \le E$ (the logarithm is undefined), if all $N_i$ are equal (no line can be fitted), or if
# the fitted $\alpha \le 0$ (the loss does not fall with size).

# %% q2
import numpy as np


def fit_power_law(n, loss, irreducible=0.0):
    """Least-squares fit of log(loss - E) = a + b log n; returns (alpha, n_c) with alpha = -b, n_c = e^(a/alpha)."""
    # BEGIN SOLUTION
    n = np.asarray(n, dtype=np.float64)  # (k,)
    y = np.asarray(loss, dtype=np.float64)  # (k,)
    if n.ndim != 1 or y.shape != n.shape:
        raise ValueError(f"n and loss must be 1-D of the same length, got {n.shape} and {y.shape}")
    if n.size < 2:
        raise ValueError("need at least 2 points")
    if (n <= 0).any():
        raise ValueError("every n must be > 0")
    if (y <= irreducible).any():
        raise ValueError(f"every loss must be > the irreducible loss {irreducible}")
    if (n == n[0]).all():
        raise ValueError("all n are equal: the slope is undefined")
    logn, logy = np.log(n), np.log(y - irreducible)  # (k,) each
    dx = logn - logn.mean()  # (k,) centred log sizes
    b = float((dx * (logy - logy.mean())).sum() / (dx ** 2).sum())  # slope
    a = float(logy.mean() - b * logn.mean())  # intercept
    alpha = -b
    if alpha <= 0:
        raise ValueError(f"the fitted alpha is {alpha:.4g} <= 0: the loss does not fall with n")
    return alpha, float(np.exp(a / alpha))
    # END SOLUTION


# %% [markdown] q3
# ## q3 — Compute, and the compute-optimal split (2 points)
#
# Training a Transformer with $N$ parameters on $D$ tokens costs about $C \approx 6ND$
# floating-point operations (FLOPs, 浮点运算): $2N$ per token for the forward pass and $4N$ for the
# backward pass. Hoffmann et al. (2022, "Chinchilla") found that for a fixed budget $C$ the
# loss is lowest when the data grow as fast as the model, about $r = 20$ tokens per parameter.
#
# 1. `training_flops(n_params, n_tokens)` returns $6ND$ as a float (GPT-3: $N = 175\cdot10^9$,
#    $D = 300\cdot10^9$).
# 2. `compute_optimal(compute, tokens_per_param=20.0)` returns the tuple of floats `(n, d)` with
#    $6\,n\,d = C$ and $d = r\,n$ for $r$ = `tokens_per_param`.
#
# Raise `ValueError` if any argument is $\le 0$.

# %% q3
import math


def training_flops(n_params, n_tokens):
    """Training compute C = 6 N D in FLOPs."""
    # BEGIN SOLUTION
    if not (n_params > 0 and n_tokens > 0):
        raise ValueError(f"n_params and n_tokens must be > 0, got {n_params} and {n_tokens}")
    return 6.0 * float(n_params) * float(n_tokens)
    # END SOLUTION


def compute_optimal(compute, tokens_per_param=20.0):
    """(N, D) with 6 N D = compute and D = tokens_per_param * N."""
    # BEGIN SOLUTION
    if not (compute > 0 and tokens_per_param > 0):
        raise ValueError(f"compute and tokens_per_param must be > 0, got {compute} and {tokens_per_param}")
    n = math.sqrt(compute / (6.0 * tokens_per_param))  # 6 N (r N) = C
    return n, tokens_per_param * n
    # END SOLUTION


# %% [markdown] q4
# ## q4 — Using the law (2 points)
#
# 1. `kaplan_params(n_layer, d_model, d_ff=None)` returns Kaplan et al.'s count of non-embedding
#    parameters, $N \approx 2\,d_{\text{model}}\,n_{\text{layer}}\,(2d_{\text{model}} + d_{\text{ff}})$
#    (attention $4d^2$ and feed-forward $2d\,d_{\text{ff}}$ per layer, biases and LayerNorms left
#    out), as an `int`; with the default $d_{\text{ff}} = 4d_{\text{model}}$ this is
#    $12\,n_{\text{layer}}\,d_{\text{model}}^2$. Raise `ValueError` if an argument is $< 1$.
# 2. `predict_loss(n, alpha, n_c, irreducible=0.0)` returns $E + (N_c/N)^\alpha$. `n` is a number or
#    an array; return a float for a number and a float64 array of the same shape for an array.
# 3. `params_for_loss(target, alpha, n_c, irreducible=0.0)` inverts the law: the $N$ (a float) at
#    which the predicted loss equals `target`.
#
# In `predict_loss` and `params_for_loss` raise `ValueError` if `alpha <= 0`, `n_c <= 0` or
# `irreducible < 0`; in `predict_loss` also if some $N \le 0$, and in `params_for_loss` if
# `target <= irreducible` (no finite model reaches it).

# %% q4
import numpy as np


def kaplan_params(n_layer, d_model, d_ff=None):
    """Kaplan et al.'s non-embedding parameter count 2 d n_layer (2 d + d_ff)."""
    # BEGIN SOLUTION
    f = 4 * d_model if d_ff is None else d_ff
    if n_layer < 1 or d_model < 1 or f < 1:
        raise ValueError(f"n_layer, d_model and d_ff must be >= 1, got {n_layer}, {d_model}, {d_ff}")
    return int(2 * d_model * n_layer * (2 * d_model + f))
    # END SOLUTION


def predict_loss(n, alpha, n_c, irreducible=0.0):
    """E + (n_c / n) ** alpha, for a number or an array n."""
    # BEGIN SOLUTION
    if alpha <= 0 or n_c <= 0 or irreducible < 0:
        raise ValueError(f"need alpha > 0, n_c > 0, irreducible >= 0; got {alpha}, {n_c}, {irreducible}")
    arr = np.asarray(n, dtype=np.float64)  # any shape
    if (arr <= 0).any():
        raise ValueError("every n must be > 0")
    out = irreducible + (n_c / arr) ** alpha
    return float(out) if arr.ndim == 0 else out
    # END SOLUTION


def params_for_loss(target, alpha, n_c, irreducible=0.0):
    """The N with E + (n_c / N) ** alpha = target."""
    # BEGIN SOLUTION
    if alpha <= 0 or n_c <= 0 or irreducible < 0:
        raise ValueError(f"need alpha > 0, n_c > 0, irreducible >= 0; got {alpha}, {n_c}, {irreducible}")
    if target <= irreducible:
        raise ValueError(f"target {target} is not above the irreducible loss {irreducible}")
    return float(n_c / (target - irreducible) ** (1.0 / alpha))
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 3, "q2": 3, "q3": 2, "q4": 2}
HIDDEN_SEED = 27_182_818

_KAPLAN_ALPHA, _KAPLAN_NC = 0.076, 8.8e13


def public_tests():
    x = [[1.0, 2.0, 3.0, 4.0], [2.0, -2.0, 0.0, 0.0]]
    w = [np.eye(4) * 0.5, np.full((4, 4), 0.25)]
    n_demo = [1e5, 1e6, 1e7]
    return {
        "q1": [
            call("layer_norm", x, rtol=1e-9),
            call("layer_norm", x, [1.0, 2.0, 0.5, 1.0], [0.0, 1.0, 0.0, -1.0], rtol=1e-9),
            call("residual_stack", x, w, False, rtol=1e-9, atol=1e-12),
            call("residual_stack", x, w, True, rtol=1e-9, atol=1e-12),
        ],
        "q2": [
            call("fit_power_law", n_demo, [(_KAPLAN_NC / n) ** _KAPLAN_ALPHA for n in n_demo], rtol=1e-6),
            call("fit_power_law", [1e4, 1e5, 1e6], [4.2, 3.6, 3.3], rtol=1e-6),
            call("fit_power_law", [1e4, 1e5, 1e6], [4.2, 3.6, 3.3], irreducible=1.5, rtol=1e-6),
        ],
        "q3": [
            call("training_flops", 175e9, 300e9),
            call("compute_optimal", 5.76e23),
            call("compute_optimal", 1e20, tokens_per_param=1.7),
        ],
        "q4": [
            call("kaplan_params", 12, 768),
            call("predict_loss", 1.5e9, _KAPLAN_ALPHA, _KAPLAN_NC),
            call("predict_loss", [1e6, 1e8], 0.3, 1e5, irreducible=1.7),
            call("params_for_loss", 2.0, _KAPLAN_ALPHA, _KAPLAN_NC),
        ],
    }


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    # q1: several shapes and scales; constant rows (variance 0: eps matters); both LN placements
    for n, c, loc, scale in ((1, 1, 0.0, 1.0), (3, 2, 1.0, 1.0), (16, 32, -3.0, 5.0), (32, 64, 100.0, 0.1),
                             (40, 100, 0.0, 1.0)):
        x = rng.normal(loc, scale, (n, c))
        q1.append(call("layer_norm", x, rtol=1e-6, atol=1e-8))
        q1.append(call("layer_norm", x, rng.normal(1.0, 0.5, c), rng.normal(0.0, 1.0, c),
                       eps=float(rng.choice([1e-5, 1e-3, 0.5])), rtol=1e-6, atol=1e-8))
    q1 += [
        call("layer_norm", np.full((3, 5), 7.0), rtol=1e-9, atol=1e-12),
        call("layer_norm", np.array([[1.0, 1.0 + 1e-4]]), eps=1e-5, rtol=1e-6, atol=1e-8),
        call("layer_norm", np.zeros(4), raises="ValueError"),
        call("layer_norm", np.zeros((2, 4)), np.ones(3), raises="ValueError"),
        call("layer_norm", np.zeros((2, 4)), eps=0.0, raises="ValueError"),
    ]
    for n, c, layers, wscale in ((1, 4, 1, 0.5), (5, 8, 3, 0.3), (12, 32, 6, 0.1), (8, 32, 12, 0.05),
                                 (8, 16, 24, 1.0)):
        x = rng.normal(0.0, 1.0, (n, c))
        w = rng.normal(0.0, wscale, (layers, c, c))
        for norm_first in (False, True):
            q1.append(call("residual_stack", x, w, norm_first, eps=1e-5, rtol=1e-6, atol=1e-8))
    q1 += [
        call("residual_stack", np.ones((2, 3)), rng.normal(0, 1, (2, 3, 3)), True, eps=0.1, rtol=1e-6, atol=1e-8),
        call("residual_stack", np.zeros((2, 3)), np.zeros((0, 3, 3)), True, raises="ValueError"),
        call("residual_stack", np.zeros((2, 3)), np.zeros((2, 3, 4)), False, raises="ValueError"),
        call("residual_stack", np.zeros(3), np.zeros((1, 3, 3)), False, raises="ValueError"),
    ]
    # q2: exact and noisy power laws over different ranges, with and without an irreducible loss
    for k, lo, hi, alpha, nc, e, noise in ((2, 3, 5, 0.3, 1e6, 0.0, 0.0), (5, 3, 6, 0.076, 8.8e13, 0.0, 0.01),
                                           (8, 4, 9, 0.1, 1e12, 0.0, 0.03), (12, 5, 10, 0.34, 4e8, 1.69, 0.02),
                                           (30, 3, 11, 0.2, 1e9, 1.0, 0.05)):
        n = np.sort(10.0 ** rng.uniform(lo, hi, k))
        loss = e + (nc / n) ** alpha * np.exp(rng.normal(0.0, noise, k))
        q2.append(call("fit_power_law", n, loss, irreducible=e, rtol=1e-6))
        if e > 0:
            q2.append(call("fit_power_law", n, loss, rtol=1e-6))  # ignoring E: a different line
    q2 += [
        call("fit_power_law", [1e3, 1e3, 1e4], [5.0, 4.0, 3.0], rtol=1e-6),  # repeated sizes are fine
        call("fit_power_law", [1e3, 1e4], [3.0], raises="ValueError"),
        call("fit_power_law", [1e3], [3.0], raises="ValueError"),
        call("fit_power_law", [0.0, 1e4], [3.0, 2.0], raises="ValueError"),
        call("fit_power_law", [1e3, 1e4], [3.0, 2.0], irreducible=2.0, raises="ValueError"),
        call("fit_power_law", [1e4, 1e4, 1e4], [3.0, 2.0, 1.0], raises="ValueError"),
        call("fit_power_law", [1e3, 1e4, 1e5], [2.0, 2.5, 3.0], raises="ValueError"),
    ]
    # q3: budgets over many orders of magnitude
    for _ in range(4):
        q3.append(call("training_flops", float(10 ** rng.uniform(3, 12)), float(10 ** rng.uniform(6, 13))))
        q3.append(call("compute_optimal", float(10 ** rng.uniform(15, 26)), rtol=1e-9))
        q3.append(call("compute_optimal", float(10 ** rng.uniform(15, 26)),
                       tokens_per_param=float(rng.uniform(0.5, 100.0)), rtol=1e-9))
    q3 += [
        call("training_flops", 1, 1),
        call("compute_optimal", 6.0, tokens_per_param=1.0),
        call("training_flops", 0, 10, raises="ValueError"),
        call("training_flops", 10, -1, raises="ValueError"),
        call("compute_optimal", 0.0, raises="ValueError"),
        call("compute_optimal", 1e20, tokens_per_param=0.0, raises="ValueError"),
    ]
    # q4: shapes of real models, predictions and their inverse
    for layers, d in ((1, 16), (4, 128), (24, 1024), (96, 12288)):
        q4.append(call("kaplan_params", layers, d))
    q4 += [
        call("kaplan_params", 3, 48, d_ff=100),
        call("kaplan_params", 0, 48, raises="ValueError"),
    ]
    alpha, nc, e = float(rng.uniform(0.05, 0.5)), float(10 ** rng.uniform(6, 14)), float(rng.uniform(0.0, 2.0))
    sizes = 10.0 ** rng.uniform(3, 12, 20)
    q4 += [
        call("predict_loss", sizes, alpha, nc, irreducible=e, rtol=1e-9),
        call("predict_loss", sizes.reshape(4, 5), alpha, nc, rtol=1e-9),
        call("predict_loss", float(sizes[0]), alpha, nc, irreducible=e, rtol=1e-9),
        call("predict_loss", [1e6, 0.0], alpha, nc, raises="ValueError"),
        call("predict_loss", 1e6, 0.0, nc, raises="ValueError"),
        call("predict_loss", 1e6, alpha, -1.0, raises="ValueError"),
    ]
    for target in (e + 0.05, e + 1.0, e + 5.0):
        q4.append(call("params_for_loss", target, alpha, nc, irreducible=e, rtol=1e-9))
    q4 += [
        call("params_for_loss", 3.0, 0.076, 8.8e13, rtol=1e-9),
        call("params_for_loss", e, alpha, nc, irreducible=e, raises="ValueError"),
        call("params_for_loss", 2.0, alpha, nc, irreducible=-0.1, raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
