"""Position information for attention, which by itself ignores order: learned and sinusoidal.

Both modules are called with a length (and an offset, for a KV cache) and return ``(T, C)`` vectors
to add to the token embeddings.

Used in: book/attention, book/gpt (and the BERT chapter).
"""
from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["sinusoidal_positions", "SinusoidalPositions", "LearnedPositions"]


def _check_span(t: int, offset: int, max_len: int) -> None:
    if isinstance(t, bool) or not isinstance(t, int) or t < 0:
        raise ValueError(f"length must be an int >= 0, got {t!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValueError(f"offset must be an int >= 0, got {offset!r}")
    if offset + t > max_len:
        raise ValueError(f"positions {offset}..{offset + t - 1} do not fit in max_len={max_len} "
                         f"(the model's context length); use a shorter input")


def sinusoidal_positions(n: int, d: int, base: float = 10000.0) -> torch.Tensor:
    """The Transformer's fixed encodings (Vaswani et al. 2017, §3.5), shape ``(n, d)``:

    ``PE[p, 2i] = sin(p / base^(2i/d))``, ``PE[p, 2i+1] = cos(p / base^(2i/d))``.
    """
    if n < 0 or d < 2 or d % 2:
        raise ValueError(f"need n >= 0 and an even d >= 2, got n={n}, d={d}")
    pos = torch.arange(n, dtype=torch.float64)[:, None]  # (n, 1)
    inv_freq = torch.exp(-math.log(base) * torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,)
    pe = torch.zeros(n, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * inv_freq)
    pe[:, 1::2] = torch.cos(pos * inv_freq)
    return pe.float()  # (n, d)


class SinusoidalPositions(nn.Module):
    """Fixed sinusoidal position vectors (a buffer, not trained), up to ``max_len`` positions."""

    def __init__(self, max_len: int, d_model: int, base: float = 10000.0):
        super().__init__()
        self.max_len = max_len
        self.register_buffer("table", sinusoidal_positions(max_len, d_model, base), persistent=False)

    def forward(self, t: int, offset: int = 0) -> torch.Tensor:
        """Vectors of positions ``offset .. offset + t - 1``, shape (T, C)."""
        _check_span(t, offset, self.max_len)
        return self.table[offset:offset + t]


class LearnedPositions(nn.Module):
    """One trained vector per position (GPT, BERT), ``weight`` of shape ``(max_len, d_model)``."""

    def __init__(self, max_len: int, d_model: int):
        super().__init__()
        self.max_len = max_len
        self.weight = nn.Parameter(torch.randn(max_len, d_model) * 0.02)

    def forward(self, t: int, offset: int = 0) -> torch.Tensor:
        """Vectors of positions ``offset .. offset + t - 1``, shape (T, C)."""
        _check_span(t, offset, self.max_len)
        return self.weight[offset:offset + t]
