# Exercise master for book/exercises/attention.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: attention
#
# These exercises go with the chapter [Attention](../attention.ipynb). You will implement, with
# plain Python and NumPy, the pieces of attention (注意力机制) the chapter builds: a masked softmax
# that never overflows, padding and causal masks (掩码), scaled dot-product attention (缩放点积注意力)
# and multi-head attention (多头注意力) with the weight layout of `ptmcourse.nn.MultiHeadAttention`
# and `torch.nn.MultiheadAttention`.
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
# Conventions, as in the chapter and `ptmcourse.nn`: a boolean mask is `True` where a query **may**
# attend to a key; blocked scores get weight exactly 0; and a row in which *every* key is blocked
# gets all-zero weights (and therefore a zero output), not NaN.

# %% [markdown] q1
# ## q1 — A stable masked softmax (2 points)
#
# The softmax $\alpha_j = e^{s_j} / \sum_{j'} e^{s_{j'}}$ overflows when a score is large
# ($e^{800} = \infty$ in float64). Subtracting the maximum of the row first changes nothing
# mathematically and keeps every exponent $\le 0$.
#
# Write `masked_softmax(scores, mask=None, axis=-1)` returning the softmax of `scores` along
# `axis` as a float64 array of the same shape. `scores` is an array of finite floats (any shape,
# values up to $\pm 10^4$). `mask` is `None` (nothing blocked) or a boolean array that broadcasts
# to the shape of `scores` without changing it (e.g. shape `(S,)` or `(1, S)` for scores
# `(T, S)`); where it is `False` the weight is exactly `0.0`, and the remaining weights of the row
# sum to 1. A row (a slice along `axis`) whose entries are all blocked is all zeros. Raise
# `ValueError` if `mask` is not of boolean dtype or does not broadcast to the shape of `scores`.

# %% q1
import numpy as np


def masked_softmax(scores, mask=None, axis=-1):
    """Softmax of scores along axis; False in mask -> weight 0; a fully masked row -> zeros."""
    # BEGIN SOLUTION
    s = np.asarray(scores, dtype=np.float64)
    if mask is None:
        allowed = np.ones(s.shape, dtype=bool)
    else:
        m = np.asarray(mask)
        if m.dtype != np.bool_:
            raise ValueError(f"mask must be boolean (True = may attend), got dtype {m.dtype}")
        try:
            allowed = np.broadcast_to(m, s.shape)  # same shape as scores
        except ValueError:
            raise ValueError(f"mask of shape {m.shape} does not broadcast to scores {s.shape}") from None
    z = np.where(allowed, s, -np.inf)
    top = z.max(axis=axis, keepdims=True)  # -inf for a fully masked row
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.where(allowed, np.exp(z - top), 0.0)  # every exponent <= 0: no overflow
    total = e.sum(axis=axis, keepdims=True)  # >= 1 unless the row is fully masked
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Causal and padding masks (2 points)
#
# 1. `causal_mask(t, s=None)` returns the causal mask (因果掩码) as a boolean array of shape
#    `(t, s)` (`s = t` when `None`): query $i$ may attend to key $j$ when $j$ is not in its future.
#    When $s > t$ the queries are the *last* $t$ of $s$ positions (the earlier keys come from a
#    KV cache), so the diagonal is aligned bottom-right: query $i$ sees keys $j \le i + s - t$.
#    Raise `ValueError` if $t < 1$ or $s < t$.
# 2. `padding_mask(lengths, max_len=None)` returns the padding mask (填充掩码) of a right-padded
#    batch as a boolean array of shape `(B, S)`, `True` at the first `lengths[b]` positions of row
#    $b$ (the real tokens). $S$ is `max_len`, or `max(lengths)` when `max_len` is `None`. Raise
#    `ValueError` if `lengths` is not a non-empty 1-D sequence of integers $\ge 0$, if a length
#    exceeds `max_len`, or if $S < 1$.
# 3. `combine_masks(padding_mask, t, is_causal=False)` builds the mask used by multi-head
#    self-attention (q4) from a `(B, S)` padding mask: a boolean array of shape `(B, 1, t, S)`
#    (the `1` broadcasts over the heads) that is `True` where key $j$ of sequence $b$ is a real
#    token and, if `is_causal`, also not in the future of query $i$ (bottom-right aligned as in 1).
#    Raise `ValueError` if `padding_mask` is not a 2-D boolean array, and (as in 1) if `is_causal`
#    and $S < t$.

