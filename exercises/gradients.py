# Exercise master for book/exercises/gradients.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: gradients that vanish or explode
#
# These exercises go with the chapter [Gradients that vanish or explode](../gradients.ipynb). You
# will implement, with plain Python and NumPy, what the chapter measures with PyTorch:
# backpropagation (反向传播) through a small network by hand, a gradient check with central
# differences (梯度检验), gradient clipping (梯度裁剪) by global norm and by value, and the norms of
# the products of layer Jacobians (雅可比矩阵) that make gradients vanish (梯度消失) or explode
# (梯度爆炸).
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
#
# Notation is the chapter's: a layer computes the pre-activation $z_l = W_l h_{l-1} + b_l$ and the
# output $h_l = g(z_l)$, with $h_0 = x$ and $W_l$ of shape $(n_l, n_{l-1})$. A batch of $N$ inputs
# is stored as the $N$ *rows* of an array, so for a batch $W_l h$ is written `H @ W.T`. All arrays
# are float64.

# %% [markdown] q1
# ## q1 — Backpropagation through a two-layer network (3 points)
#
# A classifier with one tanh hidden layer maps an input $x \in \mathbb{R}^D$ to $C$ class scores:
#
# $$z_1 = W_1 x + b_1,\quad h_1 = \tanh(z_1),\quad o = W_2 h_1 + b_2,\quad
# p = \mathrm{softmax}(o),$$
#
# with $W_1 \in \mathbb{R}^{H\times D}$, $b_1 \in \mathbb{R}^H$, $W_2 \in \mathbb{R}^{C\times H}$,
# $b_2 \in \mathbb{R}^C$. The loss of a batch of $N$ examples with labels $y_i \in \{0,\dots,C-1\}$
# is the mean cross-entropy (交叉熵), $\mathcal{L} = -\frac1N\sum_{i=1}^N \log p_i[y_i]$ (what
# `torch.nn.functional.cross_entropy` computes). Backpropagation applies the chain rule (链式法则)
# from the loss back to every parameter:
#
# $$\delta^o_i = \tfrac1N(p_i - e_{y_i}),\qquad \delta^{h}_i = W_2^\top \delta^o_i,\qquad
# \delta^{z}_i = \delta^{h}_i \odot (1 - h_{1,i}^2),$$
# $$\frac{\partial\mathcal{L}}{\partial W_2} = \sum_i \delta^o_i h_{1,i}^\top,\quad
# \frac{\partial\mathcal{L}}{\partial b_2} = \sum_i \delta^o_i,\quad
# \frac{\partial\mathcal{L}}{\partial W_1} = \sum_i \delta^z_i x_i^\top,\quad
# \frac{\partial\mathcal{L}}{\partial b_1} = \sum_i \delta^z_i,$$
#
# where $e_{y}$ is the one-hot vector of class $y$ and $\tanh'(z) = 1 - \tanh^2(z)$.
#
# Write `mlp_loss_and_grads(params, X, y)`:
#
# - `params` is a dict with the keys `"W1"` (H, D), `"b1"` (H,), `"W2"` (C, H), `"b2"` (C,);
#   `X` is an array of shape (N, D) (one example per row); `y` holds N integer labels.
# - Return a tuple `(loss, grads)`: `loss` is $\mathcal{L}$ as a float and `grads` a dict with the
#   same four keys holding float64 arrays of the same shapes as the parameters.
# - Logits can be as large as $\pm 10^4$: compute the softmax and the log-probabilities with the
#   max-shift (log-sum-exp) trick so nothing overflows.
# - Raise `ValueError` if `X` is not 2-D or has no rows, if `y` does not have shape (N,), if a label
#   is outside $[0, C)$, or if the parameter shapes do not fit together and with `X`.
#
# Do not loop over the examples: the whole batch goes through matrix products.

# %% q1
import numpy as np


