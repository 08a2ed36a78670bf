"""The neural probabilistic language model of Bengio et al. (2003): the first model whose first
layer learns a dense vector per word, the "Q matrix" (C in the paper) that word2vec later
trained on its own.

For a context of the n-1 previous words w_{t-n+1..t-1}:

    x = [C(w_{t-1}); ...; C(w_{t-n+1})]          # concatenated word vectors, (n-1) m
    y = b + W x + U tanh(d + H x)                # scores over the vocabulary (W x: "direct connections")
    P(w_t | context) = softmax(y)

trained by maximum likelihood (cross-entropy) with the shared :class:`ptmcourse.train.Trainer`.
The softmax over all V words is the expensive part: with V = 10,000 and h = 200 it is 2M
multiply-adds per predicted word, most of the work; word2vec's negative sampling and hierarchical
softmax are two ways around it.

Used in: book/word-vectors
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["NNLMConfig", "NNLM", "NGramWindows", "context_windows", "train_nnlm", "evaluate_perplexity"]


@dataclass
class NNLMConfig:
    """Model and training settings of the NNLM; see :meth:`preset`."""

    vocab_size: int = 10_000
    context: int = 4            # n - 1 previous words (a 5-gram model)
    emb_dim: int = 100          # m: the size of a word vector
    hidden: int = 300           # h: tanh units
    direct: bool = False        # the direct connections W x from the word vectors to the output
    dropout: float = 0.0
    # training (with ptmcourse.train.Trainer)
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.0
    epochs: float = 5.0
    max_steps: int | None = None     # a shorter run (the book preset); the lr schedule fits it
    train_tokens: int | None = None  # use only the first tokens of the training stream
    eval_tokens: int | None = None   # evaluate on the first tokens of valid/test only
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("vocab_size", "context", "emb_dim", "hidden", "batch_size"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"NNLMConfig.{name}={v!r}; expected an int >= 1")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"NNLMConfig.dropout={self.dropout!r}; expected a float in [0, 1)")

    @staticmethod
    def preset(name: str, **overrides) -> "NNLMConfig":
        """``paper``: a 5-gram NNLM (m = 100, h = 300, dropout 0.3) trained 5 epochs on PTB with Adam,
        lr cosine-decayed (Mikolov et al. 2011 report 140.2 test perplexity for a feedforward NNLM on
        this data, against 141.2 for KN5). ``book``: a small one (m = 32, h = 64) for 400 steps of
        256 words (a ninth of an epoch), evaluated on the first 10,000 valid/test tokens.
        ``smoke``: seconds, for tests."""
        paper = NNLMConfig(dropout=0.3, weight_decay=0.0)
        presets = {
            "paper": paper,
            "book": replace(paper, emb_dim=32, hidden=64, dropout=0.0, lr=3e-3, epochs=1.0, max_steps=400,
                            eval_tokens=10_000),
            "smoke": replace(paper, emb_dim=16, hidden=32, dropout=0.0, lr=1e-2, max_steps=50,
                             train_tokens=20_000, eval_tokens=2_000),
        }
        if name not in presets:
            raise ValueError(f"preset must be one of {sorted(presets)}, got {name!r}")
        return replace(presets[name], **overrides)

    def to_dict(self) -> dict:
        return asdict(self)


class NNLM(nn.Module):
    """Bengio et al.'s model: ``forward(ctx (B, n-1)) -> logits (B, V)``; ``ctx[:, -1]`` is the word
    just before the target. ``self.C`` is the word-vector matrix (an ``nn.Embedding``).

    Used in: book/word-vectors
    """

    def __init__(self, config: NNLMConfig):
        super().__init__()
        if not isinstance(config, NNLMConfig):
            raise TypeError(f"config must be an NNLMConfig, got {type(config).__name__}")
        c = self.config = config
        n_in = c.context * c.emb_dim
        self.C = nn.Embedding(c.vocab_size, c.emb_dim)          # the word vectors
        self.H = nn.Linear(n_in, c.hidden)                       # (with bias d)
        self.U = nn.Linear(c.hidden, c.vocab_size)               # (with bias b)
        self.W = nn.Linear(n_in, c.vocab_size, bias=False) if c.direct else None
        self.drop = nn.Dropout(c.dropout)
        nn.init.uniform_(self.C.weight, -0.1, 0.1)

    def forward(self, ctx: torch.Tensor) -> torch.Tensor:
        if not isinstance(ctx, torch.Tensor) or ctx.dtype not in (torch.int64, torch.int32):
            raise TypeError(f"ctx must be an integer tensor (B, {self.config.context}), got "
                            f"{getattr(ctx, 'dtype', type(ctx).__name__)}")
        if ctx.ndim != 2 or ctx.shape[1] != self.config.context:
            raise ValueError(f"ctx must have shape (B, {self.config.context}), got {tuple(ctx.shape)}")
        x = self.drop(self.C(ctx).flatten(1))                    # (B, (n-1) m)
        h = self.drop(torch.tanh(self.H(x)))                     # (B, h)
        y = self.U(h)                                            # (B, V)
        if self.W is not None:
            y = y + self.W(x)
        return y


def context_windows(ids: np.ndarray, context: int, pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (context, next word) pair of a token stream: contexts (N, context), targets (N,).

    The stream is left-padded with ``pad_id`` (``<eos>``: the text starts after a sentence end),
    so all N tokens are predicted, as in the perplexities reported for PTB.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError(f"ids must be a non-empty 1-D token stream, got shape {ids.shape}")
    padded = np.concatenate([np.full(context, pad_id, dtype=np.int64), ids])
    ctx = np.lib.stride_tricks.sliding_window_view(padded[:-1], context)  # (N, context)
    return ctx, ids


class NGramWindows:
    """A ``batch_fn`` for the Trainer: each epoch visits every position of the stream once, in an
    order shuffled by (seed, epoch); a step returns ``(ctx (B, n-1), target (B,))``."""

    def __init__(self, ids: np.ndarray, context: int, pad_id: int, batch_size: int, seed: int = 0):
        self.ctx, self.tgt = context_windows(ids, context, pad_id)
        self.batch_size, self.seed = batch_size, seed
        self.steps_per_epoch = len(self.tgt) // batch_size
        if self.steps_per_epoch < 1:
            raise ValueError(f"a stream of {len(self.tgt)} tokens gives no batch of {batch_size}")
        self._epoch, self._perm = -1, None

    def __call__(self, step: int, generator: torch.Generator):
        epoch, k = divmod(step, self.steps_per_epoch)
        if epoch != self._epoch:
            self._epoch = epoch
            self._perm = np.random.default_rng([self.seed, epoch]).permutation(len(self.tgt))
        idx = self._perm[k * self.batch_size:(k + 1) * self.batch_size]
        return torch.from_numpy(np.ascontiguousarray(self.ctx[idx])), torch.from_numpy(self.tgt[idx])


@torch.no_grad()
def evaluate_perplexity(model: NNLM, ids: np.ndarray, pad_id: int, batch_size: int = 2048) -> float:
    """exp(mean cross-entropy) over every token of the stream ``ids``.

    Used in: book/word-vectors
    """
    was = model.training
    model.eval()
    dev = next(model.parameters()).device
    ctx, tgt = context_windows(ids, model.config.context, pad_id)
    total = 0.0
    for s in range(0, len(tgt), batch_size):
        c = torch.from_numpy(np.ascontiguousarray(ctx[s:s + batch_size])).to(dev)
        t = torch.from_numpy(tgt[s:s + batch_size]).to(dev)
        total += float(F.cross_entropy(model(c).float(), t, reduction="sum"))
    model.train(was)
    return math.exp(total / len(tgt))


def train_nnlm(model: NNLM, train_ids: np.ndarray, pad_id: int, valid_ids: np.ndarray | None = None,
               device: str = "auto", eval_every: int | None = None, progress: bool = True):
    """Train ``model`` on a token stream with the shared Trainer (AdamW, cosine schedule); returns
    the ``Trainer`` (``.history`` has ``train_loss`` and, with ``valid_ids``, ``valid_ppl``).

    Used in: book/word-vectors
    """
    from ..train import TrainConfig, Trainer

    c = model.config
    if c.train_tokens is not None:
        train_ids = train_ids[: c.train_tokens]
    if valid_ids is not None and c.eval_tokens is not None:
        valid_ids = valid_ids[: c.eval_tokens]
    data = NGramWindows(train_ids, c.context, pad_id, c.batch_size, seed=c.seed)
    total = int(c.epochs * data.steps_per_epoch)
    if c.max_steps is not None:  # a shorter run: the schedule still decays to its end
        total = min(total, c.max_steps)
    cfg = TrainConfig(total_steps=total,
                      steps_per_epoch=data.steps_per_epoch, optimizer="adamw", lr=c.lr,
                      weight_decay=c.weight_decay, schedule="cosine", min_lr=c.lr / 20, grad_clip=1.0,
                      device=device, amp="off", log_every=20, eval_every=eval_every, progress=progress,
                      seed=c.seed)

    def loss_fn(m, batch):
        ctx, tgt = batch
        return F.cross_entropy(m(ctx), tgt)

    eval_fn = None if valid_ids is None else (lambda m: {"valid_ppl": evaluate_perplexity(m, valid_ids, pad_id)})
    trainer = Trainer(model, loss_fn, data, cfg, eval_fn=eval_fn)
    trainer.fit()
    return trainer
