"""The one training loop every model chapter uses.

You bring a model, a ``loss_fn(model, batch)`` and data; the ``Trainer`` does the rest:

    cfg = TrainConfig(total_steps=2000, lr=3e-4, schedule="cosine", warmup_steps=100, grad_clip=1.0)
    trainer = Trainer(model, loss_fn, dataset_or_batch_fn, cfg, eval_fn=eval_fn)
    history = trainer.fit()
    steps, losses = history.series("train_loss")

- data: a map-style ``Dataset`` (the Trainer builds a DataLoader whose order depends only on
  ``seed`` and the epoch; a ``DistributedSampler`` shards it under DDP), or ``batch_fn(step,
  generator) -> batch`` (e.g. random windows of a token stream; under DDP each rank takes its slice
  of the global batch along dim 0). ``batch_size`` is the *global* micro-batch; one optimizer step
  sees ``batch_size * grad_accum`` examples whatever the number of processes.
- ``loss_fn`` returns a scalar loss tensor, or a dict with ``"loss"`` and extra scalars to log. It
  must call ``model(...)`` (under DDP that call is what synchronises the gradients).
- Device, bf16 autocast on CUDA, AdamW/SGD, clipping, accumulation, schedules, tqdm, a plottable
  history, safetensors checkpoints with exact resume, and DDP under ``torchrun``.

Used in: book/training and every model chapter.
"""
from __future__ import annotations

import json
import math
import os
import warnings
from contextlib import nullcontext
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from . import get_device
from .checkpoint import load_checkpoint, resolve_checkpoint, rng_state, save_checkpoint, set_rng_state
from .schedules import Constant, StepDecay, WarmupCosine, make_scheduler
from .utils import progress

__all__ = ["TrainConfig", "Trainer", "History", "fit", "to_device"]


@dataclass
class TrainConfig:
    """Every knob of a training run (all plain values, so it is stored in checkpoints as JSON)."""

    # how long: total_steps is the run (and the schedule); max_steps stops early, resume later
    epochs: float | None = None          # passes over a Dataset (sets total_steps if not given)
    total_steps: int | None = None       # optimizer steps in the whole run
    max_steps: int | None = None         # stop after this step (default: total_steps)
    steps_per_epoch: int | None = None   # batch_fn data only: optimizer steps per "epoch"
    # batches
    batch_size: int = 32                 # global micro-batch for a Dataset (split across ranks)
    grad_accum: int = 1                  # micro-batches per optimizer step
    shuffle: bool = True
    drop_last: bool = True
    num_workers: int = 0
    # optimizer
    optimizer: str = "adamw"             # "adamw" | "adam" | "sgd" (or pass optimizer_fn)
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    momentum: float = 0.0                # sgd only
    weight_decay: float = 0.0
    no_decay_1d: bool = True             # no weight decay on biases and norm weights (ndim < 2)
    no_decay_embeddings: bool = False    # ... nor on nn.Embedding weights
    grad_clip: float | None = None       # max global L2 norm of the gradient
    grad_clip_value: float | None = None  # clamp each gradient entry to [-v, v] (before the norm clip)
    # learning-rate schedule
    schedule: str = "constant"           # "constant" | "cosine" | "step"
    warmup_steps: int = 0
    min_lr: float = 0.0                  # cosine: final learning rate
    milestones: tuple[float, ...] = ()   # step: multiply lr by gamma at each milestone
    milestone_unit: str = "step"         # "step" | "epoch"
    gamma: float = 0.1
    # device and precision
    device: str = "auto"
    amp: str = "auto"                    # "auto" (bf16 on CUDA if supported) | "bf16" | "fp16" | "off"
    # logging, evaluation, checkpoints
    log_every: int = 10                  # history row: mean of the last log_every steps
    eval_every: int | None = None        # call eval_fn every this many steps (and at the end)
    progress: bool = True
    checkpoint_dir: str | None = None    # <dir>/last (and <dir>/best)
    checkpoint_every: int | None = None  # also at the end of every fit()
    best_metric: str | None = None       # an eval_fn key; keep <dir>/best for its best value
    best_mode: str = "min"
    resume: bool = False                 # continue from <checkpoint_dir>/last if it exists
    resume_from: str | None = None       # continue from this checkpoint (must exist)
    seed: int = 0                        # data order and the batch_fn generator

    def __post_init__(self):
        choices = {"optimizer": ("adamw", "adam", "sgd"), "schedule": ("constant", "cosine", "step"),
                   "milestone_unit": ("step", "epoch"), "amp": ("auto", "bf16", "fp16", "off"),
                   "best_mode": ("min", "max")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"TrainConfig.{name}={getattr(self, name)!r}; expected one of {allowed}")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("batch_size", "grad_accum", "log_every") and not (isinstance(v, int) and v >= 1):
                raise ValueError(f"TrainConfig.{f.name}={v!r}; expected an int >= 1")
            if f.name.endswith(("_steps", "_every")) and v is not None and not (isinstance(v, int) and v >= 0):
                raise ValueError(f"TrainConfig.{f.name}={v!r}; expected a non-negative int or None")
        self.betas, self.milestones = tuple(self.betas), tuple(self.milestones)


