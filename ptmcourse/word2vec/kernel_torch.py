"""word2vec in batches with torch: the GPU engine (and the CPU fallback when numba is missing).

The same model and update rule as :mod:`.kernel_numba`, but instead of one (context, target) pair
at a time it takes ``batch_size`` pairs in corpus order, gathers their rows, computes all scores
with one ``bmm``, and scatters the updates back with ``index_add_``. Rows that occur several times
in a batch receive the sum of their updates: that is what Hogwild does too, with a wider window of
staleness. On a GPU this is many times faster than any CPU loop; on a CPU the gathers and scatters
cost more than the per-pair loop (see ``bench/word2vec.py``).

Used in: book/word-vectors
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = ["TorchState", "train_epoch"]


@dataclass
class TorchState:
    """Tensors of one model on one device (see the layout in :mod:`.kernel_numba`)."""

    syn0: torch.Tensor        # (V, D)
    syn1neg: torch.Tensor     # (V, D), or (0, D) without negative sampling
    syn1: torch.Tensor        # (V-1, D), or (0, D) without hierarchical softmax
    points: torch.Tensor      # (V, L) long
    codes: torch.Tensor       # (V, L) float
    path_mask: torch.Tensor   # (V, L) float, 1 where j < length
    keep: torch.Tensor        # (V,) float
    table: torch.Tensor       # (T,) long


def _output_step(st: TorchState, l1: torch.Tensor, tgt: torch.Tensor, alpha: float, negative: int, hs: bool,
                 gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Predict ``tgt`` (B,) from hidden ``l1`` (B, D); update the output rows; return (neu1e (B, D), loss sum)."""
    neu1e = torch.zeros_like(l1)                                               # (B, D)
    loss = l1.new_zeros(())
    if negative > 0:
        B = tgt.shape[0]
        slots = torch.randint(0, st.table.shape[0], (B, negative), generator=gen, device=l1.device)
        negs = st.table[slots]                                                 # (B, K)
        outs = torch.cat([tgt[:, None], negs], dim=1)                          # (B, 1+K)
        label = torch.zeros(outs.shape, device=l1.device, dtype=l1.dtype)
        label[:, 0] = 1.0
        valid = torch.ones_like(label)
        valid[:, 1:] = (negs != tgt[:, None]).to(l1.dtype)                     # word2vec.c skips w == target
        U = st.syn1neg[outs]                                                   # (B, 1+K, D)
        f = torch.bmm(U, l1[:, :, None]).squeeze(2)                            # (B, 1+K)
        g = (label - torch.sigmoid(f)) * valid * alpha                         # (B, 1+K)
        loss = loss + (F.softplus(torch.where(label > 0, -f, f)) * valid).sum()
        neu1e += torch.bmm(g[:, None, :], U).squeeze(1)                        # (B, D)
        st.syn1neg.index_add_(0, outs.reshape(-1), (g[:, :, None] * l1[:, None, :]).reshape(-1, l1.shape[1]))
    if hs:
        P, C, M = st.points[tgt], st.codes[tgt], st.path_mask[tgt]             # (B, L) each
        W = st.syn1[P]                                                         # (B, L, D)
        f = torch.bmm(W, l1[:, :, None]).squeeze(2)                            # (B, L)
        g = (1.0 - C - torch.sigmoid(f)) * M * alpha
        loss = loss + (F.softplus(torch.where(C > 0, f, -f)) * M).sum()
        neu1e += torch.bmm(g[:, None, :], W).squeeze(1)
        st.syn1.index_add_(0, P.reshape(-1), (g[:, :, None] * l1[:, None, :]).reshape(-1, l1.shape[1]))
    return neu1e, loss


def _context_offsets(window: int, device) -> torch.Tensor:
    return torch.tensor([d for d in range(-window, window + 1) if d != 0], device=device)  # (2W,)


def train_epoch(st: TorchState, corpus: torch.Tensor, sent: torch.Tensor, *, sg: bool, hs: bool, negative: int,
                window: int, alpha0: float, min_alpha: float, progress0: float, progress1: float,
                batch_size: int, gen: torch.Generator, chunk: int = 1 << 20) -> tuple[float, int]:
    """One pass over ``corpus`` (N,) with sentence ids ``sent`` (N,); learning rate decays linearly
    from the rate at ``progress0`` to that at ``progress1`` (fractions of the whole run).

    Returns (summed loss, number of predictions).
    """
    dev = corpus.device
    offsets = _context_offsets(window, dev)                                    # (2W,)
    total_loss, total_pred = torch.zeros((), dtype=torch.float64, device=dev), 0
    N = corpus.shape[0]
    for c0 in range(0, N, chunk):                                              # bounded memory
        c1 = min(N, c0 + chunk)
        w_all, s_all = corpus[c0:c1], sent[c0:c1]
        kept = torch.rand(c1 - c0, generator=gen, device=dev) < st.keep[w_all]  # subsampling
        w, s = w_all[kept], s_all[kept]                                        # (n,)
        n = w.shape[0]
        if n == 0:
            continue
        win = window - torch.randint(0, window, (n,), generator=gen, device=dev)  # (n,) in 1..window
        pos = torch.arange(n, device=dev)
        cpos = pos[:, None] + offsets[None, :]                                 # (n, 2W)
        ok = (cpos >= 0) & (cpos < n) & (offsets.abs()[None, :] <= win[:, None])
        cpos = cpos.clamp(0, n - 1)
        ok &= s[cpos] == s[:, None]                                            # same sentence only
        if sg:
            centers, slots = ok.nonzero(as_tuple=True)                         # pairs in corpus order
            n_items = centers.shape[0]
        else:
            keep_c = ok.any(1)
            centers = pos[keep_c]
            n_items = centers.shape[0]
        span = (c1 - c0) / N
        for b0 in range(0, n_items, batch_size):
            frac = progress0 + (progress1 - progress0) * (c0 / N + span * b0 / max(n_items, 1))
            alpha = max(alpha0 - (alpha0 - min_alpha) * frac, min_alpha)
            if sg:  # the context word's vector predicts the center word
                ci, sl = centers[b0:b0 + batch_size], slots[b0:b0 + batch_size]
                inp, tgt = w[cpos[ci, sl]], w[ci]                              # (B,), (B,)
                neu1e, loss = _output_step(st, st.syn0[inp], tgt, alpha, negative, hs, gen)
                st.syn0.index_add_(0, inp, neu1e)
                total_pred += int(inp.shape[0])
            else:  # CBOW: the mean of the context vectors predicts the center word
                ci = centers[b0:b0 + batch_size]
                m = ok[ci].to(st.syn0.dtype)                                   # (B, 2W)
                ctx = w[cpos[ci]]                                              # (B, 2W)
                l1 = (st.syn0[ctx] * m[:, :, None]).sum(1) / m.sum(1, keepdim=True)  # (B, D)
                neu1e, loss = _output_step(st, l1, w[ci], alpha, negative, hs, gen)
                st.syn0.index_add_(0, ctx.reshape(-1), (m[:, :, None] * neu1e[:, None, :]).reshape(-1, l1.shape[1]))
                total_pred += int(ci.shape[0])
            total_loss += loss.double()  # no host sync per batch
    return float(total_loss), total_pred


def batch_size_default(device: torch.device) -> int:
    """Pairs per step: large on a GPU (throughput), small on a CPU (closer to per-pair SGD)."""
    return 16384 if device.type == "cuda" else 1024
