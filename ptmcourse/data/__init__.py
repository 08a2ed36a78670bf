"""Datasets for the course: a checked registry, corpus readers, a vocabulary and batching.

>>> from ptmcourse import data
>>> data.names()                       # every registered dataset
>>> data.path("ptb", "ptb.train.txt")  # cache -> $PTMCOURSE_DATA_MIRROR -> download (sha256-checked)
>>> sents = data.load_ptb("train")     # list[list[str]]

Environment: ``PTMCOURSE_DATA`` (cache folder, default ``~/.cache/ptmcourse``),
``PTMCOURSE_DATA_MIRROR`` (a read-only local copy, e.g. ``../shared/data``),
``PTMCOURSE_QUIET=1`` (no progress bars).
"""
from __future__ import annotations

from .batching import (bptt_batches, classification_batches, lm_stream, pad_batch, random_windows,
                       to_torch)
from .fetch import (CACHE_ENV, MIRROR_ENV, DataError, DataMissingError, FileCheck, cache_dir, is_local,
                    mirror_dir, path, sha256_file, verify)
from .readers import (STSPairs, load_analogy, load_ptb, load_sst2, load_sts, load_tinyshakespeare,
                      load_wikitext2, load_wikitext2_text, load_word_similarity)
from .registry import DataFile, Dataset, names
from .registry import get as info
from .vocab import Vocab

__all__ = [
    "names", "info", "path", "verify", "is_local", "cache_dir", "mirror_dir", "sha256_file",
    "DataError", "DataMissingError", "DataFile", "Dataset", "FileCheck", "CACHE_ENV", "MIRROR_ENV",
    "load_ptb", "load_wikitext2", "load_wikitext2_text", "load_tinyshakespeare", "load_sts",
    "STSPairs", "load_sst2", "load_word_similarity", "load_analogy",
    "Vocab",
    "lm_stream", "bptt_batches", "random_windows", "pad_batch", "classification_batches", "to_torch",
]
