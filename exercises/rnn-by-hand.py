# Exercise master for book/exercises/rnn-by-hand.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: recurrent networks by hand
#
# These exercises go with the chapter [Recurrent networks by hand](../rnn-by-hand.ipynb). You will
# implement, with plain Python and NumPy, a recurrent neural network (循环神经网络, RNN) language
# model: its forward pass over a sequence, its softmax outputs and cross-entropy loss (交叉熵), the
# full backpropagation through time (随时间反向传播, BPTT) derived in the chapter, and one step of
# an LSTM cell (长短期记忆网络).
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
# The notation is the chapter's. A sequence is a 1-D array `x` of $T \ge 1$ integer token ids in
# $[0, V)$; token $x_t$ enters as a one-hot vector, so $W_{xh} x_t$ is column `x[t]` of $W_{xh}$
# (an embedding, 词嵌入). The parameters are a dict `params` of float64 arrays:
#
# | key | shape | role |
# |---|---|---|
# | `"W_xh"` | (H, V) | input to hidden |
# | `"W_hh"` | (H, H) | hidden to hidden (the recurrent matrix) |
# | `"b_h"` | (H,) | hidden bias |
# | `"W_hy"` | (V, H) | hidden to output logits |
# | `"b_y"` | (V,) | output bias |
#
# and the equations, for $t = 1, \dots, T$, are
#
# $$a_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h,\quad h_t = \tanh(a_t),\quad o_t = W_{hy} h_t + b_y,\quad
# p_t = \mathrm{softmax}(o_t).$$
#
# The code is 0-based: `x[t]` is token $x_{t+1}$ and, as in `ptmcourse.rnn`, the hidden states are
# stored as an array `hs` of shape (T+1, H) with `hs[0]` $= h_0$ and `hs[t]` $= h_t$.
# One sequence at a time: no batch dimension.

# %% [markdown] q1
# ## q1 — The forward pass (2 points)
#
# Write `rnn_forward(params, x, h0=None)` that runs the recurrence above over the whole sequence
# and returns the hidden states (隐状态) `hs`, a float64 array of shape (T+1, H) with `hs[0]` the
# initial state. `h0` is an array of shape (H,); `None` means the zero vector (the chapter's
# $h_0 = 0$). Only `"W_xh"`, `"W_hh"` and `"b_h"` are used here (ignore other keys).
#
# Raise `ValueError` if `x` is not a non-empty 1-D sequence, if an id is outside $[0, V)$ with $V$
# the number of columns of $W_{xh}$, if `h0` does not have shape (H,), or if the shapes of $W_{xh}$,
# $W_{hh}$, $b_h$ do not fit together.

# %% q1
import numpy as np


