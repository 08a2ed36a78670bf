"""Pre-training objectives: how clean token ids become (model inputs, labels).

Every objective is a callable ``objective(input_ids, padding_mask, generator=g) -> dict`` of tensors
that the model's forward takes (``input_ids``, ``labels`` / ``mlm_labels``, ...). Labels are
``-100`` where nothing is predicted (PyTorch's ``ignore_index``). New objectives (XLNet's
permutation LM, MPNet, MASS/BART span noising) subclass :class:`Objective` and register in
``OBJECTIVES``.

- :class:`CausalLM`  (自回归, GPT): predict token t+1 from tokens <= t.
- :class:`MaskedLM`  (掩码语言模型, BERT): select 15% of the tokens; of those 80% -> ``[MASK]``,
  10% -> a random token, 10% unchanged; predict the originals. ``whole_word=True`` selects whole
  words (all ``##`` pieces together); calling it on every batch is RoBERTa's *dynamic* masking
  (BERT masked each example once, *static*, see :func:`static_mask`).
- :func:`nsp_pairs` (下一句预测, NSP): sentence pairs, half of them consecutive (label 0, IsNext),
  half with a random second sentence from another document (label 1, NotNext).

Used in: book/bert (and the XLNet, MPNet and BART chapters).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

import torch

__all__ = ["Objective", "CausalLM", "MaskedLM", "mlm_mask", "static_mask", "word_continuation",
           "nsp_pairs", "pack_pair", "OBJECTIVES", "IGNORE_INDEX"]

IGNORE_INDEX = -100


def _check_ids(input_ids: torch.Tensor) -> None:
    if not isinstance(input_ids, torch.Tensor) or input_ids.ndim != 2 or input_ids.is_floating_point():
        raise ValueError(f"input_ids must be an integer tensor (B, T), got "
                         f"{getattr(input_ids, 'dtype', type(input_ids).__name__)} {tuple(getattr(input_ids, 'shape', ()))}")


def word_continuation(input_ids: torch.Tensor, continuation_ids: torch.Tensor | Sequence[int]) -> torch.Tensor:
    """(B, T) bool, True where a token continues the previous word (a ``##`` WordPiece)."""
    cont = torch.as_tensor(continuation_ids, dtype=torch.long, device=input_ids.device)
    return torch.isin(input_ids, cont)


def mlm_mask(input_ids: torch.Tensor, *, mask_id: int, vocab_size: int, special_ids: Sequence[int],
             padding_mask: torch.Tensor | None = None, mask_prob: float = 0.15, p_mask: float = 0.8,
             p_random: float = 0.1, continuation: torch.Tensor | None = None,
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's corruption of a batch of token ids (the 80/10/10 rule).

    Parameters
    ----------
    input_ids : (B, T) int. special_ids : ids never selected ([CLS], [SEP], [PAD], ...).
    padding_mask : (B, T) bool, True at real tokens (padding is never selected).
    mask_prob : share of (eligible) tokens selected for prediction.
    p_mask, p_random : of the selected, the share replaced by ``[MASK]`` / by a random non-special
        token; the rest (``1 - p_mask - p_random``) is left unchanged.
    continuation : (B, T) bool, True at ``##`` pieces: select whole words (whole-word masking);
        the selection is drawn at each word's first piece and covers all its pieces.
    generator : a ``torch.Generator`` for reproducible masks.

    Returns
    -------
    corrupted ids (B, T), labels (B, T): the original id at selected positions, -100 elsewhere.
    """
    _check_ids(input_ids)
    for name, v in (("mask_prob", mask_prob), ("p_mask", p_mask), ("p_random", p_random)):
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {v}")
    if p_mask + p_random > 1.0:
        raise ValueError(f"p_mask + p_random must be <= 1, got {p_mask} + {p_random}")
    dev = input_ids.device
    special = torch.as_tensor(list(special_ids), dtype=torch.long, device=dev)
    eligible = ~torch.isin(input_ids, special)  # (B, T)
    if padding_mask is not None:
        eligible &= padding_mask.bool()
    u = torch.rand(input_ids.shape, generator=generator, device=dev)  # (B, T)
    if continuation is None:
        selected = eligible & (u < mask_prob)
    else:  # whole words: the draw at the word's first piece decides for all its pieces
        starts = ~continuation.bool()
        pos = torch.arange(input_ids.shape[1], device=dev).expand_as(input_ids)
        first = torch.cummax(torch.where(starts, pos, torch.zeros_like(pos)), dim=1).values  # (B, T)
        selected = eligible & (u.gather(1, first) < mask_prob)
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
    action = torch.rand(input_ids.shape, generator=generator, device=dev)  # 80 / 10 / 10 per token
    to_mask = selected & (action < p_mask)
    to_random = selected & (action >= p_mask) & (action < p_mask + p_random)
    allowed = torch.ones(vocab_size, dtype=torch.bool, device=dev)
    allowed[special[special < vocab_size]] = False
    pool = allowed.nonzero().squeeze(1)  # non-special ids
    rand_ids = pool[torch.randint(len(pool), input_ids.shape, generator=generator, device=dev)]
    out = torch.where(to_mask, torch.full_like(input_ids, mask_id), input_ids)
    out = torch.where(to_random, rand_ids, out)
    return out, labels


class Objective:
    """Base class: ``__call__(input_ids, padding_mask=None, generator=None) -> dict`` of model inputs."""

    name = "objective"

    def __call__(self, input_ids: torch.Tensor, padding_mask: torch.Tensor | None = None, *,
                 generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        raise NotImplementedError


@dataclass
class CausalLM(Objective):
    """Autoregressive LM: inputs ``x[:, :-1]``, labels ``x[:, 1:]`` (-100 at padding)."""

    name = "clm"

    def __call__(self, input_ids, padding_mask=None, *, generator=None):
        _check_ids(input_ids)
        labels = input_ids[:, 1:].clone()
        if padding_mask is not None:
            labels[~padding_mask[:, 1:].bool()] = IGNORE_INDEX
        return {"input_ids": input_ids[:, :-1], "labels": labels}


@dataclass
class MaskedLM(Objective):
    """BERT's masked LM as a per-batch transform (dynamic masking: a fresh mask every time).

    ``continuation_ids``: ids of ``##`` pieces, needed for ``whole_word=True``.
    """

    mask_id: int
    vocab_size: int
    special_ids: Sequence[int]
    mask_prob: float = 0.15
    p_mask: float = 0.8
    p_random: float = 0.1
    whole_word: bool = False
    continuation_ids: Sequence[int] = field(default_factory=tuple)
    name = "mlm"

    def __post_init__(self):
        if self.whole_word and len(self.continuation_ids) == 0:
            raise ValueError("whole_word=True needs continuation_ids (the ids of '##' word pieces)")

    @classmethod
    def for_tokenizer(cls, tokenizer, **kw) -> "MaskedLM":
        """Built from a :class:`ptmcourse.wordpiece.WordPieceTokenizer`."""
        cont = [i for i, t in enumerate(tokenizer.itos) if t.startswith("##")]
        return cls(tokenizer.mask_id, len(tokenizer), sorted(tokenizer.special_ids), continuation_ids=cont, **kw)

    def __call__(self, input_ids, padding_mask=None, *, generator=None):
        cont = word_continuation(input_ids, self.continuation_ids) if self.whole_word else None
        ids, labels = mlm_mask(input_ids, mask_id=self.mask_id, vocab_size=self.vocab_size,
                               special_ids=self.special_ids, padding_mask=padding_mask, mask_prob=self.mask_prob,
                               p_mask=self.p_mask, p_random=self.p_random, continuation=cont, generator=generator)
        return {"input_ids": ids, "mlm_labels": labels}


def static_mask(objective: MaskedLM, input_ids: torch.Tensor, padding_mask: torch.Tensor | None = None,
                copies: int = 1, seed: int = 0) -> list[dict[str, torch.Tensor]]:
    """BERT's static masking: corrupt the whole data set ``copies`` times up front (BERT used 10
    copies over 40 epochs); training then cycles through these fixed masks."""
    g = torch.Generator(device=input_ids.device).manual_seed(seed)
    return [objective(input_ids, padding_mask, generator=g) for _ in range(copies)]


# ----------------------------------------------------------------------------- next sentence prediction
def nsp_pairs(documents: Sequence[Sequence[Sequence[int]]], rng: random.Random | int = 0,
              p_next: float = 0.5) -> list[tuple[list[int], list[int], int]]:
    """Sentence pairs for NSP: for each sentence that has a successor, ``(a, b, label)`` with b the
    next sentence (label 0, IsNext) with probability ``p_next``, else a random sentence of another
    document (label 1, NotNext).

    ``documents``: a list of documents, each a list of sentences (lists of token ids).
    """
    rng = random.Random(rng) if isinstance(rng, int) else rng
    if not 0.0 <= p_next <= 1.0:
        raise ValueError(f"p_next must be in [0, 1], got {p_next}")
    docs = [d for d in documents if len(d) > 0]
    if len(docs) < 2:
        raise ValueError(f"nsp_pairs needs at least 2 non-empty documents, got {len(docs)}")
    out = []
    for di, doc in enumerate(docs):
        for si in range(len(doc) - 1):
            if rng.random() < p_next:
                out.append((list(doc[si]), list(doc[si + 1]), 0))
            else:
                dj = rng.randrange(len(docs) - 1)
                dj += dj >= di  # any document but this one
                other = docs[dj]
                out.append((list(doc[si]), list(other[rng.randrange(len(other))]), 1))
    return out


def pack_pair(a: Sequence[int], b: Sequence[int], cls_id: int, sep_id: int,
              max_len: int) -> tuple[list[int], list[int]]:
    """``[CLS] a [SEP] b [SEP]`` truncated to ``max_len`` (longer segment first); ids and segment ids."""
    if max_len < 5:
        raise ValueError(f"max_len must be >= 5 for a pair, got {max_len}")
    a, b = list(a), list(b)
    while len(a) + len(b) > max_len - 3:
        if len(a) > len(b):
            a.pop()
        else:
            b.pop()
    ids = [cls_id] + a + [sep_id] + b + [sep_id]
    return ids, [0] * (len(a) + 2) + [1] * (len(b) + 1)


OBJECTIVES: dict[str, Callable[..., Objective]] = {"clm": CausalLM, "mlm": MaskedLM}
