"""Find a dataset file on disk, or download it; never hand out a file whose sha256 is wrong.

Resolution order for each file (``rel`` is its path in the mirror layout, e.g. ``ptb/ptb.train.txt``):

1. the cache, ``$PTMCOURSE_DATA/rel`` (default ``~/.cache/ptmcourse/rel``);
2. the local mirror, ``$PTMCOURSE_DATA_MIRROR/rel`` (e.g. ``../shared/data``), read-only;
3. the canonical URL, downloaded with a progress bar into a temp file in the cache folder, checked
   (size and sha256) and only then renamed into place. A bad download is deleted.

A file found in the cache or the mirror is checked by size on every access and by sha256 once: a
successful check is remembered as (path, size, mtime, sha256) in ``$PTMCOURSE_DATA/.verified.json``,
so a 13 MB corpus is not re-hashed on every call. A file that fails a check is never used: the
caller gets a :class:`DataError` that names the dataset, the file, expected vs actual and what to do.
"""
from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..utils import default_file_mode, progress
from . import registry
from .registry import DataFile, Dataset

CACHE_ENV = "PTMCOURSE_DATA"
MIRROR_ENV = "PTMCOURSE_DATA_MIRROR"
STAMP_NAME = ".verified.json"
TIMEOUT_S = 30.0
_CHUNK = 1 << 20


class DataError(RuntimeError):
    """A dataset file is missing, corrupt or cannot be downloaded; the message says what to do."""


class DataMissingError(DataError):
    """The file is in neither the cache nor the mirror, and it could not be (or was not) downloaded."""


def cache_dir() -> Path:
    """The cache folder: ``$PTMCOURSE_DATA``, default ``~/.cache/ptmcourse``."""
    return Path(os.environ.get(CACHE_ENV) or "~/.cache/ptmcourse").expanduser()


def mirror_dir() -> Path | None:
    """The local mirror folder from ``$PTMCOURSE_DATA_MIRROR``, or None when it is not set."""
    m = os.environ.get(MIRROR_ENV)
    return Path(m).expanduser() if m else None


def sha256_file(path: str | os.PathLike) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# --- the "verified once" stamp ----------------------------------------------------------------

def _stamp_file() -> Path:
    return cache_dir() / STAMP_NAME


def _read_stamps() -> dict:
    try:
        data = json.loads(_stamp_file().read_text(encoding="utf-8"))
        return data["files"] if isinstance(data, dict) and isinstance(data.get("files"), dict) else {}
    except (OSError, ValueError, KeyError):
        return {}  # missing or unreadable: everything gets re-hashed once, which is safe


def _key(p: Path) -> str:
    return str(p.resolve())


def _is_stamped(p: Path, f: DataFile) -> bool:
    st = p.stat()
    rec = _read_stamps().get(_key(p))
    return (isinstance(rec, dict) and rec.get("sha256") == f.sha256 and rec.get("size") == st.st_size
            and rec.get("mtime_ns") == st.st_mtime_ns)


def _remember(p: Path, sha256: str) -> None:
    """Record that ``p`` (as it is now) has ``sha256``. Best effort: a read-only cache just re-hashes."""
    st = p.stat()
    stamps = _read_stamps()
    stamps[_key(p)] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}
    target = _stamp_file()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=STAMP_NAME + ".", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": 1, "files": stamps}, fh, indent=0, sort_keys=True)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


# --- messages ------------------------------------------------------------------------------------

def _mirror_note(f: DataFile) -> str:
    m = mirror_dir()
    if m is None:
        return f"{MIRROR_ENV} is not set"
    if not m.is_dir():
        return f"{MIRROR_ENV}={m} is not a folder"
    return f"{MIRROR_ENV}={m} has no {f.path}"


