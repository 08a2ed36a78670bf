"""ptmcourse.models.gpt and ptmcourse.hub: logits equal transformers' GPT-2, HF-format import/export,
KV-cache generation, sampling rules, save/load, GPT-1 fine-tuning inputs, and clear errors."""
from __future__ import annotations

import json

import pytest
import torch

from ptmcourse import hub
from ptmcourse.checkpoint import CheckpointMismatchError
from ptmcourse.models.gpt import (GPT, GPTClassifier, GPTConfig, classification_inputs, load_gpt, pair_inputs,
                                  recipe, sample_next, save_gpt)

transformers = pytest.importorskip("transformers")
TOL = 1e-5


def hf_gpt2(seed=0, **kw):
    torch.manual_seed(seed)
    cfg = dict(vocab_size=97, n_positions=40, n_embd=48, n_layer=3, n_head=4, bos_token_id=0, eos_token_id=0)
    cfg.update(kw)
    model = transformers.GPT2LMHeadModel(transformers.GPT2Config(**cfg)).eval()
    with torch.no_grad():  # non-trivial LayerNorm parameters and biases (their init is 1 and 0)
        for name, p in model.named_parameters():
            if "ln" in name or name.endswith("bias"):
                p.add_(0.1 * torch.randn_like(p))
    return model


def ids(b=3, t=25, v=97, seed=1):
    return torch.randint(0, v, (b, t), generator=torch.Generator().manual_seed(seed))


def max_diff(a, b):
    return (a - b).abs().max().item()


@pytest.fixture(scope="module")
def small():
    torch.manual_seed(0)
    return GPT(GPTConfig.preset("smoke", vocab_size=50, block_size=16)).eval()


pytestmark = pytest.mark.usefixtures("one_thread")


# ----------------------------------------------------------------------------- equivalence with transformers
@pytest.mark.parametrize("kw", [{}, {"activation_function": "gelu", "n_inner": 80}, {"tie_word_embeddings": False}])
def test_logits_match_transformers_gpt2(kw):
    ref = hf_gpt2(**kw)
    ours = hub.gpt2_from_transformers(ref)
    x = ids()
    with torch.no_grad():
        want = ref(x).logits
        got, _ = ours(x)
    assert max_diff(got, want) <= TOL
    assert ours.config.tie_weights == kw.get("tie_word_embeddings", True)
    assert (ours.lm_head.weight is ours.wte.weight) == ours.config.tie_weights


def test_loss_matches_transformers():
    ref = hf_gpt2()
    ours = hub.gpt2_from_transformers(ref)
    x = ids(t=30)
    with torch.no_grad():
        want = ref(x, labels=x).loss  # transformers shifts the labels inside
        _, got = ours(x[:, :-1], x[:, 1:])
    assert abs(got.item() - want.item()) <= TOL


def test_hf_directory_import_and_export(tmp_path):
    ref = hf_gpt2(seed=3)
    ref.save_pretrained(tmp_path / "hf", safe_serialization=True)
    assert (tmp_path / "hf" / "model.safetensors").is_file()
    ours = hub.load_gpt2(tmp_path / "hf")  # safetensors only, never torch.load
    x = ids(seed=4)
    with torch.no_grad():
        want = ref(x).logits
        assert max_diff(ours(x)[0], want) <= TOL
        hub.export_gpt2(ours, tmp_path / "ours")
        back = transformers.GPT2LMHeadModel.from_pretrained(tmp_path / "ours").eval()
        assert max_diff(back(x).logits, want) <= TOL


def test_gpt2model_keys_and_bad_inputs(tmp_path):
    ref = hf_gpt2()
    sd = ref.transformer.state_dict()  # GPT2Model keys: no "transformer." prefix, no lm_head
    cfg = hub.gpt2_config_from_hf(ref.config)
    mapped = hub.gpt2_state_dict_from_hf(sd, cfg)
    assert torch.equal(mapped["blocks.0.attn.in_proj.weight"], sd["h.0.attn.c_attn.weight"].t())
    with pytest.raises(ValueError, match="unknown keys"):
        hub.gpt2_state_dict_from_hf({**sd, "h.0.extra.weight": torch.zeros(1)}, cfg)
    with pytest.raises(ValueError, match="scale_attn_by_inverse_layer_idx"):
        hub.gpt2_config_from_hf({**ref.config.to_dict(), "scale_attn_by_inverse_layer_idx": True})
    with pytest.raises(ValueError, match="model_type"):
        hub.gpt2_config_from_hf({"model_type": "bert"})
    d = tmp_path / "pickled"
    d.mkdir()
    (d / "config.json").write_text(json.dumps(ref.config.to_dict()))
    (d / "pytorch_model.bin").write_bytes(b"not read")
    with pytest.raises(ValueError, match="never unpickle"):
        hub.load_gpt2(d)
    with pytest.raises(FileNotFoundError):
        hub.load_gpt2(tmp_path / "no-such-model-dir" / "x")


