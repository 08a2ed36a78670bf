"""Gradient-flow helpers: per-layer norms, the recorder, penalties, the deep MLP, recurrent Jacobians."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from ptmcourse.gradients import (DeepMLP, GradientsConfig, GradNormRecorder, bag_of_words_features,
                                 fit_classifier, layer_grad_norms, state_jacobian_norms_torch, weight_layers,
                                 weight_penalty)
from ptmcourse.rnn import NumpyRNN, state_jacobian_norms


pytestmark = pytest.mark.usefixtures("one_thread")


def _toy(n=256, d=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g)
    y = (X[:, 0] + X[:, 1] > 0).long()
    return X, y


def test_layer_norms_match_manual_and_sigmoid_vanishes():
    X, y = _toy()
    torch.manual_seed(0)
    m = DeepMLP(12, 16, 12, activation="sigmoid")
    torch.nn.functional.cross_entropy(m(X), y).backward()
    norms = layer_grad_norms(m)
    assert list(norms) == [n for n, _ in weight_layers(m)] and len(norms) == 13
    assert norms["linears.0.weight"] == pytest.approx(m.linears[0].weight.grad.norm().item())
    vals = list(norms.values())
    assert vals[0] < 1e-4 * vals[-2]  # twelve sigmoid layers: the first gets almost nothing
    torch.manual_seed(0)
    bn = DeepMLP(12, 16, 12, activation="sigmoid", batch_norm=True)
    torch.nn.functional.cross_entropy(bn(X), y).backward()
    bvals = list(layer_grad_norms(bn).values())
    assert bvals[0] > 100 * vals[0]


@pytest.mark.parametrize("init", ["xavier", "he", "small", "large"])
def test_inits_have_the_stated_scale(init):
    torch.manual_seed(0)
    m = DeepMLP(400, 300, 2, init=init)
    w = m.linears[1].weight
    expected = {"xavier": (2 / 600) ** 0.5, "he": (2 / 300) ** 0.5, "small": 0.01, "large": 1.0}[init]
    assert w.std().item() == pytest.approx(expected, rel=0.05)
    assert m.linears[1].bias.abs().max().item() == 0


def test_recorder_records_every_step_before_clipping_and_removes_hooks():
    X, y = _toy()
    torch.manual_seed(0)
    m = DeepMLP(12, 8, 3)
    trainer, rec = fit_classifier(m, X, y, steps=7, lr=0.1, clip_norm=1e-6)
    assert rec.norms.shape == (7, 4)
    _, gn = trainer.history.series("grad_norm")
    # the recorded per-layer norms are the raw ones: their global norm (with biases) is >= each
    assert np.all(np.sqrt((rec.norms ** 2).sum(1)) <= gn + 1e-6) and np.all(rec.norms.max(1) > 1e-3)
    torch.nn.functional.cross_entropy(m(X), y).backward()  # hooks are gone: nothing more recorded
    assert rec.norms.shape == (7, 4)
    with pytest.raises(ValueError, match="every"):
        GradNormRecorder(m, every=0)


def test_fit_classifier_learns_and_reports_divergence():
    X, y = _toy(512)
    torch.manual_seed(0)
    m = DeepMLP(12, 16, 2, activation="relu", init="he")
    trainer, _ = fit_classifier(m, X, y, steps=150, lr=0.1, dev=(X, y), record=False)
    assert trainer.history.series("dev_acc")[1][-1] > 0.9 and trainer.diverged is None
    torch.manual_seed(0)
    big = DeepMLP(12, 16, 8, activation="relu", init="large")
    with pytest.raises(FloatingPointError, match="non-finite"):
        fit_classifier(big, X * 1e3, y, steps=50, lr=10.0)
    torch.manual_seed(0)
    big = DeepMLP(12, 16, 8, activation="relu", init="large")
    trainer, rec = fit_classifier(big, X * 1e3, y, steps=50, lr=10.0, allow_divergence=True)
    assert "non-finite" in trainer.diverged and trainer.step < 50
    with pytest.raises(ValueError, match="X"):
        fit_classifier(big, X, y[:-1])


def test_weight_penalty_and_its_gradient():
    torch.manual_seed(0)
    m = DeepMLP(5, 4, 2)
    ws = [p for _, p in weight_layers(m)]
    pen = weight_penalty(m, l1=0.1, l2=0.01)
    expected = sum(0.1 * w.abs().sum().item() + 0.01 * (w ** 2).sum().item() for w in ws)
    assert pen.item() == pytest.approx(expected, rel=1e-5)
    pen.backward()
    assert torch.allclose(ws[0].grad, 0.1 * ws[0].sign() + 0.02 * ws[0])
    assert m.linears[0].bias.grad is None  # biases are not penalised
    with pytest.raises(ValueError, match="l1"):
        weight_penalty(m, l1=-1)


def test_bad_model_arguments_and_presets():
    with pytest.raises(ValueError, match="activation"):
        DeepMLP(4, activation="swish")
    with pytest.raises(ValueError, match="init"):
        DeepMLP(4, init="orthogonal")
    with pytest.raises(ValueError, match="depth"):
        DeepMLP(4, depth=0)
    assert GradientsConfig.preset("smoke").steps < GradientsConfig.preset("book").steps
    with pytest.raises(ValueError, match="scale"):
        GradientsConfig.preset("large")


def test_bag_of_words_features():
    from ptmcourse.data import Vocab

    vocab = Vocab(["<unk>", "good", "bad"], unk_token="<unk>")
    X = bag_of_words_features(["good good film", "bad", ""], vocab)
    assert X.tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    with pytest.raises(TypeError, match="list of str"):
        bag_of_words_features("good", vocab)


def test_state_jacobian_norms_torch_matches_the_numpy_product():
    model = NumpyRNN(6, 5, seed=0, init_scale=0.6)
    x = np.random.default_rng(0).integers(0, 6, 15)
    _, cache = model.forward(x, x)
    ref = state_jacobian_norms(model.params["W_hh"], cache["hs"][:, 0])
    p = {k: torch.tensor(v) for k, v in model.params.items()}
    xs = torch.nn.functional.one_hot(torch.as_tensor(x), 6).double()   # (T, V)
    step = lambda xt, h: torch.tanh(xt @ p["W_xh"].T + h @ p["W_hh"].T + p["b_h"])
    ours = state_jacobian_norms_torch(step, xs, torch.zeros(5, dtype=torch.float64))
    assert np.allclose(ours, ref, rtol=1e-10, atol=1e-300)
    # a tuple state: which=1 picks the second component
    lin = lambda xt, s: (s[0] * 0.5, s[1] * 2.0)
    n = state_jacobian_norms_torch(lin, torch.zeros(4, 1), (torch.ones(3), torch.ones(3)), which=1)
    assert np.allclose(n, 2.0 ** np.arange(1, 5))
    with pytest.raises(ValueError, match="which"):
        state_jacobian_norms_torch(lin, torch.zeros(4, 1), (torch.ones(3), torch.ones(3)), which=2)
    with pytest.raises(ValueError, match="xs"):
        state_jacobian_norms_torch(step, torch.zeros(0, 6), torch.zeros(5))