def _bad_file_error(ds: Dataset, f: DataFile, p: Path, where: str, size: int, actual: str) -> DataError:
    head = (f"dataset {ds.name!r}: file {f.path} in the {where} at {p} is corrupt or truncated, so it "
            f"was not used.\n  size:   expected {f.size:,} bytes, actual {size:,}\n"
            f"  sha256: expected {f.sha256}\n          actual   {actual}\n")
    if where == "cache":
        todo = (f"What to do: delete the bad cache file (rm '{p}') and try again; it will be taken from "
                f"the mirror ({MIRROR_ENV}) or downloaded from {f.url}")
    else:
        todo = (f"What to do: restore the mirror copy (check it with `cd {mirror_dir()} && sha256sum -c "
                f"SHA256SUMS`), or point {MIRROR_ENV} at a good mirror, or put a good copy at "
                f"{cache_dir() / f.path} (the cache is searched first). The mirror was not modified.")
    return DataError(head + todo)


def _check(ds: Dataset, f: DataFile, p: Path, where: str, *, full: bool = False) -> None:
    """Size check always; sha256 unless a stamp says this exact file was verified (or ``full``)."""
    size = p.stat().st_size
    if size != f.size:
        raise _bad_file_error(ds, f, p, where, size, sha256_file(p))
    if not full and _is_stamped(p, f):
        return
    actual = sha256_file(p)
    if actual != f.sha256:
        raise _bad_file_error(ds, f, p, where, size, actual)
    _remember(p, actual)


# --- locating, fetching --------------------------------------------------------------------------

def _locate(f: DataFile) -> tuple[Path, str] | None:
    """Where ``f`` exists on disk (cache first, then mirror), without checking it."""
    candidates = [(cache_dir(), "cache")]
    m = mirror_dir()
    if m is not None:
        candidates.append((m, "mirror"))
    for root, where in candidates:
        p = root / f.path
        if p.is_file():
            return p, where
    return None


def _fetch(ds: Dataset, f: DataFile, url: str) -> Path:
    """Copy ``url`` (http(s):// or file://) to the cache via a temp file; verify; rename into place."""
    dest = cache_dir() / f.path
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise DataError(f"dataset {ds.name!r}: cannot write to the cache folder {dest.parent} ({exc}). "
                        f"What to do: set {CACHE_ENV} to a writable folder, or set {MIRROR_ENV} to a "
                        f"folder that holds {f.path}") from exc
    try:
        h, n = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp, \
                    progress(total=f.size, unit="B", unit_scale=True, desc=f"{ds.name}: {f.name}",
                             leave=False) as bar:
                while n <= f.size and (chunk := resp.read(1 << 16)):  # stop early on an oversized body
                    out.write(chunk)
                    h.update(chunk)
                    n += len(chunk)
                    bar.update(len(chunk))
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            reason = exc if isinstance(exc, urllib.error.HTTPError) else getattr(exc, "reason", None) or exc
            raise DataMissingError(
                f"dataset {ds.name!r}: could not download {f.path} from {url}: {reason}.\n"
                f"It is not in the cache ({dest}) and not in a mirror ({_mirror_note(f)}).\n"
                f"What to do: connect to the internet and try again; or set {MIRROR_ENV} to a folder "
                f"that holds {f.path} (a copy of the course's shared/data); or download the file "
                f"yourself and put it at {dest} (sha256 {f.sha256}).") from exc
        actual = h.hexdigest()
        if n != f.size or actual != f.sha256:
            raise DataError(
                f"dataset {ds.name!r}: the download of {f.path} from {url} is corrupt "
                f"(got {n:,}{'+' if n > f.size else ''} bytes, expected {f.size:,}); it was deleted.\n"
                f"  sha256: expected {f.sha256}\n          actual   {actual}\n"
                f"What to do: try again later; if it keeps failing, the source changed: set "
                f"{MIRROR_ENV} to a folder holding a good copy of {f.path}.")
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _remember(dest, f.sha256)
    return dest


