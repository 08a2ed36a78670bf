"""The two word2vec losses for one prediction and their gradients, in plain NumPy (float64).

These are the formulas the training engines apply (an SGD step moves every vector by
``-alpha * gradient``); the tests check them against finite differences, and the engines against
them. With ``s`` the logistic sigmoid and ``f = u . v``:

- negative sampling: ``L = -log s(u_o . v) - sum_k log s(-u_k . v)``, so
  ``dL/dv = (s(u_o.v) - 1) u_o + sum_k s(u_k.v) u_k``, ``dL/du_o = (s(u_o.v) - 1) v``,
  ``dL/du_k = s(u_k.v) v``;
- hierarchical softmax: ``L = -sum_j log s((1 - 2 c_j) n_j . h)`` along the word's Huffman path
  (inner-node vectors ``n_j``, code bits ``c_j``), so with target ``t_j = 1 - c_j``:
  ``dL/dh = sum_j (s(n_j.h) - t_j) n_j`` and ``dL/dn_j = (s(n_j.h) - t_j) h``.

Used in: book/word-vectors
"""
from __future__ import annotations

import numpy as np

__all__ = ["sgns_loss_and_grads", "hs_loss_and_grads"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # stable for large |x|


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)  # log(1 + e^x) = -log s(-x)


def sgns_loss_and_grads(v: np.ndarray, u_pos: np.ndarray, u_neg: np.ndarray):
    """Skip-gram negative-sampling loss for input vector ``v`` (D,), true output ``u_pos`` (D,) and
    noise outputs ``u_neg`` (K, D). Returns ``(loss, dv (D,), du_pos (D,), du_neg (K, D))``."""
    v, u_pos, u_neg = (np.asarray(a, dtype=np.float64) for a in (v, u_pos, u_neg))
    if v.ndim != 1 or u_pos.shape != v.shape or u_neg.ndim != 2 or u_neg.shape[1] != v.shape[0]:
        raise ValueError(f"expected v (D,), u_pos (D,), u_neg (K, D); got {v.shape}, {u_pos.shape}, {u_neg.shape}")
    f_pos, f_neg = u_pos @ v, u_neg @ v                       # (), (K,)
    loss = float(_softplus(-f_pos) + _softplus(f_neg).sum())
    g_pos, g_neg = _sigmoid(f_pos) - 1.0, _sigmoid(f_neg)     # dL/df
    return loss, g_pos * u_pos + g_neg @ u_neg, g_pos * v, g_neg[:, None] * v[None, :]


def hs_loss_and_grads(h: np.ndarray, nodes: np.ndarray, codes: np.ndarray):
    """Hierarchical-softmax loss for hidden vector ``h`` (D,), the path's inner-node vectors ``nodes``
    (L, D) and code bits ``codes`` (L,). Returns ``(loss, dh (D,), dnodes (L, D))``."""
    h, nodes = np.asarray(h, dtype=np.float64), np.asarray(nodes, dtype=np.float64)
    codes = np.asarray(codes, dtype=np.float64)
    if h.ndim != 1 or nodes.ndim != 2 or nodes.shape[1] != h.shape[0] or codes.shape != (nodes.shape[0],):
        raise ValueError(f"expected h (D,), nodes (L, D), codes (L,); got {h.shape}, {nodes.shape}, {codes.shape}")
    f = nodes @ h                                             # (L,)
    loss = float(_softplus(-(1.0 - 2.0 * codes) * f).sum())
    g = _sigmoid(f) - (1.0 - codes)                           # dL/df
    return loss, g @ nodes, g[:, None] * h[None, :]
