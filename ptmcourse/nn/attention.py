"""Scaled dot-product attention, masks, a KV cache and multi-head attention.

Conventions used everywhere in ``ptmcourse.nn``:

- Tensors are batch-first: ``x`` is ``(B, T, C)``; per-head tensors are ``(B, H, T, D)``.
- A boolean mask is ``True`` where a query **may** attend to a key (the convention of
  ``F.scaled_dot_product_attention``); it broadcasts to the scores' shape ``(B, H, T, S)``.
  A float mask is *added* to the scores (``-inf`` blocks).
- ``padding_mask`` is ``(B, S)`` bool, ``True`` at real tokens (Hugging Face's ``attention_mask``),
  the opposite of ``torch.nn.MultiheadAttention``'s ``key_padding_mask``.
- A query row whose keys are all masked gets zero output (as ``F.scaled_dot_product_attention``).

Used in: book/attention, book/gpt (and the BERT, XLNet and ConSERT chapters).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["attention_math", "scaled_dot_product_attention", "causal_mask", "padding_mask_from_lengths",
           "merge_masks", "KVCache", "MultiHeadAttention", "capture_attention"]


# ----------------------------------------------------------------------------- masks
def causal_mask(t: int, s: int | None = None, device: torch.device | str | None = None) -> torch.Tensor:
    """``(T, S)`` bool mask, ``True`` where key ``j`` is not in the future of query ``i``.

    With ``S > T`` (queries are the last ``T`` of ``S`` positions, as when a KV cache holds the first
    ``S - T``) the diagonal is aligned bottom-right: query ``i`` sees keys ``j <= i + S - T``.
    """
    s = t if s is None else s
    for name, v in (("t", t), ("s", s)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    if s < t:
        raise ValueError(f"causal_mask needs s >= t (keys include the queries' own positions), got t={t}, s={s}")
    i = torch.arange(t, device=device)[:, None]  # (T, 1)
    j = torch.arange(s, device=device)[None, :]  # (1, S)
    return j <= i + (s - t)  # (T, S)


def padding_mask_from_lengths(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """``(B, S)`` bool mask, ``True`` at the first ``lengths[b]`` positions of row ``b`` (real tokens)."""
    lengths = torch.as_tensor(lengths)
    if lengths.ndim != 1:
        raise ValueError(f"lengths must be 1-D (B,), got shape {tuple(lengths.shape)}")
    s = int(lengths.max()) if max_len is None else max_len
    return torch.arange(s, device=lengths.device)[None, :] < lengths[:, None]  # (B, S)


def merge_masks(attn_mask: torch.Tensor | None, padding_mask: torch.Tensor | None, is_causal: bool,
                t: int, s: int, device: torch.device) -> torch.Tensor | None:
    """Combine an attention mask, a ``(B, S)`` padding mask and causality into one mask (or None).

    Boolean masks are and-ed; if ``attn_mask`` is a float (additive) mask the others are added to it
    as ``-inf``. The result broadcasts to ``(B, H, T, S)``.
    """
    mask = attn_mask
    if mask is not None and mask.dtype != torch.bool and not mask.is_floating_point():
        raise TypeError(f"attn_mask must be bool (True = may attend) or float (added), got {mask.dtype}")
    extra = []
    if padding_mask is not None:
        if padding_mask.dtype != torch.bool or padding_mask.ndim != 2 or padding_mask.shape[1] != s:
            raise ValueError(f"padding_mask must be bool (B, S={s}) with True at real tokens, "
                             f"got {padding_mask.dtype} {tuple(padding_mask.shape)}")
        extra.append(padding_mask[:, None, None, :])  # (B, 1, 1, S)
    if is_causal:
        extra.append(causal_mask(t, s, device))  # (T, S)
    for m in extra:
        if mask is None:
            mask = m
        elif mask.dtype == torch.bool:
            mask = mask & m
        else:
            mask = mask.masked_fill(~m, float("-inf"))
    return mask


# ----------------------------------------------------------------------------- attention itself
def attention_math(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None, *,
                   is_causal: bool = False, scale: float | None = None, dropout_p: float = 0.0,
                   training: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """The readable path: ``softmax(q k^T / sqrt(d) + mask) v``; returns ``(output, weights)``.

    Parameters
    ----------
    q : (..., T, D) queries; k : (..., S, D) keys; v : (..., S, Dv) values.
    mask : bool (True = may attend) or float (added), broadcastable to (..., T, S).
    is_causal : also mask keys in the future of each query (bottom-right aligned if S > T).
    scale : multiplies the scores; default ``1 / sqrt(D)``.

    Returns
    -------
    output : (..., T, Dv); weights : (..., T, S), each row sums to 1 (0 for a fully masked row).
    """
    t, s = q.shape[-2], k.shape[-2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * scale  # (..., T, S)
    if is_causal:
        mask = merge_masks(mask, None, True, t, s, q.device)
    allowed = None
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
            allowed = mask
        else:
            scores = scores + mask
            allowed = mask > float("-inf")
    weights = torch.softmax(scores, dim=-1)  # (..., T, S)
    if allowed is not None:  # a row with nothing to attend to gives 0, not NaN
        weights = weights.masked_fill(~allowed.any(dim=-1, keepdim=True), 0.0)
    if dropout_p > 0.0 and training:
        weights = F.dropout(weights, p=dropout_p)
    return weights @ v, weights  # (..., T, Dv), (..., T, S)


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None, *, is_causal: bool = False,
                                 scale: float | None = None, dropout_p: float = 0.0, training: bool = False,
                                 fast: bool = True) -> torch.Tensor:
    """Scaled dot-product attention: ``F.scaled_dot_product_attention`` (``fast=True``) or the
    readable :func:`attention_math` (``fast=False``). Same arguments and, up to rounding, same result.

    ``is_causal`` with ``S > T`` is aligned bottom-right (the KV-cache case) on both paths.
    """
    if q.ndim < 3 or k.ndim != q.ndim or v.ndim != q.ndim:
        raise ValueError(f"q, k, v must have the same rank >= 3, got {tuple(q.shape)}, {tuple(k.shape)}, "
                         f"{tuple(v.shape)}")
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"dropout_p must be in [0, 1), got {dropout_p}")
    if not fast:
        return attention_math(q, k, v, mask, is_causal=is_causal, scale=scale, dropout_p=dropout_p,
                              training=training)[0]
    t, s = q.shape[-2], k.shape[-2]
    if is_causal and (mask is not None or s != t):  # F.sdpa's is_causal is top-left aligned and maskless
        mask, is_causal = merge_masks(mask, None, True, t, s, q.device), False
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p if training else 0.0,
                                          is_causal=is_causal, scale=scale)


# ----------------------------------------------------------------------------- KV cache
class KVCache:
    """Keys and values of the positions seen so far, for one attention layer (fast generation).

    Buffers of ``max_len`` positions are allocated at the first :meth:`update` (with that call's
    batch, heads, dtype and device); each update writes the new positions and returns views of all
    positions so far.
    """

    def __init__(self, max_len: int):
        if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1:
            raise ValueError(f"max_len must be a positive int, got {max_len!r}")
        self.max_len, self.length = max_len, 0
        self.k: torch.Tensor | None = None
        self.v: torch.Tensor | None = None

    def update(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Append ``k, v`` of shape (B, H, T, D); return all keys and values (B, H, length, D)."""
        t = k.shape[-2]
        if self.length + t > self.max_len:
            raise ValueError(f"KV cache full: {self.length} cached + {t} new positions > max_len={self.max_len}")
        if self.k is None:
            b, h, _, d = k.shape
            self.k = k.new_empty(b, h, self.max_len, d)
            self.v = v.new_empty(b, h, self.max_len, v.shape[-1])
        self.k[:, :, self.length:self.length + t] = k
        self.v[:, :, self.length:self.length + t] = v
        self.length += t
        return self.k[:, :, :self.length], self.v[:, :, :self.length]

    def __repr__(self) -> str:
        return f"KVCache(length={self.length}, max_len={self.max_len})"


