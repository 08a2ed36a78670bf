"""Statistical (n-gram) language models over integer token ids.

- :class:`NgramCounts`: counts of every order up to n, numpy-vectorised (sorted int64 keys).
- :class:`NgramLM`: maximum likelihood, add-k, interpolated Kneser-Ney and modified Kneser-Ney;
  perplexity, next-word distribution, sampling, cloze ranking.
- :func:`write_arpa` / :func:`read_arpa`: exchange models with KenLM and SRILM.

Typical use (PTB)::

    from ptmcourse.data import load_ptb, Vocab
    from ptmcourse import ngram
    train = load_ptb("train")
    vocab = Vocab.build(train, specials=("<s>", "</s>"), unk_token="<unk>")
    enc = lambda split: [vocab.encode(s) for s in load_ptb(split)]
    lm = ngram.NgramLM.fit(enc("train"), 5, **ngram.special_ids(vocab), method="mkn")
    lm.perplexity(enc("test"))   # about 141

Used in: book/ngram-language-models, bench/ngram.py
"""
from __future__ import annotations

from .arpa import read_arpa, write_arpa
from .counts import NgramCounts, unseen_fraction
from .model import METHODS, NgramLM
from .smoothing import count_of_counts, kn_discounts

__all__ = ["NgramCounts", "NgramLM", "METHODS", "PRESETS", "NLTK_KN", "preset", "special_ids",
           "read_arpa", "write_arpa", "unseen_fraction", "count_of_counts", "kn_discounts"]

# Scales of the chapter book/ngram-language-models. Counting is cheap, so "book" already trains on all
# of PTB; "paper" is the same run, recorded as the reproduction of Mikolov et al. (2011), KN5 = 141.2.
PRESETS: dict[str, dict] = {
    "smoke": {"train_sentences": 3000, "order": 3, "orders": [1, 2, 3], "addk": 0.01, "n_samples": 2},
    "book": {"train_sentences": None, "order": 5, "orders": [1, 2, 3, 4, 5], "addk": 0.01, "n_samples": 3},
    "paper": {"train_sentences": None, "order": 5, "orders": [1, 2, 3, 4, 5], "addk": 0.01, "n_samples": 3},
}

# nltk.lm.KneserNeyInterpolated(order, discount=0.1) trained on padded_everygram_pipeline(order, text)
# equals NgramLM.fit(..., **NLTK_KN) (with discount= set to NLTK's): one fixed discount for every order,
# order-1 <s> and </s> pads, continuation counts for every lower order (even after <s>), and an
# undiscounted continuation-count unigram that is not mixed with the uniform distribution, and NLTK's
# lower-order weight gamma (raw follower types over continuation totals; see smoothing.estimate_interpolated).
NLTK_KN: dict = {"method": "kn", "discount": 0.1, "lowest": "continuation", "padding": "nltk", "nltk_gamma": True}


def preset(scale: str) -> dict:
    """A copy of ``PRESETS[scale]`` (``"smoke"``, ``"book"`` or ``"paper"``)."""
    if scale not in PRESETS:
        raise ValueError(f"scale must be one of {tuple(PRESETS)}, got {scale!r}")
    return dict(PRESETS[scale])


def special_ids(vocab, bos: str = "<s>", eos: str = "</s>") -> dict:
    """``{"vocab_size", "bos", "eos", "unk"}`` for :meth:`NgramLM.fit` from a ``ptmcourse.data.Vocab``."""
    for name, tok in (("bos", bos), ("eos", eos)):
        if tok not in vocab:
            raise ValueError(f"{name} token {tok!r} is not in the vocabulary; build it with "
                             f"specials=('{bos}', '{eos}')")
    return {"vocab_size": len(vocab), "bos": vocab[bos], "eos": vocab[eos], "unk": vocab.unk_id}
