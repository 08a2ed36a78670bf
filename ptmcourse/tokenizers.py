"""Tokenizers: characters (Tiny Shakespeare) and subwords (子词) with sentencepiece BPE or unigram.

Every tokenizer has ``encode(text) -> list[int]``, ``decode(ids) -> str``, ``vocab_size``,
``save(path)`` and ``load(path)`` (plain files: JSON for characters, the sentencepiece model
protobuf for subwords; never pickle).

>>> tok = CharTokenizer.build(load_tinyshakespeare())            # 65 characters, sorted (nanoGPT)
>>> sp = SentencePieceTokenizer.train(lines, vocab_size=4096, model_type="bpe")
>>> sp.tokenize("unbelievable")                                   # ['▁un', 'bel', 'ievable'] or so

Used in: book/gpt, book/gpt-finetuning, book/gpt-scaling.
"""
from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .utils import default_file_mode

__all__ = ["CharTokenizer", "SentencePieceTokenizer", "load_tokenizer", "wikitext2_lines",
           "train_wikitext2_tokenizer"]


def _atomic_write(path: str | os.PathLike, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _check_ids(ids: Iterable[int], vocab_size: int) -> list[int]:
    out = [int(i) for i in ids]
    bad = [i for i in out if not 0 <= i < vocab_size]
    if bad:
        raise ValueError(f"token id {bad[0]} is outside the vocabulary [0, {vocab_size})")
    return out


# ============================================================================ characters
class CharTokenizer:
    """One id per character: ``specials`` first, then the characters of the text in sorted order
    (for Tiny Shakespeare exactly nanoGPT's ``shakespeare_char`` ids).

    A character outside the vocabulary raises ``ValueError``, unless ``unk_token`` (one of the
    specials) is set: then it encodes to that token's id.

    Used in: book/gpt.
    """

    FORMAT = "ptmcourse.CharTokenizer"

    def __init__(self, chars: Sequence[str], specials: Sequence[str] = (), unk_token: str | None = None):
        chars, specials = list(chars), list(specials)
        if any(not isinstance(c, str) or len(c) != 1 for c in chars):
            raise ValueError("chars must be single characters")
        itos = specials + chars
        if len(set(itos)) != len(itos):
            raise ValueError("chars and specials must not repeat")
        if unk_token is not None and unk_token not in specials:
            raise ValueError(f"unk_token {unk_token!r} must be one of the specials {specials}")
        self.chars, self.specials, self.unk_token = chars, specials, unk_token
        self.itos = itos
        self.stoi = {s: i for i, s in enumerate(itos)}
        self._table = np.full(max(map(ord, chars), default=0) + 1, -1, dtype=np.int64)  # ord -> id
        for c in chars:
            self._table[ord(c)] = self.stoi[c]

    @classmethod
    def build(cls, text: str, specials: Sequence[str] = (), unk_token: str | None = None) -> "CharTokenizer":
        """The tokenizer of the distinct characters of ``text``."""
        if not isinstance(text, str) or not text:
            raise ValueError("text must be a non-empty str")
        return cls(sorted(set(text)), specials, unk_token)

    @property
    def vocab_size(self) -> int:
        return len(self.itos)

    @property
    def unk_id(self) -> int | None:
        return None if self.unk_token is None else self.stoi[self.unk_token]

    def encode(self, text: str) -> list[int]:
        """Ids of the characters of ``text``."""
        return self.encode_array(text).tolist()

    def encode_array(self, text: str) -> np.ndarray:
        """Like :meth:`encode` but a NumPy int64 array (fast for a whole corpus)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)  # (N,)
        ids = np.full(codes.shape, -1, dtype=np.int64)
        inside = codes < len(self._table)
        ids[inside] = self._table[codes[inside]]
        unknown = ids < 0
        if unknown.any():
            if self.unk_token is None:
                c = text[int(np.argmax(unknown))]
                raise ValueError(f"character {c!r} is not in the vocabulary of {self.vocab_size} characters "
                                 "(build the tokenizer with unk_token=... to map unknown characters)")
            ids[unknown] = self.unk_id
        return ids

    def decode(self, ids: Iterable[int]) -> str:
        """The text of ``ids`` (specials are written as their names)."""
        return "".join(self.itos[i] for i in _check_ids(ids, self.vocab_size))

    def save(self, path: str | os.PathLike) -> Path:
        obj = {"format": self.FORMAT, "chars": self.chars, "specials": self.specials, "unk_token": self.unk_token}
        return _atomic_write(path, json.dumps(obj, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "CharTokenizer":
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
        if obj.get("format") != cls.FORMAT:
            raise ValueError(f"{path} is not a saved CharTokenizer (format {obj.get('format')!r})")
        return cls(obj["chars"], obj["specials"], obj["unk_token"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CharTokenizer) and (self.itos, self.unk_token) == (other.itos, other.unk_token)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"


# ============================================================================ sentencepiece subwords
def _proto_fields(buf: bytes) -> dict[int, int | bytes]:
    """The last value of each field of a protobuf message (varint and length-delimited fields only):
    enough to read sentencepiece's TrainerSpec without the protobuf package."""
    def varint(i: int) -> tuple[int, int]:
        shift = value = 0
        while True:
            b = buf[i]
            value |= (b & 0x7F) << shift
            i, shift = i + 1, shift + 7
            if b < 0x80:
                return value, i
    out: dict[int, int | bytes] = {}
    i = 0
    while i < len(buf):
        key, i = varint(i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            out[field], i = varint(i)
        elif wire == 2:
            n, i = varint(i)
            out[field], i = buf[i:i + n], i + n
        elif wire in (1, 5):
            i += 8 if wire == 1 else 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
    return out


class SentencePieceTokenizer:
    """A sentencepiece subword model (BPE or unigram) with fixed special ids:
    ``<unk>`` 0, ``<s>`` 1 (``bos_id``), ``</s>`` 2 (``eos_id``), ``<pad>`` 3 (``pad_id``), then any
    ``control_symbols`` (e.g. GPT-1's delimiter and extract tokens), then the learned pieces.

    Text is not normalised and spaces are kept (``▁`` marks them), so ``decode(encode(s)) == s`` for
    any ``s`` made of known characters; an unknown character encodes to ``unk_id`` (decoded ``" ⁇ "``)
    unless the model was trained with ``byte_fallback=True`` (then it becomes its UTF-8 bytes).

    Used in: book/gpt, book/gpt-finetuning, book/gpt-scaling.
    """

    SPECIALS = {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": 3}

    def __init__(self, model_proto: bytes):
        import sentencepiece as spm

        if not isinstance(model_proto, (bytes, bytearray)) or not model_proto:
            raise TypeError("model_proto must be the non-empty bytes of a sentencepiece model")
        self.proto = bytes(model_proto)
        self.sp = spm.SentencePieceProcessor(model_proto=self.proto)

    @classmethod
    def train(cls, texts: Iterable[str] | str | os.PathLike, vocab_size: int, model_type: str = "bpe", *,
              character_coverage: float = 1.0, input_sentence_size: int = 0, seed: int = 0,
              byte_fallback: bool = False, control_symbols: Sequence[str] = (),
              user_defined_symbols: Sequence[str] = (), max_sentence_length: int = 16384,
              num_threads: int = 2) -> "SentencePieceTokenizer":
        """Learn a subword vocabulary from ``texts``.

        Parameters
        ----------
        texts : an iterable of str (one "sentence" per item, e.g. a line; trained from memory) or the
            path of a text file (one sentence per line).
        vocab_size : pieces in the model, specials included.
        model_type : ``"bpe"`` (merge the most frequent pair, Sennrich et al. 2016; GPT-2 used a
            byte-level BPE) or ``"unigram"`` (prune a large vocabulary by likelihood, Kudo 2018).
        input_sentence_size : train on a random sample of this many sentences (0: all); much faster
            for unigram on a big corpus. The sample is drawn with NumPy from ``seed`` (sentencepiece's
            own sampling is not reproducible across processes), so training is deterministic.
        byte_fallback : unknown characters become UTF-8 byte pieces instead of ``<unk>``.
        control_symbols : extra special tokens with their own ids (never produced from text).
        user_defined_symbols : strings always kept as one piece.
        """
        import sentencepiece as spm

        if model_type not in ("bpe", "unigram"):
            raise ValueError(f"model_type must be 'bpe' or 'unigram', got {model_type!r}")
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 8:
            raise ValueError(f"vocab_size must be an int >= 8, got {vocab_size!r}")
        if isinstance(input_sentence_size, bool) or not isinstance(input_sentence_size, int) or input_sentence_size < 0:
            raise ValueError(f"input_sentence_size must be an int >= 0, got {input_sentence_size!r}")
        kw = dict(vocab_size=vocab_size, model_type=model_type, character_coverage=character_coverage,
                  input_sentence_size=0, shuffle_input_sentence=False, byte_fallback=byte_fallback,
                  control_symbols=list(control_symbols), user_defined_symbols=list(user_defined_symbols),
                  normalization_rule_name="identity", remove_extra_whitespaces=False,
                  max_sentence_length=max_sentence_length, num_threads=num_threads, minloglevel=2,
                  hard_vocab_limit=True, **cls.SPECIALS)
        spm.set_random_generator_seed(seed)
        if isinstance(texts, (str, os.PathLike)):
            if not Path(texts).is_file():
                raise FileNotFoundError(f"texts={str(texts)!r} is not a file; pass an iterable of str to "
                                        "train from memory")
            if input_sentence_size:
                texts = Path(texts).read_text(encoding="utf-8").splitlines()
        if input_sentence_size:
            # sample here, with NumPy: sentencepiece's own sampling differs from process to process
            texts = [t for t in texts if t]
            if len(texts) > input_sentence_size:
                keep = np.random.default_rng(seed).choice(len(texts), input_sentence_size, replace=False)
                texts = [texts[i] for i in np.sort(keep)]
        buf = io.BytesIO()
        try:
            if isinstance(texts, (str, os.PathLike)):
                spm.SentencePieceTrainer.train(input=str(texts), model_writer=buf, **kw)
            else:
                sentences = (t for t in texts if t)  # sentencepiece rejects empty sentences
                spm.SentencePieceTrainer.train(sentence_iterator=sentences, model_writer=buf, **kw)
        except RuntimeError as exc:
            if "Vocabulary size is too high" in str(exc) or "vocab_size" in str(exc):
                raise ValueError(f"vocab_size={vocab_size} is too large for this text: {exc}") from exc
            raise
        return cls(buf.getvalue())

    # ------------------------------------------------------------------ look-ups
    @property
    def vocab_size(self) -> int:
        return self.sp.get_piece_size()

    @property
    def model_type(self) -> str:
        """``"bpe"`` or ``"unigram"`` (read from the model's TrainerSpec)."""
        spec = _proto_fields(self.proto).get(2, b"")  # ModelProto.trainer_spec
        return {1: "unigram", 2: "bpe", 3: "word", 4: "char"}.get(_proto_fields(spec).get(3, 1), "unigram")

    unk_id = property(lambda self: self.sp.unk_id())
    bos_id = property(lambda self: self.sp.bos_id())
    eos_id = property(lambda self: self.sp.eos_id())
    pad_id = property(lambda self: self.sp.pad_id())

    def piece_to_id(self, piece: str) -> int:
        """The id of ``piece``; ``ValueError`` if it is not in the vocabulary."""
        i = self.sp.piece_to_id(piece)
        if i == self.unk_id and piece != self.sp.id_to_piece(self.unk_id):
            raise ValueError(f"{piece!r} is not a piece of this vocabulary")
        return i

    def id_to_piece(self, i: int) -> str:
        return self.sp.id_to_piece(_check_ids([i], self.vocab_size)[0])

    # ------------------------------------------------------------------ encode / decode
    def encode(self, text: str | Sequence[str]) -> list[int] | list[list[int]]:
        """Ids of ``text``; a list of texts gives a list of id lists (encoded in C++, in one call)."""
        if isinstance(text, str):
            return self.sp.encode(text)
        if not all(isinstance(t, str) for t in text):
            raise TypeError("text must be a str or a sequence of str")
        return self.sp.encode(list(text), num_threads=2)

    def tokenize(self, text: str) -> list[str]:
        """The pieces of ``text`` (``▁`` marks a space)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return self.sp.encode(text, out_type=str)

    def decode(self, ids: Iterable[int]) -> str:
        return self.sp.decode(_check_ids(ids, self.vocab_size))

    def encode_stream(self, lines: Sequence[str], eos: bool = True) -> np.ndarray:
        """One int64 array of the ids of all ``lines``, each followed by ``eos_id`` (for LM training)."""
        parts = self.encode(list(lines))
        if eos:
            parts = [p + [self.eos_id] for p in parts]
        return np.fromiter((i for p in parts for i in p), dtype=np.int64)

    # ------------------------------------------------------------------ files
    def save(self, path: str | os.PathLike) -> Path:
        """Write the sentencepiece model (``.model`` protobuf; ``spm_encode`` reads it too)."""
        return _atomic_write(path, self.proto)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "SentencePieceTokenizer":
        return cls(Path(path).read_bytes())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SentencePieceTokenizer) and self.proto == other.proto

    def __repr__(self) -> str:
        return f"SentencePieceTokenizer({self.model_type}, vocab_size={self.vocab_size})"


def load_tokenizer(path: str | os.PathLike) -> CharTokenizer | SentencePieceTokenizer:
    """Load either kind from a file written by its ``save``."""
    head = Path(path).read_bytes()[:64]
    if head.lstrip().startswith(b"{"):
        return CharTokenizer.load(path)
    return SentencePieceTokenizer.load(path)


# ============================================================================ WikiText-2 helpers
def wikitext2_lines(split: str, max_lines: int | None = None, lowercase: bool = False) -> list[str]:
    """The non-empty lines of a WikiText-2 split, stripped (optionally only the first ``max_lines``).

    Used in: book/gpt, book/gpt-finetuning, book/gpt-scaling.
    """
    from .data import load_wikitext2_text

    lines = [ln.strip() for ln in load_wikitext2_text(split).split("\n")]
    lines = [ln.lower() if lowercase else ln for ln in lines if ln]
    return lines if max_lines is None else lines[:max_lines]


def train_wikitext2_tokenizer(vocab_size: int = 4096, model_type: str = "bpe", *, max_lines: int | None = None,
                              lowercase: bool = False, **kw) -> SentencePieceTokenizer:
    """A sentencepiece model trained on WikiText-2 train (the first ``max_lines`` lines, or all).

    Used in: book/gpt, book/gpt-finetuning, book/gpt-scaling.
    """
    return SentencePieceTokenizer.train(wikitext2_lines("train", max_lines, lowercase), vocab_size, model_type, **kw)