def rnn_forward(params, x, h0=None):
    """Hidden states hs (T+1, H) of a tanh RNN over the id sequence x, hs[0] = h0."""
    # BEGIN SOLUTION
    W_xh = np.asarray(params["W_xh"], dtype=np.float64)  # (H, V)
    W_hh = np.asarray(params["W_hh"], dtype=np.float64)  # (H, H)
    b_h = np.asarray(params["b_h"], dtype=np.float64)  # (H,)
    if W_xh.ndim != 2:
        raise ValueError(f"W_xh must be 2-D (H, V), got shape {W_xh.shape}")
    H, V = W_xh.shape
    if W_hh.shape != (H, H) or b_h.shape != (H,):
        raise ValueError(f"W_hh must be ({H}, {H}) and b_h ({H},), got {W_hh.shape} and {b_h.shape}")
    x = np.asarray(x)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x must be a non-empty 1-D sequence of ids, got shape {x.shape}")
    if (x < 0).any() or (x >= V).any():
        raise ValueError(f"token ids must be in [0, {V})")
    h0 = np.zeros(H) if h0 is None else np.asarray(h0, dtype=np.float64)
    if h0.shape != (H,):
        raise ValueError(f"h0 must have shape ({H},), got {h0.shape}")
    T = x.shape[0]
    xw = W_xh[:, x].T + b_h  # (T, H): W_xh x_t + b_h for every step at once
    hs = np.empty((T + 1, H))
    hs[0] = h0
    for t in range(T):
        hs[t + 1] = np.tanh(xw[t] + W_hh @ hs[t])  # (H,)
    return hs
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Softmax outputs and the cross-entropy loss (2 points)
#
# The RNN language model predicts, after reading $x_t$, the target $y_t$ (usually $x_{t+1}$). Its
# loss is the mean cross-entropy over the $T$ predictions,
#
# $$\ell_t = -\log p_t[y_t],\qquad \mathcal{L} = \frac1T\sum_{t=1}^T \ell_t .$$
#
# Write `rnn_loss(params, x, y, h0=None)` returning a tuple `(ps, losses, loss)`: `ps` the
# float64 array (T, V) of the distributions $p_t$ (row `t` for step $t+1$), `losses` the float64
# array (T,) of the per-step losses $\ell_t$ and `loss` $= \mathcal{L}$ as a float. Logits can be
# as large as $\pm 10^3$: subtract the maximum before exponentiating and compute
# $\log p_t[y_t] = o_t[y_t] - \log\sum_j e^{o_t[j]}$ with the log-sum-exp trick (对数求和指数技巧),
# not as `log(p)` (which is `-inf` once $p$ underflows to 0).
#
# Raise `ValueError` in the same cases as `rnn_forward`, if `y` does not have the shape of `x`, if
# a target is outside $[0, V)$, or if `"W_hy"` is not (V, H) or `"b_y"` not (V,).

# %% q2
import numpy as np


def rnn_loss(params, x, y, h0=None):
    """(ps (T, V), per-step cross-entropies (T,), their mean) of the RNN language model."""
    # BEGIN SOLUTION
    hs = rnn_forward(params, x, h0)  # (T+1, H), validates x, h0 and the recurrent weights
    H, V = np.shape(params["W_xh"])
    W_hy = np.asarray(params["W_hy"], dtype=np.float64)  # (V, H)
    b_y = np.asarray(params["b_y"], dtype=np.float64)  # (V,)
    if W_hy.shape != (V, H) or b_y.shape != (V,):
        raise ValueError(f"W_hy must be ({V}, {H}) and b_y ({V},), got {W_hy.shape} and {b_y.shape}")
    y = np.asarray(y)
    if y.shape != np.shape(x):
        raise ValueError(f"y must have the shape of x {np.shape(x)}, got {y.shape}")
    if (y < 0).any() or (y >= V).any():
        raise ValueError(f"targets must be in [0, {V})")
    O = hs[1:] @ W_hy.T + b_y  # (T, V): every step's logits at once
    shifted = O - O.max(axis=1, keepdims=True)  # (T, V)
    log_ps = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (T, V) log-softmax
    losses = -log_ps[np.arange(len(y)), y]  # (T,)
    return np.exp(log_ps), losses, float(losses.mean())
    # END SOLUTION