def resolve_file(ds: Dataset, f: DataFile, *, download: bool = True) -> Path:
    """The checked local path of one file of ``ds``: cache, then mirror, then download."""
    found = _locate(f)
    if found is not None:
        p, where = found
        _check(ds, f, p, where)
        return p
    if not download:
        raise DataMissingError(f"dataset {ds.name!r}: {f.path} is not in the cache ({cache_dir() / f.path}) "
                        f"and not in a mirror ({_mirror_note(f)}), and download=False.")
    return _fetch(ds, f, f.url)


def path(name: str, file: str | None = None, *, download: bool = True) -> Path:
    """Local path of a dataset file (checked), or of the dataset's folder.

    Parameters
    ----------
    name : str
        A registered dataset name (``ptmcourse.data.names()``), e.g. ``"ptb"``.
    file : str, optional
        A file of the dataset, by its name inside the dataset folder (``"ptb.train.txt"``) or its
        full relative path (``"ptb/ptb.train.txt"``). Left out: the only file of a one-file dataset,
        or else the dataset's folder, with every file in it resolved and checked.
    download : bool
        Download files that are neither in the cache nor in the mirror (default True).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        Unknown dataset or file (the message lists the known ones).
    DataError
        A file is corrupt, or missing and cannot be downloaded; the message says what to do.

    Used in: every chapter that loads data.
    """
    ds = registry.get(name)
    if file is not None:
        return resolve_file(ds, ds.file(file), download=download)
    if len(ds.files) == 1:
        return resolve_file(ds, ds.files[0], download=download)
    paths = [resolve_file(ds, f, download=download) for f in ds.files]
    bases = {p.parents[len(Path(f.path).parts) - 1] for p, f in zip(paths, ds.files)}
    if len(bases) == 1:
        return bases.pop() / ds.root
    # Files split between cache and mirror: complete the cache (a checked local copy) so that one
    # folder holds them all.
    cache = cache_dir()
    for p, f in zip(paths, ds.files):
        if p != cache / f.path:
            _fetch(ds, f, p.resolve().as_uri())
    return cache / ds.root


def is_local(name: str) -> bool:
    """True when every file of dataset ``name`` is in the cache or the mirror with the right size.

    Cheap (no hashing, no download); use it to skip work when the data is absent.
    """
    ds = registry.get(name)
    for f in ds.files:
        found = _locate(f)
        if found is None or found[0].stat().st_size != f.size:
            return False
    return True


@dataclass(frozen=True)
class FileCheck:
    """The outcome of fully verifying one file (see :func:`verify`)."""

    dataset: str
    file: DataFile
    path: Path | None  # where it was found (None: missing)
    status: str  # "ok", "corrupt" (wrong size or sha256) or "missing" (not local, not downloadable)
    message: str  # "" when ok

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def verify(names: list[str] | None = None, *, download: bool = True) -> list[FileCheck]:
    """Hash every file of the given datasets (all when None) in full, as :func:`path` resolves them.

    Ignores the "verified once" stamps (and refreshes them); missing files are downloaded unless
    ``download=False``; after one failed download no further downloads are tried (offline).
    Returns one :class:`FileCheck` per file; nothing is raised for bad files.
    """
    datasets = [registry.get(n) for n in (names if names else registry.names())]
    todo = [(ds, f) for ds in datasets for f in ds.files]
    out: list[FileCheck] = []
    offline: str | None = None
    for ds, f in progress(todo, desc="verify", unit="file", leave=False):
        found = _locate(f)
        if found is None and offline is not None:
            out.append(FileCheck(ds.name, f, None, "missing", f"not local; download skipped ({offline})"))
            continue
        try:
            if found is None:
                p = resolve_file(ds, f, download=download)
            else:
                p = found[0]
                _check(ds, f, p, found[1], full=True)
            out.append(FileCheck(ds.name, f, p, "ok", ""))
        except DataMissingError as exc:
            out.append(FileCheck(ds.name, f, None, "missing", str(exc)))
            if download:
                offline = f"an earlier download failed: {f.url}"
        except DataError as exc:
            out.append(FileCheck(ds.name, f, found[0] if found else None, "corrupt", str(exc)))
    return out