# %% q2
import numpy as np


def causal_mask(t, s=None):
    """(t, s) bool, True where key j <= i + s - t (not in the future of query i)."""
    # BEGIN SOLUTION
    s = t if s is None else s
    if t < 1 or s < t:
        raise ValueError(f"need 1 <= t <= s, got t={t}, s={s}")
    i = np.arange(t)[:, None]  # (t, 1)
    j = np.arange(s)[None, :]  # (1, s)
    return j <= i + (s - t)  # (t, s)
    # END SOLUTION


def padding_mask(lengths, max_len=None):
    """(B, S) bool, True at the first lengths[b] positions of row b."""
    # BEGIN SOLUTION
    n = np.asarray(lengths)
    if n.ndim != 1 or n.size == 0 or n.dtype.kind not in "iu":
        raise ValueError(f"lengths must be a non-empty 1-D sequence of ints, got {n.dtype} {n.shape}")
    if (n < 0).any():
        raise ValueError("lengths must be >= 0")
    width = int(n.max()) if max_len is None else int(max_len)
    if width < 1 or n.max() > width:
        raise ValueError(f"max_len={max_len} must be >= 1 and >= every length (max {n.max()})")
    return np.arange(width)[None, :] < n[:, None]  # (B, S)
    # END SOLUTION


def combine_masks(padding_mask, t, is_causal=False):
    """(B, 1, t, S) bool: real key tokens, and (if is_causal) keys not in the query's future."""
    # BEGIN SOLUTION
    pad = np.asarray(padding_mask)
    if pad.ndim != 2 or pad.dtype != np.bool_:
        raise ValueError(f"padding_mask must be a 2-D bool array (B, S), got {pad.dtype} {pad.shape}")
    b, s = pad.shape
    mask = np.broadcast_to(pad[:, None, None, :], (b, 1, t, s))  # (B, 1, t, S)
    if is_causal:
        mask = mask & causal_mask(t, s)  # (t, S) broadcasts
    return np.array(mask)  # a real array, not a read-only view
    # END SOLUTION


# %% [markdown] q3
# ## q3 — Scaled dot-product attention (2 points)
#
# With queries $Q$ ($T \times d$), keys $K$ ($S \times d$) and values $V$ ($S \times d_v$),
#
# $$\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\Big(\frac{QK^\top}{\sqrt d}\Big) V .$$
#
# Write `scaled_dot_product_attention(q, k, v, mask=None, is_causal=False)` returning the tuple
# `(output, weights)`. The inputs may have any number of leading (batch, head) dimensions, the
# same for all three: `q` is `(..., T, d)`, `k` `(..., S, d)`, `v` `(..., S, dv)`. `weights` is
# the float64 array `(..., T, S)` of softmax weights (each row sums to 1, or is all zeros if
# fully masked) and `output` is `(..., T, dv)`, the weighted sums of the values. `mask` is `None`
# or a boolean array that broadcasts to `(..., T, S)` (as in q1); with `is_causal=True` the causal
# mask of q2 (bottom-right aligned when $S > T$) is applied as well (and-ed with `mask`).
# Raise `ValueError` if an input has fewer than 2 dimensions, if their leading dimensions differ,
# if the feature sizes of `q` and `k` differ, if `k` and `v` have different $S$, for a bad mask
# (as in q1), or if `is_causal` and $S < T$.

# %% q3
import math

import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    """softmax(q k^T / sqrt(d)) v with masks: returns (output (..., T, dv), weights (..., T, S))."""
    # BEGIN SOLUTION
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    if min(q.ndim, k.ndim, v.ndim) < 2 or not q.shape[:-2] == k.shape[:-2] == v.shape[:-2]:
        raise ValueError(f"q, k, v must be (..., T, d), (..., S, d), (..., S, dv) with the same leading "
                         f"dimensions, got {q.shape}, {k.shape}, {v.shape}")
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"feature sizes or key counts do not fit: {q.shape}, {k.shape}, {v.shape}")
    t, s = q.shape[-2], k.shape[-2]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])  # (..., T, S)
    if mask is not None and np.asarray(mask).dtype != np.bool_:
        raise ValueError(f"mask must be boolean (True = may attend), got dtype {np.asarray(mask).dtype}")
    if is_causal:
        causal = causal_mask(t, s)  # (T, S)
        mask = causal if mask is None else np.asarray(mask) & causal
    weights = masked_softmax(scores, mask, axis=-1)  # (..., T, S)
    return weights @ v, weights  # (..., T, dv), (..., T, S)
    # END SOLUTION