# %% [markdown] q3
# ## q3 — Backpropagation through time (3 points)
#
# Implement the chapter's derivation. With $\delta^o_t = \partial\mathcal{L}/\partial o_t$ and so
# on, going backwards from $t = T$ to $t = 1$:
#
# $$\delta^o_t = \tfrac1T (p_t - e_{y_t}),\qquad
# \delta^h_t = W_{hy}^\top \delta^o_t + W_{hh}^\top \delta^a_{t+1}\ \ (\delta^a_{T+1} = 0),\qquad
# \delta^a_t = \delta^h_t \odot (1 - h_t^2),$$
# $$\frac{\partial \mathcal{L}}{\partial W_{hy}} = \sum_t \delta^o_t h_t^\top,\quad
# \frac{\partial \mathcal{L}}{\partial b_y} = \sum_t \delta^o_t,\quad
# \frac{\partial \mathcal{L}}{\partial W_{hh}} = \sum_t \delta^a_t h_{t-1}^\top,\quad
# \frac{\partial \mathcal{L}}{\partial W_{xh}} = \sum_t \delta^a_t x_t^\top,\quad
# \frac{\partial \mathcal{L}}{\partial b_h} = \sum_t \delta^a_t,\quad
# \frac{\partial \mathcal{L}}{\partial h_0} = W_{hh}^\top \delta^a_1 .$$
#
# $\delta^a_t x_t^\top$ adds $\delta^a_t$ to column $x_t$ of the gradient: a token that occurs
# several times collects the sum of its steps. $\partial\mathcal{L}/\partial h_0$ is what
# truncated BPTT (截断的随时间反向传播) throws away when it carries the state between windows.
#
# Write `rnn_backward(params, x, y, h0=None)` returning a dict with the keys `"W_xh"`, `"W_hh"`,
# `"b_h"`, `"W_hy"`, `"b_y"` and `"h0"`: the gradients of the mean loss $\mathcal{L}$ of q2 with
# respect to each parameter and to the initial state, float64 arrays of the same shapes (`"h0"`
# has shape (H,), also when `h0` is `None`). Raise `ValueError` in the same cases as `rnn_loss`.
# Before you submit, check your gradients against central differences of `rnn_loss`, as the
# chapter's gradient check does: the relative error should be around $10^{-9}$ or smaller.

# %% q3
import numpy as np


def rnn_backward(params, x, y, h0=None):
    """BPTT: gradients of the mean cross-entropy w.r.t. W_xh, W_hh, b_h, W_hy, b_y and h0."""
    # BEGIN SOLUTION
    ps, _, _ = rnn_loss(params, x, y, h0)  # (T, V), validates everything
    hs = rnn_forward(params, x, h0)  # (T+1, H)
    W_hh = np.asarray(params["W_hh"], dtype=np.float64)  # (H, H)
    W_hy = np.asarray(params["W_hy"], dtype=np.float64)  # (V, H)
    x, y = np.asarray(x), np.asarray(y)
    T, H = len(x), hs.shape[1]
    dO = ps.copy()  # (T, V)
    dO[np.arange(T), y] -= 1.0
    dO /= T  # delta^o_t = (p_t - e_{y_t}) / T, all steps at once
    dH_out = dO @ W_hy  # (T, H): the part of delta^h_t that comes from the output
    dA = np.empty((T, H))  # delta^a_t
    from_future = np.zeros(H)  # W_hh^T delta^a_{t+1}
    for t in reversed(range(T)):
        dA[t] = (dH_out[t] + from_future) * (1.0 - hs[t + 1] ** 2)
        from_future = W_hh.T @ dA[t]
    dW_xh = np.zeros_like(np.asarray(params["W_xh"], dtype=np.float64))  # (H, V)
    np.add.at(dW_xh.T, x, dA)  # column x_t collects delta^a_t (repeated ids add up)
    return {"W_xh": dW_xh, "W_hh": dA.T @ hs[:-1], "b_h": dA.sum(axis=0),
            "W_hy": dO.T @ hs[1:], "b_y": dO.sum(axis=0), "h0": from_future}
    # END SOLUTION


