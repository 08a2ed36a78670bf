"""GPT: a decoder-only Transformer language model (生成式预训练), readable in one sitting.

    ids (B, T) -> token embedding + position embedding -> n_layer causal Transformer blocks
               -> final LayerNorm (pre-LN only) -> lm_head (tied to the token embedding) -> logits (B, T, V)

One file holds the model (GPT-1 post-LN or GPT-2 pre-LN, chosen by ``GPTConfig.norm_first``),
generation with a KV cache (greedy, temperature, top-k, top-p), safetensors save/load that checks
the configuration, the GPT-1 fine-tuning head, and the named presets and training recipes that the
chapters use. Weights of ``transformers.GPT2LMHeadModel`` load through ``ptmcourse.hub``.

The blocks come from ``ptmcourse.nn``; attention uses ``F.scaled_dot_product_attention`` with
``is_causal=True`` (its readable twin gives the same numbers, see ``ptmcourse.nn.attention``).

Used in: book/gpt, book/gpt-finetuning, book/gpt-scaling.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, ClassVar, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..checkpoint import CheckpointMismatchError
from ..nn import ACTIVATIONS, KVCache, LearnedPositions, TransformerBlock

__all__ = ["GPTConfig", "GPT", "sample_next", "save_gpt", "load_gpt", "GPTClassifier", "classification_inputs",
           "pair_inputs", "lm_batch_fn", "lm_loss", "lm_eval_loss", "adamw", "RECIPES", "recipe"]


# ============================================================================ configuration
@dataclass(frozen=True)
class GPTConfig:
    """Shape of a GPT. ``GPTConfig.preset(name, **overrides)`` gives the named ones."""

    vocab_size: int = 50257
    block_size: int = 1024           # context length (positions)
    n_layer: int = 12
    n_head: int = 12
    n_embd: int = 768
    d_ff: int | None = None          # feed-forward width (None: 4 * n_embd)
    dropout: float = 0.0
    bias: bool = True                # biases in Linear and LayerNorm (GPT-2: True; nanoGPT: False)
    norm_first: bool = True          # True: pre-LN (GPT-2); False: post-LN (GPT-1)
    activation: str = "gelu_tanh"    # GPT-1/2 use tanh-approximated GELU; "gelu" is exact (nanoGPT)
    layer_norm_eps: float = 1e-5
    tie_weights: bool = True         # lm_head.weight is wte.weight

    PRESETS: ClassVar[dict[str, dict[str, Any]]] = {
        # seconds on a laptop: tests and smoke runs
        "smoke": dict(vocab_size=65, block_size=32, n_layer=2, n_head=2, n_embd=32),
        # nanoGPT's "baby GPT" CPU configuration (README): char-level Tiny Shakespeare
        "baby": dict(vocab_size=65, block_size=64, n_layer=4, n_head=4, n_embd=128, bias=False,
                     activation="gelu"),
        # the book's subword GPT on WikiText-2 (vocab_size set from the tokenizer)
        "book": dict(vocab_size=4096, block_size=64, n_layer=4, n_head=4, n_embd=128),
        # the published shapes (Radford et al. 2018; 2019)
        "gpt1": dict(vocab_size=40478, block_size=512, norm_first=False),
        "gpt2": dict(),
        "gpt2-medium": dict(n_layer=24, n_head=16, n_embd=1024),
        "gpt2-large": dict(n_layer=36, n_head=20, n_embd=1280),
        "gpt2-xl": dict(n_layer=48, n_head=25, n_embd=1600),
    }

    def __post_init__(self):
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"GPTConfig.{name} must be a positive int, got {v!r}")
        if self.n_embd % self.n_head:
            raise ValueError(f"GPTConfig.n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"GPTConfig.activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"GPTConfig.dropout must be in [0, 1), got {self.dropout}")

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> "GPTConfig":
        """A named configuration (see ``GPTConfig.PRESETS``), with fields overridden by keyword."""
        if name not in cls.PRESETS:
            raise ValueError(f"unknown GPT preset {name!r}; known: {', '.join(cls.PRESETS)}")
        return cls(**{**cls.PRESETS[name], **overrides})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ============================================================================ the model
class GPT(nn.Module):
    """A GPT language model; see the module docstring for the data flow.

    ``forward(idx, targets=None)`` returns ``(logits (B, T, V), loss or None)`` (nanoGPT's
    signature); ``generate(...)`` samples continuations.

    Used in: book/gpt, book/gpt-finetuning, book/gpt-scaling.
    """

    def __init__(self, config: GPTConfig):
        super().__init__()
        if not isinstance(config, GPTConfig):
            raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
        self.config = c = config
        self.wte = nn.Embedding(c.vocab_size, c.n_embd)            # token embeddings
        self.wpe = LearnedPositions(c.block_size, c.n_embd)        # position embeddings
        self.drop = nn.Dropout(c.dropout)
        self.blocks = nn.ModuleList(
            TransformerBlock(c.n_embd, c.n_head, c.d_ff or 4 * c.n_embd, c.dropout, norm_first=c.norm_first,
                             activation=c.activation, bias=c.bias, layer_norm_eps=c.layer_norm_eps)
            for _ in range(c.n_layer))
        # pre-LN needs a last LayerNorm (the residual stream is never normalised otherwise)
        self.ln_f = nn.LayerNorm(c.n_embd, eps=c.layer_norm_eps, bias=c.bias) if c.norm_first else nn.Identity()
        self.lm_head = nn.Linear(c.n_embd, c.vocab_size, bias=False)
        if c.tie_weights:
            self.lm_head.weight = self.wte.weight                   # weight tying (Press & Wolf 2017)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """GPT-2's initialisation: N(0, 0.02) weights, zero biases, and residual projections scaled
        by ``1/sqrt(2 n_layer)`` so the residual stream's variance does not grow with depth."""
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)
                if getattr(m, "bias", None) is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        nn.init.normal_(self.wpe.weight, 0.0, 0.02)
        for blk in self.blocks:
            for p in (blk.attn.out_proj.weight, blk.ff.fc2.weight):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * self.config.n_layer))

    def num_params(self, non_embedding: bool = True) -> int:
        """Parameter count; ``non_embedding`` leaves out the position (and, untied, token) embeddings,
        as in Kaplan et al. (2020) and nanoGPT (tied token embeddings count: they are the lm_head)."""
        n = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n -= self.wpe.weight.numel()
            if not self.config.tie_weights:
                n -= self.wte.weight.numel()
        return n

    def flops_per_token(self, seq_len: int | None = None) -> float:
        """Training FLOPs per token (forward + backward), ``6 N + 12 L T C`` (Kaplan et al. 2020;
        PaLM appendix B): ``N`` non-embedding parameters, attention scores over ``T`` positions."""
        c, t = self.config, seq_len or self.config.block_size
        return 6.0 * self.num_params() + 12.0 * c.n_layer * t * c.n_embd

    def _check_ids(self, idx: torch.Tensor, offset: int = 0) -> None:
        if not isinstance(idx, torch.Tensor) or idx.dtype not in (torch.long, torch.int32):
            raise TypeError(f"idx must be an integer tensor of token ids (B, T), got "
                            f"{getattr(idx, 'dtype', type(idx).__name__)}")
        if idx.ndim != 2 or idx.shape[1] == 0:
            raise ValueError(f"idx must be (B, T) with T >= 1 token ids, got shape {tuple(idx.shape)}")
        if offset + idx.shape[1] > self.config.block_size:
            raise ValueError(f"sequence of {offset + idx.shape[1]} positions is longer than the context "
                             f"(block_size={self.config.block_size}); crop it to the last "
                             f"{self.config.block_size} tokens")
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= self.config.vocab_size:
            bad = lo if lo < 0 else hi
            raise ValueError(f"token id {bad} is outside the vocabulary [0, {self.config.vocab_size})")

    def hidden_states(self, idx: torch.Tensor, kv_caches: Sequence[KVCache] | None = None) -> torch.Tensor:
        """The last layer's (normalised) states, (B, T, C). With ``kv_caches`` (one per layer) the
        ids continue the cached positions."""
        offset = kv_caches[0].length if kv_caches else 0
        self._check_ids(idx, offset)
        x = self.drop(self.wte(idx) + self.wpe(idx.shape[1], offset))  # (B, T, C)
        for i, block in enumerate(self.blocks):
            x = block(x, is_causal=True, kv_cache=kv_caches[i] if kv_caches else None)
        return self.ln_f(x)  # (B, T, C)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None,
                kv_caches: Sequence[KVCache] | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits (B, T, V) for the next token at every position, and the mean cross-entropy against
        ``targets`` (B, T) if given (positions with target ``-100`` are ignored)."""
        logits = self.lm_head(self.hidden_states(idx, kv_caches))  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    # ------------------------------------------------------------------ generation
    def new_kv_caches(self) -> list[KVCache]:
        """Empty caches, one per layer, for ``block_size`` positions."""
        return [KVCache(self.config.block_size) for _ in self.blocks]

    @torch.no_grad()
    def generate(self, idx: torch.Tensor, max_new_tokens: int, *, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, greedy: bool = False,
                 use_cache: bool = True, generator: torch.Generator | None = None) -> torch.Tensor:
        """Continue ``idx`` (B, T) by ``max_new_tokens`` tokens; returns (B, T + max_new_tokens).

        Parameters
        ----------
        temperature : > 0; divides the logits (< 1 sharper, > 1 flatter).
        top_k : keep only the k most likely tokens. top_p : in (0, 1]; keep the smallest set of most
            likely tokens whose probability reaches p (nucleus sampling, Holtzman et al. 2020).
        greedy : always take the most likely token (temperature, top_k, top_p are then irrelevant).
        use_cache : reuse keys/values of earlier positions (same result, far fewer FLOPs).
        generator : a ``torch.Generator`` for reproducible sampling.

        Past ``block_size`` tokens the context slides: only the last ``block_size`` are seen.
        """
        if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be an int >= 0, got {max_new_tokens!r}")
        if not (isinstance(temperature, (int, float)) and temperature > 0):
            raise ValueError(f"temperature must be > 0, got {temperature!r} (use greedy=True for argmax)")
        if top_p is not None and not 0.0 < top_p <= 1.0:
            raise ValueError(f"top_p must be in (0, 1], got {top_p!r}")
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
            raise ValueError(f"top_k must be a positive int, got {top_k!r}")
        self._check_ids(idx)  # also: empty prompt, prompt longer than the context, unknown ids
        was_training = self.training
        self.eval()
        bs = self.config.block_size
        caches = None
        try:
            for _ in range(max_new_tokens):
                if not use_cache:
                    logits = self.lm_head(self.hidden_states(idx[:, -bs:])[:, -1])  # (B, V)
                elif caches is None or caches[0].length >= bs:  # (re)fill: first step, or context slid
                    caches = self.new_kv_caches()
                    logits = self.lm_head(self.hidden_states(idx[:, -bs:], caches)[:, -1])
                else:
                    logits = self.lm_head(self.hidden_states(idx[:, -1:], caches)[:, -1])
                nxt = sample_next(logits, temperature, top_k, top_p, greedy, generator)  # (B, 1)
                idx = torch.cat([idx, nxt], dim=1)
        finally:
            self.train(was_training)
        return idx


def sample_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                top_p: float | None = None, greedy: bool = False,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """One token id per row from logits (B, V): greedy, or sampled after temperature/top-k/top-p."""
    if greedy:
        return logits.argmax(dim=-1, keepdim=True)  # (B, 1)
    logits = logits.float() / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p < 1.0:
        sorted_logits, order = torch.sort(logits, dim=-1, descending=True, stable=True)  # ties: lower id first
        cum = torch.softmax(sorted_logits, dim=-1).cumsum(dim=-1)
        drop = cum - torch.softmax(sorted_logits, dim=-1) >= top_p  # mass before this token already >= p
        sorted_logits = sorted_logits.masked_fill(drop, float("-inf"))
        logits = torch.full_like(logits, float("-inf")).scatter(-1, order, sorted_logits)
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)  # (B, 1)


# ============================================================================ save / load
def save_gpt(model: GPT, path: str | os.PathLike) -> Path:
    """Write ``model`` to one safetensors file, its ``GPTConfig`` in the file's metadata."""
    from safetensors.torch import save_model

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    save_model(model, str(tmp), metadata={"format": "ptmcourse.GPT", "config": json.dumps(model.config.to_dict())})
    os.replace(tmp, path)
    return path


