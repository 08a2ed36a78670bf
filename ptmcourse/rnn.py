"""A recurrent neural network (循环神经网络) in NumPy, with backpropagation through time by hand.

Written to be read next to the derivation in ``book/rnn-by-hand``. The notation is the chapter's:

    a_t = W_xh x_t + W_hh h_{t-1} + b_h        (pre-activation; x_t is one-hot, so W_xh x_t = W_xh[:, x_t])
    h_t = tanh(a_t)                            (hidden state)
    o_t = W_hy h_t + b_y                       (logits over the vocabulary)
    p_t = softmax(o_t)
    L   = -(1/N) sum_{b,t} log p_t[y_t]        (mean cross-entropy over the N = B*T predictions)

and backpropagation through time (BPTT, 随时间反向传播) runs t = T..1:

    do_t = (p_t - onehot(y_t)) / N
    dh_t = W_hy^T do_t + W_hh^T da_{t+1}       (from the output, and from the future)
    da_t = dh_t * (1 - h_t^2)                  (tanh' = 1 - tanh^2)
    dW_hy += do_t h_t^T,  dW_hh += da_t h_{t-1}^T,  dW_xh[:, x_t] += da_t,  db_* += ...

Batches are rows: ``h`` has shape ``(B, H)``, so ``W_hh h`` is written ``h @ W_hh.T``.

Used in: book/rnn-by-hand
"""
from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["NumpyRNN", "softmax", "gradient_check", "numerical_gradient", "relative_error",
           "state_jacobian_norms", "chapter_preset"]

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def softmax(o: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the max for numerical safety."""
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _as_ids(name: str, x, vocab_size: int) -> np.ndarray:
    """Validate an integer id array of shape (T,) or (B, T); return it as (B, T) int64."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer token ids, got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (T,) or (B, T), got shape {np.shape(x)}")
    if arr.shape[1] == 0 or arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {np.shape(x)}): need at least one time step and one sequence")
    if arr.min() < 0 or arr.max() >= vocab_size:
        raise ValueError(f"{name} has ids outside [0, {vocab_size}): min {arr.min()}, max {arr.max()}")
    return arr.astype(np.int64)