# %% [markdown] q4
# ## q4 — An LSTM cell (2 points)
#
# The LSTM keeps a cell state (细胞状态) $c_t$ next to $h_t$ and controls it with three gates (门).
# With the weights laid out as PyTorch lays them out, the four blocks stacked in the order
# $i, f, g, o$ (input gate 输入门, forget gate 遗忘门, candidate, output gate 输出门):
#
# $$\begin{pmatrix} \tilde i_t \\ \tilde f_t \\ \tilde g_t \\ \tilde o_t \end{pmatrix}
# = W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh},$$
# $$i_t = \sigma(\tilde i_t),\ f_t = \sigma(\tilde f_t),\ g_t = \tanh(\tilde g_t),\
# o_t = \sigma(\tilde o_t),\qquad c_t = f_t \odot c_{t-1} + i_t \odot g_t,\qquad
# h_t = o_t \odot \tanh(c_t),$$
#
# where $\sigma(z) = 1/(1 + e^{-z})$, $W_{ih}$ is (4H, I), $W_{hh}$ is (4H, H) and both biases
# are (4H,): rows `0:H` belong to $i$, `H:2H` to $f$, `2H:3H` to $g$ and `3H:4H` to $o$. Here the
# inputs $x_t \in \mathbb{R}^I$ are real vectors (e.g. embeddings), not ids.
#
# 1. `lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh)`: one step, with `x` of shape (I,) and `h`, `c`
#    of shape (H,); return the tuple `(h_new, c_new)` of float64 arrays (H,). It must agree with
#    `torch.nn.LSTMCell`. $H$ is the number of columns of `W_hh`.
# 2. `lstm_forward(xs, h0, c0, W_ih, W_hh, b_ih, b_hh)`: run the cell over `xs` of shape (T, I),
#    $T \ge 1$, from the states `h0`, `c0` (H,); return the tuple `(hs, cs)` of float64 arrays
#    (T+1, H) with `hs[0] = h0`, `cs[0] = c0` (as in q1).
#
# Raise `ValueError` if a shape does not fit: `W_hh` not (4H, H), `W_ih` not (4H, I), a bias not
# (4H,), `h` or `c` not (H,), `x` not (I,), or `xs` not a non-empty (T, I) array.

# %% q4
import numpy as np