def mlp_loss_and_grads(params, X, y):
    """Mean softmax cross-entropy of a tanh MLP and its gradients w.r.t. W1, b1, W2, b2."""
    # BEGIN SOLUTION
    W1, b1 = np.asarray(params["W1"], dtype=np.float64), np.asarray(params["b1"], dtype=np.float64)
    W2, b2 = np.asarray(params["W2"], dtype=np.float64), np.asarray(params["b2"], dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)  # (N, D)
    y = np.asarray(y)  # (N,)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (N, D), got shape {X.shape}")
    N, D = X.shape
    if y.shape != (N,):
        raise ValueError(f"y must have shape ({N},), got {y.shape}")
    if W1.ndim != 2 or W1.shape[1] != D or b1.shape != (W1.shape[0],):
        raise ValueError(f"W1 must be (H, {D}) and b1 (H,), got {W1.shape} and {b1.shape}")
    H = W1.shape[0]
    if W2.ndim != 2 or W2.shape[1] != H or b2.shape != (W2.shape[0],):
        raise ValueError(f"W2 must be (C, {H}) and b2 (C,), got {W2.shape} and {b2.shape}")
    C = W2.shape[0]
    if ((y < 0) | (y >= C)).any():
        raise ValueError(f"labels must be in [0, {C})")
    rows = np.arange(N)
    # forward
    H1 = np.tanh(X @ W1.T + b1)  # (N, H)
    O = H1 @ W2.T + b2  # (N, C)
    shifted = O - O.max(axis=1, keepdims=True)  # (N, C), max 0 per row
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, C) log-softmax
    loss = float(-log_p[rows, y].mean())
    # backward
    dO = np.exp(log_p)  # (N, C) = p
    dO[rows, y] -= 1.0
    dO /= N  # delta^o = (p - e_y) / N
    dZ = (dO @ W2) * (1.0 - H1 ** 2)  # (N, H) = delta^z
    grads = {"W1": dZ.T @ X, "b1": dZ.sum(axis=0), "W2": dO.T @ H1, "b2": dO.sum(axis=0)}
    return loss, grads
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Gradient check with central differences (2 points)
#
# A hand-derived gradient is checked against the central difference (中心差分)
#
# $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + \epsilon e_i) - f(x - \epsilon e_i)}{2\epsilon},$$
#
# whose error is $O(\epsilon^2)$ (a one-sided difference has error $O(\epsilon)$), and the two are
# compared with the relative error (相对误差) $\|a - b\| / (\|a\| + \|b\|)$.
#
# 1. `numerical_gradient(f, x, eps=1e-5)`: `f` is a Python function that takes a float64 array of
#    the shape of `x` and returns a float; `x` is an array (or nested list) of any shape. Return a
#    float64 array `grad` of the same shape, where `grad[i]` is exactly the formula above for entry
#    `i` (perturb one entry at a time, evaluate `f` at $x + \epsilon e_i$ and at
#    $x - \epsilon e_i$, divide the difference by $2\epsilon$). Do not change the caller's `x`.
#    Raise `ValueError` if `eps <= 0`.
# 2. `relative_error(a, b)`: return $\|a - b\| / (\|a\| + \|b\|)$ as a float, with $\|\cdot\|$ the
#    Euclidean norm over all entries, and `0.0` when both are zero. Raise `ValueError` if the shapes
#    differ.
#
# A function cannot be a test input, so the tests call the given `numerical_gradient_of(name, x,
# eps)`, which runs your `numerical_gradient` on one of the functions in `TEST_FUNCTIONS` (among them
# the chapter's chain of sigmoids). Do not change these two.

# %% q2
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    """Central-difference gradient of the scalar function f at x, same shape as x."""
    # BEGIN SOLUTION
    if eps <= 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    x = np.array(x, dtype=np.float64)  # our own copy: the caller's x never changes
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views of x and grad
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f(x)
        flat[i] = old - eps
        f_minus = f(x)
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad
    # END SOLUTION


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), 0.0 when a and b are both zero."""
    # BEGIN SOLUTION
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    den = np.linalg.norm(a.ravel()) + np.linalg.norm(b.ravel())
    return float(np.linalg.norm((a - b).ravel()) / den) if den > 0 else 0.0
    # END SOLUTION


def _sigmoid_chain(w):
    """The chapter's chain: h_0 = 0.5, h_l = sigmoid(w_l h_{l-1} + 0.1), returns h_L."""
    h = 0.5
    for w_l in w.ravel():
        h = 1.0 / (1.0 + np.exp(-(w_l * h + 0.1)))
    return float(h)


