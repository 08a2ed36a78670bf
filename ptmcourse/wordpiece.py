"""BERT's WordPiece tokenizer: basic tokenization, then greedy longest-match-first sub-words.

1. *Basic* tokenization (Devlin et al. 2019; Google's ``tokenization.py``): drop control characters,
   map every kind of white space to a space, put spaces around CJK characters (each is a word),
   lower-case and strip accents (NFD, drop combining marks) for uncased models, split off each
   punctuation character.
2. *WordPiece*: cut each word into the longest prefix that is in the vocabulary, then the longest
   ``##``-continuation of the rest, and so on; a word that cannot be cut (or is longer than
   ``max_chars_per_word``) becomes ``[UNK]`` as a whole.

It reproduces ``transformers.BertTokenizer`` / ``BertTokenizerFast`` ids (tested on STS-B). Results
are cached per white-space separated chunk, so tokenizing a corpus costs one pass per distinct word.

>>> tok = WordPieceTokenizer.from_dir(model_dir)       # vocab.txt (+ tokenizer_config.json)
>>> tok.tokenize("Unaffable!")                         # ['una', '##ff', '##able', '!']
>>> batch = tok(["a sentence", "another one"], max_len=64)   # input_ids, token_type_ids, padding_mask

Used in: book/bert, book/bert-finetuning.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

import torch

__all__ = ["WordPieceTokenizer", "basic_tokenize", "wordpiece", "SPECIAL_TOKENS"]

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
_ASCII_WS = re.compile(r"[ \t\n\r]+")


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)  # ASCII non-letters/digits count as punctuation even where Unicode says "symbol" ($, ^, `)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _CJK)


def basic_tokenize(text: str, lowercase: bool = True, strip_accents: bool | None = None,
                   tokenize_chinese_chars: bool = True) -> list[str]:
    """BERT's basic tokenizer: clean, split CJK characters, lower-case, strip accents, split punctuation.

    ``strip_accents=None`` follows ``lowercase`` (as in the reference).

    >>> basic_tokenize("Héllo, wörld!")
    ['hello', ',', 'world', '!']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    chars = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            chars.append(" ")
        elif tokenize_chinese_chars and _is_cjk(cp):
            chars.append(f" {ch} ")
        else:
            chars.append(ch)
    strip = lowercase if strip_accents is None else strip_accents
    out: list[str] = []
    for word in "".join(chars).split():
        if lowercase:
            word = word.lower()
        if strip:
            word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        piece: list[str] = []
        for ch in word:  # every punctuation character is a word of its own
            if _is_punctuation(ch):
                if piece:
                    out.append("".join(piece))
                    piece = []
                out.append(ch)
            else:
                piece.append(ch)
        if piece:
            out.append("".join(piece))
    return out


def wordpiece(word: str, vocab: dict[str, int] | set[str], unk: str = "[UNK]",
              max_chars_per_word: int = 100) -> list[str]:
    """Greedy longest-match-first segmentation of one word; ``[unk]`` if it cannot be segmented.

    >>> wordpiece("unaffable", {"un", "una", "##ff", "##able", "##aff"})
    ['una', '##ff', '##able']
    """
    if len(word) > max_chars_per_word:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:  # the longest piece starting at `start` that is in the vocabulary
            sub = word[start:end] if start == 0 else "##" + word[start:end]
            if sub in vocab:
                break
            end -= 1
        else:
            return [unk]
        pieces.append(sub)
        start = end
    return pieces


