"""Checkpoints as a directory of safetensors + JSON files: no pickle anywhere.

A checkpoint directory holds

- ``model.safetensors``      the model's ``state_dict`` (tied weights stored once, see ``aliases``)
- ``optimizer.safetensors``  every optimizer state tensor, keyed ``state.<param index>.<name>``
- ``optimizer.json``         the optimizer's param_groups and any non-tensor state
- ``rng.safetensors``        torch CPU / CUDA generator states and any named ``torch.Generator``
- ``state.json``             everything else (step, history, scheduler, Python/NumPy RNG, ...)

It is written to a temporary sibling directory and renamed into place, so a crash never leaves a
half-written checkpoint where a good one was.

Used in: book/training, every model chapter that saves or loads weights.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

__all__ = ["CheckpointMismatchError", "save_checkpoint", "load_checkpoint", "load_weights",
           "resolve_checkpoint", "check_state_dict", "rng_state", "set_rng_state"]


class CheckpointMismatchError(ValueError):
    """A checkpoint's tensors do not fit the model: names every bad shape, missing and extra key."""


def _unwrap(model: torch.nn.Module) -> torch.nn.Module:
    """The plain module inside a DistributedDataParallel / DataParallel / torch.compile wrapper."""
    if isinstance(model, (torch.nn.parallel.DistributedDataParallel, torch.nn.DataParallel)):
        model = model.module
    return getattr(model, "_orig_mod", model)


# ---------------------------------------------------------------- model weights
def _dedupe(sd: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """safetensors refuses shared memory: keep one copy of tied tensors, return {alias: original}."""
    seen: dict[tuple, str] = {}
    tensors, aliases = {}, {}
    for name, t in sd.items():
        key = (t.untyped_storage().data_ptr(), t.storage_offset(), tuple(t.shape), tuple(t.stride()), t.dtype)
        if t.numel() > 0 and key in seen:
            aliases[name] = seen[key]
            continue
        seen[key] = name
        tensors[name] = t.detach().cpu().contiguous()
    return tensors, aliases


def _read_model_file(file: Path) -> dict[str, torch.Tensor]:
    sd = load_file(str(file))
    with safe_open(str(file), framework="pt") as f:
        aliases = json.loads((f.metadata() or {}).get("aliases", "{}"))
    for alias, orig in aliases.items():
        sd[alias] = sd[orig]
    return sd


def check_state_dict(model: torch.nn.Module, sd: dict[str, torch.Tensor], strict: bool = True,
                     source: str = "checkpoint") -> None:
    """Raise ``CheckpointMismatchError`` listing every shape mismatch (and, if strict, key mismatch)."""
    own = _unwrap(model).state_dict()
    bad = [f"  {k}: checkpoint {tuple(sd[k].shape)} vs model {tuple(v.shape)}"
           for k, v in own.items() if k in sd and tuple(sd[k].shape) != tuple(v.shape)]
    missing = [k for k in own if k not in sd] if strict else []
    unexpected = [k for k in sd if k not in own] if strict else []
    if bad or missing or unexpected:
        lines = [f"{source} does not fit {type(_unwrap(model)).__name__}:"]
        if bad:
            lines += [f"{len(bad)} shape mismatch(es):", *bad]
        if missing:
            lines.append(f"missing in checkpoint ({len(missing)}): {', '.join(missing)}")
        if unexpected:
            lines.append(f"unexpected in checkpoint ({len(unexpected)}): {', '.join(unexpected)}")
        raise CheckpointMismatchError("\n".join(lines))


def load_weights(model: torch.nn.Module, path: str | os.PathLike, strict: bool = True) -> torch.nn.Module:
    """Load weights from a checkpoint directory (or a ``model.safetensors`` file) into ``model``.

    Raises ``CheckpointMismatchError`` naming every mismatching tensor with both shapes.
    """
    path = Path(path)
    file = path if path.suffix == ".safetensors" else resolve_checkpoint(path) / "model.safetensors"
    sd = _read_model_file(file)
    check_state_dict(model, sd, strict=strict, source=str(file))
    _unwrap(model).load_state_dict(sd, strict=strict)
    return model


# ---------------------------------------------------------------- optimizer
def _optimizer_to_files(opt: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    sd = opt.state_dict()
    tensors, scalars = {}, {}
    for idx, st in sd["state"].items():
        for name, v in st.items():
            if isinstance(v, torch.Tensor):
                tensors[f"state.{idx}.{name}"] = v.detach().cpu().contiguous()
            else:
                scalars.setdefault(str(idx), {})[name] = v
    return tensors, {"param_groups": sd["param_groups"], "scalars": scalars}


def _optimizer_from_files(tensors: dict[str, torch.Tensor], meta: dict) -> dict:
    state: dict[int, dict] = {}
    for key, v in tensors.items():
        _, idx, name = key.split(".", 2)
        state.setdefault(int(idx), {})[name] = v
    for idx, st in meta["scalars"].items():
        state.setdefault(int(idx), {}).update(st)
    groups = [{k: (tuple(v) if isinstance(v, list) and k != "params" else v) for k, v in g.items()}
              for g in meta["param_groups"]]  # JSON turned tuples (betas) into lists
    return {"state": state, "param_groups": groups}


# ---------------------------------------------------------------- RNG
def rng_state(generators: dict[str, torch.Generator] | None = None) -> tuple[dict[str, torch.Tensor], dict]:
    """Capture Python, NumPy, torch CPU/CUDA and named generators: (tensors, JSON-able dict)."""
    tensors = {"torch_cpu": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        for i, s in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"cuda.{i}"] = s
    for name, g in (generators or {}).items():
        tensors[f"gen.{name}"] = g.get_state()
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    meta = {"python": random.getstate(), "numpy": [kind, keys.tolist(), pos, has_gauss, gauss]}
    return tensors, meta


def set_rng_state(tensors: dict[str, torch.Tensor], meta: dict,
                  generators: dict[str, torch.Generator] | None = None) -> None:
    """Restore what ``rng_state`` captured (CUDA states only for devices that exist here)."""
    v, internal, gauss = meta["python"]
    random.setstate((v, tuple(internal), gauss))
    kind, keys, pos, has_gauss, g = meta["numpy"]
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), pos, has_gauss, g))
    torch.set_rng_state(tensors["torch_cpu"])
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            if f"cuda.{i}" in tensors:
                torch.cuda.set_rng_state(tensors[f"cuda.{i}"], i)
    for name, gen in (generators or {}).items():
        if f"gen.{name}" not in tensors:
            raise KeyError(f"checkpoint has no state for generator {name!r}")
        gen.set_state(tensors[f"gen.{name}"])


