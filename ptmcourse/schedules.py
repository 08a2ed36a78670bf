"""Learning-rate schedules as small callable objects whose state checkpoints (to JSON) via ``LambdaLR``.

Each schedule is a small callable object ``f(t) -> factor``: the learning rate used for optimizer
step ``t`` (0-based: ``t`` updates already done) is ``lr * f(t)``. They are objects, not lambdas,
because ``LambdaLR.state_dict()`` stores an object's ``__dict__`` (plain numbers, so it goes to JSON)
and nothing at all for a lambda.

Used in: book/training (the Trainer), every model chapter.
"""
from __future__ import annotations

import math
from bisect import bisect_right

import torch

__all__ = ["Constant", "WarmupCosine", "StepDecay", "make_scheduler"]


def _check_int(name: str, value, lo: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r})")
    if value < lo:
        raise ValueError(f"{name} must be >= {lo}, got {value}")
    return value


def _warmup(t: int, warmup_steps: int) -> float:
    """Linear warmup: step 0 uses 1/warmup of the rate, step warmup-1 the full rate."""
    return (t + 1) / warmup_steps if t < warmup_steps else 1.0


class Constant:
    """``factor = 1`` after an optional linear warmup of ``warmup_steps`` steps."""

    def __init__(self, warmup_steps: int = 0):
        self.warmup_steps = _check_int("warmup_steps", warmup_steps)

    def __call__(self, t: int) -> float:
        return _warmup(t, self.warmup_steps)


class WarmupCosine:
    """Linear warmup for ``warmup_steps``, then cosine decay to ``min_ratio`` at ``total_steps``.

    ``factor(t) = min_ratio + (1 - min_ratio) * (1 + cos(pi * p)) / 2`` with
    ``p = (t - warmup_steps) / (total_steps - warmup_steps)``; after ``total_steps`` it stays at
    ``min_ratio`` (= ``min_lr / lr``).
    """

    def __init__(self, warmup_steps: int, total_steps: int, min_ratio: float = 0.0):
        self.warmup_steps = _check_int("warmup_steps", warmup_steps)
        self.total_steps = _check_int("total_steps", total_steps, lo=1)
        if self.warmup_steps > self.total_steps:
            raise ValueError(f"warmup_steps ({warmup_steps}) must be <= total_steps ({total_steps})")
        if not 0.0 <= min_ratio <= 1.0:
            raise ValueError(f"min_ratio (min_lr / lr) must be in [0, 1], got {min_ratio}")
        self.min_ratio = float(min_ratio)

    def __call__(self, t: int) -> float:
        if t < self.warmup_steps:
            return _warmup(t, self.warmup_steps)
        if t >= self.total_steps:
            return self.min_ratio
        p = (t - self.warmup_steps) / max(1, self.total_steps - self.warmup_steps)
        return self.min_ratio + (1.0 - self.min_ratio) * 0.5 * (1.0 + math.cos(math.pi * p))


class StepDecay:
    """Multiply the rate by ``gamma`` at each milestone step (after an optional warmup).

    ``factor(t) = gamma ** (number of milestones <= t)``. Zaremba et al. (2014), "x0.5 every epoch
    after epoch 4" of 13, is ``milestones = [4, 5, ..., 12]`` epochs converted to steps, ``gamma=0.5``.
    """

    def __init__(self, milestones, gamma: float = 0.1, warmup_steps: int = 0):
        ms = [_check_int("milestones[i]", m) for m in milestones]
        if ms != sorted(ms):
            raise ValueError(f"milestones must be increasing, got {list(milestones)}")
        if not gamma > 0:
            raise ValueError(f"gamma must be > 0, got {gamma}")
        self.milestones, self.gamma = ms, float(gamma)
        self.warmup_steps = _check_int("warmup_steps", warmup_steps)

    def __call__(self, t: int) -> float:
        return _warmup(t, self.warmup_steps) * self.gamma ** bisect_right(self.milestones, t)


def make_scheduler(optimizer: torch.optim.Optimizer, schedule) -> torch.optim.lr_scheduler.LambdaLR:
    """Wrap a schedule object in ``LambdaLR`` (one multiplier shared by all parameter groups)."""
    if not callable(schedule):
        raise TypeError(f"schedule must be callable t -> factor, got {type(schedule).__name__}")
    return torch.optim.lr_scheduler.LambdaLR(optimizer, [schedule] * len(optimizer.param_groups))