class WordPieceTokenizer:
    """BERT's tokenizer: :func:`basic_tokenize` then :func:`wordpiece`, with ``[CLS] a [SEP] b [SEP]``.

    Parameters
    ----------
    vocab : list of tokens (id = position) or a dict token -> id (ids 0..n-1).
    lowercase : uncased model (lower-case and strip accents). strip_accents : None = as ``lowercase``.
    tokenize_chinese_chars : each CJK character is a word. max_chars_per_word : longer words -> ``[UNK]``.

    Used in: book/bert, book/bert-finetuning.
    """

    def __init__(self, vocab: Sequence[str] | dict[str, int], lowercase: bool = True,
                 strip_accents: bool | None = None, tokenize_chinese_chars: bool = True,
                 max_chars_per_word: int = 100):
        if isinstance(vocab, dict):
            tokens = sorted(vocab, key=vocab.get)
            if [vocab[t] for t in tokens] != list(range(len(tokens))):
                raise ValueError("vocab dict ids must be 0..n-1 without gaps")
        elif isinstance(vocab, (list, tuple)):
            tokens = list(vocab)
        else:
            raise TypeError(f"vocab must be a list of tokens or a dict token -> id, got {type(vocab).__name__}")
        missing = [t for t in SPECIAL_TOKENS if t not in tokens]
        if missing:
            raise ValueError(f"vocab lacks the special tokens {missing} (a BERT vocab.txt has all of {SPECIAL_TOKENS})")
        self.itos = tokens
        self.stoi = {t: i for i, t in enumerate(tokens)}
        if len(self.stoi) != len(tokens):
            raise ValueError("vocab has duplicate tokens")
        self.lowercase, self.strip_accents = lowercase, strip_accents
        self.tokenize_chinese_chars, self.max_chars_per_word = tokenize_chinese_chars, max_chars_per_word
        self.pad_id, self.unk_id, self.cls_id, self.sep_id, self.mask_id = (self.stoi[t] for t in SPECIAL_TOKENS)
        self.special_ids = frozenset(self.stoi[t] for t in SPECIAL_TOKENS)
        self._special_re = re.compile("(" + "|".join(re.escape(t) for t in SPECIAL_TOKENS) + ")")
        self._cache: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_file(cls, vocab_file: str | os.PathLike, **kw) -> "WordPieceTokenizer":
        """Read a ``vocab.txt`` (one token per line, id = line number)."""
        p = Path(vocab_file)
        if not p.is_file():
            raise FileNotFoundError(f"vocab file {p} does not exist")
        lines = p.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls([t.rstrip("\r") for t in lines], **kw)

    @classmethod
    def from_dir(cls, directory: str | os.PathLike) -> "WordPieceTokenizer":
        """``vocab.txt`` of a Hugging Face model directory, with ``do_lower_case`` etc. from
        ``tokenizer_config.json`` if present (default: uncased)."""
        d = Path(directory)
        kw = {}
        cfg = d / "tokenizer_config.json"
        if cfg.is_file():
            c = json.loads(cfg.read_text())
            kw = {"lowercase": c.get("do_lower_case", True), "strip_accents": c.get("strip_accents"),
                  "tokenize_chinese_chars": c.get("tokenize_chinese_chars", True)}
        return cls.from_file(d / "vocab.txt", **kw)

    def restrict(self, keep: Iterable[str]) -> "WordPieceTokenizer":
        """A tokenizer with a smaller vocabulary: the special tokens, every single character (and its
        ``##`` form) of this vocabulary, and ``keep``. Words made only of kept pieces are segmented
        exactly as before (greedy longest match cannot find a longer kept piece than the full vocab did).
        """
        keep = set(keep)
        chars = {t for t in self.itos if len(t) == 1 or (t.startswith("##") and len(t) == 3)}
        wanted = set(SPECIAL_TOKENS) | chars | keep
        return WordPieceTokenizer([t for t in self.itos if t in wanted], self.lowercase, self.strip_accents,
                                  self.tokenize_chinese_chars, self.max_chars_per_word)

    def save(self, vocab_file: str | os.PathLike) -> Path:
        """Write ``vocab.txt``."""
        p = Path(vocab_file)
        p.write_text("\n".join(self.itos) + "\n", encoding="utf-8")
        return p

    # ------------------------------------------------------------------ tokenizing
    def __len__(self) -> int:
        return len(self.itos)

    @property
    def vocab_size(self) -> int:
        return len(self.itos)

    def _chunk(self, chunk: str) -> list[str]:
        pieces = self._cache.get(chunk)
        if pieces is None:
            pieces = []
            for word in basic_tokenize(chunk, self.lowercase, self.strip_accents, self.tokenize_chinese_chars):
                pieces += wordpiece(word, self.stoi, "[UNK]", self.max_chars_per_word)
            if len(self._cache) < 1_000_000:
                self._cache[chunk] = pieces
        return pieces

    def tokenize(self, text: str) -> list[str]:
        """Word pieces of ``text``; special tokens written in the text (``[MASK]``) are kept whole."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        out: list[str] = []
        for part in self._special_re.split(text):
            if part in self.stoi and part in SPECIAL_TOKENS:
                out.append(part)
                continue
            for chunk in _ASCII_WS.split(part):  # ASCII white space always separates words
                if chunk:
                    out += self._chunk(chunk)
        return out

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.itos[int(i)] for i in ids]

    def encode(self, text: str, pair: str | None = None, max_len: int | None = None,
               add_special_tokens: bool = True) -> tuple[list[int], list[int]]:
        """``(input_ids, token_type_ids)`` of ``[CLS] text [SEP]`` or ``[CLS] text [SEP] pair [SEP]``.

        ``max_len`` truncates (the longer of the two segments first, as the reference's
        ``longest_first``).
        """
        a = self.convert_tokens_to_ids(self.tokenize(text))
        b = self.convert_tokens_to_ids(self.tokenize(pair)) if pair is not None else None
        if max_len is not None:
            n_special = (3 if b is not None else 2) if add_special_tokens else 0
            if max_len <= n_special:
                raise ValueError(f"max_len must exceed the {n_special} special tokens, got {max_len}")
            budget = max_len - n_special
            if b is None:
                a = a[:budget]
            else:
                while len(a) + len(b) > budget:
                    if len(a) > len(b):
                        a = a[:-1]
                    else:
                        b = b[:-1]
        if not add_special_tokens:
            ids = a + (b or [])
            return ids, [0] * len(a) + [1] * len(b or [])
        ids = [self.cls_id] + a + [self.sep_id]
        types = [0] * len(ids)
        if b is not None:
            ids += b + [self.sep_id]
            types += [1] * (len(b) + 1)
        return ids, types

    def __call__(self, texts: str | Sequence[str], pairs: Sequence[str] | None = None, max_len: int = 128,
                 device: torch.device | str | None = None) -> dict[str, torch.Tensor]:
        """Encode a batch: ``input_ids`` (B, T), ``token_type_ids`` (B, T), ``padding_mask`` (B, T) bool
        (True at real tokens), right-padded with ``[PAD]`` to the longest sequence."""
        if isinstance(texts, str):
            texts = [texts]
        if pairs is not None and len(pairs) != len(texts):
            raise ValueError(f"pairs must have one entry per text ({len(texts)}), got {len(pairs)}")
        if len(texts) == 0:
            raise ValueError("texts is empty")
        enc = [self.encode(t, None if pairs is None else pairs[i], max_len) for i, t in enumerate(texts)]
        width = max(len(ids) for ids, _ in enc)
        ids = torch.full((len(enc), width), self.pad_id, dtype=torch.long)  # (B, T)
        types = torch.zeros((len(enc), width), dtype=torch.long)  # (B, T)
        mask = torch.zeros((len(enc), width), dtype=torch.bool)  # (B, T)
        for i, (x, t) in enumerate(enc):
            ids[i, :len(x)] = torch.tensor(x)
            types[i, :len(t)] = torch.tensor(t)
            mask[i, :len(x)] = True
        out = {"input_ids": ids, "token_type_ids": types, "padding_mask": mask}
        return {k: v.to(device) for k, v in out.items()} if device is not None else out

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        """Join word pieces back into text (``##`` pieces glued to the previous one)."""
        words: list[str] = []
        for i in ids:
            i = int(i)
            if skip_special_tokens and i in self.special_ids and i != self.unk_id:
                continue
            t = self.itos[i]
            if t.startswith("##") and words:
                words[-1] += t[2:]
            else:
                words.append(t)
        return " ".join(words)

    def __repr__(self) -> str:
        return f"WordPieceTokenizer(vocab_size={len(self)}, lowercase={self.lowercase})"