TEST_FUNCTIONS = {  # given: the functions the tests differentiate
    "sum_of_squares": lambda x: float(np.sum(x ** 2)),
    "log_sum_exp": lambda x: float(np.log(np.sum(np.exp(x)))),
    "sigmoid_chain": _sigmoid_chain,
    "tanh_layer": lambda W: float(np.sum(np.tanh(W @ np.linspace(-1.0, 1.0, W.shape[1])) ** 2)),
}


def numerical_gradient_of(name, x, eps=1e-5):
    """Given: what the tests call -- your numerical_gradient on TEST_FUNCTIONS[name]."""
    return numerical_gradient(TEST_FUNCTIONS[name], x, eps)


# %% [markdown] q3
# ## q3 — Gradient clipping by norm and by value (2 points)
#
# A model's gradient is a list of arrays, one per parameter; together they form one long vector
# $g$. The chapter clips it before the update in two ways:
#
# - **by global norm** (按全局范数裁剪): with $\|g\| = \sqrt{\sum_{\text{arrays}}\sum_{\text{entries}}
#   g^2}$ and a threshold $c > 0$, if $\|g\| > c$ multiply *every* array by $c / \|g\|$; otherwise
#   leave them as they are. The direction is kept, the length is at most $c$.
# - **by value** (按值裁剪): replace every entry $g_i$ by $\min(\max(g_i, -v), v)$ for a threshold
#   $v > 0$. Large entries are cut more than small ones, so the direction changes.
#
# 1. `clip_by_global_norm(grads, max_norm)` returns a tuple `(clipped, total_norm)`: `clipped` is a
#    list of float64 arrays with the shapes of the input arrays (in the same order), `total_norm`
#    the float $\|g\|$ *before* clipping. Use exactly the rule above (no small constant added to
#    the norm). Raise `ValueError` if `grads` is empty, if `max_norm <= 0`, or if an entry is not
#    finite (`nan` or `inf`).
# 2. `clip_by_value(grads, clip_value)` returns the list of clipped float64 arrays. Raise
#    `ValueError` if `grads` is empty or if `clip_value <= 0`.
#
# Neither function may change the arrays it is given. Arrays can have any shape, including 0-d.

# %% q3
import numpy as np


def clip_by_global_norm(grads, max_norm):
    """Scale all arrays by min(1, max_norm / ||g||); returns (clipped list, norm before clipping)."""
    # BEGIN SOLUTION
    if len(grads) == 0:
        raise ValueError("grads must not be empty")
    if max_norm <= 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    arrays = [np.array(g, dtype=np.float64) for g in grads]  # copies
    if not all(np.isfinite(a).all() for a in arrays):
        raise ValueError("the gradient has non-finite entries")
    total = float(np.sqrt(sum(float((a ** 2).sum()) for a in arrays)))
    if total > max_norm:
        arrays = [a * (max_norm / total) for a in arrays]
    return arrays, total
    # END SOLUTION


def clip_by_value(grads, clip_value):
    """Clamp every entry of every array to [-clip_value, clip_value]."""
    # BEGIN SOLUTION
    if len(grads) == 0:
        raise ValueError("grads must not be empty")
    if clip_value <= 0:
        raise ValueError(f"clip_value must be > 0, got {clip_value}")
    return [np.clip(np.asarray(g, dtype=np.float64), -clip_value, clip_value) for g in grads]
    # END SOLUTION


