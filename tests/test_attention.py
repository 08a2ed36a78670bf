"""ptmcourse.nn: attention (readable vs fast path), masks, KV cache, multi-head attention vs
torch.nn.MultiheadAttention, Transformer blocks vs torch.nn.TransformerEncoderLayer, positions."""
from __future__ import annotations

import math

import pytest
import torch

from ptmcourse import nn as pnn

ATOL = 1e-5


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


pytestmark = pytest.mark.usefixtures("one_thread")


# ----------------------------------------------------------------------------- masks
def test_causal_mask_square_and_bottom_right():
    m = pnn.causal_mask(3)
    assert m.tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    m = pnn.causal_mask(2, 4)  # 2 new queries after 2 cached positions
    assert m.tolist() == [[True, True, True, False], [True, True, True, True]]
    with pytest.raises(ValueError, match="s >= t"):
        pnn.causal_mask(4, 2)
    with pytest.raises(ValueError, match="positive int"):
        pnn.causal_mask(0)


def test_padding_mask_from_lengths():
    m = pnn.padding_mask_from_lengths(torch.tensor([1, 3]), 4)
    assert m.tolist() == [[True, False, False, False], [True, True, True, False]]
    with pytest.raises(ValueError, match="1-D"):
        pnn.padding_mask_from_lengths(torch.ones(2, 2))


# ----------------------------------------------------------------------------- readable == fast
@pytest.mark.parametrize("case", ["none", "bool", "float", "causal", "causal_cache", "causal+bool", "empty_row"])
def test_math_and_fast_paths_agree(case):
    b, h, t, s, d = 2, 3, 5, 5, 8
    if case == "causal_cache":
        s = 7
    q, k, v = rand(b, h, t, d, seed=1), rand(b, h, s, d, seed=2), rand(b, h, s, d, seed=3)
    mask, causal = None, case.startswith("causal")
    if case in ("bool", "causal+bool", "empty_row"):
        mask = rand(b, 1, t, s, seed=4) > -0.5
        mask[..., 0] = True  # every row keeps a key (the causal diagonal does the rest)
        if case == "empty_row":
            mask[0, 0, 2, :] = False
    elif case == "float":
        mask = rand(1, h, t, s, seed=5)
    fast = pnn.scaled_dot_product_attention(q, k, v, mask, is_causal=causal, fast=True)
    slow, w = pnn.attention_math(q, k, v, mask, is_causal=causal)
    assert torch.allclose(fast, slow, atol=ATOL), (fast - slow).abs().max()
    assert torch.isfinite(slow).all()
    sums = w.sum(-1)
    if case == "empty_row":
        assert torch.all(slow[0, :, 2] == 0) and torch.all(sums[0, :, 2] == 0)
        sums[0, :, 2] = 1
    assert torch.allclose(sums, torch.ones_like(sums), atol=1e-6)
    if causal:
        assert torch.all(w.masked_select(~pnn.causal_mask(t, s)) == 0)


def test_paths_agree_on_gradients():
    q, k, v = (rand(2, 2, 6, 4, seed=i).requires_grad_() for i in range(3))
    grads = []
    for fast in (True, False):
        out = pnn.scaled_dot_product_attention(q, k, v, is_causal=True, fast=fast)
        grads.append(torch.autograd.grad(out.square().sum(), (q, k, v)))
    for g_fast, g_slow in zip(*grads):
        assert torch.allclose(g_fast, g_slow, atol=ATOL)


def test_scaling_is_one_over_sqrt_d():
    q, k, v = rand(1, 4, 16), rand(1, 4, 16, seed=1), rand(1, 4, 16, seed=2)
    _, w = pnn.attention_math(q, k, v)
    ref = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(16), -1)
    assert torch.allclose(w, ref, atol=1e-6)


