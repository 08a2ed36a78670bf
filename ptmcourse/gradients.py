"""Measuring how gradients flow: per-layer gradient norms, a deep MLP to measure them on, weight
penalties, and the norms of recurrent state Jacobians ``||ds_T / ds_{T-k}||``.

Vanishing gradients (梯度消失) and exploding gradients (梯度爆炸) are products of per-layer factors;
these helpers make the factors visible:

- :func:`layer_grad_norms` and :class:`GradNormRecorder` read ``||dL/dW_l||`` for every weight matrix,
  once or at every backward pass of a training run (the recorder works with the shared ``Trainer``).
- :class:`DeepMLP` is a plain fully connected classifier whose activation, initialisation, batch
  normalisation (批归一化) and residual connections (残差连接) can be switched one at a time.
- :func:`state_jacobian_norms_torch` measures ``||ds_T/ds_{T-k}||_2`` against k for any recurrent
  cell (tanh RNN, LSTM cell state, GRU) with autograd.

Used in: book/gradients, book/rnn-by-hand
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["ACTIVATIONS", "INITS", "DeepMLP", "weight_layers", "layer_grad_norms", "GradNormRecorder",
           "weight_penalty", "bag_of_words_features", "GradientsConfig", "fit_classifier", "accuracy",
           "state_jacobian_norms_torch"]

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "linear": nn.Identity,
}
INITS = ("default", "xavier", "he", "small", "large")


# ============================================================================ the measured model
class DeepMLP(nn.Module):
    """``depth`` hidden layers of ``width`` units, then a linear classifier.

    Each hidden block is ``x -> W x + b -> [BatchNorm] -> activation``; with ``residual=True`` it is
    ``x + block(x)`` (every hidden layer has the same width, the first one excepted).

    Parameters
    ----------
    in_dim, width, depth, n_classes : int
    activation : one of ``ACTIVATIONS``
    init : one of ``INITS``
        ``default`` (PyTorch's: U(+-1/sqrt(fan_in))), ``xavier`` (Glorot normal, std sqrt(2/(fan_in+fan_out))),
        ``he`` (Kaiming normal, std sqrt(2/fan_in)), ``small`` (N(0, 0.01^2)), ``large`` (N(0, 1)).
        Biases start at zero except with ``default``.
    batch_norm, residual : bool

    Used in: book/gradients
    """

    def __init__(self, in_dim: int, width: int = 64, depth: int = 10, n_classes: int = 2,
                 activation: str = "relu", init: str = "default", batch_norm: bool = False,
                 residual: bool = False):
        super().__init__()
        for name, v in (("in_dim", in_dim), ("width", width), ("depth", depth), ("n_classes", n_classes)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be an int >= 1, got {v!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation={activation!r}; expected one of {sorted(ACTIVATIONS)}")
        if init not in INITS:
            raise ValueError(f"init={init!r}; expected one of {INITS}")
        self.residual = residual
        self.linears = nn.ModuleList(nn.Linear(in_dim if i == 0 else width, width) for i in range(depth))
        self.norms = nn.ModuleList((nn.BatchNorm1d(width) if batch_norm else nn.Identity()) for _ in range(depth))
        self.acts = nn.ModuleList(ACTIVATIONS[activation]() for _ in range(depth))
        self.head = nn.Linear(width, n_classes)
        if init != "default":
            for lin in [*self.linears, self.head]:
                fan_out, fan_in = lin.weight.shape
                std = {"xavier": math.sqrt(2.0 / (fan_in + fan_out)), "he": math.sqrt(2.0 / fan_in),
                       "small": 0.01, "large": 1.0}[init]
                nn.init.normal_(lin.weight, 0.0, std)
                nn.init.zeros_(lin.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` (B, in_dim) -> logits (B, n_classes)."""
        for i, (lin, norm, act) in enumerate(zip(self.linears, self.norms, self.acts)):
            out = act(norm(lin(x)))                       # (B, width)
            x = x + out if self.residual and i > 0 else out
        return self.head(x)


# ============================================================================ measuring
def weight_layers(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """The weight matrices (parameters with ndim >= 2) of ``model`` in definition order, with names."""
    out = [(n, p) for n, p in model.named_parameters() if p.ndim >= 2 and p.requires_grad]
    if not out:
        raise ValueError(f"{type(model).__name__} has no trainable weight matrices")
    return out


def layer_grad_norms(model: nn.Module) -> dict[str, float]:
    """``{name: ||dL/dW||_2}`` of every weight matrix after a ``backward()`` (nan where no gradient).

    Used in: book/gradients
    """
    return {n: (p.grad.norm().item() if p.grad is not None else float("nan")) for n, p in weight_layers(model)}


class GradNormRecorder:
    """Record ``||dL/dW||`` of every weight matrix at every backward pass (before any clipping).

    It hooks each weight (``register_post_accumulate_grad_hook``), so it works inside any training
    loop, the shared ``Trainer`` included. With gradient accumulation it records each micro-batch's
    running sum.

    Attributes
    ----------
    names : list[str]
    norms : (n_backward_passes, n_layers) array (a property)

    Used in: book/gradients
    """

    def __init__(self, model: nn.Module, every: int = 1):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be an int >= 1, got {every!r}")
        layers = weight_layers(model)
        self.names = [n for n, _ in layers]
        self.every, self._rows, self._current, self._count = every, [], {}, 0
        self._handles = [p.register_post_accumulate_grad_hook(self._hook(i)) for i, (_, p) in enumerate(layers)]

    def _hook(self, i: int):
        def hook(p: torch.Tensor) -> None:
            self._current[i] = p.grad.detach().norm().item()
            if len(self._current) == len(self.names):  # every layer seen: one backward pass done
                if self._count % self.every == 0:
                    self._rows.append([self._current[j] for j in range(len(self.names))])
                self._count += 1
                self._current = {}
        return hook

    @property
    def norms(self) -> np.ndarray:
        return np.array(self._rows, dtype=float).reshape(-1, len(self.names))

    def remove(self) -> None:
        """Detach the hooks (the recorded norms stay)."""
        for h in self._handles:
            h.remove()
        self._handles = []

    def __enter__(self) -> "GradNormRecorder":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def weight_penalty(model: nn.Module, l1: float = 0.0, l2: float = 0.0) -> torch.Tensor:
    """``l1 * sum |W| + l2 * sum W^2`` over the weight matrices (biases and norm scales excluded).

    Its gradient is ``l1 * sign(W) + 2 * l2 * W``: L1 (L1正则) pulls every weight towards zero by the
    same amount and makes many exactly zero; L2 (L2正则, weight decay) shrinks each in proportion.

    Used in: book/gradients
    """
    if l1 < 0 or l2 < 0:
        raise ValueError(f"l1 and l2 must be >= 0, got {l1}, {l2}")
    ws = [p for _, p in weight_layers(model)]
    total = torch.zeros((), device=ws[0].device)
    if l1:
        total = total + l1 * sum(w.abs().sum() for w in ws)
    if l2:
        total = total + l2 * sum((w * w).sum() for w in ws)
    return total


# ============================================================================ training a classifier
@torch.no_grad()
def accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of rows of ``X`` (N, D) whose argmax logit equals ``y`` (N,); model in eval mode."""
    was = model.training
    model.eval()
    try:
        return (model(X).argmax(-1) == y).float().mean().item()
    finally:
        model.train(was)


def fit_classifier(model: nn.Module, X: torch.Tensor, y: torch.Tensor, steps: int = 300, lr: float = 0.1,
                   batch_size: int = 128, optimizer: str = "sgd", momentum: float = 0.0, clip_norm: float | None = None,
                   clip_value: float | None = None, l1: float = 0.0, l2: float = 0.0, record: bool = True,
                   seed: int = 0, dev: tuple[torch.Tensor, torch.Tensor] | None = None,
                   allow_divergence: bool = False):
    """Train a classifier with the shared ``Trainer`` on random mini-batches, recording gradient norms.

    The loss is the cross-entropy plus :func:`weight_penalty` (``l1``, ``l2``). Clipping: by value
    first (``clip_value``), then by global norm (``clip_norm``), as the ``Trainer`` does. A
    non-finite loss or gradient stops training with ``FloatingPointError`` (the ``Trainer``'s check);
    with ``allow_divergence=True`` the message is kept in ``trainer.diverged`` instead (None when
    training finished), so a chapter can show a run that blows up.

    Returns
    -------
    trainer : ptmcourse.train.Trainer (``.history`` has ``train_loss``, ``ce``, ``grad_norm``, and
        ``dev_acc`` at the end when ``dev`` is given)
    recorder : GradNormRecorder or None (per-layer norms of every step, before clipping)

    Used in: book/gradients
    """
    from .train import TrainConfig, Trainer

    if not (isinstance(X, torch.Tensor) and isinstance(y, torch.Tensor)) or X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be a (N, D) tensor and y a (N,) tensor, got {getattr(X, 'shape', X)} and "
                         f"{getattr(y, 'shape', y)}")
    if X.shape[0] == 0:
        raise ValueError("X has no rows")
    n = X.shape[0]

    def batch_fn(step: int, g: torch.Generator):
        idx = torch.randint(0, n, (batch_size,), generator=g)                # sampled with replacement
        return X[idx], y[idx]

    def loss_fn(m: nn.Module, batch) -> dict:
        xb, yb = batch
        ce = F.cross_entropy(m(xb), yb)
        return {"loss": ce + weight_penalty(m, l1, l2) if (l1 or l2) else ce, "ce": ce.detach()}

    eval_fn = (lambda m: {"dev_acc": accuracy(m, *dev)}) if dev is not None else None
    cfg = TrainConfig(total_steps=steps, batch_size=batch_size, optimizer=optimizer, lr=lr, momentum=momentum,
                      grad_clip=clip_norm, grad_clip_value=clip_value, log_every=1, progress=False,
                      device="cpu", amp="off", seed=seed)
    recorder = GradNormRecorder(model) if record else None
    trainer = Trainer(model, loss_fn, batch_fn, cfg, eval_fn=eval_fn)
    trainer.diverged = None
    try:
        trainer.fit()
    except FloatingPointError as exc:
        if not allow_divergence:
            raise
        trainer.diverged = str(exc)
    finally:
        if recorder is not None:
            recorder.remove()
    return trainer, recorder


# ============================================================================ the chapter's setup
@dataclass
class GradientsConfig:
    """The experiments of ``book/gradients``: SST-2 bag-of-words features and deep MLPs on them."""

    n_train: int | None = 20_000  # random training sentences used (None: all 67,349)
    vocab_size: int = 1000        # features: presence of the most frequent words
    width: int = 64
    depth_init: int = 20          # the depth of the networks measured at initialisation
    depth: int = 10               # the depth of the networks trained
    steps: int = 300
    batch_size: int = 128
    lr: float = 0.02
    momentum: float = 0.9
    clip_lr: float = 0.1          # the exploding run: plain SGD at this rate ...
    clip_norm: float = 1.0        # ... clipped by global norm ...
    clip_value: float = 0.01      # ... or by value
    l1: float = 1e-3
    l2: float = 1e-3
    penalty_depth: int = 2
    seed: int = 0

    @staticmethod
    def preset(scale: str) -> "GradientsConfig":
        """``smoke`` (seconds), ``book`` (the chapter), ``paper`` (all data, 10x the steps)."""
        presets = {"smoke": GradientsConfig(n_train=2000, steps=30, depth_init=8, depth=4),
                   "book": GradientsConfig(),
                   "paper": GradientsConfig(n_train=None, steps=3000)}
        if scale not in presets:
            raise ValueError(f"scale must be one of {sorted(presets)}, got {scale!r}")
        return replace(presets[scale])

    def to_dict(self) -> dict:
        return asdict(self)


def bag_of_words_features(sentences: Sequence[str], vocab) -> np.ndarray:
    """Binary bag-of-words: ``X[i, j] = 1`` if word ``j`` of ``vocab`` occurs in sentence i; float32
    (N, len(vocab)). The unknown-word column stays 0 (rare words carry no feature).

    Used in: book/gradients
    """
    if isinstance(sentences, str):
        raise TypeError("sentences must be a list of str, not a single str")
    X = np.zeros((len(sentences), len(vocab)), dtype=np.float32)   # (N, V)
    for i, s in enumerate(sentences):
        X[i, vocab.encode(s.split())] = 1.0
    if vocab.unk_id is not None:
        X[:, vocab.unk_id] = 0.0
    return X


# ============================================================================ recurrent Jacobians
def state_jacobian_norms_torch(step: Callable, xs: torch.Tensor, state0, which: int = 0) -> np.ndarray:
    """``||ds_T / ds_{T-k}||_2`` for k = 1..T, by autograd, for any recurrent step function.

    Parameters
    ----------
    step : callable ``(x_t (B, I), state) -> state``
        ``state`` is a tensor (B, H) or a tuple of them (an LSTM's ``(h, c)``).
    xs : (T, I) tensor
        One input sequence.
    state0 : (H,) tensor or tuple of them
        The initial state.
    which : int
        For a tuple state, the component measured (``1`` = an LSTM's cell state ``c``); the
        derivative is the total one through every path, the other components at ``T-k`` held fixed.

    Returns
    -------
    (T,) array, entry ``k-1`` holding the spectral norm for distance k.

    How: the sequence is run on a batch of H identical copies; copy ``i`` back-propagates only from
    ``s_T[i]`` (its i-th unit), so the gradient reaching ``s_{T-k}`` is the whole Jacobian, for every
    k, in one backward pass.

    Used in: book/rnn-by-hand
    """
    if not isinstance(xs, torch.Tensor) or xs.ndim != 2 or xs.shape[0] == 0:
        raise ValueError(f"xs must be a (T, I) tensor with T >= 1, got {getattr(xs, 'shape', type(xs).__name__)}")
    is_tuple = isinstance(state0, (tuple, list))
    parts = list(state0) if is_tuple else [state0]
    if not 0 <= which < len(parts):
        raise ValueError(f"which={which} but the state has {len(parts)} component(s)")
    H = parts[which].shape[-1]
    T = xs.shape[0]
    state = [p.detach().reshape(1, -1).expand(H, -1).clone().requires_grad_(True) for p in parts]  # (H, H) each
    tracked = [state[which]]                                                      # s_0 .. s_T
    cur = tuple(state) if is_tuple else state[0]
    for t in range(T):
        cur = step(xs[t].expand(H, -1), cur)                                      # (H, I) input copies
        comp = cur[which] if is_tuple else cur
        comp.retain_grad()
        tracked.append(comp)
    tracked[-1].diagonal().sum().backward()
    norms = np.empty(T)
    for k in range(1, T + 1):
        J = tracked[T - k].grad                                                   # (H, H) = ds_T/ds_{T-k}
        norms[k - 1] = torch.linalg.matrix_norm(J.double(), 2).item() if J is not None else 0.0
    return norms