# %% [markdown] q4
# ## q4 — Products of Jacobians through depth (2 points)
#
# For a stack of $L$ layers $h_l = g(z_l)$, $z_l = W_l h_{l-1} + b_l$, one layer's Jacobian is
# $\partial h_l / \partial h_{l-1} = \mathrm{diag}(g'(z_l))\, W_l$, and $k$ layers multiply $k$ of
# them:
#
# $$\frac{\partial h_L}{\partial h_{L-k}} = \mathrm{diag}(g'(z_L))\, W_L\;
# \mathrm{diag}(g'(z_{L-1}))\, W_{L-1} \cdots \mathrm{diag}(g'(z_{L-k+1}))\, W_{L-k+1}.$$
#
# Its size as $k$ grows shows whether the gradient reaching layer $L-k$ vanishes or explodes.
#
# Write `jacobian_norms(Ws, bs, x, activation="tanh")`:
#
# - `Ws` is a list of $L \ge 1$ matrices, `Ws[l-1]` $= W_l$ of shape $(n_l, n_{l-1})$; `bs` the list
#   of the $L$ biases, `bs[l-1]` of shape $(n_l,)$; `x` $= h_0$ of shape $(n_0,)$ (one input, not
#   a batch).
# - `activation` is `"tanh"` ($g' = 1 - h^2$), `"sigmoid"` ($g(z) = 1/(1+e^{-z})$, $g' = h(1-h)$)
#   or `"relu"` ($g(z) = \max(0, z)$, with $g'(z) = 1$ if $z > 0$ and $0$ otherwise).
# - Run the forward pass, then return a float64 array of shape $(L,)$ whose entry $k-1$ is the
#   spectral norm (谱范数, the largest singular value, `np.linalg.norm(J, 2)`) of
#   $\partial h_L / \partial h_{L-k}$, for $k = 1, \dots, L$.
# - Raise `ValueError` if `Ws` is empty, if `bs` does not have one bias per layer, if a shape does
#   not fit, or for an unknown activation.
#
# Tiny norms matter here (a vanished gradient of $10^{-20}$ is not zero): they are compared with a
# relative tolerance only.

# %% q4
import numpy as np


def jacobian_norms(Ws, bs, x, activation="tanh"):
    """Spectral norms of dh_L/dh_{L-k} for k = 1..L of a stack of fully connected layers."""
    # BEGIN SOLUTION
    if activation not in ("tanh", "sigmoid", "relu"):
        raise ValueError(f"activation must be 'tanh', 'sigmoid' or 'relu', got {activation!r}")
    if len(Ws) == 0 or len(bs) != len(Ws):
        raise ValueError(f"need L >= 1 weight matrices and as many biases, got {len(Ws)} and {len(bs)}")
    h = np.asarray(x, dtype=np.float64)  # (n_0,)
    if h.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {h.shape}")
    derivs = []  # g'(z_l), each (n_l,)
    for W, b in zip(Ws, bs):
        W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if W.ndim != 2 or W.shape[1] != h.shape[0] or b.shape != (W.shape[0],):
            raise ValueError(f"a layer W {W.shape}, b {b.shape} does not fit an input of size {h.shape[0]}")
        z = W @ h + b  # (n_l,)
        if activation == "tanh":
            h = np.tanh(z)
            derivs.append(1.0 - h ** 2)
        elif activation == "sigmoid":
            h = 1.0 / (1.0 + np.exp(-z))
            derivs.append(h * (1.0 - h))
        else:
            h = np.maximum(z, 0.0)
            derivs.append((z > 0).astype(np.float64))
    L = len(Ws)
    norms = np.empty(L)
    J = np.eye(h.shape[0])  # (n_L, n_L), becomes dh_L / dh_{L-k}
    for k in range(1, L + 1):
        l = L - k  # 0-based index of layer L-k+1
        J = J @ (derivs[l][:, None] * np.asarray(Ws[l], dtype=np.float64))  # (n_L, n_{L-k})
        norms[k - 1] = np.linalg.norm(J, 2)
    return norms
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 3, "q2": 2, "q3": 2, "q4": 2}
HIDDEN_SEED = 7_310_482


def _mlp(rng, D, H, C, scale=0.5):
    return {"W1": rng.normal(0, scale, (H, D)), "b1": rng.normal(0, 0.1, H),
            "W2": rng.normal(0, scale, (C, H)), "b2": rng.normal(0, 0.1, C)}


