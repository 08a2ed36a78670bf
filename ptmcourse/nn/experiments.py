"""The attention chapter's small experiments: measuring a layer's forward+backward time and the
memory it keeps for backward, and a toy task (reversing a sequence) whose trained attention maps
are easy to read.

Used in: book/attention.
"""
from __future__ import annotations

import time
from typing import Any, Callable

import torch
from torch import nn

from .attention import MultiHeadAttention
from .positions import LearnedPositions
from .transformer import TransformerStack

__all__ = ["saved_tensor_bytes", "time_forward_backward", "SelfAttentionLayer", "LSTMLayer",
           "reversal_batch_fn", "ReversalEncoder", "PRESETS", "preset"]


# ----------------------------------------------------------------------------- measuring
def saved_tensor_bytes(fn: Callable[[], torch.Tensor]) -> int:
    """Bytes of the tensors autograd saves for the backward pass while ``fn()`` runs (each storage
    counted once): the activation memory a layer needs for training. Deterministic, unlike RSS."""
    seen: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        s = t.untyped_storage()
        seen[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    del out
    return sum(seen.values())


def time_forward_backward(module: nn.Module, x: torch.Tensor, repeats: int = 3) -> float:
    """Best-of-``repeats`` seconds of ``module(x).sum().backward()`` (after one warm-up call)."""
    x = x.detach().requires_grad_(True)
    best = float("inf")
    for i in range(repeats + 1):
        t0 = time.perf_counter()
        module(x).float().sum().backward()
        if i:
            best = min(best, time.perf_counter() - t0)
    return best


class SelfAttentionLayer(nn.Module):
    """Causal multi-head self-attention of width ``d`` as a (B, T, d) -> (B, T, d) layer."""

    def __init__(self, d: int, n_heads: int = 4, fast: bool = True):
        super().__init__()
        self.attn = MultiHeadAttention(d, n_heads, fast=fast)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.attn(x, is_causal=True)


class LSTMLayer(nn.Module):
    """``torch.nn.LSTM`` of width ``d`` as a (B, T, d) -> (B, T, d) layer (outputs only)."""

    def __init__(self, d: int):
        super().__init__()
        self.lstm = nn.LSTM(d, d, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lstm(x)[0]


# ----------------------------------------------------------------------------- the reversal task
def reversal_batch_fn(length: int, vocab: int, batch_size: int):
    """``batch_fn(step, generator) -> (x, y)`` with random digit strings ``x`` (B, L) and their
    reversals ``y[:, i] = x[:, L-1-i]``: each output position must look at exactly one input position."""
    def batch_fn(step: int, generator: torch.Generator):
        x = torch.randint(0, vocab, (batch_size, length), generator=generator)  # (B, L)
        return x, x.flip(1)
    return batch_fn


class ReversalEncoder(nn.Module):
    """Embedding + learned positions + a bidirectional Transformer stack + a per-position classifier."""

    def __init__(self, vocab: int, length: int, d_model: int = 64, n_heads: int = 4, n_layers: int = 1):
        super().__init__()
        self.emb = nn.Embedding(vocab, d_model)
        self.pos = LearnedPositions(length, d_model)
        self.encoder = TransformerStack(n_layers, d_model, n_heads, norm_first=True)
        self.head = nn.Linear(d_model, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.emb(x) + self.pos(x.shape[1])  # (B, L, C)
        return self.head(self.encoder(h))  # (B, L, vocab)

    def loss(self, batch: tuple[torch.Tensor, torch.Tensor]) -> dict[str, torch.Tensor]:
        x, y = batch
        logits = self(x)
        loss = nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten())
        return {"loss": loss, "acc": (logits.argmax(-1) == y).float().mean()}


# ----------------------------------------------------------------------------- presets by scale
PRESETS: dict[str, dict[str, Any]] = {
    "smoke": dict(lengths=[16, 32, 64], width=32, batch=2, repeats=1,
                  reversal=dict(length=8, vocab=10, d_model=32, steps=30, batch_size=32, lr=1e-2)),
    "book": dict(lengths=[32, 64, 128, 256, 512, 1024], width=128, batch=4, repeats=3,
                 reversal=dict(length=12, vocab=10, d_model=64, steps=300, batch_size=64, lr=1e-2)),
    "paper": dict(lengths=[32, 64, 128, 256, 512, 1024, 2048], width=256, batch=8, repeats=5,
                  reversal=dict(length=12, vocab=10, d_model=64, steps=600, batch_size=64, lr=1e-2)),
}


def preset(scale: str) -> dict[str, Any]:
    """The attention chapter's settings at ``scale`` (``smoke``/``book``/``paper``)."""
    if scale not in PRESETS:
        raise ValueError(f"scale must be one of {tuple(PRESETS)}, got {scale!r}")
    return PRESETS[scale]
