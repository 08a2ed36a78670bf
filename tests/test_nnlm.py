"""ptmcourse.models.nnlm: Bengio et al.'s NNLM, its data windows, perplexity and training."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ptmcourse.models.nnlm import NGramWindows, NNLM, NNLMConfig, context_windows, evaluate_perplexity, train_nnlm


def test_shapes_and_parameter_count_match_the_paper():
    V, n1, m, h = 50, 3, 8, 16
    for direct in (False, True):
        model = NNLM(NNLMConfig(vocab_size=V, context=n1, emb_dim=m, hidden=h, direct=direct))
        out = model(torch.randint(0, V, (7, n1)))
        assert out.shape == (7, V)
        # Bengio et al. (2003), section 2: |V|(1 + nm + h) + h(1 + (n-1)m), nm term only with W
        expected = V * (1 + h) + h * (1 + n1 * m) + V * m + (V * n1 * m if direct else 0)
        assert sum(p.numel() for p in model.parameters()) == expected


def test_direct_connections_reach_the_output():
    torch.manual_seed(0)
    model = NNLM(NNLMConfig(vocab_size=20, context=2, emb_dim=4, hidden=3, direct=True))
    with torch.no_grad():
        model.U.weight.zero_()
        model.U.bias.zero_()
    ctx = torch.tensor([[1, 2]])
    x = model.C(ctx).flatten(1)
    torch.testing.assert_close(model(ctx), model.W(x))


def test_context_windows_by_hand():
    ctx, tgt = context_windows(np.array([5, 6, 7, 8]), context=2, pad_id=0)
    np.testing.assert_array_equal(ctx, [[0, 0], [0, 5], [5, 6], [6, 7]])
    np.testing.assert_array_equal(tgt, [5, 6, 7, 8])
    with pytest.raises(ValueError, match="non-empty"):
        context_windows(np.array([], dtype=np.int64), 2, 0)


def test_windows_visit_every_position_once_per_epoch():
    ids = np.arange(103) % 11
    data = NGramWindows(ids, context=3, pad_id=0, batch_size=10, seed=0)
    assert data.steps_per_epoch == 10
    seen = np.concatenate([data(s, torch.Generator())[1].numpy() for s in range(10)])
    ctx_all, tgt_all = context_windows(ids, 3, 0)
    assert len(seen) == 100 and len(set(map(tuple, ctx_all.tolist()))) > 0
    firsts = [data(s, torch.Generator())[0] for s in range(10)]
    rows = {tuple(r) for f in firsts for r in f.tolist()}
    assert rows <= set(map(tuple, ctx_all.tolist()))
    # a different epoch is a different order of the same positions
    e0 = torch.cat([data(s, torch.Generator())[1] for s in range(10)])
    e1 = torch.cat([data(s, torch.Generator())[1] for s in range(10, 20)])
    assert not torch.equal(e0, e1)


def test_uniform_model_has_perplexity_equal_to_vocabulary_size():
    model = NNLM(NNLMConfig(vocab_size=37, context=2, emb_dim=4, hidden=5))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    ids = np.random.default_rng(0).integers(0, 37, size=500)
    assert evaluate_perplexity(model, ids, pad_id=0, batch_size=64) == pytest.approx(37.0, rel=1e-6)


def test_training_learns_a_deterministic_sequence():
    torch.manual_seed(0)
    ids = np.tile(np.array([3, 1, 4, 1, 5, 9, 2, 6]), 400)  # the next word is fixed by the 2 before it
    cfg = NNLMConfig(vocab_size=10, context=2, emb_dim=8, hidden=32, batch_size=64, lr=1e-2, epochs=3.0)
    model = NNLM(cfg)
    before = evaluate_perplexity(model, ids[:200], pad_id=0)
    tr = train_nnlm(model, ids, pad_id=0, valid_ids=ids[:200], device="cpu", progress=False)
    after = evaluate_perplexity(model, ids[:200], pad_id=0)
    assert before > 5 and after < 1.2
    steps, losses = tr.history.series("train_loss")
    assert losses[-1] < losses[0]
    assert tr.history.series("valid_ppl")[1][-1] == pytest.approx(after, rel=1e-4)


def test_bad_input():
    model = NNLM(NNLMConfig(vocab_size=10, context=3, emb_dim=2, hidden=2))
    with pytest.raises(ValueError, match=r"shape \(B, 3\)"):
        model(torch.zeros(2, 4, dtype=torch.long))
    with pytest.raises(TypeError, match="integer tensor"):
        model(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="hidden"):
        NNLMConfig(hidden=0)
    with pytest.raises(ValueError, match="preset"):
        NNLMConfig.preset("huge")
    with pytest.raises(ValueError, match="no batch"):
        NGramWindows(np.arange(5), 2, 0, batch_size=10)


@pytest.mark.slow
def test_smoke_preset_on_ptb_beats_the_uniform_model():
    from ptmcourse.models.lstm_lm import load_ptb_ids

    torch.manual_seed(0)
    vocab, ids = load_ptb_ids(("train", "valid"))
    cfg = NNLMConfig.preset("smoke")
    model = NNLM(cfg)
    train_nnlm(model, ids["train"], vocab.stoi["<eos>"], device="cpu", progress=False)
    ppl = evaluate_perplexity(model, ids["valid"][: cfg.eval_tokens], vocab.stoi["<eos>"])
    assert math.isfinite(ppl) and ppl < 0.5 * len(vocab)
