"""ptmcourse: the package behind the course book on pre-trained language models.

The chapters in ``book/`` import these implementations; every model here is tested and, where a
reference implementation exists, checked against it.
"""
from __future__ import annotations

import os
import random

__version__ = "0.1.0"

__all__ = ["__version__", "seed_everything", "get_device", "set_threads"]


def seed_everything(seed: int) -> int:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and all CUDA devices).

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Returns
    -------
    int
        The seed, so a chapter can print it.

    Used in: every chapter.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} ({seed!r})")
    if seed < 0 or seed >= 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    os.environ["PYTHONHASHSEED"] = str(seed)  # for subprocesses started from here
    return seed


def get_device(device: str | None = "auto"):
    """Pick a ``torch.device``: ``"auto"`` chooses cuda > mps > cpu.

    Parameters
    ----------
    device : str or None
        ``"auto"`` (or None), or any string ``torch.device`` accepts (``"cpu"``, ``"cuda:1"``, ...).

    Used in: every model chapter.
    """
    import torch

    if device is None or device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(f"device must be 'auto' or a device string, got {type(device).__name__}")
    try:
        dev = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"device={device!r} is not a valid torch device ('auto', 'cpu', 'cuda', 'mps', 'cuda:N')") from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was asked for but CUDA is not available here; use device='auto' or 'cpu'")
    if dev.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ValueError(f"device={device!r} was asked for but MPS is not available here; use device='auto' or 'cpu'")
    return dev


def set_threads(n: int) -> int:
    """Fix the number of CPU threads PyTorch uses (intra-op; inter-op too if not yet started).

    Chapters call ``set_threads(2)`` so their stored outputs reproduce on the 2-core CI machine.

    Used in: every model chapter.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    import torch

    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(n)
    except RuntimeError:
        pass  # can only be set once, before any inter-op work has started
    return n
