# Exercise master for book/exercises/zaremba-reproduction.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: reproducing Zaremba et al. (2014)
#
# These exercises go with the chapter
# [Reproducing Zaremba et al. (2014): an LSTM language model on the Penn Treebank](../zaremba-reproduction.ipynb).
# You will implement, with plain Python and NumPy, the pieces of the recipe that are not the
# optimizer: cutting a token stream into parallel rows and truncated-BPTT windows (截断的随时间反向传播),
# one LSTM (长短期记忆网络) step and layer with the gate layout the package uses, the learning-rate
# schedule (学习率衰减) and dropout (丢弃法) of Zaremba et al., and the perplexity (困惑度) of a whole
# evaluation stream.
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
# ## q1 — Parallel rows and truncated-BPTT windows (2 points)
#
# The training text is one stream of token ids. As in Zaremba et al.'s `ptb_iterator` (and
# `ptmcourse.data.lm_stream` / `bptt_batches`), it is cut into $B$ contiguous rows that are read in
# parallel, and each optimizer step reads the next $T$ (`bptt`) columns of every row.
#
# 1. `batchify(ids, batch_size)` returns an int64 array of shape `(B, N)` with
#    $N = \lfloor \text{len(ids)} / B \rfloor$, whose row $b$ is `ids[b*N:(b+1)*N]`; the trailing
#    remainder of the stream is dropped. `ids` is a list or 1-D integer array. Raise `ValueError`
#    if `ids` is not 1-D, if `batch_size < 1`, or if $N < 2$ (every row needs an input and a target).
# 2. `bptt_window(stream, bptt, i)` returns the pair `(x, y)` of window `i` (0-based) of a `(B, N)`
#    stream: `x = stream[:, s:s+T]` are the inputs and `y = stream[:, s+1:s+1+T]` the next-token
#    targets, with $s = i \cdot \text{bptt}$ and $T = \min(\text{bptt}, N - 1 - s)$. The last window
#    is shorter when `bptt` does not divide $N - 1$, so every token but the first of each row is a
#    target exactly once. Both arrays are int64 of shape `(B, T)`. Raise `ValueError` if `stream`
#    is not 2-D with $N \ge 2$, if `bptt < 1`, or if `i` is not a valid window index.
# 3. `steps_per_epoch(n_tokens, batch_size, bptt)` returns the number of windows in one pass,
#    $\lceil (N - 1)/\text{bptt} \rceil$ with $N = \lfloor n_\text{tokens}/B \rfloor$, as an `int`
#    (the chapter's $\lceil (929{,}589/20 - 1)/20 \rceil = 2{,}324$). Raise `ValueError` if
#    `batch_size < 1`, `bptt < 1` or $N < 2$.

# %% q1
import math

import numpy as np