class History(list):
    """Rows of logged metrics (dicts with ``step`` and e.g. ``train_loss``, ``lr``, eval metrics)."""

    def series(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, values)`` of every row that has ``key``, ready for ``plt.plot``."""
        rows = [r for r in self if r.get(key) is not None]
        if not rows:
            raise KeyError(f"no history row has {key!r}; keys seen: {sorted({k for r in self for k in r})}")
        return np.array([r["step"] for r in rows]), np.array([r[key] for r in rows], dtype=float)

    def frame(self) -> dict[str, list]:
        """Columns ``{key: [value or None per row]}`` (what ``pandas.DataFrame(...)`` would take)."""
        keys = list(dict.fromkeys(k for r in self for k in r))
        return {k: [r.get(k) for r in self] for k in keys}


def _map_tensors(fn: Callable, batch: Any) -> Any:
    if isinstance(batch, torch.Tensor):
        return fn(batch)
    if isinstance(batch, dict):
        return {k: _map_tensors(fn, v) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # namedtuple
        return type(batch)(*(_map_tensors(fn, v) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(_map_tensors(fn, v) for v in batch)
    return batch


def to_device(batch: Any, device: torch.device) -> Any:
    """Move every tensor in a (nested) tuple/list/dict batch to ``device``."""
    return _map_tensors(lambda t: t.to(device, non_blocking=True), batch)


def _scalar(v: Any, device: torch.device) -> torch.Tensor:
    """A logged value as a detached float32 0-dim tensor on ``device``."""
    if isinstance(v, torch.Tensor):
        if v.numel() != 1:
            raise TypeError(f"loss_fn's extra metrics must be scalars, got a tensor of shape {tuple(v.shape)}")
        return v.detach().float().reshape(()).to(device)
    return torch.tensor(float(v), device=device)


def _rank_slice(batch: Any, rank: int, world: int) -> Any:
    """This rank's equal share (along dim 0) of a global batch."""
    def cut(t: torch.Tensor) -> torch.Tensor:
        if t.ndim == 0 or t.shape[0] % world:
            raise ValueError(f"batch_fn returned a tensor of shape {tuple(t.shape)}: under DDP its first "
                             f"dim must be divisible by the number of processes ({world})")
        b = t.shape[0] // world
        return t[rank * b:(rank + 1) * b]
    return _map_tensors(cut, batch)


