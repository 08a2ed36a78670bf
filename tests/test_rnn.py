"""The NumPy RNN: hand-written BPTT against central differences and against torch autograd."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from ptmcourse.rnn import NumpyRNN, gradient_check, numerical_gradient, relative_error, state_jacobian_norms


def _data(B=3, T=6, V=8, seed=1):
    rng = np.random.default_rng(seed)
    return rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T)), rng.normal(0, 0.5, (B, 5))


def test_gradient_check_float64_below_1e_6():
    model = NumpyRNN(8, 5, seed=0, init_scale=0.5)
    x, y, h0 = _data()
    errs = gradient_check(model, x, y, h0)
    assert set(errs) == {"W_xh", "W_hh", "b_h", "W_hy", "b_y"}
    assert max(errs.values()) < 1e-6, errs


def test_gradient_check_catches_a_wrong_gradient():
    model = NumpyRNN(6, 4, seed=0, init_scale=0.5)
    x, y, _ = _data(V=6)
    _, grads, _ = model.loss_and_grads(x, y)
    num = numerical_gradient(lambda: model.forward(x, y)[0], model.params["W_hh"])
    assert relative_error(grads["W_hh"], num) < 1e-6
    assert relative_error(grads["W_hh"].T, num) > 1e-3  # a transposed gradient is caught


def test_matches_torch_autograd_on_the_same_weights():
    model = NumpyRNN(8, 5, seed=2, init_scale=0.5)
    x, y, h0 = _data()
    loss, grads, h_last = model.loss_and_grads(x, y, h0)

    p = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    h = torch.tensor(h0)
    total = 0.0
    for t in range(x.shape[1]):
        h = torch.tanh(p["W_xh"][:, x[:, t]].T + h @ p["W_hh"].T + p["b_h"])
        o = h @ p["W_hy"].T + p["b_y"]
        total = total + torch.nn.functional.cross_entropy(o, torch.as_tensor(y[:, t]), reduction="sum")
    ref = total / x.size
    ref.backward()
    assert abs(ref.item() - loss) < 1e-12
    assert np.abs(h.detach().numpy() - h_last).max() < 1e-12
    for k in model.params:
        assert np.abs(p[k].grad.numpy() - grads[k]).max() < 1e-12, k


def test_dh0_is_the_gradient_of_the_initial_state():
    model = NumpyRNN(8, 5, seed=3, init_scale=0.5)
    x, y, h0 = _data()
    loss, cache = model.forward(x, y, h0)
    _, dh0 = model.backward(cache)
    num = numerical_gradient(lambda: model.forward(x, y, h0)[0], h0)
    assert relative_error(dh0, num) < 1e-6


def test_one_sequence_shape_and_learning():
    model = NumpyRNN(4, 8, seed=0, init_scale=0.3)
    seq = np.array([0, 1, 2, 3] * 5)
    x, y = seq[:-1], seq[1:]
    first, _ = model.forward(x, y)
    for _ in range(200):
        _, grads, _ = model.loss_and_grads(x, y)
        model.sgd_step(grads, lr=0.5, clip_norm=5.0)
    last, _ = model.forward(x, y)
    assert first > 1.2 and last < 0.1


@pytest.mark.parametrize("x, y, exc, match", [
    (np.zeros((2, 0), int), np.zeros((2, 0), int), ValueError, "empty"),
    (np.zeros(0, int), np.zeros(0, int), ValueError, "empty"),
    (np.zeros((2, 3), int), np.zeros((2, 4), int), ValueError, "same shape"),
    (np.zeros((2, 3)), np.zeros((2, 3), int), TypeError, "integer"),
    (np.full((2, 3), 9), np.zeros((2, 3), int), ValueError, "outside"),
    (np.zeros((2, 3, 1), int), np.zeros((2, 3, 1), int), ValueError, "shape"),
])
def test_bad_input(x, y, exc, match):
    with pytest.raises(exc, match=match):
        NumpyRNN(8, 5).forward(x, y)


def test_bad_h0_and_sizes_and_float32_check():
    with pytest.raises(ValueError, match="h0"):
        NumpyRNN(8, 5).forward(np.zeros((2, 3), int), np.zeros((2, 3), int), h0=np.zeros((3, 5)))
    with pytest.raises(ValueError, match="hidden_size"):
        NumpyRNN(8, 0)
    with pytest.raises(TypeError, match="float64"):
        gradient_check(NumpyRNN(4, 3, dtype=np.float32), [0, 1], [1, 2])


def test_diverged_weights_give_a_clear_error():
    model = NumpyRNN(4, 3)
    model.params["W_hy"][:] = np.nan
    with pytest.raises(FloatingPointError, match="not finite"):
        model.forward([0, 1], [1, 2])


def test_state_jacobian_norms_match_autograd_and_scale_with_spectral_radius():
    H, T = 6, 12
    rng = np.random.default_rng(0)
    model = NumpyRNN(5, H, seed=0, init_scale=0.5)
    x = rng.integers(0, 5, T)
    _, cache = model.forward(x, x)
    hs = cache["hs"][:, 0]                                             # (T+1, H)
    norms = state_jacobian_norms(model.params["W_hh"], hs)
    # autograd: the Jacobian of h_T with respect to h_{T-3}
    W = torch.tensor(model.params["W_hh"])
    h = torch.tensor(hs[T - 3])
    pre = torch.tensor(model.params["W_xh"][:, x[T - 3:]].T + model.params["b_h"])  # (3, H)
    J = torch.autograd.functional.jacobian(
        lambda h0: torch.tanh(pre[2] + torch.tanh(pre[1] + torch.tanh(pre[0] + h0 @ W.T) @ W.T) @ W.T), h)
    assert abs(torch.linalg.matrix_norm(J, 2).item() - norms[2]) < 1e-10
    # a linear-regime RNN (tiny states) with W = r * orthogonal: the norm is r^k
    Q, _ = np.linalg.qr(rng.normal(size=(H, H)))
    for r in (0.5, 1.0, 1.5):
        n = state_jacobian_norms(r * Q, np.zeros((T + 1, H)))
        assert np.allclose(n, r ** np.arange(1, T + 1))
    with pytest.raises(ValueError, match="W_hh"):
        state_jacobian_norms(np.zeros((3, 4)), hs)
    with pytest.raises(ValueError, match="hs"):
        state_jacobian_norms(np.zeros((H, H)), np.zeros((1, H)))
