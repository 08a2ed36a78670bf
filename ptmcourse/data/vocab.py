"""A token <-> id vocabulary with deterministic order, unknown-token handling and JSON save/load."""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..utils import default_file_mode

_FORMAT = "ptmcourse.Vocab"


class Vocab:
    """Map tokens to ids and back.

    Ids are assigned in a fixed order: the ``specials`` first (in the order given), then the other
    tokens by count (descending), ties broken by the token string, so the same corpus always gives the
    same ids. Build one with :meth:`Vocab.build`; save/load it with :meth:`save` / :meth:`load`.

    Attributes
    ----------
    itos : list[str]
        id -> token. ``stoi`` : dict[str, int], token -> id. ``counts`` : dict[str, int], how often
        each vocabulary token occurred in the corpus it was built from (specials: 0 unless they
        occur in it, as ``<unk>`` does in PTB). Treat all three as read-only.
    unk_token : str or None
        Unknown tokens encode to this token's id; with None, encoding an unknown token raises KeyError.

    Used in: book/ngram-language-models, book/rnn-language-models, book/word-vectors, book/text-classification.
    """

    def __init__(self, itos: Sequence[str], *, unk_token: str | None = None, specials: Sequence[str] = (),
                 counts: Mapping[str, int] | None = None) -> None:
        itos = list(itos)
        if not all(isinstance(t, str) for t in itos):
            raise TypeError("itos must be a sequence of str")
        stoi = {t: i for i, t in enumerate(itos)}
        if len(stoi) != len(itos):
            dup = [t for t, c in Counter(itos).items() if c > 1][:5]
            raise ValueError(f"itos must not repeat tokens; repeated: {dup}")
        missing = [t for t in (*specials, *([unk_token] if unk_token is not None else [])) if t not in stoi]
        if missing:
            raise ValueError(f"specials/unk_token must be in itos; missing: {missing}")
        self.itos: list[str] = itos
        self.stoi: dict[str, int] = stoi
        self.unk_token = unk_token
        self.specials: tuple[str, ...] = tuple(specials)
        counts = dict(counts or {})
        self.counts: dict[str, int] = {t: int(counts.get(t, 0)) for t in itos}

    # --- construction --------------------------------------------------------------------------
    @classmethod
    def build(cls, token_lists: Iterable[Iterable[str]], *, min_count: int = 1, max_size: int | None = None,
              specials: Sequence[str] = ("<pad>", "<unk>"), unk_token: str | None = "<unk>") -> "Vocab":
        """Count the tokens of ``token_lists`` and build a vocabulary.

        Parameters
        ----------
        token_lists : iterable of iterables of str
            E.g. ``load_ptb("train")``. For a character vocabulary pass ``[text]`` (a string is an
            iterable of characters).
        min_count : int
            Drop (non-special) tokens seen fewer times.
        max_size : int or None
            Largest vocabulary size, specials included; the rarest tokens are dropped first.
        specials : sequence of str
            Tokens that get the first ids, in this order, whether or not they occur.
        unk_token : str or None
            Added after the specials if it is not one of them. A token that already occurs in the
            corpus (PTB's ``<unk>``) is not duplicated: it keeps its special id and its count.
        """
        if isinstance(token_lists, (str, bytes)):
            raise TypeError("token_lists must be an iterable of token lists, not a single string; "
                            "pass [text] for a character vocabulary")
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
            raise ValueError(f"min_count must be an int >= 1, got {min_count!r}")
        specials = list(specials)
        if unk_token is not None and unk_token not in specials:
            specials.append(unk_token)
        if len(set(specials)) != len(specials):
            raise ValueError(f"specials must not repeat tokens, got {specials}")
        if max_size is not None and (isinstance(max_size, bool) or not isinstance(max_size, int)
                                     or max_size < len(specials)):
            raise ValueError(f"max_size must be None or an int >= the number of specials "
                             f"({len(specials)}: {specials}), got {max_size!r}")
        counter: Counter[str] = Counter()
        for toks in token_lists:
            if isinstance(toks, bytes):
                raise TypeError("tokens must be str, got bytes")
            counter.update(toks)
        special_set = set(specials)
        rest = sorted((t for t, c in counter.items() if c >= min_count and t not in special_set),
                      key=lambda t: (-counter[t], t))
        if max_size is not None:
            rest = rest[: max_size - len(specials)]
        return cls(specials + rest, unk_token=unk_token, specials=specials, counts=counter)

    # --- look-ups ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: object) -> bool:
        return token in self.stoi

    @property
    def unk_id(self) -> int | None:
        """The id unknown tokens map to, or None."""
        return None if self.unk_token is None else self.stoi[self.unk_token]

    def __getitem__(self, token: str) -> int:
        """The id of ``token`` (the unknown id for an unknown token; KeyError without ``unk_token``)."""
        i = self.stoi.get(token)
        if i is not None:
            return i
        if self.unk_token is None:
            raise KeyError(f"token {token!r} is not in the vocabulary ({len(self)} tokens) and it has no "
                           "unk_token; build it with unk_token='<unk>' or filter the tokens first")
        return self.stoi[self.unk_token]

    def encode(self, tokens: Iterable[str], *, as_array: bool = False) -> list[int] | np.ndarray:
        """Token ids of ``tokens`` (a list, or an int64 array with ``as_array=True``)."""
        if isinstance(tokens, str):
            raise TypeError("tokens must be a sequence of str, not a str; use text.split() or list(text)")
        stoi = self.stoi
        unk = self.unk_id
        ids = [stoi.get(t, unk) for t in tokens] if unk is not None else [self[t] for t in tokens]
        return np.asarray(ids, dtype=np.int64) if as_array else ids

    def encode_stream(self, token_lists: Iterable[Iterable[str]], eos: str | None = "<eos>") -> np.ndarray:
        """All token lists encoded into one flat int64 array, each followed by ``eos`` (if not None).

        This is the language-model stream of Zaremba et al. / pytorch examples: feed it to
        :func:`ptmcourse.data.lm_stream`.
        """
        if eos is not None and eos not in self.stoi:
            raise ValueError(f"eos={eos!r} is not in the vocabulary; add it to specials or pass eos=None")
        out: list[int] = []
        tail = [self.stoi[eos]] if eos is not None else []
        for toks in token_lists:
            out.extend(self.encode(toks))
            out.extend(tail)
        return np.asarray(out, dtype=np.int64)

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens for ``ids`` (a list, NumPy array or 1-D tensor of ints)."""
        n = len(self.itos)
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < n:
                raise ValueError(f"ids contains {i}, outside the vocabulary range [0, {n})")
            out.append(self.itos[i])
        return out

    def count_array(self) -> np.ndarray:
        """Counts aligned with ids, int64 array of shape (len(self),), e.g. for word2vec's sampling."""
        return np.array([self.counts[t] for t in self.itos], dtype=np.int64)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocab):
            return NotImplemented
        return (self.itos == other.itos and self.unk_token == other.unk_token
                and self.specials == other.specials and self.counts == other.counts)

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self.itos[:6]) + (", ..." if len(self) > 6 else "")
        return f"Vocab(size={len(self)}, unk_token={self.unk_token!r}, first=[{head}])"

    # --- persistence ---------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Write the vocabulary as JSON (UTF-8), atomically (temp file + rename). Returns the path."""
        path = Path(path)
        payload = {"format": _FORMAT, "version": 1, "unk_token": self.unk_token,
                   "specials": list(self.specials), "itos": self.itos,
                   "counts": [self.counts[t] for t in self.itos]}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False)
            os.chmod(tmp, default_file_mode())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Vocab":
        """Read a vocabulary written by :meth:`save`."""
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
        if not isinstance(d, dict) or d.get("format") != _FORMAT or d.get("version") != 1:
            raise ValueError(f"{path} is not a ptmcourse Vocab file (format {_FORMAT!r}, version 1)")
        itos, counts = d["itos"], d["counts"]
        if len(counts) != len(itos):
            raise ValueError(f"{path}: {len(itos)} tokens but {len(counts)} counts")
        return cls(itos, unk_token=d["unk_token"], specials=d["specials"], counts=dict(zip(itos, counts)))