def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step (PyTorch gate order i, f, g, o): returns (h_new, c_new)."""
    # BEGIN SOLUTION
    W_ih, W_hh = np.asarray(W_ih, dtype=np.float64), np.asarray(W_hh, dtype=np.float64)
    b_ih, b_hh = np.asarray(b_ih, dtype=np.float64), np.asarray(b_hh, dtype=np.float64)
    x, h, c = (np.asarray(v, dtype=np.float64) for v in (x, h, c))
    if W_hh.ndim != 2 or W_hh.shape[0] != 4 * W_hh.shape[1]:
        raise ValueError(f"W_hh must be (4H, H), got shape {W_hh.shape}")
    H = W_hh.shape[1]
    if W_ih.ndim != 2 or W_ih.shape[0] != 4 * H or x.shape != (W_ih.shape[1],):
        raise ValueError(f"W_ih must be ({4 * H}, I) and x (I,), got {W_ih.shape} and {x.shape}")
    if b_ih.shape != (4 * H,) or b_hh.shape != (4 * H,):
        raise ValueError(f"the biases must be ({4 * H},), got {b_ih.shape} and {b_hh.shape}")
    if h.shape != (H,) or c.shape != (H,):
        raise ValueError(f"h and c must be ({H},), got {h.shape} and {c.shape}")
    pre = W_ih @ x + b_ih + W_hh @ h + b_hh  # (4H,): the four gates' pre-activations
    sig = 1.0 / (1.0 + np.exp(-pre))  # (4H,), used for i, f, o
    i, f, o = sig[:H], sig[H:2 * H], sig[3 * H:]
    g = np.tanh(pre[2 * H:3 * H])  # (H,) candidate
    c_new = f * c + i * g  # (H,): the additive cell update
    return o * np.tanh(c_new), c_new
    # END SOLUTION


def lstm_forward(xs, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """Run lstm_step over xs (T, I); returns (hs, cs), each (T+1, H) with the initial states first."""
    # BEGIN SOLUTION
    xs = np.asarray(xs, dtype=np.float64)
    if xs.ndim != 2 or xs.shape[0] == 0:
        raise ValueError(f"xs must be a non-empty (T, I) array, got shape {xs.shape}")
    h, c = np.asarray(h0, dtype=np.float64), np.asarray(c0, dtype=np.float64)
    hs, cs = [h], [c]
    for x_t in xs:
        h, c = lstm_step(x_t, h, c, W_ih, W_hh, b_ih, b_hh)  # validates the shapes
        hs.append(h)
        cs.append(c)
    return np.stack(hs), np.stack(cs)  # (T+1, H) each
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 2, "q2": 2, "q3": 3, "q4": 2}
HIDDEN_SEED = 5_550_913


def _params(rng, V, H, scale=0.5, rec=None, out_scale=None):
    """Random RNN parameters; `rec` sets W_hh = rec * (random orthogonal), as in the chapter."""
    W_hh = rng.normal(0, scale / np.sqrt(H), (H, H))
    if rec is not None:
        W_hh = rec * np.linalg.qr(rng.normal(size=(H, H)))[0]
    return {"W_xh": rng.normal(0, scale, (H, V)), "W_hh": W_hh, "b_h": rng.normal(0, 0.1, H),
            "W_hy": rng.normal(0, scale if out_scale is None else out_scale, (V, H)), "b_y": rng.normal(0, 0.1, V)}


def _lstm(rng, I, H, scale=0.5):
    return (rng.normal(0, scale, (4 * H, I)), rng.normal(0, scale, (4 * H, H)),
            rng.normal(0, 0.2, 4 * H), rng.normal(0, 0.2, 4 * H))


_TOY = {"W_xh": np.array([[0.5, -0.2, 0.1, 0.3], [-0.4, 0.6, 0.2, -0.1]]),
        "W_hh": np.array([[0.9, -0.3], [0.2, 0.7]]), "b_h": np.array([0.1, -0.1]),
        "W_hy": np.array([[1.0, -0.5], [0.3, 0.8], [-0.7, 0.2], [0.1, 0.1]]),
        "b_y": np.array([0.0, 0.1, -0.1, 0.0])}


def public_tests():
    x, y = np.array([0, 2, 1]), np.array([2, 1, 3])
    W_ih = np.array([[0.1 * (r - c) for c in range(3)] for r in range(8)])  # I = 3, H = 2
    W_hh = np.array([[0.2, -0.1], [0.0, 0.3], [-0.2, 0.1], [0.4, 0.0],
                     [0.1, 0.1], [-0.3, 0.2], [0.0, -0.4], [0.2, 0.2]])
    b = np.array([0.0, 0.1, 0.5, 0.2, -0.1, 0.0, 0.1, -0.2])
    tol = {"rtol": 1e-6, "atol": 1e-10}
    return {
        "q1": [
            call("rnn_forward", _TOY, x, **tol),
            call("rnn_forward", _TOY, np.array([3]), np.array([0.5, -0.5]), **tol),
            call("rnn_forward", _TOY, np.array([0, 4]), raises="ValueError"),
        ],
        "q2": [
            call("rnn_loss", _TOY, x, y, **tol),
            call("rnn_loss", _TOY, np.array([1, 1]), np.array([0, 3]), np.array([0.2, 0.1]), **tol),
        ],
        "q3": [
            call("rnn_backward", _TOY, x, y, **tol),
            call("rnn_backward", _TOY, np.array([1, 1]), np.array([0, 3]), np.array([0.2, 0.1]), **tol),
        ],
        "q4": [
            call("lstm_step", np.array([1.0, 0.0, -1.0]), np.array([0.1, -0.2]), np.array([0.5, 0.0]),
                 W_ih, W_hh, b, 0.5 * b, **tol),
            call("lstm_forward", np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]), np.zeros(2), np.zeros(2),
                 W_ih, W_hh, b, 0.5 * b, **tol),
        ],
    }


def hidden_tests(rng):
    tol = {"rtol": 1e-6, "atol": 1e-10}
    q1, q2, q3, q4 = [], [], [], []
    cases = []  # (params, x, y, h0) shared by q1-q3
    for (T, V, H, extra) in ((1, 2, 1, {}), (6, 5, 3, {}), (25, 12, 8, {}), (60, 27, 16, {}),
                             (30, 10, 6, {"rec": 2.0}), (30, 10, 6, {"rec": 0.5}),
                             (12, 6, 4, {"out_scale": 300.0})):
        p = _params(rng, V, H, **extra)
        x, y = rng.integers(0, V, T), rng.integers(0, V, T)
        h0 = rng.normal(0, 0.5, H) if T % 2 == 0 else None
        cases.append((p, x, y, h0))
    cases.append((_params(rng, 3, 4), np.array([1, 1, 1, 1, 1]), np.array([0, 2, 2, 1, 0]), None))  # repeated id
    cases.append((_params(rng, 1, 3), np.zeros(4, dtype=np.int64), np.zeros(4, dtype=np.int64),
                  rng.normal(0, 1, 3)))  # V = 1: p_t = 1, zero loss
    for (p, x, y, h0) in cases:
        q1.append(call("rnn_forward", p, x, h0, **tol))
        q2.append(call("rnn_loss", p, x, y, h0, **tol))
        q3.append(call("rnn_backward", p, x, y, h0, **tol))
    p = _params(rng, 5, 3)
    x = rng.integers(0, 5, 4)
    bad_input = [
        ((p, np.array([], dtype=np.int64)), {}),
        ((p, np.array([[0, 1], [2, 3]])), {}),
        ((p, np.array([0, 5, 1])), {}),
        ((p, np.array([0, -1, 1])), {}),
        ((p, x, rng.normal(0, 1, 4)), {}),
        (({**p, "W_hh": rng.normal(0, 1, (3, 4))}, x), {}),
    ]
    for args, kw in bad_input:
        q1.append(call("rnn_forward", *args, raises="ValueError", **kw))
    q2 += [
        call("rnn_loss", p, x, x[:3], raises="ValueError"),
        call("rnn_loss", p, x, np.array([0, 1, 2, 5]), raises="ValueError"),
        call("rnn_loss", {**p, "W_hy": rng.normal(0, 1, (5, 4))}, x, x, raises="ValueError"),
        call("rnn_loss", p, np.array([0, 7]), np.array([0, 1]), raises="ValueError"),
    ]
    q3 += [
        call("rnn_backward", p, x, x[:2], raises="ValueError"),
        call("rnn_backward", p, x, np.array([0, -1, 2, 3]), raises="ValueError"),
        call("rnn_backward", p, x, x, np.zeros(4), raises="ValueError"),
    ]

    for (I, H, scale) in ((1, 1, 1.0), (5, 3, 0.5), (10, 16, 0.3), (4, 8, 3.0)):
        W_ih, W_hh, b_ih, b_hh = _lstm(rng, I, H, scale)
        q4.append(call("lstm_step", rng.normal(0, 1, I), rng.normal(0, 0.5, H), rng.normal(0, 1, H),
                       W_ih, W_hh, b_ih, b_hh, **tol))
        T = int(rng.integers(1, 30))
        q4.append(call("lstm_forward", rng.normal(0, 1, (T, I)), rng.normal(0, 0.5, H), rng.normal(0, 1, H),
                       W_ih, W_hh, b_ih, b_hh, **tol))
    W_ih, W_hh, b_ih, b_hh = _lstm(rng, 3, 2)
    forget_open = b_ih.copy()
    forget_open[2:4] += 5.0  # forget gates near 1: the cell state is carried almost unchanged
    q4.append(call("lstm_forward", rng.normal(0, 1, (40, 3)), np.zeros(2), np.ones(2),
                   W_ih, W_hh, forget_open, b_hh, **tol))
    q4 += [
        call("lstm_step", np.zeros(3), np.zeros(2), np.zeros(2), W_ih, W_hh[:6], b_ih, b_hh, raises="ValueError"),
        call("lstm_step", np.zeros(4), np.zeros(2), np.zeros(2), W_ih, W_hh, b_ih, b_hh, raises="ValueError"),
        call("lstm_step", np.zeros(3), np.zeros(3), np.zeros(2), W_ih, W_hh, b_ih, b_hh, raises="ValueError"),
        call("lstm_step", np.zeros(3), np.zeros(2), np.zeros(2), W_ih, W_hh, b_ih[:4], b_hh, raises="ValueError"),
        call("lstm_forward", np.zeros((0, 3)), np.zeros(2), np.zeros(2), W_ih, W_hh, b_ih, b_hh,
             raises="ValueError"),
        call("lstm_forward", np.zeros(3), np.zeros(2), np.zeros(2), W_ih, W_hh, b_ih, b_hh, raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
