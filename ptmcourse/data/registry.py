"""The dataset registry: which files make up each dataset, where they come from, and how to check them.

The table itself lives in :mod:`ptmcourse.data.catalog`; this module holds the record types and the
look-ups. A dataset's files use the layout of the local mirror (``ptb/ptb.train.txt``), which is
also the layout of the cache directory.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class DataFile:
    """One file: its path in the mirror/cache layout, byte size, sha256 and canonical download URL."""

    path: str  # relative, "/"-separated, e.g. "ptb/ptb.train.txt"
    size: int
    sha256: str
    url: str

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)


@dataclass(frozen=True)
class Dataset:
    """A named dataset: its files plus license, citation and provenance (repository @ commit)."""

    name: str
    title: str
    files: tuple[DataFile, ...]
    license: str
    citation: str
    source: str

    @property
    def root(self) -> str:
        """The folder (relative, mirror layout) that holds all of this dataset's files."""
        dirs = {posixpath.dirname(f.path) for f in self.files}
        return posixpath.commonpath(sorted(dirs)) if len(dirs) > 1 else dirs.pop()

    @property
    def size(self) -> int:
        """Total bytes of all files."""
        return sum(f.size for f in self.files)

    def file(self, name: str) -> DataFile:
        """Look up a file by its name inside the dataset folder (``"ptb.train.txt"``) or its full
        relative path (``"ptb/ptb.train.txt"``); ValueError lists the dataset's files otherwise."""
        if not isinstance(name, str):
            raise TypeError(f"file must be a str, got {type(name).__name__} ({name!r})")
        want = name.replace("\\", "/").strip("/")
        for f in self.files:
            if want in (f.path, posixpath.relpath(f.path, self.root)):
                return f
        listing = ", ".join(posixpath.relpath(f.path, self.root) for f in self.files)
        raise ValueError(f"dataset {self.name!r} has no file {name!r}; its files are: {listing}")


def _table() -> dict[str, Dataset]:
    from .catalog import DATASETS  # the catalog imports this module's types, so import it lazily

    return DATASETS


def names() -> list[str]:
    """All registered dataset names, in catalog order."""
    return list(_table())


def get(name: str) -> Dataset:
    """The :class:`Dataset` called ``name``; ValueError listing the known names if there is none.

    Used in: every chapter that loads data.
    """
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a str, got {type(name).__name__} ({name!r})")
    table = _table()
    if name not in table:
        raise ValueError(f"unknown dataset {name!r}; known datasets: {', '.join(table)}")
    return table[name]


def all_files() -> list[DataFile]:
    """Every registered file of every dataset (each once)."""
    return [f for d in _table().values() for f in d.files]
