"""Our LSTM/GRU layers against torch.nn.LSTM/GRU, and the recurrent language model's training path."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ptmcourse.models.lstm_lm import (CELLS, RNNLM, CarriedStateLoss, GRULayer, LSTMLayer, RNNLMConfig,
                                      StackedRNN, evaluate_perplexity, sentence_log_probs, train_lm)


pytestmark = pytest.mark.usefixtures("one_thread")


def _pair(kind: str, layers: int = 2, I: int = 7, H: int = 6):
    torch.manual_seed(0)
    ref = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(I, H, layers, batch_first=True)
    ours = StackedRNN(kind, I, H, layers).copy_from_torch(ref)
    return ref, ours


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_matches_torch_forward_and_gradients(kind):
    ref, ours = _pair(kind)
    x = torch.randn(3, 11, 7)
    s0 = torch.randn(2, 3, 6)
    state = (s0, torch.randn(2, 3, 6)) if kind == "lstm" else s0
    out_r, st_r = ref(x, state)
    out_o, st_o = ours(x, state)
    assert (out_r - out_o).abs().max().item() <= 1e-5
    for a, b in zip(st_r if kind == "lstm" else [st_r], st_o if kind == "lstm" else [st_o]):
        assert (a - b).abs().max().item() <= 1e-5
    # gradients of the same scalar with respect to every weight
    w = torch.randn_like(out_r)
    (out_r * w).sum().backward()
    (out_o * w).sum().backward()
    for i, layer in enumerate(ours.layers):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            g_ref = getattr(ref, f"{name}_l{i}").grad
            assert (getattr(layer, name).grad - g_ref).abs().max().item() <= 1e-5, (i, name)


def test_lstm_layer_zero_state_default_and_single_layer():
    torch.manual_seed(1)
    ref = torch.nn.LSTM(4, 5, batch_first=True)
    layer = LSTMLayer(4, 5)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(layer, name).copy_(getattr(ref, f"{name}_l0"))
    x = torch.randn(2, 3, 4)
    out, (h, c) = layer(x)
    out_r, (h_r, c_r) = ref(x)
    assert torch.allclose(out, out_r, atol=1e-6) and torch.allclose(c, c_r[0], atol=1e-6)


@pytest.mark.parametrize("bad", [torch.zeros(2, 0, 4), torch.zeros(0, 3, 4), torch.zeros(2, 3, 5), torch.zeros(3, 4)])
def test_layers_reject_bad_input(bad):
    for cls in (LSTMLayer, GRULayer):
        with pytest.raises(ValueError, match="x"):
            cls(4, 5)(bad)


def test_stacked_rejects_unknown_kind_and_mismatched_torch_weights():
    with pytest.raises(ValueError, match="kind"):
        StackedRNN("rnn", 3, 3)
    with pytest.raises(ValueError, match="shape"):
        StackedRNN("lstm", 3, 4).copy_from_torch(torch.nn.LSTM(3, 5))


def test_config_presets_and_validation():
    paper = RNNLMConfig.preset("zaremba-small")
    assert (paper.num_layers, paper.hidden_size, paper.epochs, paper.batch_size, paper.bptt) == (2, 200, 13, 20, 20)
    assert (paper.lr, paper.lr_decay, paper.decay_after, paper.clip, paper.dropout, paper.init_scale) == \
        (1.0, 0.5, 4, 5.0, 0.0, 0.1)
    assert RNNLMConfig.preset("paper") == paper
    assert RNNLMConfig.preset("book").max_steps is not None
    assert RNNLMConfig.preset("book", cell="rnn").cell == "rnn"
    with pytest.raises(ValueError, match="preset"):
        RNNLMConfig.preset("huge")
    with pytest.raises(ValueError, match="cell"):
        RNNLMConfig(cell="transformer")
    with pytest.raises(ValueError, match="hidden_size"):
        RNNLMConfig(hidden_size=0)


@pytest.mark.parametrize("cell", CELLS)
def test_rnnlm_shapes_init_and_carried_state(cell):
    cfg = RNNLMConfig(vocab_size=30, cell=cell, emb_size=8, hidden_size=8)
    model = RNNLM(cfg)
    assert all(p.abs().max().item() <= 0.1 for p in model.parameters())
    ids = torch.randint(0, 30, (4, 10))
    logits, state = model(ids)
    assert logits.shape == (4, 10, 30)
    # two halves with the carried state = the whole sequence at once
    l1, s1 = model(ids[:, :5])
    l2, _ = model(ids[:, 5:], s1)
    assert torch.allclose(torch.cat([l1, l2], 1), logits, atol=1e-5)
    with pytest.raises(ValueError, match="ids"):
        model(torch.zeros(4, 0, dtype=torch.long))
    with pytest.raises(TypeError, match="ids"):
        model(torch.zeros(4, 3))


def test_ours_and_torch_lstm_lm_agree():
    torch.manual_seed(0)
    a = RNNLM(RNNLMConfig(vocab_size=20, cell="lstm", emb_size=6, hidden_size=5))
    b = RNNLM(RNNLMConfig(vocab_size=20, cell="lstm-ours", emb_size=6, hidden_size=5))
    b.embed.load_state_dict(a.embed.state_dict())
    b.decoder.load_state_dict(a.decoder.state_dict())
    b.rnn.copy_from_torch(a.rnn)
    ids = torch.randint(0, 20, (2, 9))
    assert (a(ids)[0] - b(ids)[0]).abs().max().item() <= 1e-5


def test_train_lm_learns_a_repeating_stream_and_perplexity_drops():
    torch.manual_seed(0)
    ids = np.tile(np.arange(12), 100)  # a deterministic cycle: perplexity can go to ~1
    cfg = RNNLMConfig(vocab_size=12, emb_size=16, hidden_size=16, batch_size=4, bptt=10, epochs=3,
                      decay_after=2, max_steps=None, init_scale=0.5)
    model = RNNLM(cfg)
    before = evaluate_perplexity(model, ids, batch_size=2)
    trainer = train_lm(model, ids, cfg, valid_ids=ids[:200], progress=False)
    after = evaluate_perplexity(model, ids, batch_size=2)
    assert before > 10 and after < 2
    _, lr = trainer.history.series("lr")
    assert lr[0] == 1.0 and lr[-1] == 0.5  # halved once, after epoch 2 of 3
    _, v = trainer.history.series("valid_ppl")
    assert len(v) == 3 and v[-1] < 2


def test_evaluate_perplexity_batch_one_equals_full_sequence():
    torch.manual_seed(0)
    model = RNNLM(RNNLMConfig(vocab_size=15, emb_size=5, hidden_size=5))
    ids = np.random.default_rng(0).integers(0, 15, 101)
    with torch.no_grad():
        logp, _ = model.next_token_log_probs(torch.as_tensor(ids[None, :-1]))
        nll = -logp[0].gather(-1, torch.as_tensor(ids[1:, None]))[:, 0].mean().item()
    assert math.isclose(evaluate_perplexity(model, ids, batch_size=1, bptt=7), math.exp(nll), rel_tol=1e-5)
    with pytest.raises(ValueError, match="ids"):
        evaluate_perplexity(model, np.array([3]))
    with pytest.raises(ValueError, match="ids"):
        evaluate_perplexity(model, np.zeros((2, 5), dtype=int))


def test_carried_state_loss_resets_and_detaches():
    model = RNNLM(RNNLMConfig(vocab_size=10, emb_size=4, hidden_size=4))
    loss = CarriedStateLoss()
    x = torch.randint(0, 10, (2, 5))
    out = loss(model, (x, x, torch.tensor(True)))
    assert out["loss"].item() == pytest.approx(5 * out["nll"].item())
    assert all(not s.requires_grad for s in loss.state)
    kept = loss.state
    loss(model, (x, x, torch.tensor(False)))
    assert loss.state is not kept


def test_non_finite_loss_stops_training_and_keeps_last_checkpoint(tmp_path):
    ids = np.tile(np.arange(10), 40)
    cfg = RNNLMConfig(vocab_size=10, emb_size=4, hidden_size=4, batch_size=2, bptt=5, epochs=3,
                      clip=1e30, lr=1.0)
    model = RNNLM(cfg)
    steps_per_epoch = len(list(range(0, len(ids) // 2 - 1, 5)))
    calls = {"n": 0}
    original = model.decoder.forward

    def poisoned(h):  # a NaN appears in the second epoch
        calls["n"] += 1
        out = original(h)
        return out * float("nan") if calls["n"] > steps_per_epoch + 1 else out

    model.decoder.forward = poisoned
    with pytest.raises(FloatingPointError, match="non-finite"):
        train_lm(model, ids, cfg, checkpoint_dir=str(tmp_path), progress=False)
    assert (tmp_path / "last" / "model.safetensors").exists()


def test_sentence_log_probs_and_errors():
    from ptmcourse.data import Vocab

    vocab = Vocab(["<eos>", "<unk>", "a", "b"], unk_token="<unk>")
    model = RNNLM(RNNLMConfig(vocab_size=4, emb_size=3, hidden_size=3))
    lp = sentence_log_probs(model, vocab, [["a", "b"], ["b"], ["a", "a"]])
    assert lp.shape == (3,) and np.all(lp < 0)
    with torch.no_grad():
        logp, _ = model.next_token_log_probs(torch.tensor([[0, 2]]))
    assert lp[0] == pytest.approx((logp[0, 0, 2] + logp[0, 1, 3]).item(), abs=1e-5)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        sentence_log_probs(model, vocab, [["zebra"]])
    with pytest.raises(ValueError, match="at least one word"):
        sentence_log_probs(model, vocab, [[]])
    with pytest.raises(ValueError, match="empty"):
        sentence_log_probs(model, vocab, [])