def public_tests():
    params = {"W1": np.array([[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]]), "b1": np.array([0.1, 0.0, -0.2]),
              "W2": np.array([[1.0, -0.5, 0.3], [-0.4, 0.7, 0.2]]), "b2": np.array([0.0, 0.1])}
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.5], [0.3, 0.3]])
    return {
        "q1": [
            call("mlp_loss_and_grads", params, X, np.array([0, 1, 1, 0]), rtol=1e-6, atol=1e-10),
            call("mlp_loss_and_grads", params, X[:1], np.array([1]), rtol=1e-6, atol=1e-10),
            call("mlp_loss_and_grads", params, X, np.array([0, 1, 2, 0]), raises="ValueError"),
        ],
        "q2": [
            call("numerical_gradient_of", "sum_of_squares", np.array([1.0, -2.0, 0.5]), rtol=1e-6, atol=1e-8),
            call("numerical_gradient_of", "sigmoid_chain", np.array([1.0, -0.5, 2.0, 0.3]), rtol=1e-6, atol=1e-8),
            call("relative_error", np.array([1.0, 2.0]), np.array([1.0, 2.1]), rtol=1e-6),
            call("relative_error", np.zeros(3), np.zeros(3)),
        ],
        "q3": [
            call("clip_by_global_norm", [np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 1.0, rtol=1e-6),
            call("clip_by_global_norm", [np.array([0.3, -0.4])], 1.0, rtol=1e-6),
            call("clip_by_value", [np.array([0.5, -2.0, 0.05]), np.array(3.0)], 0.1),
        ],
        "q4": [
            call("jacobian_norms", [np.array([[0.5, 0.2], [-0.1, 0.9]])] * 3, [np.zeros(2)] * 3,
                 np.array([0.3, -0.2]), rtol=1e-6, atol=0.0),
            call("jacobian_norms", [np.array([[1.0, -1.0, 0.5]]), np.array([[2.0], [-0.5]])],
                 [np.array([0.1]), np.zeros(2)], np.array([1.0, 0.5, -1.0]), "sigmoid", rtol=1e-6, atol=0.0),
        ],
    }


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    tol = {"rtol": 1e-6, "atol": 1e-10}
    for (N, D, H, C) in ((1, 1, 1, 2), (5, 3, 4, 3), (32, 10, 16, 5), (200, 50, 20, 10)):
        params = _mlp(rng, D, H, C)
        q1.append(call("mlp_loss_and_grads", params, rng.normal(0, 1, (N, D)), rng.integers(0, C, N), **tol))
    big = _mlp(rng, 4, 6, 3)
    big["W2"] = rng.normal(0, 2e3, (3, 6))  # logits of order 1e4: needs the max shift
    q1.append(call("mlp_loss_and_grads", big, rng.normal(0, 1, (8, 4)), rng.integers(0, 3, 8), **tol))
    sat = _mlp(rng, 6, 5, 4, scale=5.0)  # saturated tanh units: tiny (1 - h^2)
    q1.append(call("mlp_loss_and_grads", sat, rng.normal(0, 2, (16, 6)), rng.integers(0, 4, 16), **tol))
    q1.append(call("mlp_loss_and_grads", _mlp(rng, 3, 4, 2), np.zeros((6, 3)), np.zeros(6, dtype=np.int64), **tol))
    p = _mlp(rng, 3, 4, 2)
    X = rng.normal(0, 1, (5, 3))
    q1 += [
        call("mlp_loss_and_grads", p, X[0], np.array([0]), raises="ValueError"),
        call("mlp_loss_and_grads", p, X, np.array([0, 1, 0]), raises="ValueError"),
        call("mlp_loss_and_grads", p, X, np.array([0, 1, 0, 2, 1]), raises="ValueError"),
        call("mlp_loss_and_grads", p, X, np.array([0, 1, 0, -1, 1]), raises="ValueError"),
        call("mlp_loss_and_grads", p, rng.normal(0, 1, (5, 4)), np.zeros(5, dtype=np.int64), raises="ValueError"),
        call("mlp_loss_and_grads", p, np.zeros((0, 3)), np.zeros(0, dtype=np.int64), raises="ValueError"),
    ]

    ntol = {"rtol": 1e-6, "atol": 1e-8}
    q2 += [
        call("numerical_gradient_of", "sum_of_squares", rng.normal(0, 3, 20), **ntol),
        call("numerical_gradient_of", "sum_of_squares", rng.normal(0, 1, (3, 4)), 1e-4, **ntol),
        call("numerical_gradient_of", "log_sum_exp", rng.normal(0, 2, 12), **ntol),
        call("numerical_gradient_of", "sigmoid_chain", rng.normal(0, 1.5, 10), **ntol),
        call("numerical_gradient_of", "sigmoid_chain", rng.normal(0, 1, 1), 1e-3, **ntol),
        call("numerical_gradient_of", "tanh_layer", rng.normal(0, 1, (5, 7)), **ntol),
        call("numerical_gradient_of", "sum_of_squares", rng.normal(0, 1, 3), 0.0, raises="ValueError"),
    ]
    for shape in ((7,), (4, 5), (2, 3, 3)):
        a = rng.normal(0, 1, shape)
        q2.append(call("relative_error", a, a + rng.normal(0, 1e-4, shape), rtol=1e-6))
        q2.append(call("relative_error", a, rng.normal(0, 1, shape), rtol=1e-6))
    q2 += [
        call("relative_error", np.zeros((2, 2)), rng.normal(0, 1, (2, 2)), rtol=1e-6),
        call("relative_error", np.zeros((2, 3)), np.zeros((2, 3))),
        call("relative_error", np.zeros(3), np.zeros(4), raises="ValueError"),
    ]

    def grad_list(scale):
        return [rng.normal(0, scale, s) for s in ((8, 5), (5,), (3, 8), (3,))]

    for scale, c in ((0.01, 1.0), (1.0, 1.0), (50.0, 5.0), (1.0, 0.25)):
        q3.append(call("clip_by_global_norm", grad_list(scale), c, rtol=1e-9, atol=1e-12))
    q3 += [
        call("clip_by_global_norm", [rng.normal(0, 1, (40, 30))], 2.0, rtol=1e-9, atol=1e-12),
        call("clip_by_global_norm", [np.array(7.0), np.array([-24.0])], 12.5, rtol=1e-9, atol=1e-12),
        call("clip_by_global_norm", [np.zeros(3), np.zeros((2, 2))], 1.0),
        call("clip_by_global_norm", [np.array([3.0, 4.0])], 5.0, rtol=1e-9),  # exactly at the threshold
        call("clip_by_global_norm", [], 1.0, raises="ValueError"),
        call("clip_by_global_norm", grad_list(1.0), 0.0, raises="ValueError"),
        call("clip_by_global_norm", [np.array([1.0, np.nan])], 1.0, raises="ValueError"),
        call("clip_by_global_norm", [np.array([1.0]), np.array([np.inf])], 1.0, raises="ValueError"),
    ]
    for scale, v in ((1.0, 0.5), (0.01, 1.0), (10.0, 0.01)):
        q3.append(call("clip_by_value", grad_list(scale), v))
    q3 += [
        call("clip_by_value", [np.array(-3.0), np.array([[0.2, -0.7]])], 0.25),
        call("clip_by_value", [], 1.0, raises="ValueError"),
        call("clip_by_value", grad_list(1.0), -0.1, raises="ValueError"),
    ]

    jtol = {"rtol": 1e-6, "atol": 0.0}
    for (L, n, scale, act) in ((1, 4, 1.0, "tanh"), (12, 8, 0.3, "tanh"), (30, 16, 0.25, "tanh"),
                               (25, 10, 1.0, "sigmoid"), (15, 12, 2.0, "tanh"), (20, 10, None, "relu")):
        std = np.sqrt(2.0 / n) if scale is None else scale / np.sqrt(n)  # He for ReLU
        Ws = [rng.normal(0, std, (n, n)) for _ in range(L)]
        bs = [rng.normal(0, 0.1, n) for _ in range(L)]
        q4.append(call("jacobian_norms", Ws, bs, rng.normal(0, 1, n), act, **jtol))
    widths = [6, 9, 4, 7, 3]  # rectangular layers
    Ws = [rng.normal(0, 0.8, (widths[i + 1], widths[i])) for i in range(4)]
    bs = [rng.normal(0, 0.1, widths[i + 1]) for i in range(4)]
    q4 += [
        call("jacobian_norms", Ws, bs, rng.normal(0, 1, 6), "tanh", **jtol),
        call("jacobian_norms", Ws, bs, rng.normal(0, 1, 6), "sigmoid", **jtol),
        call("jacobian_norms", Ws, bs, rng.normal(0, 1, 6), activation="relu", **jtol),
        call("jacobian_norms", [], [], np.zeros(3), raises="ValueError"),
        call("jacobian_norms", Ws, bs[:3], rng.normal(0, 1, 6), raises="ValueError"),
        call("jacobian_norms", Ws, bs, rng.normal(0, 1, 5), raises="ValueError"),
        call("jacobian_norms", Ws, bs, rng.normal(0, 1, 6), "gelu", raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