# ---------------------------------------------------------------- whole checkpoints
def resolve_checkpoint(path: str | os.PathLike) -> Path:
    """The checkpoint directory for ``path``: itself, or ``path/last`` for a run's checkpoint_dir."""
    path = Path(path)
    for cand in (path, path / "last"):
        if (cand / "model.safetensors").is_file():
            return cand
    old = sorted(path.parent.glob(f".{path.name}.old-*")) + sorted(path.glob(".last.old-*"))
    if old:  # a crash between the two renames in save_checkpoint: the previous one is intact
        return old[-1]
    raise FileNotFoundError(f"no checkpoint at {path} (expected {path}/model.safetensors or {path}/last/)")


def save_checkpoint(path: str | os.PathLike, model: torch.nn.Module, optimizer: torch.optim.Optimizer | None = None,
                    state: dict | None = None, generators: dict[str, torch.Generator] | None = None) -> Path:
    """Write a checkpoint directory atomically (temp dir, then rename over ``path``).

    ``state`` must be JSON-serialisable (step, history, scheduler.state_dict(), ...). RNG states
    (Python, NumPy, torch, CUDA, ``generators``) are always saved.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        weights, aliases = _dedupe(_unwrap(model).state_dict())
        save_file(weights, str(tmp / "model.safetensors"), metadata={"aliases": json.dumps(aliases)})
        if optimizer is not None:
            tensors, meta = _optimizer_to_files(optimizer)
            save_file(tensors, str(tmp / "optimizer.safetensors"))
            (tmp / "optimizer.json").write_text(json.dumps(meta))
        rng_tensors, rng_meta = rng_state(generators)
        save_file(rng_tensors, str(tmp / "rng.safetensors"))
        (tmp / "state.json").write_text(json.dumps({**(state or {}), "rng": rng_meta}))
        umask = os.umask(0)
        os.umask(umask)  # mkdtemp made the directory private: give it the usual permissions
        os.chmod(tmp, 0o777 & ~umask)
        for f in tmp.iterdir():
            os.chmod(f, 0o666 & ~umask)
        old = path.parent / f".{path.name}.old-{os.getpid()}"
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def load_checkpoint(path: str | os.PathLike, model: torch.nn.Module, optimizer: torch.optim.Optimizer | None = None,
                    generators: dict[str, torch.Generator] | None = None, restore_rng: bool = True) -> dict:
    """Load a checkpoint written by ``save_checkpoint`` into ``model`` (and optimizer, RNGs).

    Returns the ``state`` dict. Shapes are checked first: a model of another shape gets a
    ``CheckpointMismatchError`` naming every mismatching tensor, and nothing is modified.
    """
    ckpt = resolve_checkpoint(path)
    sd = _read_model_file(ckpt / "model.safetensors")
    check_state_dict(model, sd, source=f"checkpoint {ckpt}")
    state = json.loads((ckpt / "state.json").read_text())
    _unwrap(model).load_state_dict(sd)
    if optimizer is not None:
        meta = json.loads((ckpt / "optimizer.json").read_text())
        optimizer.load_state_dict(_optimizer_from_files(load_file(str(ckpt / "optimizer.safetensors")), meta))
    if restore_rng:
        set_rng_state(load_file(str(ckpt / "rng.safetensors")), state["rng"], generators)
    return state