class Trainer:
    """Train ``model`` on ``data`` by minimising ``loss_fn(model, batch)``; see the module docstring.

    Parameters
    ----------
    model : nn.Module
    loss_fn : callable ``(model, batch) -> loss`` or ``-> {"loss": loss, "acc": ..., ...}``
    data : ``torch.utils.data.Dataset`` or callable ``(step, generator) -> batch``
    config : TrainConfig
    eval_fn : callable ``(model) -> dict[str, float]``, optional; run under ``no_grad``/``eval()``
        (on rank 0 only) with the RNG states saved and restored around it.
    optimizer_fn : callable ``(params) -> Optimizer``, optional; replaces the built-in choice.
    collate_fn : passed to the DataLoader.

    Used in: every model chapter.
    """

    def __init__(self, model: torch.nn.Module, loss_fn: Callable, data: Dataset | Callable,
                 config: TrainConfig | None = None, *, eval_fn: Callable | None = None,
                 optimizer_fn: Callable | None = None, collate_fn: Callable | None = None):
        cfg = self.config = config if config is not None else TrainConfig()
        if not isinstance(cfg, TrainConfig):
            raise TypeError(f"config must be a TrainConfig, got {type(cfg).__name__}")
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        if not callable(loss_fn):
            raise TypeError(f"loss_fn must be callable (model, batch) -> loss, got {type(loss_fn).__name__}")
        self.loss_fn, self.eval_fn, self.collate_fn = loss_fn, eval_fn, collate_fn

        # processes and device: torchrun sets WORLD_SIZE / RANK / LOCAL_RANK
        self.world, self.rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
        self.device = get_device(cfg.device)
        if self.device.type == "cuda" and self.world > 1:
            self.device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(self.device)
        if self.world > 1 and not dist.is_initialized():
            dist.init_process_group(backend="nccl" if self.device.type == "cuda" else "gloo")
        self.model = model.to(self.device)
        self.ddp_model = self.model if self.world == 1 else torch.nn.parallel.DistributedDataParallel(
            self.model, device_ids=[self.device.index] if self.device.type == "cuda" else None)

        params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = optimizer_fn(params) if optimizer_fn else self._make_optimizer()
        self.amp_dtype = self._amp_dtype()
        self.scaler = torch.amp.GradScaler("cuda") if self.amp_dtype == torch.float16 else None

        # data: a Dataset (epochs of shuffled batches) or a batch_fn (a fresh batch per call)
        self.data_gen = torch.Generator().manual_seed(cfg.seed)  # batch_fn's generator (checkpointed)
        if isinstance(data, Dataset) or (hasattr(data, "__getitem__") and hasattr(data, "__len__")):
            self.dataset, self.batch_fn = data, None
            if cfg.batch_size % self.world:
                raise ValueError(f"batch_size={cfg.batch_size} must be divisible by the {self.world} processes")
            n = len(self._sampler(0))  # examples per rank per epoch
            per_rank = cfg.batch_size // self.world
            self.micro_per_epoch = n // per_rank if cfg.drop_last else math.ceil(n / per_rank)
            if self.micro_per_epoch == 0:
                raise ValueError(f"dataset of {len(data)} examples gives no batch of {cfg.batch_size} "
                                 "(lower batch_size or set drop_last=False)")
            self.steps_per_epoch = self.micro_per_epoch / cfg.grad_accum
        elif callable(data):
            self.dataset, self.batch_fn, self.steps_per_epoch = None, data, cfg.steps_per_epoch
        else:
            raise TypeError(f"data must be a map-style Dataset or a callable batch_fn(step, generator), "
                            f"got {type(data).__name__}")

        self.total_steps = self._total_steps()
        self.stop_step = cfg.max_steps if cfg.max_steps is not None else self.total_steps
        self.scheduler = make_scheduler(self.optimizer, self._schedule())
        self.step, self.epoch, self.batch_in_epoch = 0, 0, 0  # data position: batches used this epoch
        self.history, self.best, self._acc = History(), None, {}
        self._resume_done = False

    # ------------------------------------------------------------------ setup helpers
    def _make_optimizer(self) -> torch.optim.Optimizer:
        cfg = self.config
        skip = {id(m.weight) for m in self.model.modules() if isinstance(m, torch.nn.Embedding)} \
            if cfg.no_decay_embeddings else set()
        decay, no_decay = [], []
        for p in self.model.parameters():
            if p.requires_grad:
                plain = (cfg.no_decay_1d and p.ndim < 2) or id(p) in skip
                (no_decay if plain else decay).append(p)
        groups = [g for g in ({"params": decay, "weight_decay": cfg.weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}) if g["params"]]
        if not groups:
            raise ValueError("model has no trainable parameters")
        if cfg.optimizer == "sgd":
            return torch.optim.SGD(groups, lr=cfg.lr, momentum=cfg.momentum)
        cls = torch.optim.AdamW if cfg.optimizer == "adamw" else torch.optim.Adam
        return cls(groups, lr=cfg.lr, betas=cfg.betas)

    def _amp_dtype(self) -> torch.dtype | None:
        amp, dev = self.config.amp, self.device.type
        if amp == "auto":
            return torch.bfloat16 if dev == "cuda" and torch.cuda.is_bf16_supported() else None
        if amp == "fp16" and dev != "cuda":
            raise ValueError(f"amp='fp16' needs a CUDA device, got {dev}; use amp='bf16' or 'off'")
        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(amp)

    def _autocast(self):
        return torch.autocast(self.device.type, dtype=self.amp_dtype) if self.amp_dtype else nullcontext()

    def _total_steps(self) -> int:
        cfg = self.config
        if cfg.total_steps is not None:
            return cfg.total_steps
        if cfg.epochs is not None:
            if self.steps_per_epoch is None:
                raise ValueError("epochs with a batch_fn needs steps_per_epoch (or give total_steps)")
            return int(cfg.epochs * self.steps_per_epoch)
        if cfg.max_steps is not None:
            return cfg.max_steps
        raise ValueError("TrainConfig needs total_steps, epochs or max_steps to know how long to train")

    def _schedule(self):
        cfg = self.config
        if cfg.schedule == "cosine":
            return WarmupCosine(cfg.warmup_steps, self.total_steps, cfg.min_lr / cfg.lr)
        if cfg.schedule == "step":
            if cfg.milestone_unit == "epoch" and self.steps_per_epoch is None:
                raise ValueError("milestone_unit='epoch' with a batch_fn needs steps_per_epoch")
            scale = self.steps_per_epoch if cfg.milestone_unit == "epoch" else 1
            return StepDecay([round(m * scale) for m in cfg.milestones], cfg.gamma, cfg.warmup_steps)
        return Constant(cfg.warmup_steps)

    # ------------------------------------------------------------------ data
    def _sampler(self, epoch: int) -> DistributedSampler:
        s = DistributedSampler(self.dataset, num_replicas=self.world, rank=self.rank,
                               shuffle=self.config.shuffle, seed=self.config.seed, drop_last=self.config.drop_last)
        s.set_epoch(epoch)
        return s

    def _micro_batches(self):
        """An endless stream of this rank's micro-batches, starting at the saved data position."""
        cfg = self.config
        while self.batch_fn is not None:
            batch = self.batch_fn(self.step, self.data_gen)  # the global batch, same on every rank
            yield _rank_slice(batch, self.rank, self.world) if self.world > 1 else batch
        while True:
            per_rank = cfg.batch_size // self.world
            order = list(self._sampler(self.epoch))[self.batch_in_epoch * per_rank:]  # skip used batches
            loader = DataLoader(self.dataset, batch_size=per_rank, sampler=order, drop_last=cfg.drop_last,
                                collate_fn=self.collate_fn, num_workers=cfg.num_workers,
                                pin_memory=self.device.type == "cuda",
                                generator=torch.Generator().manual_seed(cfg.seed + self.epoch))
            for batch in loader:
                self.batch_in_epoch += 1
                yield batch
            self.epoch, self.batch_in_epoch = self.epoch + 1, 0

    def epoch_float(self) -> float | None:
        """Epochs done so far (fractional), or None for a batch_fn without steps_per_epoch."""
        if self.dataset is not None:
            return self.epoch + self.batch_in_epoch / self.micro_per_epoch
        return self.step / self.steps_per_epoch if self.steps_per_epoch else None

    # ------------------------------------------------------------------ one optimizer step
    def _train_step(self, stream) -> dict[str, float]:
        cfg, accum = self.config, self.config.grad_accum
        self.optimizer.zero_grad(set_to_none=True)
        total, names = None, None
        for micro in range(accum):
            batch = to_device(next(stream), self.device)
            no_sync = self.world > 1 and micro < accum - 1  # DDP: all-reduce grads on the last one only
            with self.ddp_model.no_sync() if no_sync else nullcontext():
                with self._autocast():
                    out = self.loss_fn(self.ddp_model, batch)
                loss, extras = (out["loss"], {k: v for k, v in out.items() if k != "loss"}) \
                    if isinstance(out, dict) else (out, {})
                if not isinstance(loss, torch.Tensor) or loss.ndim != 0:
                    raise TypeError(f"loss_fn must return a scalar tensor (or a dict with one under 'loss'), "
                                    f"got {type(loss).__name__} {getattr(loss, 'shape', '')}")
                (self.scaler.scale(loss / accum) if self.scaler else loss / accum).backward()
            names = ["train_loss", *extras]
            vals = torch.stack([_scalar(v, self.device) for v in (loss, *extras.values())])
            total = vals if total is None else total + vals
        total = total / accum  # mean over micro-batches, (1 + n_extras,)
        if self.world > 1:  # mean over ranks (equal-sized shards, so it is the global-batch mean)
            dist.all_reduce(total, op=dist.ReduceOp.SUM)
            total = total / self.world

        if self.scaler:
            self.scaler.unscale_(self.optimizer)
        params = [p for p in self.model.parameters() if p.grad is not None]
        if cfg.grad_clip_value is not None:
            torch.nn.utils.clip_grad_value_(params, cfg.grad_clip_value)
        norm = torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip or float("inf"))  # returns pre-clip norm
        values = torch.cat([total, norm.detach().float().view(1).to(total.device)]).tolist()
        metrics = dict(zip(names + ["grad_norm"], values))
        bad = "loss" if not math.isfinite(metrics["train_loss"]) else \
            "gradient norm" if self.scaler is None and not math.isfinite(metrics["grad_norm"]) else None
        if bad:
            last = Path(cfg.checkpoint_dir) / "last" if cfg.checkpoint_dir else None
            where = f"the last good checkpoint is {last}" if last and last.exists() else "no checkpoint was written"
            raise FloatingPointError(f"non-finite {bad} at step {self.step + 1}: loss={metrics['train_loss']}, "
                                     f"grad_norm={metrics['grad_norm']}; training stopped, weights not updated; "
                                     f"{where}")
        metrics["lr"] = self.optimizer.param_groups[0]["lr"]  # the rate this step used
        if self.scaler:
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            self.optimizer.step()
        self.scheduler.step()
        self.step += 1
        return metrics

    def _log(self, metrics: dict[str, float]) -> None:
        for k, v in metrics.items():
            if k != "lr":
                self._acc[k] = self._acc.get(k, 0.0) + v
        self._acc["n"] = self._acc.get("n", 0) + 1
        if self.step % self.config.log_every == 0 or self.step == self.total_steps:
            n = self._acc.pop("n")
            row = {"step": self.step, "epoch": self.epoch_float(), "lr": metrics["lr"]}
            self.history.append({**row, **{k: v / n for k, v in self._acc.items()}})
            self._acc = {}

    # ------------------------------------------------------------------ public API
    def fit(self) -> History:
        """Train until ``max_steps`` (default ``total_steps``); returns ``self.history``."""
        cfg = self.config
        if not self._resume_done and (cfg.resume or cfg.resume_from):
            src = cfg.resume_from or cfg.checkpoint_dir
            if src is None:
                raise ValueError("resume=True needs checkpoint_dir (or give resume_from=path)")
            try:
                self.load(src)
            except FileNotFoundError:
                if cfg.resume_from:  # resume=True with nothing saved yet is a fresh start
                    raise
        self._resume_done = True
        stream = self._micro_batches()
        bar = progress(total=self.stop_step, initial=self.step, desc="train",
                       disable=not cfg.progress or self.rank != 0)
        self.ddp_model.train()
        try:
            while self.step < self.stop_step:
                metrics = self._train_step(stream)
                self._log(metrics)
                bar.update(1)
                bar.set_postfix(loss=f"{metrics['train_loss']:.4g}", lr=f"{metrics['lr']:.3g}")
                periodic = cfg.eval_every and self.step % cfg.eval_every == 0
                if periodic or (self.step == self.total_steps and self.eval_fn is not None):
                    bar.set_postfix({k: f"{v:.4g}" for k, v in self.evaluate().items()})
                if cfg.checkpoint_dir and cfg.checkpoint_every and self.step % cfg.checkpoint_every == 0 \
                        and self.step < self.stop_step:
                    self.save()
        finally:
            bar.close()
        if cfg.checkpoint_dir:
            self.save()
        if self.world > 1:
            dist.barrier()
        return self.history

    def evaluate(self) -> dict[str, float]:
        """Run ``eval_fn`` (rank 0), log its metrics, update ``best``; training RNG is left untouched."""
        if self.eval_fn is None or self.rank != 0:
            return {}
        saved = rng_state()
        self.model.eval()
        try:
            with torch.no_grad(), self._autocast():
                out = self.eval_fn(self.model)
        finally:
            self.model.train()
            set_rng_state(*saved)
        if not isinstance(out, dict):
            raise TypeError(f"eval_fn must return a dict of metric name -> number, got {type(out).__name__}")
        metrics = {k: float(v) for k, v in out.items()}
        self.history.append({"step": self.step, "epoch": self.epoch_float(), **metrics})
        key = self.config.best_metric
        if key is not None:
            if key not in metrics:
                raise KeyError(f"best_metric={key!r} is not among eval_fn's metrics {sorted(metrics)}")
            better = self.best is None or (metrics[key] < self.best if self.config.best_mode == "min"
                                           else metrics[key] > self.best)
            if better:
                self.best = metrics[key]
                if self.config.checkpoint_dir:
                    self.save(Path(self.config.checkpoint_dir) / "best")
        return metrics

    def history_frame(self) -> dict[str, list]:
        """The history as columns (see ``History.frame``)."""
        return self.history.frame()

    def save(self, path: str | os.PathLike | None = None) -> Path | None:
        """Write a checkpoint (rank 0 only) to ``path`` or ``<checkpoint_dir>/last``."""
        if self.rank != 0:
            return None
        if path is None:
            if self.config.checkpoint_dir is None:
                raise ValueError("save() needs a path when TrainConfig.checkpoint_dir is None")
            path = Path(self.config.checkpoint_dir) / "last"
        state = {"format": 1, "step": self.step, "epoch": self.epoch, "batch_in_epoch": self.batch_in_epoch,
                 "acc": self._acc, "best": self.best, "history": list(self.history),
                 "scheduler": self.scheduler.state_dict(), "config": asdict(self.config),
                 "scaler": self.scaler.state_dict() if self.scaler else None, "world_size": self.world,
                 "torch": torch.__version__}
        return save_checkpoint(path, self.model, self.optimizer, state, generators={"data": self.data_gen})

    def load(self, path: str | os.PathLike) -> None:
        """Restore everything a ``save`` wrote: weights, optimizer, schedule, RNGs, data position, history."""
        state = load_checkpoint(resolve_checkpoint(path), self.model, self.optimizer,
                                generators={"data": self.data_gen})
        mine = [dict(vars(f)) for f in self.scheduler.lr_lambdas]
        if json.loads(json.dumps(mine)) != state["scheduler"]["lr_lambdas"]:  # JSON makes tuples lists
            warnings.warn(f"the checkpoint's lr schedule {state['scheduler']['lr_lambdas'][0]} differs from "
                          f"this config's {mine[0]}; the checkpoint's is used", stacklevel=2)
        self.scheduler.load_state_dict(state["scheduler"])
        if self.scaler and state["scaler"]:
            self.scaler.load_state_dict(state["scaler"])
        self.step, self.epoch, self.batch_in_epoch = state["step"], state["epoch"], state["batch_in_epoch"]
        self._acc, self.best, self.history = state["acc"], state["best"], History(state["history"])
        self._resume_done = True


def fit(model: torch.nn.Module, loss_fn: Callable, data: Dataset | Callable,
        config: TrainConfig | None = None, **kwargs: Any) -> Trainer:
    """Build a ``Trainer``, run ``fit()`` and return the trainer (``.history``, ``.model``, ...)."""
    trainer = Trainer(model, loss_fn, data, config, **kwargs)
    trainer.fit()
    return trainer