def batchify(ids, batch_size):
    """Cut a token stream into batch_size contiguous rows: int64 array (B, N)."""
    # BEGIN SOLUTION
    arr = np.asarray(ids)
    if arr.ndim != 1:
        raise ValueError(f"ids must be 1-D, got shape {arr.shape}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    n = len(arr) // batch_size
    if n < 2:
        raise ValueError(f"{len(arr)} tokens are too few for {batch_size} rows of at least 2 tokens")
    return arr[: n * batch_size].astype(np.int64).reshape(batch_size, n)  # (B, N)
    # END SOLUTION


def bptt_window(stream, bptt, i):
    """Inputs x and next-token targets y, each (B, T), of window i of a (B, N) stream."""
    # BEGIN SOLUTION
    s = np.asarray(stream)
    if s.ndim != 2 or s.shape[1] < 2:
        raise ValueError(f"stream must have shape (B, N) with N >= 2, got {s.shape}")
    if bptt < 1:
        raise ValueError(f"bptt must be >= 1, got {bptt}")
    n_windows = -(-(s.shape[1] - 1) // bptt)  # ceil((N - 1) / bptt)
    if not 0 <= i < n_windows:
        raise ValueError(f"window index {i} is not in [0, {n_windows})")
    start = i * bptt
    t = min(bptt, s.shape[1] - 1 - start)
    x = s[:, start: start + t].astype(np.int64)  # (B, T)
    y = s[:, start + 1: start + 1 + t].astype(np.int64)  # (B, T): the next tokens
    return x, y
    # END SOLUTION


def steps_per_epoch(n_tokens, batch_size, bptt):
    """Number of truncated-BPTT windows in one pass over a stream of n_tokens."""
    # BEGIN SOLUTION
    if batch_size < 1 or bptt < 1:
        raise ValueError(f"batch_size and bptt must be >= 1, got {batch_size}, {bptt}")
    n = n_tokens // batch_size
    if n < 2:
        raise ValueError(f"{n_tokens} tokens are too few for {batch_size} rows of at least 2 tokens")
    return int(math.ceil((n - 1) / bptt))
    # END SOLUTION


# %% [markdown] q2
# ## q2 — One LSTM step and one LSTM layer (3 points)
#
# The chapter's model stacks LSTM layers whose weights are laid out as in `torch.nn.LSTM` (and in
# `ptmcourse.models.lstm_lm.LSTMLayer`): the four gates are stacked in the order $i, f, g, o$ —
# input gate (输入门), forget gate (遗忘门), candidate, output gate (输出门) — so that for hidden
# size $H$ and input size $I$, `W_ih` has shape `(4H, I)`, `W_hh` `(4H, H)` and `b_ih`, `b_hh`
# `(4H,)`. With rows `[0:H]` for $i$, `[H:2H]` for $f$, `[2H:3H]` for $g$ and `[3H:4H]` for $o$:
#
# $$[\tilde\imath;\tilde f;\tilde g;\tilde o] = x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh},
# \qquad i,f,o = \sigma(\tilde\imath,\tilde f,\tilde o),\quad g = \tanh(\tilde g),$$
#
# $$c_t = f \odot c_{t-1} + i \odot g \quad\text{(the cell state, 细胞状态)},\qquad h_t = o \odot \tanh(c_t).$$
#
# 1. `lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh)` computes one step for a batch: `x` is `(B, I)`,
#    `h` and `c` are `(B, H)`. Return the tuple `(h_new, c_new)` of float64 arrays of shape
#    `(B, H)`. Pre-activations can be as large as $\pm 10^3$: compute $\sigma$ without overflow
#    warnings or NaNs (e.g. $\sigma(z) = \tfrac12(1 + \tanh(z/2))$).
# 2. `lstm_layer(xs, W_ih, W_hh, b_ih, b_hh, h0=None, c0=None)` runs the layer over a window
#    `xs` of shape `(B, T, I)` starting from the state `(h0, c0)` (zeros of shape `(B, H)` when
#    `None`) and returns the tuple `(outputs, h_T, c_T)`: `outputs` is `(B, T, H)` with
#    `outputs[:, t]` $= h_{t+1}$, and `(h_T, c_T)` is the final state, the one truncated BPTT
#    carries into the next window.
#
# Both raise `ValueError` when the shapes do not fit: `W_hh` must be `(4H, H)` for some $H \ge 1$,
# `W_ih` `(4H, I)` with $I$ the last dimension of the input, the biases `(4H,)`, and `h`, `c` (or
# `h0`, `c0`) `(B, H)` with the input's batch size $B$.

# %% q2
import numpy as np


def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step (gate order i, f, g, o): returns (h_new, c_new), each (B, H)."""
    # BEGIN SOLUTION
    x, h, c = (np.asarray(a, dtype=np.float64) for a in (x, h, c))
    W_ih, W_hh, b_ih, b_hh = (np.asarray(a, dtype=np.float64) for a in (W_ih, W_hh, b_ih, b_hh))
    if x.ndim != 2:
        raise ValueError(f"x must be (B, I), got shape {x.shape}")
    if W_hh.ndim != 2 or W_hh.shape[1] < 1 or W_hh.shape[0] != 4 * W_hh.shape[1]:
        raise ValueError(f"W_hh must be (4H, H), got {W_hh.shape}")
    B, H = x.shape[0], W_hh.shape[1]
    if W_ih.shape != (4 * H, x.shape[1]):
        raise ValueError(f"W_ih must be ({4 * H}, {x.shape[1]}), got {W_ih.shape}")
    if b_ih.shape != (4 * H,) or b_hh.shape != (4 * H,):
        raise ValueError(f"b_ih and b_hh must be ({4 * H},), got {b_ih.shape} and {b_hh.shape}")
    if h.shape != (B, H) or c.shape != (B, H):
        raise ValueError(f"h and c must be ({B}, {H}), got {h.shape} and {c.shape}")
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh  # (B, 4H)
    i, f, g, o = np.split(gates, 4, axis=1)  # (B, H) each
    i, f, o = (0.5 * (1.0 + np.tanh(0.5 * z)) for z in (i, f, o))  # sigmoid without overflow
    c_new = f * c + i * np.tanh(g)  # (B, H): the additive cell path
    h_new = o * np.tanh(c_new)  # (B, H)
    return h_new, c_new
    # END SOLUTION


def lstm_layer(xs, W_ih, W_hh, b_ih, b_hh, h0=None, c0=None):
    """Run lstm_step over xs (B, T, I): returns (outputs (B, T, H), h_T, c_T)."""
    # BEGIN SOLUTION
    xs = np.asarray(xs, dtype=np.float64)
    if xs.ndim != 3 or xs.shape[0] < 1 or xs.shape[1] < 1:
        raise ValueError(f"xs must have shape (B, T, I) with B, T >= 1, got {xs.shape}")
    W_hh = np.asarray(W_hh, dtype=np.float64)
    if W_hh.ndim != 2:
        raise ValueError(f"W_hh must be (4H, H), got {W_hh.shape}")
    B, T, _ = xs.shape
    H = W_hh.shape[1]
    h = np.zeros((B, H)) if h0 is None else np.asarray(h0, dtype=np.float64)
    c = np.zeros((B, H)) if c0 is None else np.asarray(c0, dtype=np.float64)
    outputs = np.empty((B, T, H))
    for t in range(T):  # one step after another: h_t needs h_{t-1}
        h, c = lstm_step(xs[:, t], h, c, W_ih, W_hh, b_ih, b_hh)
        outputs[:, t] = h
    return outputs, h, c
    # END SOLUTION


# %% [markdown] q3
# ## q3 — The learning-rate schedule and dropout (2 points)
#
# 1. **Schedule.** Zaremba et al. train with plain SGD at learning rate $\eta_0$ for the first $k$
#    epochs and then multiply it by a decay factor $\gamma$ after every further epoch (small model:
#    $\eta_0 = 1$, $k = 4$, $\gamma = 0.5$, 13 epochs). Write
#    `zaremba_lr(epoch, lr=1.0, decay=0.5, decay_after=4)` returning, as a float, the learning rate
#    used during epoch `epoch`, counted from 1: $\eta_0\,\gamma^{\max(0,\ \text{epoch} - k)}$. So
#    epochs 1–4 use $1$, epoch 5 uses $0.5$, epoch 6 $0.25$. Raise `ValueError` if `epoch < 1`,
#    `lr <= 0`, `decay` is not in $(0, 1]$ or `decay_after < 0`.
# 2. **Dropout.** The paper's point is *where* to put dropout in an LSTM: only on the
#    non-recurrent connections (非循环连接) — the embedding going into the first layer, the output
#    of one layer going into the next, and the top layer going into the softmax — never on the
#    recurrent path $h_{t-1} \to h_t$ (the chapter's small model uses no dropout; its medium and large
#    models do). Write `inverted_dropout(x, u, p)` applying inverted dropout (反向丢弃) with drop
#    probability `p` to the array `x`, given uniform draws `u` in $[0, 1)$ of the same shape: an
#    element is kept where `u >= p` and dropped (set to 0) where `u < p`, and kept elements are
#    divided by $1 - p$ so that the expected value is unchanged (nothing needs to be done at
#    evaluation time). Return a float64 array of the shape of `x`. Raise `ValueError` if `p` is not
#    in $[0, 1)$ or if `u` does not have the shape of `x`.

# %% q3
import numpy as np


def zaremba_lr(epoch, lr=1.0, decay=0.5, decay_after=4):
    """Learning rate during epoch `epoch` (1-based): lr * decay ** max(0, epoch - decay_after)."""
    # BEGIN SOLUTION
    if epoch < 1:
        raise ValueError(f"epoch counts from 1, got {epoch}")
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if not 0.0 < decay <= 1.0:
        raise ValueError(f"decay must be in (0, 1], got {decay}")
    if decay_after < 0:
        raise ValueError(f"decay_after must be >= 0, got {decay_after}")
    return float(lr * decay ** max(0, epoch - decay_after))
    # END SOLUTION


def inverted_dropout(x, u, p):
    """Keep x where u >= p, scaled by 1 / (1 - p); zero elsewhere."""
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"p must be in [0, 1), got {p}")
    if u.shape != x.shape:
        raise ValueError(f"u must have the shape of x {x.shape}, got {u.shape}")
    return np.where(u >= p, x / (1.0 - p), 0.0)  # same shape as x
    # END SOLUTION


# %% [markdown] q4
# ## q4 — Perplexity of a whole stream (2 points)
#
# The chapter's evaluation walks the validation stream window by window and reports
# $\mathrm{PPL} = \exp\big(-\frac1N\sum_i \log p(x_i \mid x_{<i})\big)$ over all $N$ predicted
# tokens. Suppose that, instead of the summed losses, you only logged for each window $w$ its
# **mean** per-token negative log-likelihood $\bar\ell_w$ (in nats, what `F.cross_entropy` returns)
# and the number of tokens $n_w$ it predicted ($B \times T$; the last window is shorter). Then
#
# $$\mathrm{PPL} = \exp\!\Big(\frac{\sum_w n_w \bar\ell_w}{\sum_w n_w}\Big),$$
#
# which is *not* the exponential of the plain mean of the $\bar\ell_w$ when the windows differ in size.
#
# Write `stream_perplexity(mean_losses, token_counts)` returning the perplexity as a float.
# Both arguments are lists or 1-D arrays of the same non-zero length; the counts are positive
# integers. Raise `ValueError` if they are empty, differ in length, or a count is $\le 0$.
# A mean loss of `inf` (a token with probability 0) gives `inf`.

# %% q4
import math

import numpy as np


def stream_perplexity(mean_losses, token_counts):
    """exp of the token-weighted mean of per-window mean losses."""
    # BEGIN SOLUTION
    losses = np.asarray(mean_losses, dtype=np.float64)  # (W,)
    counts = np.asarray(token_counts, dtype=np.float64)  # (W,)
    if losses.ndim != 1 or losses.size == 0 or counts.shape != losses.shape:
        raise ValueError(f"need two 1-D sequences of the same non-zero length, got {losses.shape}, {counts.shape}")
    if (counts <= 0).any():
        raise ValueError("token counts must be positive")
    return float(np.exp((losses * counts).sum() / counts.sum()))
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 2, "q2": 3, "q3": 2, "q4": 2}
HIDDEN_SEED = 2_014_409


def _lstm_weights(rng, i_size, h_size, scale=0.5):
    g = 4 * h_size
    return (rng.uniform(-scale, scale, (g, i_size)), rng.uniform(-scale, scale, (g, h_size)),
            rng.uniform(-scale, scale, g), rng.uniform(-scale, scale, g))


def public_tests():
    stream = np.arange(12).reshape(2, 6)
    W_ih = np.array([[0.5], [-0.5], [1.0], [0.25]])  # H = 1, I = 1
    W_hh = np.array([[0.1], [0.2], [-0.3], [0.4]])
    b = np.array([0.0, 1.0, 0.0, 0.0])
    return {
        "q1": [
            call("batchify", list(range(11)), 2),
            call("bptt_window", stream, 2, 0),
            call("bptt_window", stream, 2, 2),
            call("steps_per_epoch", 929_589, 20, 20),
        ],
        "q2": [
            call("lstm_step", np.array([[1.0], [-2.0]]), np.zeros((2, 1)), np.array([[0.5], [0.0]]),
                 W_ih, W_hh, b, np.zeros(4), rtol=1e-6, atol=1e-12),
            call("lstm_layer", np.array([[[1.0], [0.0], [-1.0]]]), W_ih, W_hh, b, np.zeros(4),
                 rtol=1e-6, atol=1e-12),
        ],
        "q3": [
            call("zaremba_lr", 4),
            call("zaremba_lr", 7),
            call("inverted_dropout", np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.1, 0.7], [0.5, 0.2]]), 0.5),
        ],
        "q4": [
            call("stream_perplexity", [math.log(100.0), math.log(100.0)], [40, 10]),
            call("stream_perplexity", [4.0, 5.0], [200, 50], rtol=1e-9),
        ],
    }


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    # q1: several stream lengths and batch sizes, windows in the middle and the short last one
    for (n_tok, b, bptt) in ((50, 3, 4), (1_000, 7, 35), (203, 20, 5), (40, 1, 39), (21, 10, 1)):
        ids = rng.integers(0, 10_000, n_tok)
        q1.append(call("batchify", ids, b))
        stream = batchify(ids, b)
        n_win = steps_per_epoch(n_tok, b, bptt)
        for i in sorted({0, int(rng.integers(0, n_win)), n_win - 1}):
            q1.append(call("bptt_window", stream, bptt, i))
        q1.append(call("bptt_window", stream, bptt, n_win, raises="ValueError"))
        q1.append(call("steps_per_epoch", n_tok, b, bptt))
    q1 += [
        call("steps_per_epoch", 73_760, 10, 35),
        call("steps_per_epoch", 82_430, 1, 35),
        call("batchify", list(range(9)), 5, raises="ValueError"),  # N = 1
        call("batchify", np.zeros((3, 4), dtype=np.int64), 2, raises="ValueError"),
        call("batchify", [1, 2, 3, 4], 0, raises="ValueError"),
        call("bptt_window", np.arange(10).reshape(2, 5), 3, -1, raises="ValueError"),
        call("bptt_window", np.arange(10).reshape(2, 5), 0, 0, raises="ValueError"),
        call("bptt_window", np.arange(10), 3, 0, raises="ValueError"),
        call("steps_per_epoch", 7, 4, 2, raises="ValueError"),
    ]
    # q2: random sizes, a carried state, large pre-activations (sigmoid must not overflow)
    for (b, i_size, h_size) in ((1, 1, 1), (3, 5, 4), (8, 16, 10), (20, 30, 25)):
        W = _lstm_weights(rng, i_size, h_size)
        x = rng.normal(size=(b, i_size))
        h, c = rng.uniform(-1, 1, (b, h_size)), rng.normal(0, 2, (b, h_size))
        q2.append(call("lstm_step", x, h, c, *W, rtol=1e-6, atol=1e-12))
    W = _lstm_weights(rng, 6, 5)
    q2.append(call("lstm_step", rng.normal(0, 300, (4, 6)), np.zeros((4, 5)), np.ones((4, 5)), *W,
                   rtol=1e-6, atol=1e-12))
    for (b, t, i_size, h_size, carried) in ((2, 3, 4, 3, False), (5, 12, 8, 6, True), (10, 20, 20, 16, True)):
        W = _lstm_weights(rng, i_size, h_size, scale=0.3)
        xs = rng.normal(size=(b, t, i_size))
        kw = {"h0": rng.uniform(-1, 1, (b, h_size)), "c0": rng.normal(size=(b, h_size))} if carried else {}
        q2.append(call("lstm_layer", xs, *W, rtol=1e-6, atol=1e-12, **kw))
    W = _lstm_weights(rng, 3, 2)
    q2 += [
        call("lstm_step", np.zeros((2, 4)), np.zeros((2, 2)), np.zeros((2, 2)), *W, raises="ValueError"),
        call("lstm_step", np.zeros((2, 3)), np.zeros((3, 2)), np.zeros((3, 2)), *W, raises="ValueError"),
        call("lstm_step", np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 2)), W[0], W[1][:7], W[2], W[3],
             raises="ValueError"),
        call("lstm_layer", np.zeros((2, 3)), *W, raises="ValueError"),
        call("lstm_layer", np.zeros((2, 4, 3)), *W, h0=np.zeros((2, 3)), raises="ValueError"),
    ]
    # q3: the paper's schedule, other settings, and dropout masks from given draws
    q3 = [call("zaremba_lr", e) for e in (1, 5, 6, 13)]
    q3 += [
        call("zaremba_lr", 39, 1.0, 1 / 1.15, 14),  # Zaremba's large model: 55 epochs, decay after 14
        call("zaremba_lr", 3, 20.0, 0.25, 0),
        call("zaremba_lr", 10, 0.7, 1.0, 2),
        call("zaremba_lr", 0, raises="ValueError"),
        call("zaremba_lr", 3, 1.0, 1.5, raises="ValueError"),
        call("zaremba_lr", 3, -1.0, raises="ValueError"),
    ]
    for (shape, p) in (((5,), 0.3), ((4, 6), 0.5), ((3, 20, 8), 0.65), ((10, 10), 0.0)):
        x = rng.normal(size=shape)
        q3.append(call("inverted_dropout", x, rng.random(shape), p, rtol=1e-9))
    q3 += [
        call("inverted_dropout", np.ones(4), np.array([0.2, 0.2, 0.19, 0.21]), 0.2, rtol=1e-9),  # u == p keeps
        call("inverted_dropout", np.ones(3), np.full(3, 0.5), 1.0, raises="ValueError"),
        call("inverted_dropout", np.ones((2, 3)), np.full((3, 2), 0.5), 0.1, raises="ValueError"),
    ]
    # q4: windows of different sizes (the last one short), long streams, inf
    for (n_win, b, bptt) in ((3, 2, 5), (40, 10, 35), (2_324, 20, 20)):
        counts = np.full(n_win, b * bptt)
        counts[-1] = b * int(rng.integers(1, bptt))  # the last window is short
        q4.append(call("stream_perplexity", rng.uniform(3.5, 9.2, n_win), counts, rtol=1e-9))
    for n_win in (5, 60):  # windows of any sizes
        q4.append(call("stream_perplexity", rng.uniform(0.5, 7.0, n_win), rng.integers(1, 400, n_win), rtol=1e-9))
    q4 += [
        call("stream_perplexity", [math.log(10_000.0)], [20], rtol=1e-9),  # uniform over V: PPL = V
        call("stream_perplexity", np.array([5.0, 1.0]), np.array([1, 99]), rtol=1e-9),
        call("stream_perplexity", [4.0, math.inf], [10, 10]),
        call("stream_perplexity", [], [], raises="ValueError"),
        call("stream_perplexity", [4.0, 5.0], [10], raises="ValueError"),
        call("stream_perplexity", [4.0, 5.0], [10, 0], raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