# ----------------------------------------------------------------------------- multi-head attention
def torch_mha_with_our_weights(ours: pnn.MultiHeadAttention) -> torch.nn.MultiheadAttention:
    ref = torch.nn.MultiheadAttention(ours.d_model, ours.n_heads, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(ours.in_proj.weight)
        ref.in_proj_bias.copy_(ours.in_proj.bias)
        ref.out_proj.weight.copy_(ours.out_proj.weight)
        ref.out_proj.bias.copy_(ours.out_proj.bias)
    return ref.eval()


@pytest.mark.parametrize("masks", ["none", "padding", "causal", "both", "cross"])
def test_mha_matches_torch_multihead_attention(masks):
    torch.manual_seed(0)
    b, t, e, h = 3, 6, 16, 4
    ours = pnn.MultiHeadAttention(e, h).eval()
    ref = torch_mha_with_our_weights(ours)
    x = rand(b, t, e)
    ctx = rand(b, 4, e, seed=9) if masks == "cross" else x
    s = ctx.shape[1]
    real = pnn.padding_mask_from_lengths(torch.tensor([s, s - 2, 1]), s)  # (B, S) True = real
    pad = real if masks in ("padding", "both", "cross") else None
    causal = masks in ("causal", "both")
    tmask = ~pnn.causal_mask(t) if causal else None  # torch: True = NOT allowed
    want, want_w = ref(x, ctx, ctx, key_padding_mask=None if pad is None else ~pad, attn_mask=tmask,
                       need_weights=True, average_attn_weights=False)
    with torch.no_grad():
        got, got_w = ours(x, None if masks != "cross" else ctx, padding_mask=pad, is_causal=causal,
                          need_weights=True)
        got_fast = ours(x, None if masks != "cross" else ctx, padding_mask=pad, is_causal=causal)
    assert torch.allclose(got, want, atol=ATOL), (got - want).abs().max()
    assert torch.allclose(got_w, want_w, atol=ATOL)
    assert torch.allclose(got_fast, want, atol=ATOL)


def test_mha_kv_cache_equals_full_causal_pass():
    torch.manual_seed(0)
    mha = pnn.MultiHeadAttention(16, 4).eval()
    x = rand(2, 7, 16)
    with torch.no_grad():
        full = mha(x, is_causal=True)
        cache = pnn.KVCache(max_len=7)
        parts = [mha(x[:, :3], is_causal=True, kv_cache=cache)]  # prefill 3, then 2 + 1 + 1
        parts += [mha(x[:, 3:5], is_causal=True, kv_cache=cache)]
        parts += [mha(x[:, i:i + 1], is_causal=True, kv_cache=cache) for i in (5, 6)]
    assert torch.allclose(torch.cat(parts, 1), full, atol=ATOL)
    assert cache.length == 7
    with pytest.raises(ValueError, match="KV cache full"):
        mha(x[:, :1], is_causal=True, kv_cache=cache)


def test_mha_validates_inputs():
    with pytest.raises(ValueError, match="multiple of n_heads"):
        pnn.MultiHeadAttention(10, 3)
    mha = pnn.MultiHeadAttention(8, 2)
    with pytest.raises(ValueError, match=r"x must be \(B, T, 8\)"):
        mha(torch.zeros(2, 3, 6))
    with pytest.raises(ValueError, match="padding_mask must be bool"):
        mha(torch.zeros(2, 3, 8), padding_mask=torch.ones(2, 3))
    with pytest.raises(TypeError, match="attn_mask must be bool"):
        mha(torch.zeros(2, 3, 8), attn_mask=torch.ones(3, 3, dtype=torch.long))


def test_capture_attention_records_maps():
    torch.manual_seed(0)
    stack = pnn.TransformerStack(2, 8, 2).eval()
    x = rand(1, 5, 8)
    with torch.no_grad():
        plain = stack(x, is_causal=True)
        with pnn.capture_attention(stack) as maps:
            captured = stack(x, is_causal=True)
    assert [tuple(m.shape) for m in maps] == [(1, 2, 5, 5)] * 2
    assert torch.allclose(plain, captured, atol=ATOL)
    assert torch.all(maps[0].triu(1) == 0)
    assert all(m._capture is None for m in stack.modules() if isinstance(m, pnn.MultiHeadAttention))


# ----------------------------------------------------------------------------- blocks
@pytest.mark.parametrize("norm_first", [True, False])
def test_block_matches_torch_encoder_layer(norm_first):
    torch.manual_seed(0)
    e, h, ff = 16, 4, 32
    ours = pnn.TransformerBlock(e, h, ff, norm_first=norm_first, activation="gelu").eval()
    with torch.no_grad():  # non-trivial LayerNorm parameters
        for ln in (ours.ln1, ours.ln2):
            ln.weight.uniform_(0.5, 1.5)
            ln.bias.uniform_(-0.5, 0.5)
    ref = torch.nn.TransformerEncoderLayer(e, h, ff, dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=norm_first)
    ref.self_attn.load_state_dict(torch_mha_with_our_weights(ours.attn).state_dict())
    ref.linear1.load_state_dict(ours.ff.fc1.state_dict())
    ref.linear2.load_state_dict(ours.ff.fc2.state_dict())
    ref.norm1.load_state_dict(ours.ln1.state_dict())
    ref.norm2.load_state_dict(ours.ln2.state_dict())
    ref.train()  # the training path (the eval fast path may use other kernels); dropout is 0
    x = rand(2, 6, e)
    pad = pnn.padding_mask_from_lengths(torch.tensor([6, 4]), 6)
    got = ours(x, padding_mask=pad, is_causal=True)
    want = ref(x, src_mask=~pnn.causal_mask(6), src_key_padding_mask=~pad)
    assert torch.allclose(got, want, atol=ATOL), (got - want).abs().max()


def test_stack_pre_ln_has_final_norm_post_ln_not():
    assert isinstance(pnn.TransformerStack(2, 8, 2, norm_first=True).norm, torch.nn.LayerNorm)
    assert isinstance(pnn.TransformerStack(2, 8, 2, norm_first=False).norm, torch.nn.Identity)
    with pytest.raises(ValueError, match="activation"):
        pnn.TransformerBlock(8, 2, activation="swish")


# ----------------------------------------------------------------------------- positions
def test_sinusoidal_positions_formula_and_relative_property():
    pe = pnn.sinusoidal_positions(50, 8)
    assert pe.shape == (50, 8)
    assert torch.allclose(pe[3, 0], torch.tensor(math.sin(3.0)))
    assert torch.allclose(pe[3, 1], torch.tensor(math.cos(3.0)))
    assert torch.allclose(pe[3, 2], torch.tensor(math.sin(3 / 10000 ** (2 / 8))))
    # the dot product of two encodings depends only on their distance
    assert torch.allclose(pe[5] @ pe[9], pe[20] @ pe[24], atol=1e-5)
    sp = pnn.SinusoidalPositions(50, 8)
    assert torch.equal(sp(4, offset=2), pe[2:6])
    assert not list(sp.parameters())


def test_positions_reject_out_of_range():
    lp = pnn.LearnedPositions(10, 4)
    assert lp(3, offset=7).shape == (3, 4)
    with pytest.raises(ValueError, match="max_len=10"):
        lp(4, offset=7)
    with pytest.raises(ValueError, match="max_len=5"):
        pnn.SinusoidalPositions(5, 4)(6)
    with pytest.raises(ValueError, match="even d"):
        pnn.sinusoidal_positions(4, 3)


def test_fast_flag_off_uses_readable_path_with_same_result():
    torch.manual_seed(0)
    a = pnn.MultiHeadAttention(8, 2, fast=True).eval()
    b = pnn.MultiHeadAttention(8, 2, fast=False).eval()
    b.load_state_dict(a.state_dict())
    x = rand(2, 5, 8)
    assert torch.allclose(a(x, is_causal=True), b(x, is_causal=True), atol=ATOL)


# ----------------------------------------------------------------------------- the chapter's experiments
def test_saved_memory_quadratic_for_readable_linear_for_fused():
    from ptmcourse.nn import experiments as ex

    torch.manual_seed(0)
    mem = {}
    for fast in (False, True):
        layer = ex.SelfAttentionLayer(16, 2, fast=fast)
        mem[fast] = [ex.saved_tensor_bytes(lambda: layer(torch.randn(1, t, 16, requires_grad=True)))
                     for t in (64, 128, 256)]
    ratio = lambda m: m[2] / m[1]  # noqa: E731  (doubling T)
    assert 3.0 < ratio(mem[False]) < 4.1   # the (B, H, T, T) weights dominate: x4
    assert 1.8 < ratio(mem[True]) < 2.2    # fused kernel: linear in T
    assert ex.time_forward_backward(ex.LSTMLayer(8), torch.randn(1, 5, 8), repeats=1) > 0


def test_reversal_task_and_presets():
    from ptmcourse.nn import experiments as ex

    x, y = ex.reversal_batch_fn(6, 10, 4)(0, torch.Generator().manual_seed(0))
    assert torch.equal(y, x.flip(1)) and x.shape == (4, 6)
    model = ex.ReversalEncoder(10, 6, d_model=16, n_heads=2)
    out = model.loss((x, y))
    assert out["loss"].ndim == 0 and 0.0 <= out["acc"].item() <= 1.0
    assert ex.preset("book")["width"] == 128
    with pytest.raises(ValueError, match="scale must be one of"):
        ex.preset("huge")
