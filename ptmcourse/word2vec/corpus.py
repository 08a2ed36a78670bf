"""The corpora the word2vec presets train on, as lists of token lists.

- ``"ptb"``: PTB train (887k words, already lowercased, numbers as ``N``, 10k-word vocabulary).
- ``"ptb-small"``: its first 10,000 sentences (for smoke runs and tests).
- ``"wikitext2"``: WikiText-2 train + valid + test, lowercased (2.5M words).
- ``"wikitext2+ptb"``: both, 3.55M words: the largest clean English text in the data mirror. Both
  are tokenized Wikipedia / newswire in the same style (``<unk>`` for rare words), so after
  lowercasing they mix without a seam; Tiny Shakespeare is early-modern verse and raw text, which
  would add few of the words the benchmarks ask about. The test splits are used too: word vectors
  are judged on other data (analogies, similarity ratings), not on held-out text of these corpora.

Used in: book/word-vectors, bench/word2vec.py
"""
from __future__ import annotations

from .. import data

__all__ = ["CORPORA", "load_corpus"]

CORPORA = ("ptb", "ptb-small", "wikitext2", "wikitext2+ptb")


def _wikitext2() -> list[list[str]]:
    return [[t.lower() for t in s] for split in ("train", "valid", "test") for s in data.load_wikitext2(split)]


def load_corpus(name: str) -> list[list[str]]:
    """Sentences (token lists) of corpus ``name`` (one of :data:`CORPORA`)."""
    if name == "ptb":
        return data.load_ptb("train")
    if name == "ptb-small":
        return data.load_ptb("train")[:10_000]
    if name == "wikitext2":
        return _wikitext2()
    if name == "wikitext2+ptb":
        return _wikitext2() + [s for split in ("train", "valid", "test") for s in data.load_ptb(split)]
    raise ValueError(f"name must be one of {CORPORA}, got {name!r}")
