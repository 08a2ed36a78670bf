"""Small helpers shared by the package: a progress bar that is silent under ``PTMCOURSE_QUIET=1``."""
from __future__ import annotations

import os
from typing import Any, Iterable

QUIET_ENV = "PTMCOURSE_QUIET"


def quiet() -> bool:
    """True when the environment asks for no progress output (``PTMCOURSE_QUIET=1``)."""
    return os.environ.get(QUIET_ENV, "") == "1"


def progress(iterable: Iterable | None = None, **kw: Any):
    """A ``tqdm`` progress bar, disabled when ``PTMCOURSE_QUIET=1`` (or when ``disable=True`` is passed).

    Parameters
    ----------
    iterable : iterable, optional
        What to iterate over; leave it out for a manual bar (``bar.update(n)``), e.g. for downloads.
    **kw
        Passed to ``tqdm.auto.tqdm`` (``total``, ``desc``, ``unit``, ``leave``, ...).

    Used in: every chapter with a training loop; downloads in ``ptmcourse.data``.
    """
    kw["disable"] = bool(kw.get("disable", False)) or quiet()
    if kw["disable"]:
        from tqdm import tqdm  # tqdm.auto would warn about ipywidgets even for a disabled bar
    else:
        import warnings

        from tqdm import TqdmExperimentalWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TqdmExperimentalWarning)
            warnings.filterwarnings("ignore", message="IProgress not found")
            from tqdm.auto import tqdm
    return tqdm(iterable, **kw)


def default_file_mode() -> int:
    """Permission bits a newly created file would get under the current umask (for temp files that
    ``tempfile.mkstemp`` creates 0600 and that are then renamed into place)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