# ----------------------------------------------------------------------------- the model itself
def test_weight_tying_and_param_count(small):
    assert small.lm_head.weight is small.wte.weight
    c = small.config
    total = sum(p.numel() for p in small.parameters())
    assert small.num_params(non_embedding=False) == total
    assert small.num_params() == total - c.block_size * c.n_embd


def test_fast_and_readable_attention_give_same_logits(small):
    x = ids(2, 16, 50)
    with torch.no_grad():
        fast = small(x)[0]
        for blk in small.blocks:
            blk.attn.fast = False
        slow = small(x)[0]
        for blk in small.blocks:
            blk.attn.fast = True
    assert max_diff(fast, slow) <= TOL


def test_presets_and_recipes():
    assert GPTConfig.preset("gpt2").n_embd == 768 and GPTConfig.preset("gpt1").norm_first is False
    baby = GPTConfig.preset("baby")
    assert (baby.n_layer, baby.n_head, baby.n_embd, baby.block_size, baby.bias) == (4, 4, 128, 64, False)
    r = recipe("shakespeare-char", "paper")
    assert r["train"]["total_steps"] == 2000 and r["train"]["batch_size"] == 12 and r["model"] == baby
    assert r["train"]["lr"] == 1e-3 and r["train"]["min_lr"] == 1e-4 and r["train"]["betas"] == (0.9, 0.99)
    for name in ("gpt1-finetune", "gpt-scaling"):
        for scale in ("smoke", "book", "paper"):
            recipe(name, scale)
    with pytest.raises(ValueError, match="unknown GPT preset"):
        GPTConfig.preset("gpt5")
    with pytest.raises(ValueError, match="scale must be one of"):
        recipe("shakespeare-char", "huge")
    with pytest.raises(ValueError, match="divisible by n_head"):
        GPTConfig(n_embd=10, n_head=3)


# ----------------------------------------------------------------------------- generation
@pytest.mark.parametrize("mode", [dict(greedy=True), dict(temperature=0.8, top_k=10), dict(top_p=0.9),
                                  dict(temperature=1.3)])
def test_cached_and_uncached_generation_agree(small, mode):
    prompt = ids(2, 5, 50, seed=7)
    outs = [small.generate(prompt, 20, use_cache=c, generator=torch.Generator().manual_seed(0), **mode)
            for c in (True, False)]  # 25 tokens > block_size 16: the context slides
    assert torch.equal(outs[0], outs[1])
    assert outs[0].shape == (2, 25) and torch.equal(outs[0][:, :5], prompt)


def test_kv_cache_logits_equal_full_forward(small):
    x = ids(2, 12, 50, seed=8)
    caches = small.new_kv_caches()
    with torch.no_grad():
        full = small(x)[0]
        steps = [small(x[:, :4], kv_caches=caches)[0]] + [small(x[:, i:i + 1], kv_caches=caches)[0]
                                                          for i in range(4, 12)]
    assert max_diff(torch.cat(steps, 1), full) <= TOL


def test_sampling_rules():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    g = torch.Generator().manual_seed(0)
    draws = lambda **kw: {sample_next(logits, generator=g, **kw).item() for _ in range(200)}  # noqa: E731
    assert draws(top_k=1) == {0} and draws(greedy=True) == {0}
    assert draws(top_p=0.5) == {0}             # 0.5 alone reaches p
    assert draws(top_p=0.6) == {0, 1}          # needs the second token
    assert draws(top_k=3) == {0, 1, 2}
    assert draws(top_p=1.0) == {0, 1, 2, 3}
    # ties in top-p are broken by token id (a stable sort), so the kept set is always the same
    tied = torch.zeros(1, 64)
    for _ in range(20):
        assert sample_next(tied, top_p=0.05, generator=g).item() in {0, 1, 2, 3}