def load_gpt(path: str | os.PathLike, model: GPT | None = None) -> GPT:
    """Load a file written by :func:`save_gpt`: into a new GPT, or into ``model`` after checking that
    its configuration is the checkpoint's (``CheckpointMismatchError`` names every differing field)."""
    from safetensors import safe_open
    from safetensors.torch import load_model

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no GPT checkpoint at {path}")
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata() or {}
    if meta.get("format") != "ptmcourse.GPT":
        raise ValueError(f"{path} was not written by save_gpt (no GPTConfig in its metadata); for a Hugging "
                         "Face GPT-2 directory use ptmcourse.hub.load_gpt2")
    saved = GPTConfig(**json.loads(meta["config"]))
    if model is None:
        model = GPT(saved)
    else:
        # dropout is a training choice, not part of the weights' shape
        diff = [f"{f.name}: checkpoint {getattr(saved, f.name)!r} vs model {getattr(model.config, f.name)!r}"
                for f in fields(GPTConfig) if f.name != "dropout"
                and getattr(saved, f.name) != getattr(model.config, f.name)]
        if diff:
            raise CheckpointMismatchError(f"{path} holds a GPT of another configuration:\n  " + "\n  ".join(diff))
    load_model(model, str(path), strict=True)
    return model


# ============================================================================ GPT-1 fine-tuning
class GPTClassifier(nn.Module):
    """GPT-1's fine-tuning model (Radford et al. 2018, §3.3): the pre-trained GPT plus one linear layer
    on the final state of the *extract* token; also returns the LM logits for the auxiliary loss.

    ``forward(ids, last)``: ``ids`` (B, T) transformed inputs (``start ... extract``, right-padded),
    ``last`` (B,) index of each row's extract token. Returns ``(class_logits (B, K), lm_logits (B, T, V))``
    (``lm_logits`` is None with ``lm=False``).
    For a pair task with both orders summed (similarity), pass ``ids2, last2`` too.

    Used in: book/gpt-finetuning.
    """

    def __init__(self, gpt: GPT, n_classes: int, dropout: float = 0.1):
        super().__init__()
        self.gpt = gpt
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(gpt.config.n_embd, n_classes)
        nn.init.normal_(self.head.weight, 0.0, 0.02)
        nn.init.zeros_(self.head.bias)

    def _features(self, ids: torch.Tensor, last: torch.Tensor, lm: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        h = self.gpt.hidden_states(ids)  # (B, T, C); causal, so right padding never reaches `last`
        feat = h[torch.arange(ids.shape[0], device=ids.device), last]  # (B, C)
        return feat, self.gpt.lm_head(h) if lm else None

    def forward(self, ids: torch.Tensor, last: torch.Tensor, ids2: torch.Tensor | None = None,
                last2: torch.Tensor | None = None, lm: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Class logits (B, K) and, if ``lm``, the LM logits (B, T, V) of the first input."""
        feat, lm_logits = self._features(ids, last, lm)
        if ids2 is not None:
            feat2, _ = self._features(ids2, last2, False)
            feat = feat + feat2  # similarity: no inherent order, so both orders, summed
        return self.head(self.drop(feat)), lm_logits


def classification_inputs(seqs: Sequence[Sequence[int]], start_id: int, extract_id: int, max_len: int,
                          pad_id: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """GPT-1's input transformation for one text: ``start tokens extract``, right-padded.

    Texts longer than ``max_len - 2`` tokens are cut at the end. Returns ``ids`` (B, T), ``last``
    (B,) the index of each extract token, and ``lm_targets`` (B, T): the next token, ``-100`` where
    there is none (padding, and after the extract token).
    """
    if max_len < 3:
        raise ValueError(f"max_len must be >= 3 (start, one token, extract), got {max_len}")
    rows = [[start_id, *list(s)[: max_len - 2], extract_id] for s in seqs]
    return _pad_rows(rows, pad_id)


def pair_inputs(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]], start_id: int, delim_id: int,
                extract_id: int, max_len: int, pad_id: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``start a delim b extract`` for text pairs (each text cut to fit ``max_len``); see
    :func:`classification_inputs` for the returned tensors. For similarity call it twice, (a, b) and (b, a)."""
    if len(a) != len(b):
        raise ValueError(f"a and b must have the same length, got {len(a)} and {len(b)}")
    half = (max_len - 3) // 2
    if half < 1:
        raise ValueError(f"max_len must be >= 5 for pairs, got {max_len}")
    rows = [[start_id, *list(x)[:half], delim_id, *list(y)[:half], extract_id] for x, y in zip(a, b)]
    return _pad_rows(rows, pad_id)


def _pad_rows(rows: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)  # (B, T)
    targets = torch.full((len(rows), width), -100, dtype=torch.long)
    last = torch.empty(len(rows), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        targets[i, : len(r) - 2] = ids[i, 1: len(r) - 1]  # predict the text (not the extract token)
        last[i] = len(r) - 1
    return ids, last, targets


# ============================================================================ training helpers
def lm_batch_fn(ids: Any, block_size: int, batch_size: int):
    """A ``batch_fn(step, generator) -> (x, y)`` for the ``Trainer``: random windows of the token
    stream ``ids`` (nanoGPT's ``get_batch``, via ``ptmcourse.data.random_windows``), drawn from the
    Trainer's generator so runs reproduce and resume exactly."""
    import numpy as np

    from ..data import random_windows

    arr = np.asarray(ids, dtype=np.int64)

    def batch_fn(step: int, generator: torch.Generator):
        seed = int(torch.randint(0, 2**62, (1,), generator=generator))
        x, y = random_windows(arr, block_size, batch_size, rng=seed)  # (B, T) each
        return torch.from_numpy(x), torch.from_numpy(y)

    return batch_fn


def lm_loss(model: GPT, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """The Trainer's ``loss_fn`` for language modelling: mean next-token cross-entropy."""
    return model(*batch)[1]


@torch.no_grad()
def lm_eval_loss(model: GPT, ids: Any, block_size: int | None = None, batch_size: int = 128,
                 max_windows: int | None = None) -> float:
    """Mean next-token cross-entropy (nats) over non-overlapping windows of ``ids``.

    Every token of the stream is predicted once (with the context of its window). ``max_windows``
    evaluates that many windows spread evenly over the stream (a cheaper, fixed estimate).
    """
    t = block_size or model.config.block_size
    data = torch.as_tensor(ids, dtype=torch.long)
    n = (len(data) - 1) // t
    if n < 1:
        raise ValueError(f"ids has {len(data)} tokens; one window of block_size={t} needs {t + 1}")
    starts = torch.arange(n) * t
    if max_windows is not None and max_windows < n:
        starts = starts[torch.linspace(0, n - 1, max_windows).long()]
    was_training = model.training
    model.eval()
    dev = next(model.parameters()).device
    total, count = 0.0, 0
    for i in range(0, len(starts), batch_size):
        s = starts[i:i + batch_size, None] + torch.arange(t)  # (b, T)
        _, loss = model(data[s].to(dev), data[s + 1].to(dev))
        total, count = total + loss.item() * s.numel(), count + s.numel()
    model.train(was_training)
    return total / count


def adamw(model: nn.Module, lr: float, betas: tuple[float, float] = (0.9, 0.999), weight_decay: float = 0.0,
          fused: bool | None = None) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices and embeddings only (not biases/LayerNorm), as nanoGPT and
    the Trainer do; ``fused`` (default: where torch supports it) updates all tensors in one kernel.
    Pass as ``Trainer(..., optimizer_fn=lambda params: adamw(model, ...))``."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
              {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0}]
    if fused is None:
        dev = params[0].device.type
        fused = dev in ("cuda", "cpu")
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=lr, betas=betas, fused=fused)


# ============================================================================ chapter recipes
# Everything a chapter run needs at each scale. ``model`` names a preset, other GPTConfig fields
# override it; every dict under a key ending in ``train`` holds TrainConfig fields (merged with the
# defaults below, nanoGPT's). "paper" is the full reproduction.
_TRAIN_DEFAULTS = dict(lr=1e-3, min_lr=1e-4, betas=(0.9, 0.99), weight_decay=0.1, grad_clip=1.0, schedule="cosine")
RECIPES: dict[str, dict[str, dict[str, Any]]] = {
    # nanoGPT's baby GPT on Tiny Shakespeare (README CPU command; config/train_shakespeare_char.py)
    "shakespeare-char": {
        "smoke": dict(model="smoke", block_size=32, seeds=[0], train=dict(total_steps=40, batch_size=8,
                                                                          warmup_steps=5, eval_every=20)),
        "book": dict(model="baby", seeds=[0], train=dict(total_steps=500, batch_size=12, warmup_steps=100,
                                                          eval_every=100)),
        # six seeds: one run's loss moves by about 0.01 from seed to seed, as much as the gap to compare
        "paper": dict(model="baby", seeds=[0, 1, 2, 3, 4, 5],
                      train=dict(total_steps=2000, batch_size=12, warmup_steps=100, eval_every=250)),
    },
    # GPT-1 fine-tuning: pre-train on the unlabeled sentences of the tasks, fine-tune on a few labels
    "gpt1-finetune": {
        "smoke": dict(model="smoke", vocab=600, n_labels=200, max_len=32, sts_dev_pairs=100,
                      pretrain_train=dict(total_steps=20, batch_size=8, warmup_steps=2, lr=2e-3, min_lr=2e-4),
                      finetune_train=dict(total_steps=10, batch_size=8, warmup_steps=1, lr=5e-4, eval_every=5),
                      sts_train=dict(total_steps=10, batch_size=8, warmup_steps=1, lr=5e-4, eval_every=5)),
        "book": dict(model="book", vocab=2048, n_labels=1000, max_len=64, sts_dev_pairs=500,
                     pretrain_train=dict(total_steps=300, batch_size=16, warmup_steps=30, lr=2e-3, min_lr=2e-4),
                     finetune_train=dict(total_steps=80, batch_size=16, warmup_steps=8, lr=5e-4, eval_every=20),
                     sts_train=dict(total_steps=40, batch_size=16, warmup_steps=4, lr=5e-4, eval_every=20)),
        "paper": dict(model="book", vocab=8192, n_layer=6, n_head=6, n_embd=192, n_labels=67349, max_len=64,
                      sts_dev_pairs=1500,
                      pretrain_train=dict(total_steps=5000, batch_size=32, warmup_steps=200, lr=1e-3, min_lr=1e-4),
                      finetune_train=dict(total_steps=3000, batch_size=32, warmup_steps=100, lr=2e-4, eval_every=300),
                      sts_train=dict(total_steps=600, batch_size=32, warmup_steps=60, lr=2e-4, eval_every=60)),
    },
    # GPT-2 and GPT-3: pre-LN vs post-LN at depth (characters) and a size sweep on WikiText-2 (BPE)
    "gpt-scaling": {
        "smoke": dict(vocab=600, block_size=32, sizes=[(1, 16, 2), (1, 32, 2), (2, 32, 2), (2, 48, 4)],
                      train=dict(total_steps=20, batch_size=8, warmup_steps=2, lr=2e-3, min_lr=2e-4, eval_every=None),
                      depth=4, depth_width=32, ln_train=dict(total_steps=20, batch_size=8, warmup_steps=0, lr=3e-3,
                                                             min_lr=3e-4),
                      test_lines=50),
        "book": dict(vocab=2048, block_size=64, sizes=[(1, 16, 2), (1, 32, 2), (2, 48, 4), (3, 64, 4), (4, 80, 4)],
                     train=dict(total_steps=200, batch_size=16, warmup_steps=20, lr=2e-3, min_lr=2e-4, eval_every=None),
                     depth=8, depth_width=48, ln_train=dict(total_steps=150, batch_size=8, warmup_steps=0, lr=3e-3,
                                                            min_lr=3e-4),
                     test_lines=600),
        "paper": dict(vocab=8192, block_size=128, sizes=[(2, 64, 4), (4, 128, 4), (4, 192, 6), (6, 256, 8), (8, 384, 8)],
                      train=dict(total_steps=5000, batch_size=32, warmup_steps=200, lr=1e-3, min_lr=1e-4, eval_every=None),
                      depth=24, depth_width=128, ln_train=dict(total_steps=1000, batch_size=16, warmup_steps=0, lr=3e-3,
                                                               min_lr=3e-4),
                      test_lines=None),
    },
}


def recipe(name: str, scale: str) -> dict[str, Any]:
    """The settings of chapter run ``name`` at ``scale`` (``smoke``/``book``/``paper``).

    Returns a dict: ``model`` (a ``GPTConfig`` when the recipe names one; ``vocab_size`` may still
    need setting from the tokenizer), each ``...train`` entry as ``TrainConfig`` keyword arguments,
    and the rest as stored (``vocab``, ``sizes``...).

    Used in: book/gpt, book/gpt-finetuning, book/gpt-scaling.
    """
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; known: {', '.join(RECIPES)}")
    if scale not in RECIPES[name]:
        raise ValueError(f"scale must be one of {tuple(RECIPES[name])}, got {scale!r}")
    r = dict(RECIPES[name][scale])
    out: dict[str, Any] = {}
    for k in [k for k in r if k.endswith("train")]:
        out[k] = {**_TRAIN_DEFAULTS, **r.pop(k)}
    if "model" in r:
        model_fields = {f.name for f in fields(GPTConfig)}
        overrides = {k: r.pop(k) for k in list(r) if k in model_fields}
        out["model"] = GPTConfig.preset(r.pop("model"), **overrides)
    return {**out, **r}
