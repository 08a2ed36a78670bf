"""Transformer blocks: multi-head self-attention and a feed-forward network, each wrapped in a
residual connection and layer normalisation, either before (pre-LN, GPT-2) or after (post-LN, the
original Transformer, GPT-1, BERT).

    pre-LN:   x = x + Attn(LN1(x));      x = x + FF(LN2(x))        (and one more LN at the end)
    post-LN:  x = LN1(x + Attn(x));      x = LN2(x + FF(x))

Used in: book/attention, book/gpt (and the BERT, XLNet and ConSERT chapters).
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .attention import KVCache, MultiHeadAttention

__all__ = ["FeedForward", "TransformerBlock", "TransformerStack", "ACTIVATIONS", "HF_ACTIVATIONS"]

ACTIVATIONS = {
    "gelu": F.gelu,                                       # exact (erf) GELU: BERT, nanoGPT
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),  # GPT-1/GPT-2 ("gelu_new" in transformers)
    "relu": F.relu,                                       # the original Transformer
}

# Hugging Face config names (GPT-2 ``activation_function``, BERT ``hidden_act``) -> ours. "gelu_new",
# "gelu_fast" and "gelu_pytorch_tanh" are the same tanh approximation written three ways.
HF_ACTIVATIONS = {"gelu": "gelu", "relu": "relu", "gelu_new": "gelu_tanh", "gelu_fast": "gelu_tanh",
                  "gelu_pytorch_tanh": "gelu_tanh"}


class FeedForward(nn.Module):
    """Position-wise ``fc2(act(fc1(x)))`` with a hidden width ``d_ff`` (usually ``4 d_model``)."""

    def __init__(self, d_model: int, d_ff: int, activation: str = "gelu", dropout: float = 0.0, bias: bool = True):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        self.activation = activation
        self.act = ACTIVATIONS[activation]
        self.fc1 = nn.Linear(d_model, d_ff, bias=bias)
        self.fc2 = nn.Linear(d_ff, d_model, bias=bias)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.fc2(self.act(self.fc1(x))))  # (B, T, C)

    def extra_repr(self) -> str:
        return f"activation={self.activation!r}"


class TransformerBlock(nn.Module):
    """One Transformer layer: self-attention then feed-forward, with residuals and LayerNorm.

    Parameters
    ----------
    d_model, n_heads : width and number of attention heads.
    d_ff : hidden width of the feed-forward network (default ``4 * d_model``).
    dropout : on the residual branches (and, unless ``attn_dropout`` is given, on attention weights).
    norm_first : True = pre-LN (GPT-2), False = post-LN (Transformer, GPT-1, BERT).
    activation : ``"gelu"``, ``"gelu_tanh"`` or ``"relu"``.
    bias : biases in the linear maps and LayerNorms. layer_norm_eps : LayerNorm's epsilon.

    Used in: book/attention, book/gpt.
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int | None = None, dropout: float = 0.0, *,
                 attn_dropout: float | None = None, norm_first: bool = True, activation: str = "gelu",
                 bias: bool = True, layer_norm_eps: float = 1e-5, fast: bool = True):
        super().__init__()
        self.norm_first = norm_first
        self.ln1 = nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout if attn_dropout is None else attn_dropout,
                                       bias=bias, fast=fast)
        self.ln2 = nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.ff = FeedForward(d_model, d_ff or 4 * d_model, activation, dropout, bias)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, *, attn_mask: torch.Tensor | None = None,
                padding_mask: torch.Tensor | None = None, is_causal: bool = False,
                kv_cache: KVCache | None = None) -> torch.Tensor:
        """``x`` (B, T, C) -> (B, T, C); masks as in :class:`MultiHeadAttention`."""
        kw = dict(attn_mask=attn_mask, padding_mask=padding_mask, is_causal=is_causal, kv_cache=kv_cache)
        if self.norm_first:
            x = x + self.drop(self.attn(self.ln1(x), **kw))
            x = x + self.ff(self.ln2(x))
        else:
            x = self.ln1(x + self.drop(self.attn(x, **kw)))
            x = self.ln2(x + self.ff(x))
        return x


class TransformerStack(nn.Module):
    """``n_layers`` :class:`TransformerBlock` s; pre-LN stacks end with one more LayerNorm (``norm``).

    ``forward(x, attn_mask=..., padding_mask=..., is_causal=..., kv_caches=[one per layer])``.
    Keyword arguments other than ``n_layers`` go to every block.

    Used in: book/attention.
    """

    def __init__(self, n_layers: int, d_model: int, n_heads: int, **block_kw):
        super().__init__()
        if n_layers < 1:
            raise ValueError(f"n_layers must be >= 1, got {n_layers}")
        self.layers = nn.ModuleList(TransformerBlock(d_model, n_heads, **block_kw) for _ in range(n_layers))
        pre = block_kw.get("norm_first", True)
        self.norm = nn.LayerNorm(d_model, eps=block_kw.get("layer_norm_eps", 1e-5),
                                 bias=block_kw.get("bias", True)) if pre else nn.Identity()

    def forward(self, x: torch.Tensor, *, attn_mask: torch.Tensor | None = None,
                padding_mask: torch.Tensor | None = None, is_causal: bool = False,
                kv_caches: Sequence[KVCache] | None = None) -> torch.Tensor:
        if kv_caches is not None and len(kv_caches) != len(self.layers):
            raise ValueError(f"kv_caches must have one cache per layer ({len(self.layers)}), got {len(kv_caches)}")
        for i, layer in enumerate(self.layers):
            x = layer(x, attn_mask=attn_mask, padding_mask=padding_mask, is_causal=is_causal,
                      kv_cache=None if kv_caches is None else kv_caches[i])
        return self.norm(x)