def test_bad_generation_inputs(small):
    ok = ids(1, 4, 50)
    with pytest.raises(ValueError, match="longer than the context"):
        small.generate(ids(1, 17, 50), 1)
    with pytest.raises(ValueError, match="T >= 1"):
        small.generate(torch.zeros(1, 0, dtype=torch.long), 1)
    with pytest.raises(ValueError, match="token id 50 is outside"):
        small.generate(torch.tensor([[1, 50]]), 1)
    with pytest.raises(ValueError, match="token id -1 is outside"):
        small(torch.tensor([[1, -1]]))
    with pytest.raises(TypeError, match="integer tensor"):
        small(torch.zeros(1, 3))
    for t in (0, -1.0):
        with pytest.raises(ValueError, match="temperature must be > 0"):
            small.generate(ok, 1, temperature=t)
    for p in (0.0, 1.5, -0.1):
        with pytest.raises(ValueError, match=r"top_p must be in \(0, 1\]"):
            small.generate(ok, 1, top_p=p)
    with pytest.raises(ValueError, match="top_k"):
        small.generate(ok, 1, top_k=0)


# ----------------------------------------------------------------------------- save / load
def test_save_load_round_trip_and_config_mismatch(tmp_path, small):
    f = save_gpt(small, tmp_path / "gpt.safetensors")
    again = load_gpt(f)
    x = ids(2, 10, 50)
    with torch.no_grad():
        assert torch.equal(again(x)[0], small(x)[0])
    assert again.lm_head.weight is again.wte.weight
    other = GPT(GPTConfig.preset("smoke", vocab_size=50, block_size=16, n_layer=3))
    with pytest.raises(CheckpointMismatchError, match="n_layer: checkpoint 2 vs model 3"):
        load_gpt(f, other)
    load_gpt(f, GPT(GPTConfig.preset("smoke", vocab_size=50, block_size=16, dropout=0.1)))  # dropout may differ
    (tmp_path / "plain.safetensors").write_bytes(b"")
    with pytest.raises(Exception):
        load_gpt(tmp_path / "plain.safetensors")
    with pytest.raises(FileNotFoundError):
        load_gpt(tmp_path / "missing.safetensors")


# ----------------------------------------------------------------------------- GPT-1 fine-tuning
def test_classification_and_pair_inputs():
    ids_, last, tgt = classification_inputs([[7, 8, 9], [5]], start_id=1, extract_id=2, max_len=10)
    assert ids_.tolist() == [[1, 7, 8, 9, 2], [1, 5, 2, 0, 0]]
    assert last.tolist() == [4, 2]
    assert tgt.tolist() == [[7, 8, 9, -100, -100], [5, -100, -100, -100, -100]]
    ids_, last, _ = classification_inputs([list(range(10, 30))], 1, 2, max_len=6)
    assert ids_.tolist() == [[1, 10, 11, 12, 13, 2]]
    p, last, _ = pair_inputs([[7, 8]], [[9]], start_id=1, delim_id=3, extract_id=2, max_len=9)
    assert p.tolist() == [[1, 7, 8, 3, 9, 2]] and last.tolist() == [5]


def test_classifier_uses_the_extract_token_and_ignores_padding(small):
    torch.manual_seed(0)
    clf = GPTClassifier(small, 2).eval()
    a, la, _ = classification_inputs([[7, 8, 9]], 1, 2, 16)
    b, lb, _ = classification_inputs([[7, 8, 9], list(range(3, 14))], 1, 2, 16)  # padded in a batch
    with torch.no_grad():
        ya, lm = clf(a, la)
        yb, _ = clf(b, lb, lm=False)
        pair, _ = clf(a, la, a, la)
    assert ya.shape == (1, 2) and lm.shape == (1, 5, 50)
    assert max_diff(ya, yb[:1]) <= TOL
    feat = small.hidden_states(a)[0, la[0]]
    assert max_diff(pair[0], clf.head(2 * feat)) <= TOL


def test_training_reduces_loss():
    from ptmcourse.train import TrainConfig, Trainer

    torch.manual_seed(0)
    model = GPT(GPTConfig.preset("smoke", vocab_size=16, block_size=8))
    data = torch.arange(64) % 16  # a cycle: easy to learn

    def batch_fn(step, gen):
        s = torch.randint(0, 64 - 9, (8,), generator=gen)
        x = torch.stack([data[i:i + 9] for i in s])
        return x[:, :-1], x[:, 1:]

    cfg = TrainConfig(total_steps=60, lr=3e-3, progress=False, log_every=10)
    hist = Trainer(model, lambda m, b: m(*b)[1], batch_fn, cfg).fit()
    _, loss = hist.series("train_loss")
    assert loss[-1] < 0.5 * loss[0]