# %% [markdown] q4
# ## q4 — Multi-head self-attention (3 points)
#
# Multi-head attention runs $h$ attentions of width $d_h = C/h$ side by side and mixes their
# outputs: $\mathrm{MultiHead}(X) = [\mathrm{head}_1; \dots; \mathrm{head}_h]\,W^O$ with
# $\mathrm{head}_i = \mathrm{Attention}(XW_i^Q, XW_i^K, XW_i^V)$. Use the weight layout of
# `ptmcourse.nn.MultiHeadAttention` (its `in_proj` and `out_proj`), which is that of
# `torch.nn.MultiheadAttention` (`in_proj_weight`, `out_proj.weight`): linear layers store
# `(out_features, in_features)` and compute $y = x W^\top + b$.
#
# - `in_weight` is `(3C, C)` with rows `[0:C]` for the queries, `[C:2C]` for the keys and
#   `[2C:3C]` for the values; `in_bias` is `(3C,)` in the same order. So
#   $Q = X W_q^\top + b_q$ with $W_q$ = `in_weight[:C]`, $b_q$ = `in_bias[:C]`, and likewise $K$, $V$.
# - Head $i$ (0-based) uses features $[i\,d_h, (i+1)\,d_h)$ of $Q$, $K$ and $V$: reshape
#   `(B, T, C) -> (B, T, h, d_h)` and move the head axis forward, `(B, h, T, d_h)`.
# - Each head attends with the scaled dot-product attention of q3 (scale $1/\sqrt{d_h}$). The head
#   outputs are put back side by side, `(B, h, T, d_h) -> (B, T, C)` (head 0 first), and
#   projected: $Y = [\dots] W_o^\top + b_o$ with `out_weight` `(C, C)` and `out_bias` `(C,)`.
#
# Write `multi_head_attention(x, in_weight, in_bias, out_weight, out_bias, n_heads,
# padding_mask=None, is_causal=False)` for self-attention on `x` of shape `(B, T, C)`. It returns
# the tuple `(y, weights)`: `y` is `(B, T, C)` and `weights` the float64 attention weights
# `(B, n_heads, T, T)`. `padding_mask` is `None` or a `(B, T)` boolean array, `True` at real
# tokens (keys that are padding get weight 0, as with `combine_masks`); `is_causal=True` also
# blocks the future. A query whose keys are all blocked has zero weights, so its output row is
# just `out_bias`. Raise `ValueError` if `x` is not 3-D, if `n_heads < 1` or does not divide $C$,
# if a weight or bias has the wrong shape, or if `padding_mask` is not `(B, T)`.

# %% q4
import numpy as np


def multi_head_attention(x, in_weight, in_bias, out_weight, out_bias, n_heads, padding_mask=None,
                         is_causal=False):
    """Multi-head self-attention with torch's weight layout: returns (y (B, T, C), weights (B, h, T, T))."""
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must be (B, T, C), got shape {x.shape}")
    B, T, C = x.shape
    if n_heads < 1 or C % n_heads:
        raise ValueError(f"n_heads={n_heads} must be >= 1 and divide C={C}")
    w_in, b_in = np.asarray(in_weight, dtype=np.float64), np.asarray(in_bias, dtype=np.float64)
    w_out, b_out = np.asarray(out_weight, dtype=np.float64), np.asarray(out_bias, dtype=np.float64)
    if w_in.shape != (3 * C, C) or b_in.shape != (3 * C,) or w_out.shape != (C, C) or b_out.shape != (C,):
        raise ValueError(f"expected weights (3C, C), (3C,), (C, C), (C,) with C={C}, got {w_in.shape}, "
                         f"{b_in.shape}, {w_out.shape}, {b_out.shape}")
    dh = C // n_heads
    qkv = x @ w_in.T + b_in  # (B, T, 3C)
    q, k, v = (qkv[..., i * C:(i + 1) * C].reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3)
               for i in range(3))  # (B, h, T, dh) each
    mask = None
    if padding_mask is not None:
        pad = np.asarray(padding_mask)
        if pad.shape != (B, T):
            raise ValueError(f"padding_mask must be ({B}, {T}), got {pad.shape}")
        mask = combine_masks(pad, T, is_causal)  # (B, 1, T, T)
    elif is_causal:
        mask = causal_mask(T)  # (T, T)
    heads, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, h, T, dh), (B, h, T, T)
    concat = heads.transpose(0, 2, 1, 3).reshape(B, T, C)  # (B, T, C): head 0 first
    return concat @ w_out.T + b_out, weights
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 2, "q2": 2, "q3": 2, "q4": 3}
HIDDEN_SEED = 1_706_037


