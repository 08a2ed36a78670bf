"""Recurrent language models: an LSTM (长短期记忆网络) layer written from its gate equations, a GRU
layer likewise, and a word-level LM (embedding -> RNN/LSTM/GRU stack -> softmax) trained with
truncated BPTT and a hidden state carried across batches, as in Zaremba et al. (2014).

The LSTM equations, per time step (torch's layout: the four gates stacked in the order i, f, g, o):

    [i; f; g; o] = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh     # (B, 4H)
    i, f, o = sigmoid(.), g = tanh(.)                        # input, forget, output gates; candidate
    c_t = f * c_{t-1} + i * g                                # the additive cell-state path
    h_t = o * tanh(c_t)

Used in: book/rnn-by-hand, book/zaremba-reproduction
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["LSTMLayer", "GRULayer", "StackedRNN", "RNNLMConfig", "RNNLM", "CELLS", "CarriedStateLoss",
           "comparison_configs", "load_ptb_ids", "train_lm", "evaluate_perplexity", "sentence_log_probs",
           "make_sentence_scorer"]

CELLS = ("rnn", "lstm", "gru", "lstm-ours", "gru-ours")


# ============================================================================ layers from equations
class LSTMLayer(nn.Module):
    """One LSTM layer computed step by step from the gate equations (see the module docstring).

    Parameters are named and shaped as in ``torch.nn.LSTM`` (``weight_ih`` (4H, I), ``weight_hh``
    (4H, H), ``bias_ih``/``bias_hh`` (4H,)), gate order i, f, g, o, so weights copy across one to one.

    Used in: book/rnn-by-hand
    """

    n_gates = 4

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        if input_size < 1 or hidden_size < 1:
            raise ValueError(f"input_size and hidden_size must be >= 1, got {input_size}, {hidden_size}")
        self.input_size, self.hidden_size = input_size, hidden_size
        G = self.n_gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(G, input_size))
        self.weight_hh = nn.Parameter(torch.empty(G, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(G))
        self.bias_hh = nn.Parameter(torch.empty(G))
        k = 1.0 / math.sqrt(hidden_size)  # torch's default init, so a fresh layer behaves like nn.LSTM
        for p in self.parameters():
            nn.init.uniform_(p, -k, k)

    def zero_state(self, batch_size: int, device=None, dtype=None) -> tuple[torch.Tensor, torch.Tensor]:
        z = torch.zeros(batch_size, self.hidden_size, device=device, dtype=dtype)
        return z, z.clone()

    def cell(self, gx: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        """One step from the input part of the gates ``gx = W_ih x_t + b_ih`` (B, 4H) and ``(h, c)``."""
        h, c = state                                              # (B, H) each
        gates = gx + h @ self.weight_hh.T + self.bias_hh          # (B, 4H)
        i, f, g, o = gates.chunk(4, dim=-1)                       # (B, H) each
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g                                         # additive: dc_t/dc_{t-1} = diag(f)
        h = o * torch.tanh(c)
        return h, (h, c)

    def forward(self, x: torch.Tensor, state=None):
        """``x`` (B, T, I) -> outputs (B, T, H) and the final state ``(h, c)``, each (B, H)."""
        _check_input(x, self.input_size)
        B, T, _ = x.shape
        if state is None:
            state = self.zero_state(B, x.device, x.dtype)
        gx = x @ self.weight_ih.T + self.bias_ih                  # (B, T, 4H): all time steps at once
        outs = []
        for t in range(T):
            h, state = self.cell(gx[:, t], state)
            outs.append(h)
        return torch.stack(outs, dim=1), state                    # (B, T, H)


class GRULayer(LSTMLayer):
    """One GRU layer from its equations (torch's layout: gates stacked r, z, n):

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h

    The state is just ``h`` (B, H). Parameters match ``torch.nn.GRU``'s.

    Used in: book/rnn-by-hand
    """

    n_gates = 3

    def zero_state(self, batch_size: int, device=None, dtype=None) -> torch.Tensor:
        return torch.zeros(batch_size, self.hidden_size, device=device, dtype=dtype)

    def cell(self, gx: torch.Tensor, h: torch.Tensor):
        gh = h @ self.weight_hh.T + self.bias_hh                  # (B, 3H)
        xr, xz, xn = gx.chunk(3, dim=-1)
        hr, hz, hn = gh.chunk(3, dim=-1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        h = (1 - z) * n + z * h                                   # additive path when z -> 1
        return h, h


def _check_input(x: torch.Tensor, input_size: int) -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor of shape (B, T, {input_size}), got {type(x).__name__}")
    if x.ndim != 3 or x.shape[-1] != input_size:
        raise ValueError(f"x must have shape (B, T, {input_size}), got {tuple(x.shape)}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"x is empty (shape {tuple(x.shape)}): need at least one sequence and one time step")


class StackedRNN(nn.Module):
    """``num_layers`` of :class:`LSTMLayer` or :class:`GRULayer` with the interface of
    ``torch.nn.LSTM``/``nn.GRU(batch_first=True)``: state tensors are (num_layers, B, H).

    Used in: book/rnn-by-hand
    """

    def __init__(self, kind: str, input_size: int, hidden_size: int, num_layers: int = 1, dropout: float = 0.0):
        super().__init__()
        if kind not in ("lstm", "gru"):
            raise ValueError(f"kind must be 'lstm' or 'gru', got {kind!r}")
        layer = LSTMLayer if kind == "lstm" else GRULayer
        self.kind, self.hidden_size, self.num_layers = kind, hidden_size, num_layers
        self.layers = nn.ModuleList(layer(input_size if i == 0 else hidden_size, hidden_size)
                                    for i in range(num_layers))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, state=None):
        """``x`` (B, T, I) -> outputs (B, T, H), state ``(h, c)`` (LSTM) or ``h`` (GRU), each (L, B, H)."""
        hs, cs = [], []
        for i, layer in enumerate(self.layers):
            s = None
            if state is not None:
                s = (state[0][i], state[1][i]) if self.kind == "lstm" else state[i]
            x, s = layer(x if i == 0 else self.dropout(x), s)
            if self.kind == "lstm":
                hs.append(s[0]), cs.append(s[1])
            else:
                hs.append(s)
        final = (torch.stack(hs), torch.stack(cs)) if self.kind == "lstm" else torch.stack(hs)
        return x, final

    @torch.no_grad()
    def copy_from_torch(self, ref: nn.Module) -> "StackedRNN":
        """Copy the weights of a ``torch.nn.LSTM``/``nn.GRU`` with the same sizes into this stack."""
        for i, layer in enumerate(self.layers):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                src = getattr(ref, f"{name}_l{i}")
                dst = getattr(layer, name)
                if src.shape != dst.shape:
                    raise ValueError(f"{name}_l{i}: torch has shape {tuple(src.shape)}, ours {tuple(dst.shape)}")
                dst.copy_(src)
        return self


# ============================================================================ the language model
@dataclass
class RNNLMConfig:
    """A word-level recurrent LM and how to train it (defaults: Zaremba et al. 2014, small, non-regularized)."""

    vocab_size: int = 10000
    cell: str = "lstm"           # one of CELLS; "*-ours" use the layers above (slower, same maths)
    emb_size: int = 200
    hidden_size: int = 200
    num_layers: int = 2
    dropout: float = 0.0
    init_scale: float = 0.1      # every parameter ~ U(-init_scale, init_scale)
    # training: SGD, the loss summed over the unrolled steps and averaged over the batch (as in
    # Zaremba's code), global-norm clipping, lr x lr_decay after each epoch from decay_after on
    batch_size: int = 20
    bptt: int = 20
    epochs: int = 13
    lr: float = 1.0
    lr_decay: float = 0.5
    decay_after: int = 4
    clip: float = 5.0
    max_steps: int | None = None       # stop early (book scale); the schedule still counts epochs
    train_tokens: int | None = None    # use only the first N training tokens (None: all)
    eval_batch_size: int = 10          # during training (valid perplexity each epoch)
    final_eval_batch_size: int = 1     # the final valid/test numbers: 1 = one stream, as in the paper
    eval_tokens: int | None = None     # evaluate on the first N tokens only (None: all)
    seed: int = 0

    def __post_init__(self):
        if self.cell not in CELLS:
            raise ValueError(f"cell={self.cell!r}; expected one of {CELLS}")
        for name in ("vocab_size", "emb_size", "hidden_size", "num_layers", "batch_size", "bptt", "epochs",
                     "eval_batch_size", "final_eval_batch_size"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"RNNLMConfig.{name}={v!r}; expected an int >= 1")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"RNNLMConfig.dropout={self.dropout!r}; expected a float in [0, 1)")

    @staticmethod
    def preset(name: str, **overrides) -> "RNNLMConfig":
        """Named presets, with optional field overrides (e.g. ``cell="rnn"``).

        - ``"zaremba-small"`` = ``"paper"``: 2 x 200 LSTM, 13 epochs, batch 20, unroll 20, lr 1 halved
          each epoch after epoch 4, clip 5, no dropout, U(-0.1, 0.1). Paper: 114.5 test / 120.7 valid.
        - ``"book"``: the same model, trained 300 steps (an eighth of an epoch, for the chapter's
          time budget), evaluated on the first 20,000 valid/test tokens in 10 streams.
        - ``"smoke"``: a tiny model and a few steps, for tests.
        """
        paper = RNNLMConfig()
        presets = {
            "zaremba-small": paper,
            "paper": paper,
            "book": replace(paper, max_steps=300, eval_tokens=20_000, final_eval_batch_size=10),
            "smoke": replace(paper, emb_size=32, hidden_size=32, max_steps=20, train_tokens=20_000,
                             eval_tokens=2_000, final_eval_batch_size=10),
        }
        if name not in presets:
            raise ValueError(f"preset must be one of {sorted(presets)}, got {name!r}")
        return replace(presets[name], **overrides)

    def to_dict(self) -> dict:
        return asdict(self)


def comparison_configs(scale: str) -> dict[str, RNNLMConfig]:
    """The tanh RNN and the LSTM language models compared in ``book/rnn-by-hand``.

    Same data, embedding and hidden sizes; the RNN is trained at learning rate 0.1 because at the
    LSTM's rate of 1 it diverges. ``book``: one layer of 200, 150 steps each (a minute of CPU for
    both), evaluated on 10,000 validation tokens; ``paper``: two layers of 200, 3 epochs each
    (halving the rate for the third); ``smoke``: a few steps of tiny models.

    Used in: book/rnn-by-hand
    """
    if scale not in ("smoke", "book", "paper"):
        raise ValueError(f"scale must be one of ['book', 'paper', 'smoke'], got {scale!r}")
    if scale == "smoke":
        base = RNNLMConfig.preset("smoke")
    elif scale == "book":
        base = RNNLMConfig.preset("book", num_layers=1, max_steps=150, eval_tokens=10_000)
    else:
        base = RNNLMConfig.preset("paper", epochs=3, decay_after=2, eval_tokens=None)
    return {"RNN": replace(base, cell="rnn", lr=0.1), "LSTM": replace(base, cell="lstm")}


class RNNLM(nn.Module):
    """Embedding -> ``num_layers`` recurrent layers -> linear decoder over the vocabulary.

    ``forward(ids (B, T), state=None) -> (logits (B, T, V), state)``; pass the returned state back in
    (detached, see :meth:`detach_state`) to carry it across consecutive windows of a stream.

    Used in: book/rnn-by-hand, book/zaremba-reproduction
    """

    def __init__(self, config: RNNLMConfig):
        super().__init__()
        if not isinstance(config, RNNLMConfig):
            raise TypeError(f"config must be an RNNLMConfig, got {type(config).__name__}")
        c = self.config = config
        self.embed = nn.Embedding(c.vocab_size, c.emb_size)
        self.drop = nn.Dropout(c.dropout)
        inter = c.dropout if c.num_layers > 1 else 0.0
        if c.cell == "rnn":
            self.rnn = nn.RNN(c.emb_size, c.hidden_size, c.num_layers, nonlinearity="tanh",
                              batch_first=True, dropout=inter)
        elif c.cell == "lstm":
            self.rnn = nn.LSTM(c.emb_size, c.hidden_size, c.num_layers, batch_first=True, dropout=inter)
        elif c.cell == "gru":
            self.rnn = nn.GRU(c.emb_size, c.hidden_size, c.num_layers, batch_first=True, dropout=inter)
        else:
            self.rnn = StackedRNN(c.cell.split("-")[0], c.emb_size, c.hidden_size, c.num_layers, inter)
        self.decoder = nn.Linear(c.hidden_size, c.vocab_size)
        for p in self.parameters():
            nn.init.uniform_(p, -c.init_scale, c.init_scale)

    @property
    def is_lstm(self) -> bool:
        return self.config.cell.startswith("lstm")

    def init_state(self, batch_size: int, device=None):
        """Zero state: ``(h, c)`` for an LSTM, ``h`` otherwise; each (num_layers, B, H)."""
        z = torch.zeros(self.config.num_layers, batch_size, self.config.hidden_size,
                        device=device or self.decoder.weight.device)
        return (z, z.clone()) if self.is_lstm else z

    @staticmethod
    def detach_state(state):
        """Cut the graph at the window boundary (truncated BPTT) but keep the values."""
        if state is None:
            return None
        return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()

    def forward(self, ids: torch.Tensor, state=None):
        if not isinstance(ids, torch.Tensor) or ids.dtype not in (torch.int64, torch.int32):
            raise TypeError(f"ids must be an integer tensor (B, T), got {getattr(ids, 'dtype', type(ids).__name__)}")
        if ids.ndim != 2 or ids.shape[0] == 0 or ids.shape[1] == 0:
            raise ValueError(f"ids must have shape (B, T) with B, T >= 1, got {tuple(ids.shape)}")
        x = self.drop(self.embed(ids))                     # (B, T, E)
        out, state = self.rnn(x, state)                    # (B, T, H)
        return self.decoder(self.drop(out)), state         # (B, T, V)

    def next_token_log_probs(self, ids: torch.Tensor, state=None):
        """Log-probabilities of the next token after every position: (B, T, V), and the state."""
        logits, state = self(ids, state)
        return F.log_softmax(logits.float(), dim=-1), state


# ============================================================================ data
def load_ptb_ids(splits: Sequence[str] = ("train", "valid", "test")):
    """The PTB vocabulary (10,000 words incl. ``<eos>``, ids by frequency) and each split as one
    token-id stream with ``<eos>`` after every sentence (929,589 / 73,760 / 82,430 tokens).

    Returns ``(vocab, {split: int64 array})``.

    Used in: book/rnn-by-hand, book/zaremba-reproduction
    """
    from ..data import Vocab, load_ptb

    vocab = Vocab.build(load_ptb("train"), specials=("<eos>",), unk_token="<unk>")
    return vocab, {s: vocab.encode_stream(load_ptb(s)) for s in splits}


# ============================================================================ training and evaluation
class CarriedStateLoss:
    """The loss for :class:`ptmcourse.train.Trainer` with a hidden state carried across batches.

    Each batch is ``(x, y, reset)`` (see :func:`train_lm`); the state left by the previous window is
    fed in (detached) unless ``reset`` is set (start of an epoch). Returns ``{"loss": sum over the
    T unrolled steps of the batch-mean cross-entropy, "nll": per-token cross-entropy}`` -- the
    summed loss is what Zaremba et al. differentiate, so lr = 1 and clip = 5 mean what they meant.
    """

    def __init__(self):
        self.state = None

    def __call__(self, model: nn.Module, batch) -> dict:
        x, y, reset = batch
        if bool(reset):
            self.state = None
        logits, state = model(x, self.state)                                   # (B, T, V)
        self.state = RNNLM.detach_state(state)
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.reshape(-1))
        return {"loss": nll * x.shape[1], "nll": nll.detach()}


def _stream_ids(ids, what: str) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise ValueError(f"{what} must be a 1-D integer array of token ids, got shape {arr.shape}, dtype {arr.dtype}")
    if len(arr) < 2:
        raise ValueError(f"{what} has {len(arr)} tokens; need at least 2")
    return arr.astype(np.int64)


def train_lm(model: RNNLM, train_ids, config: RNNLMConfig | None = None, valid_ids=None,
             checkpoint_dir: str | None = None, progress: bool = True, device: str = "auto",
             eval_every: int | None = None):
    """Train ``model`` on a token stream with the shared :class:`ptmcourse.train.Trainer`.

    The stream is cut into ``batch_size`` rows (:func:`ptmcourse.data.lm_stream`) and walked in
    windows of ``bptt`` (:func:`ptmcourse.data.bptt_batches`), one window per step, carrying the
    hidden state; an epoch is one pass. SGD, clipping and the step decay come from ``config``.
    With ``valid_ids``, the validation perplexity is logged every epoch (or ``eval_every`` steps).

    Returns the Trainer (``.history`` has ``train_loss``, ``nll``, ``lr``, ``grad_norm``, ``valid_ppl``).

    Used in: book/rnn-by-hand, book/zaremba-reproduction
    """
    from ..data import bptt_batches, lm_stream
    from ..train import TrainConfig, Trainer

    cfg = config or model.config
    ids = _stream_ids(train_ids, "train_ids")
    if cfg.train_tokens is not None:
        ids = ids[: cfg.train_tokens]
    windows = list(bptt_batches(lm_stream(ids, cfg.batch_size), cfg.bptt))    # [(x, y)], (B, T) each
    n = len(windows)

    def batch_fn(step: int, generator: torch.Generator):
        x, y = windows[step % n]
        return torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(y)), \
            torch.tensor(step % n == 0)

    eval_fn = None
    if valid_ids is not None:
        v = _stream_ids(valid_ids, "valid_ids")

        def eval_fn(m):
            return {"valid_ppl": evaluate_perplexity(m, v, cfg.eval_batch_size, tokens=cfg.eval_tokens)}

    tc = TrainConfig(total_steps=cfg.epochs * n, max_steps=cfg.max_steps, steps_per_epoch=n,
                     optimizer="sgd", lr=cfg.lr, no_decay_1d=False, grad_clip=cfg.clip,
                     schedule="step", milestone_unit="epoch", gamma=cfg.lr_decay,
                     milestones=tuple(range(cfg.decay_after, cfg.epochs)),
                     eval_every=eval_every if eval_every is not None else (n if valid_ids is not None else None),
                     log_every=max(1, min(100, n // 10)), progress=progress, device=device, amp="off",
                     checkpoint_dir=checkpoint_dir, checkpoint_every=n if checkpoint_dir else None,
                     seed=cfg.seed)
    trainer = Trainer(model, CarriedStateLoss(), batch_fn, tc, eval_fn=eval_fn)
    trainer.fit()
    return trainer


@torch.no_grad()
def evaluate_perplexity(model: RNNLM, ids, batch_size: int = 10, bptt: int = 35,
                        tokens: int | None = None) -> float:
    """Perplexity ``exp(mean NLL)`` of ``model`` on a token stream, state carried through the stream.

    The stream is cut into ``batch_size`` contiguous rows (each starts from a zero state; with
    ``batch_size=1`` this is exactly the paper's evaluation). ``tokens`` keeps the first N only.

    Used in: book/rnn-by-hand, book/zaremba-reproduction
    """
    from ..data import bptt_batches, lm_stream

    arr = _stream_ids(ids, "ids")
    if tokens is not None:
        arr = arr[:tokens]
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    total, count, state = 0.0, 0, None
    try:
        for x, y in bptt_batches(lm_stream(arr, batch_size), bptt):
            x = torch.from_numpy(np.ascontiguousarray(x)).to(device)                # (B, T)
            y = torch.from_numpy(np.ascontiguousarray(y)).to(device)                # (B, T)
            logits, state = model(x, state)                                    # (B, T, V)
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.reshape(-1),
                                     reduction="sum").item()
            count += y.numel()
    finally:
        model.train(was_training)
    return math.exp(total / count)


@torch.no_grad()
def sentence_log_probs(model: RNNLM, vocab, sentences: Sequence[Sequence[str]],
                       context: Sequence[str] = ("<eos>",)) -> np.ndarray:
    """Total log-probability (nats) of each sentence, each read after ``context`` (PTB: ``<eos>``).

    Sentences are batched by length; every word must be in ``vocab`` (a ``ptmcourse.data.Vocab``).

    Used in: book/rnn-by-hand (long-range agreement)
    """
    if len(sentences) == 0:
        raise ValueError("sentences is empty")
    if len(context) == 0:
        raise ValueError("context must hold at least one token (e.g. ('<eos>',)): the first word needs one")
    missing = sorted({w for s in sentences for w in s if w not in vocab})
    if missing:
        raise ValueError(f"{len(missing)} words are not in the vocabulary, e.g. {missing[:5]}")
    if any(len(s) == 0 for s in sentences):
        raise ValueError("every sentence needs at least one word")
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    out = np.empty(len(sentences))
    by_len: dict[int, list[int]] = {}
    for i, s in enumerate(sentences):
        by_len.setdefault(len(s), []).append(i)
    try:
        for length, idx in sorted(by_len.items()):
            ids = torch.tensor([vocab.encode([*context, *sentences[i]]) for i in idx], device=device)  # (B, C+L)
            logp, _ = model.next_token_log_probs(ids[:, :-1])                                    # (B, C+L-1, V)
            tok = logp.gather(-1, ids[:, 1:, None])[..., 0]                                      # (B, C+L-1)
            out[idx] = tok[:, len(context) - 1:].sum(1).double().cpu().numpy()
    finally:
        model.train(was_training)
    return out


def make_sentence_scorer(model: RNNLM, vocab, context: Sequence[str] = ("<eos>",)) -> Callable:
    """``sentences -> log-probs`` for :func:`ptmcourse.agreement.agreement_accuracy`."""
    return lambda sentences: sentence_log_probs(model, vocab, sentences, context)