class NumpyRNN:
    """An Elman RNN language model: one tanh layer, softmax output, trained by hand-written BPTT.

    Parameters
    ----------
    vocab_size : int
        V, the number of input and output symbols (inputs are one-hot).
    hidden_size : int
        H, the size of the hidden state.
    seed : int
        Seed of the NumPy generator that draws the initial weights.
    init_scale : float
        Weights are drawn from N(0, init_scale^2); biases start at zero.
    dtype : numpy dtype
        ``np.float64`` for gradient checks, ``np.float32`` is fine for training.

    Used in: book/rnn-by-hand
    """

    def __init__(self, vocab_size: int, hidden_size: int, seed: int = 0, init_scale: float = 0.1,
                 dtype=np.float64):
        for name, v in (("vocab_size", vocab_size), ("hidden_size", hidden_size)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        self.V, self.H = int(vocab_size), int(hidden_size)
        rng = np.random.default_rng(seed)
        V, H = self.V, self.H
        self.params: dict[str, np.ndarray] = {
            "W_xh": rng.normal(0, init_scale, (H, V)).astype(dtype),
            "W_hh": rng.normal(0, init_scale, (H, H)).astype(dtype),
            "b_h": np.zeros(H, dtype=dtype),
            "W_hy": rng.normal(0, init_scale, (V, H)).astype(dtype),
            "b_y": np.zeros(V, dtype=dtype),
        }

    # ------------------------------------------------------------------ forward
    def forward(self, inputs, targets, h0: np.ndarray | None = None) -> tuple[float, dict]:
        """Run the RNN over ``inputs`` and score ``targets``.

        Parameters
        ----------
        inputs, targets : int arrays of shape (T,) or (B, T)
            Token ids; ``targets[b, t]`` is the token to predict after reading ``inputs[b, :t+1]``.
        h0 : array (B, H), optional
            Initial hidden state (zeros if omitted).

        Returns
        -------
        loss : float
            Mean cross-entropy (nats per prediction).
        cache : dict
            Everything :meth:`backward` needs: inputs, targets, hidden states ``hs`` (T+1, B, H)
            with ``hs[0] = h0``, and probabilities ``ps`` (T, B, V).
        """
        x = _as_ids("inputs", inputs, self.V)
        y = _as_ids("targets", targets, self.V)
        if x.shape != y.shape:
            raise ValueError(f"inputs and targets must have the same shape, got {x.shape} and {y.shape}")
        B, T = x.shape
        p = self.params
        if h0 is None:
            h0 = np.zeros((B, self.H), dtype=p["W_hh"].dtype)
        elif np.shape(h0) != (B, self.H):
            raise ValueError(f"h0 must have shape (B, H) = {(B, self.H)}, got {np.shape(h0)}")
        hs = np.empty((T + 1, B, self.H), dtype=p["W_hh"].dtype)  # hs[t+1] = h_t (1-based in the notes)
        ps = np.empty((T, B, self.V), dtype=p["W_hh"].dtype)
        hs[0] = h0
        loss = 0.0
        for t in range(T):
            a = p["W_xh"][:, x[:, t]].T + hs[t] @ p["W_hh"].T + p["b_h"]   # (B, H)
            hs[t + 1] = np.tanh(a)                                          # (B, H)
            o = hs[t + 1] @ p["W_hy"].T + p["b_y"]                          # (B, V)
            ps[t] = softmax(o)
            loss -= np.log(ps[t][np.arange(B), y[:, t]]).sum()
        loss /= B * T
        if not np.isfinite(loss):
            raise FloatingPointError(f"the loss is not finite ({loss}); the weights have diverged")
        return float(loss), {"x": x, "y": y, "hs": hs, "ps": ps}

    # ------------------------------------------------------------------ backward
    def backward(self, cache: dict) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Backpropagation through time: gradients of the mean loss from :meth:`forward`.

        Returns
        -------
        grads : dict
            One array per parameter, same names and shapes as ``self.params``.
        dh0 : array (B, H)
            Gradient with respect to the initial state (what truncated BPTT throws away).
        """
        x, y, hs, ps = cache["x"], cache["y"], cache["hs"], cache["ps"]
        B, T = x.shape
        p = self.params
        g = {k: np.zeros_like(v) for k, v in p.items()}
        dh_next = np.zeros((B, self.H), dtype=hs.dtype)   # dL/dh_t arriving from step t+1
        for t in reversed(range(T)):
            do = ps[t].copy()                                # (B, V)
            do[np.arange(B), y[:, t]] -= 1.0
            do /= B * T                                      # dL/do_t for the mean loss
            g["W_hy"] += do.T @ hs[t + 1]                    # (V, H)
            g["b_y"] += do.sum(0)
            dh = do @ p["W_hy"] + dh_next                    # (B, H): from the output and the future
            da = dh * (1.0 - hs[t + 1] ** 2)                 # (B, H): back through tanh
            g["W_hh"] += da.T @ hs[t]                        # (H, H)
            np.add.at(g["W_xh"].T, x[:, t], da)              # column x_t of W_xh gets da (repeats add up)
            g["b_h"] += da.sum(0)
            dh_next = da @ p["W_hh"]                         # (B, H): dL/dh_{t-1}
        return g, dh_next

    def loss_and_grads(self, inputs, targets, h0: np.ndarray | None = None):
        """``forward`` then ``backward``: returns ``(loss, grads, h_last)``."""
        loss, cache = self.forward(inputs, targets, h0)
        grads, _ = self.backward(cache)
        return loss, grads, cache["hs"][-1]

    def sgd_step(self, grads: dict[str, np.ndarray], lr: float, clip_norm: float | None = None) -> float:
        """One SGD update, after clipping the global gradient norm to ``clip_norm``; returns the norm."""
        norm = float(np.sqrt(sum((g ** 2).sum() for g in grads.values())))
        scale = min(1.0, clip_norm / (norm + 1e-12)) if clip_norm is not None else 1.0
        for k in self.params:
            self.params[k] -= lr * scale * grads[k]
        return norm


# ---------------------------------------------------------------------- checks
def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Norm-wise relative error ``||a - b|| / max(||a|| + ||b||, tiny)`` (0 when both are zero)."""
    num = float(np.linalg.norm(np.asarray(a) - np.asarray(b)))
    den = float(np.linalg.norm(a) + np.linalg.norm(b))
    return num / den if den > 0 else 0.0


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Central differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry of ``x``.

    ``x`` is changed in place and restored; ``f`` must read it.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f()
        x[i] = old - eps
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad


def gradient_check(model: NumpyRNN, inputs, targets, h0: np.ndarray | None = None,
                   eps: float = 1e-5) -> dict[str, float]:
    """Compare the BPTT gradients of ``model`` with central differences, parameter by parameter.

    Returns ``{name: relative error}`` (see :func:`relative_error`). Every entry is perturbed, so
    keep the model small (the chapter uses V = 8, H = 5). In float64 expect errors around 1e-9;
    anything above 1e-6 means a bug.

    Used in: book/rnn-by-hand
    """
    if model.params["W_hh"].dtype != np.float64:
        raise TypeError(f"gradient_check needs a float64 model, got {model.params['W_hh'].dtype}")
    _, grads, _ = model.loss_and_grads(inputs, targets, h0)
    out = {}
    for name in PARAM_NAMES:
        num = numerical_gradient(lambda: model.forward(inputs, targets, h0)[0], model.params[name], eps)
        out[name] = relative_error(grads[name], num)
    return out


def state_jacobian_norms(W_hh: np.ndarray, hs: np.ndarray) -> np.ndarray:
    """Spectral norms ``||dh_T / dh_{T-k}||_2`` for k = 1..T of a tanh RNN, from its hidden states.

    One step back multiplies by the Jacobian ``dh_t/dh_{t-1} = diag(1 - h_t^2) W_hh``, so
    ``dh_T/dh_{T-k} = prod_{j=T-k+1..T} diag(1 - h_j^2) W_hh`` -- the ``W^(k-1)``-style product whose
    norm shrinks or grows geometrically with k.

    Parameters
    ----------
    W_hh : (H, H) array
    hs : (T+1, H) array
        Hidden states of one sequence, ``hs[0] = h_0`` (as in ``cache["hs"][:, b]``).

    Returns
    -------
    (T,) array, entry ``k-1`` holding the norm for distance k.

    Used in: book/rnn-by-hand
    """
    W_hh, hs = np.asarray(W_hh), np.asarray(hs)
    if W_hh.ndim != 2 or W_hh.shape[0] != W_hh.shape[1]:
        raise ValueError(f"W_hh must be square (H, H), got shape {W_hh.shape}")
    if hs.ndim != 2 or hs.shape[1] != W_hh.shape[0] or hs.shape[0] < 2:
        raise ValueError(f"hs must have shape (T+1, H) with T >= 1 and H = {W_hh.shape[0]}, got {hs.shape}")
    T = hs.shape[0] - 1
    J = np.eye(W_hh.shape[0])
    norms = np.empty(T)
    for k in range(1, T + 1):
        t = T - k + 1                                   # the step whose Jacobian we multiply in
        J = J @ ((1.0 - hs[t] ** 2)[:, None] * W_hh)     # J = dh_T/dh_{t-1}
        norms[k - 1] = np.linalg.norm(J, 2)
    return norms


def chapter_preset(scale: str) -> dict:
    """Sizes of the NumPy experiments in ``book/rnn-by-hand`` (the character-level clipping demo and
    the agreement test set) for ``smoke``, ``book`` and ``paper``.

    Used in: book/rnn-by-hand
    """
    presets = {
        "smoke": {"char_sentences": 300, "char_hidden": 16, "char_bptt": 20, "char_batch": 8, "char_steps": 20,
                  "agreement_per_level": 20},
        "book": {"char_sentences": 2000, "char_hidden": 64, "char_bptt": 40, "char_batch": 16, "char_steps": 200,
                 "agreement_per_level": 200},
        "paper": {"char_sentences": 2000, "char_hidden": 64, "char_bptt": 40, "char_batch": 16, "char_steps": 1000,
                  "agreement_per_level": 1000},
    }
    if scale not in presets:
        raise ValueError(f"scale must be one of {sorted(presets)}, got {scale!r}")
    return dict(presets[scale])