def _mha_weights(rng, c, scale=None):
    scale = 1.0 / math.sqrt(c) if scale is None else scale
    return (rng.uniform(-scale, scale, (3 * c, c)), rng.uniform(-0.1, 0.1, 3 * c),
            rng.uniform(-scale, scale, (c, c)), rng.uniform(-0.1, 0.1, c))


def public_tests():
    K = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # the chapter's three "books"
    V = np.array([[10.0], [20.0], [30.0]])
    Q = np.array([[2.0, 0.0]])
    x = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])  # (B=1, T=3, C=2)
    eye2 = np.eye(2)
    return {
        "q1": [
            call("masked_softmax", np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]])),
            call("masked_softmax", np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
                 np.array([[True, True, False], [False, False, False]])),
            call("masked_softmax", np.array([[0.0, 1.0], [2.0, 3.0]]), axis=0),
        ],
        "q2": [
            call("causal_mask", 3),
            call("causal_mask", 2, 4),
            call("padding_mask", [3, 1]),
            call("combine_masks", np.array([[True, True, False]]), 3, True),
        ],
        "q3": [
            call("scaled_dot_product_attention", Q, K, V, rtol=1e-6),
            call("scaled_dot_product_attention", K, K, V, None, True, rtol=1e-6),
        ],
        "q4": [
            call("multi_head_attention", x, np.vstack([eye2, eye2, eye2]), np.zeros(6), eye2, np.zeros(2), 1,
                 rtol=1e-6),
            call("multi_head_attention", x, np.vstack([eye2, eye2, eye2]), np.zeros(6), eye2, np.zeros(2), 2,
                 np.array([[True, True, False]]), True, rtol=1e-6),
        ],
    }


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    # q1: shapes, axes, broadcast masks, huge scores, fully masked rows
    for shape, axis in (((7,), -1), ((4, 9), -1), ((3, 5, 6), 1), ((2, 3, 4, 10), -1), ((6, 4), 0)):
        scores = rng.normal(0.0, 3.0, shape)
        q1.append(call("masked_softmax", scores, None, axis, rtol=1e-6, atol=1e-12))
        mask = rng.random(shape) > 0.4
        q1.append(call("masked_softmax", scores, mask, axis, rtol=1e-6, atol=1e-12))
    scores = rng.normal(0.0, 1e4, (5, 8))  # e^s overflows without the max trick
    q1.append(call("masked_softmax", scores, rng.random((5, 8)) > 0.3, rtol=1e-6, atol=1e-12))
    scores = rng.normal(0.0, 2.0, (2, 4, 6))
    q1 += [
        call("masked_softmax", scores, rng.random(6) > 0.3, rtol=1e-6, atol=1e-12),  # (S,) broadcasts
        call("masked_softmax", scores, rng.random((2, 1, 6)) > 0.5, rtol=1e-6, atol=1e-12),
        call("masked_softmax", np.full((3, 4), -5e3), np.array([[True] * 4, [False] * 4, [False, True, False, True]]),
             rtol=1e-6, atol=1e-12),
        call("masked_softmax", rng.normal(size=(2, 3, 5)), rng.random((2, 1, 5)) > 0.5, 1, rtol=1e-6, atol=1e-12),
        call("masked_softmax", scores, (rng.random(6) > 0.5).astype(np.int64), raises="ValueError"),
        call("masked_softmax", scores, np.ones((4, 2), dtype=bool), raises="ValueError"),
        call("masked_softmax", np.zeros((3, 4)), np.ones((2, 3, 4), dtype=bool), raises="ValueError"),
    ]
    # q2
    q2 += [call("causal_mask", t, s) for t, s in ((1, 1), (5, None), (4, 9), (1, 6), (12, 12))]
    q2 += [
        call("causal_mask", 0, raises="ValueError"),
        call("causal_mask", 5, 3, raises="ValueError"),
    ]
    lengths = rng.integers(1, 15, 6)
    q2 += [
        call("padding_mask", lengths),
        call("padding_mask", lengths, 20),
        call("padding_mask", np.array([0, 2, 0]), 4),  # an empty sequence: a row of False
        call("padding_mask", [3, 5], 4, raises="ValueError"),
        call("padding_mask", [], raises="ValueError"),
        call("padding_mask", [2, -1], raises="ValueError"),
    ]
    pad = padding_mask(rng.integers(0, 8, 4), 8)
    q2 += [
        call("combine_masks", pad, 8, False),
        call("combine_masks", pad, 8, True),
        call("combine_masks", pad, 3, True),  # 3 new queries after 5 cached positions
        call("combine_masks", pad.astype(np.int64), 8, raises="ValueError"),
        call("combine_masks", pad, 9, True, raises="ValueError"),
    ]
    # q3: 2-D and batched inputs, masks, causal (square and bottom-right), large scores
    for lead, t, s, d, dv in (((), 1, 1, 1, 1), ((), 5, 7, 8, 3), ((3,), 6, 6, 4, 5), ((2, 4), 9, 12, 16, 8)):
        q = rng.normal(size=(*lead, t, d))
        k, v = rng.normal(size=(*lead, s, d)), rng.normal(size=(*lead, s, dv))
        q3.append(call("scaled_dot_product_attention", q, k, v, rtol=1e-6, atol=1e-12))
        mask = rng.random((*lead, t, s)) > 0.3
        q3.append(call("scaled_dot_product_attention", q, k, v, mask, rtol=1e-6, atol=1e-12))
        q3.append(call("scaled_dot_product_attention", q, k, v, None, True, rtol=1e-6, atol=1e-12))
    q = rng.normal(0.0, 30.0, (2, 5, 16))
    k, v = rng.normal(0.0, 30.0, (2, 5, 16)), rng.normal(size=(2, 5, 4))
    key_pad = padding_mask(np.array([5, 2]))[:, None, :]  # (B, 1, S)
    q3 += [
        call("scaled_dot_product_attention", q, k, v, key_pad, True, rtol=1e-6, atol=1e-12),
        call("scaled_dot_product_attention", q, k, v, np.zeros((2, 5, 5), dtype=bool), rtol=1e-6, atol=1e-12),
        call("scaled_dot_product_attention", q, k[..., :8], v, raises="ValueError"),
        call("scaled_dot_product_attention", q, k, v[:, :4], raises="ValueError"),
        call("scaled_dot_product_attention", q[0, 0], k[0, 0], v[0, 0], raises="ValueError"),
        call("scaled_dot_product_attention", q, k[:, :3], v[:, :3], None, True, raises="ValueError"),
    ]
    # q4: head counts, padding, causality; checked against torch.nn.MultiheadAttention when written
    for b, t, c, h in ((1, 1, 4, 1), (2, 5, 8, 2), (3, 7, 12, 3), (4, 16, 32, 4), (2, 6, 16, 8)):
        x = rng.normal(size=(b, t, c))
        W = _mha_weights(rng, c)
        q4.append(call("multi_head_attention", x, *W, h, rtol=1e-6, atol=1e-12))
        pad = padding_mask(rng.integers(1, t + 1, b), t)
        q4.append(call("multi_head_attention", x, *W, h, pad, bool(t % 2), rtol=1e-6, atol=1e-12))
    x = rng.normal(size=(3, 6, 8))
    W = _mha_weights(rng, 8, scale=2.0)
    q4 += [
        call("multi_head_attention", x, *W, 4, None, True, rtol=1e-6, atol=1e-12),
        call("multi_head_attention", x, *W, 2, padding_mask(np.array([6, 0, 3]), 6), rtol=1e-6, atol=1e-12),
        call("multi_head_attention", x, *W, 3, raises="ValueError"),
        call("multi_head_attention", x, W[0][:16], *W[1:], 2, raises="ValueError"),
        call("multi_head_attention", x, *W, 2, np.ones((3, 5), dtype=bool), raises="ValueError"),
        call("multi_head_attention", x[0], *W, 2, raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