# ----------------------------------------------------------------------------- multi-head attention
class MultiHeadAttention(nn.Module):
    """Multi-head attention: project to ``n_heads`` query/key/value spaces of ``d_model // n_heads``
    dimensions, attend in each, concatenate, mix with a linear map.

    The projections are one ``in_proj`` (``d_model -> 3 d_model``, rows ``[q; k; v]``) and
    ``out_proj``: the layout of ``torch.nn.MultiheadAttention`` (``in_proj_weight``) and of GPT-2's
    ``c_attn`` (transposed), so weights load from either with a copy.

    Parameters
    ----------
    d_model : int; n_heads : int (divides d_model); dropout : float, on the attention weights;
    bias : bool, biases in the projections; fast : bool, use ``F.scaled_dot_product_attention``
    (False: the readable path; both give the same result).

    Used in: book/attention, book/gpt.
    """

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0, bias: bool = True, fast: bool = True):
        super().__init__()
        if d_model < 1 or n_heads < 1 or d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be a positive multiple of n_heads ({n_heads})")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.d_model, self.n_heads, self.head_dim = d_model, n_heads, d_model // n_heads
        self.dropout, self.fast = dropout, fast
        self.in_proj = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        self._capture: list | None = None  # set by capture_attention()

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.view(b, t, self.n_heads, self.head_dim).transpose(1, 2)  # (B, H, T, D)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None, *,
                attn_mask: torch.Tensor | None = None, padding_mask: torch.Tensor | None = None,
                is_causal: bool = False, kv_cache: KVCache | None = None,
                need_weights: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """Attend from ``x`` (B, T, C) to ``context`` (B, S, C), or to ``x`` itself (self-attention).

        Parameters
        ----------
        attn_mask : bool/float mask broadcastable to (B, H, T, S) (see module docstring).
        padding_mask : (B, S) bool, True at real key tokens.
        is_causal : each position attends only to itself and the past.
        kv_cache : a :class:`KVCache`; the new keys/values are appended and attention covers all
            cached positions (self-attention only).
        need_weights : also return the attention weights (B, H, T, S) (uses the readable path).

        Returns
        -------
        (B, T, C), and the weights if ``need_weights``.
        """
        if x.ndim != 3 or x.shape[-1] != self.d_model:
            raise ValueError(f"x must be (B, T, {self.d_model}), got {tuple(x.shape)}")
        if context is None:
            q, k, v = self.in_proj(x).split(self.d_model, dim=2)  # 3 x (B, T, C)
        else:
            if kv_cache is not None:
                raise ValueError("kv_cache is for self-attention; pass context=None")
            w, b = self.in_proj.weight, self.in_proj.bias
            wq, wkv = w[: self.d_model], w[self.d_model:]
            bq, bkv = (None, None) if b is None else (b[: self.d_model], b[self.d_model:])
            q = F.linear(x, wq, bq)  # (B, T, C)
            k, v = F.linear(context, wkv, bkv).split(self.d_model, dim=2)  # 2 x (B, S, C)
        q, k, v = self._heads(q), self._heads(k), self._heads(v)  # (B, H, T|S, D)
        if kv_cache is not None:
            k, v = kv_cache.update(k, v)  # (B, H, S, D), S = cached + T
        t, s = q.shape[2], k.shape[2]
        is_causal = is_causal and t > 1  # one query at the end of the sequence sees every key
        # plain causal self-attention (GPT training): no mask tensor at all, the kernel skips the future
        plain_causal = is_causal and s == t and attn_mask is None and padding_mask is None
        mask = None if plain_causal else merge_masks(attn_mask, padding_mask, is_causal, t, s, x.device)
        p = self.dropout if self.training else 0.0
        weights = None
        if need_weights or self._capture is not None or not self.fast:
            y, weights = attention_math(q, k, v, mask, is_causal=plain_causal, dropout_p=p, training=self.training)
            if self._capture is not None:
                self._capture.append(weights.detach())
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p, is_causal=plain_causal)
        b = x.shape[0]
        y = y.transpose(1, 2).reshape(b, t, self.d_model)  # (B, T, C): heads side by side
        y = self.out_proj(y)
        return (y, weights) if need_weights else y

    def extra_repr(self) -> str:
        return f"d_model={self.d_model}, n_heads={self.n_heads}, dropout={self.dropout}, fast={self.fast}"


class capture_attention:
    """Context manager that records every attention map computed inside it.

    >>> with capture_attention(model) as maps:
    ...     model(x)
    >>> maps[0].shape   # (B, H, T, S) of the first MultiHeadAttention called

    Used in: book/attention, book/gpt (heat maps).
    """

    def __init__(self, model: nn.Module):
        self.modules = [m for m in model.modules() if isinstance(m, MultiHeadAttention)]
        if not self.modules:
            raise ValueError("model contains no ptmcourse.nn.MultiHeadAttention")
        self.maps: list[torch.Tensor] = []

    def __enter__(self) -> list[torch.Tensor]:
        for m in self.modules:
            m._capture = self.maps
        return self.maps

    def __exit__(self, *exc) -> None:
        for m in self.modules:
            m._capture = None
