"""BERT (Devlin et al. 2019): a post-LN Transformer encoder pre-trained as a masked language model.

    input:      [CLS] my dog is [MASK] [SEP] he likes play ##ing [SEP] [PAD]
    embedding:  token + position + segment (A = 0, B = 1), then LayerNorm and dropout
    encoder:    n_layer post-LN blocks  x = LN(x + Attn(x)); x = LN(x + FF(x))  (GELU, erf form)
    heads:      MLM     h -> dense, GELU, LN -> logits tied to the token embeddings (+ bias)
                NSP     [CLS] -> dense, tanh (the "pooler") -> 2 logits (IsNext / NotNext)
                fine-tuning: pooled [CLS] -> dropout -> linear (classes, or 1 for regression)
                sentence embeddings: mean / CLS / first-last-average pooling of the hidden states

The encoder layer is :class:`ptmcourse.nn.TransformerBlock` with ``norm_first=False``: it matches
Hugging Face's ``BertLayer`` exactly (LayerNorm eps ``1e-12`` from the config, exact GELU, dropout on
attention weights and on both residual branches); our ``padding_mask`` keeps padded *keys* out of
attention, which is what BERT's additive ``attention_mask`` does. Weight names map one-to-one onto
the Hugging Face names (see ``ptmcourse.hub_bert``); BERT's separate q, k, v matrices are stacked
into one ``in_proj``.

Used in: book/bert, book/bert-finetuning.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from ..nn import LearnedPositions, TransformerBlock
from ..nn.transformer import ACTIVATIONS

__all__ = ["BertConfig", "BertOutput", "BertModel", "BertForPreTraining", "BertClassifier", "pool",
           "pair_features", "encode_sentences", "POOLINGS", "mlm_accuracy"]

POOLINGS = ("mean", "cls", "first_last", "pooler")


@dataclass
class BertConfig:
    """Sizes of a BERT; ``BertConfig.preset(name)`` for the course's named sizes."""

    vocab_size: int = 30522
    max_len: int = 512           # position table ("max_position_embeddings")
    type_vocab_size: int = 2     # segments A and B
    n_layer: int = 12
    n_head: int = 12
    d_model: int = 768
    d_ff: int | None = None      # default 4 * d_model
    dropout: float = 0.1         # embeddings and residual branches ("hidden_dropout_prob")
    attn_dropout: float = 0.1    # attention weights ("attention_probs_dropout_prob")
    layer_norm_eps: float = 1e-12
    activation: str = "gelu"     # exact (erf) GELU, as BERT
    pad_id: int = 0
    fast: bool = True            # F.scaled_dot_product_attention (False: the readable path)

    def __post_init__(self):
        for name in ("vocab_size", "max_len", "type_vocab_size", "n_layer", "n_head", "d_model"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"BertConfig.{name} must be a positive int, got {v!r}")
        if self.d_model % self.n_head:
            raise ValueError(f"BertConfig.d_model ({self.d_model}) must be a multiple of n_head ({self.n_head})")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"BertConfig.activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")
        if not 0 <= self.pad_id < self.vocab_size:
            raise ValueError(f"BertConfig.pad_id must be in [0, vocab_size), got {self.pad_id}")

    PRESETS = {  # vocab_size is set from the tokenizer by the caller
        "smoke": dict(n_layer=2, n_head=2, d_model=64, d_ff=128, max_len=64),
        "book": dict(n_layer=2, n_head=4, d_model=128, d_ff=512, max_len=128),
        "paper": dict(n_layer=4, n_head=4, d_model=256, d_ff=1024, max_len=128),   # BERT-mini-like
        "base": dict(n_layer=12, n_head=12, d_model=768, d_ff=3072, max_len=512),  # BERT-base
    }

    @classmethod
    def preset(cls, name: str, **overrides) -> "BertConfig":
        """``smoke`` / ``book`` / ``paper`` (our WikiText-2 pre-training sizes) or ``base`` (BERT-base)."""
        if name not in cls.PRESETS:
            raise ValueError(f"preset must be one of {sorted(cls.PRESETS)}, got {name!r}")
        return cls(**{**cls.PRESETS[name], **overrides})

    def to_dict(self) -> dict:
        return asdict(self)


class BertOutput(NamedTuple):
    """``last`` (B, T, C) final hidden states; ``pooled`` (B, C) pooler output (or None);
    ``hidden_states``: the embeddings and each layer's output, n_layer + 1 tensors (if asked for)."""

    last: torch.Tensor
    pooled: torch.Tensor | None
    hidden_states: tuple[torch.Tensor, ...] | None


class BertEmbeddings(nn.Module):
    """token + learned position + segment embeddings, LayerNorm, dropout."""

    def __init__(self, c: BertConfig):
        super().__init__()
        self.tok = nn.Embedding(c.vocab_size, c.d_model, padding_idx=c.pad_id)
        self.pos = LearnedPositions(c.max_len, c.d_model)
        self.seg = nn.Embedding(c.type_vocab_size, c.d_model)
        self.ln = nn.LayerNorm(c.d_model, eps=c.layer_norm_eps)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        t = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos(t)  # (B, T, C); pos raises for T > max_len
        if token_type_ids is None:
            x = x + self.seg.weight[0]
        else:
            x = x + self.seg(token_type_ids)
        return self.drop(self.ln(x))  # (B, T, C)


class BertModel(nn.Module):
    """The BERT encoder: embeddings, ``n_layer`` post-LN blocks and the ``[CLS]`` pooler.

    Used in: book/bert, book/bert-finetuning.
    """

    def __init__(self, config: BertConfig, pooler: bool = True):
        super().__init__()
        if not isinstance(config, BertConfig):
            raise TypeError(f"config must be a BertConfig, got {type(config).__name__}")
        c = self.config = config
        self.embeddings = BertEmbeddings(c)
        self.layers = nn.ModuleList(
            TransformerBlock(c.d_model, c.n_head, c.d_ff or 4 * c.d_model, c.dropout, attn_dropout=c.attn_dropout,
                             norm_first=False, activation=c.activation, layer_norm_eps=c.layer_norm_eps,
                             fast=c.fast) for _ in range(c.n_layer))
        self.pooler = nn.Linear(c.d_model, c.d_model) if pooler else None
        self.apply(_init_weights)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None,
                padding_mask: torch.Tensor | None = None, output_hidden_states: bool = False) -> BertOutput:
        """``input_ids`` (B, T) int; ``token_type_ids`` (B, T) in {0, 1}; ``padding_mask`` (B, T) bool,
        True at real tokens (None: no padding). Returns a :class:`BertOutput`."""
        if input_ids.ndim != 2 or input_ids.dtype not in (torch.long, torch.int32):
            raise ValueError(f"input_ids must be (B, T) integer ids, got {input_ids.dtype} {tuple(input_ids.shape)}")
        t = input_ids.shape[1]
        if t > self.config.max_len:
            raise ValueError(f"input of length {t} is longer than the position table (max_len="
                             f"{self.config.max_len}); truncate it (e.g. tokenizer(..., max_len={self.config.max_len}))")
        if padding_mask is not None and padding_mask.dtype != torch.bool:
            padding_mask = padding_mask.bool()  # Hugging Face's 0/1 attention_mask
        if padding_mask is not None and bool(padding_mask.all()):
            padding_mask = None  # nothing padded: no mask tensor, the fastest attention path
        x = self.embeddings(input_ids, token_type_ids)  # (B, T, C)
        hidden = [x] if output_hidden_states else None
        for layer in self.layers:
            x = layer(x, padding_mask=padding_mask)  # (B, T, C)
            if hidden is not None:
                hidden.append(x)
        pooled = torch.tanh(self.pooler(x[:, 0])) if self.pooler is not None else None  # (B, C)
        return BertOutput(x, pooled, tuple(hidden) if hidden is not None else None)


def _init_weights(m: nn.Module) -> None:
    """BERT's initialisation: normal(0, 0.02) weights, zero biases, unit LayerNorms."""
    if isinstance(m, (nn.Linear, nn.Embedding)):
        nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)
        if isinstance(m, nn.Embedding) and m.padding_idx is not None:
            with torch.no_grad():
                m.weight[m.padding_idx].zero_()
    elif isinstance(m, LearnedPositions):
        nn.init.normal_(m.weight, std=0.02)


class BertForPreTraining(nn.Module):
    """BERT with the masked-LM head (tied to the token embeddings) and, if ``nsp``, the NSP head.

    ``forward(input_ids, token_type_ids, padding_mask, mlm_labels=None, nsp_labels=None)`` returns a
    dict: ``mlm_logits`` ((N, V) at the N positions with a label if ``mlm_labels`` is given, else
    (B, T, V)), ``nsp_logits`` (B, 2), and with labels ``loss`` = ``mlm_loss`` (+ ``nsp_loss``).
    Computing the vocabulary projection only at the ~15% masked positions is the main saving of
    MLM training (Hugging Face computes it everywhere, then ignores label -100).

    Used in: book/bert.
    """

    def __init__(self, config: BertConfig, nsp: bool = True):
        super().__init__()
        c = self.config = config
        self.bert = BertModel(c, pooler=nsp)
        self.mlm_dense = nn.Linear(c.d_model, c.d_model)
        self.mlm_ln = nn.LayerNorm(c.d_model, eps=c.layer_norm_eps)
        self.mlm_bias = nn.Parameter(torch.zeros(c.vocab_size))
        self.nsp_head = nn.Linear(c.d_model, 2) if nsp else None
        for m in (self.mlm_dense, self.nsp_head):
            if m is not None:
                _init_weights(m)

    def mlm_logits(self, h: torch.Tensor) -> torch.Tensor:
        """Vocabulary logits (..., V) of hidden states (..., C); the output matrix *is* the input one."""
        act = ACTIVATIONS[self.config.activation]
        h = self.mlm_ln(act(self.mlm_dense(h)))
        return F.linear(h, self.bert.embeddings.tok.weight, self.mlm_bias)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None,
                padding_mask: torch.Tensor | None = None, mlm_labels: torch.Tensor | None = None,
                nsp_labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        out = self.bert(input_ids, token_type_ids, padding_mask)
        res: dict[str, torch.Tensor] = {}
        if mlm_labels is not None:
            if mlm_labels.shape != input_ids.shape:
                raise ValueError(f"mlm_labels must have the shape of input_ids {tuple(input_ids.shape)}, "
                                 f"got {tuple(mlm_labels.shape)}")
            sel = mlm_labels != -100  # (B, T): only the corrupted positions are predicted
            logits = self.mlm_logits(out.last[sel])  # (N, V)
            targets = mlm_labels[sel]  # (N,)
            res["mlm_logits"], res["mlm_targets"] = logits, targets
            res["mlm_loss"] = F.cross_entropy(logits.float(), targets) if targets.numel() else logits.sum() * 0
            res["loss"] = res["mlm_loss"]
        else:
            res["mlm_logits"] = self.mlm_logits(out.last)  # (B, T, V)
        if self.nsp_head is not None:
            res["nsp_logits"] = self.nsp_head(out.pooled)  # (B, 2)
            if nsp_labels is not None:
                res["nsp_loss"] = F.cross_entropy(res["nsp_logits"].float(), nsp_labels)
                res["loss"] = res.get("loss", 0) + res["nsp_loss"]
        return res


def mlm_accuracy(res: dict[str, torch.Tensor]) -> float:
    """Share of masked positions whose top-1 prediction is the original token (from a forward with labels)."""
    if "mlm_targets" not in res:
        raise ValueError("mlm_accuracy needs the output of a forward call with mlm_labels")
    t = res["mlm_targets"]
    return float((res["mlm_logits"].argmax(-1) == t).float().mean()) if t.numel() else float("nan")


# ----------------------------------------------------------------------------- sentence embeddings
def pool(out: BertOutput, padding_mask: torch.Tensor | None, how: str = "mean") -> torch.Tensor:
    """One vector per sequence (B, C) from a :class:`BertOutput`.

    ``mean``: average of the final hidden states over real tokens (Sentence-BERT); ``cls``: the
    final ``[CLS]`` state; ``pooler``: the pooler's tanh(dense([CLS])); ``first_last``: mean over
    tokens of the average of the first layer's output and the last layer's (needs
    ``output_hidden_states=True``; BERT-flow / SimCSE's "first-last avg").
    """
    if how not in POOLINGS:
        raise ValueError(f"how must be one of {POOLINGS}, got {how!r}")
    if how == "cls":
        return out.last[:, 0]
    if how == "pooler":
        if out.pooled is None:
            raise ValueError("how='pooler' needs a BertModel built with pooler=True")
        return out.pooled
    if how == "first_last":
        if out.hidden_states is None:
            raise ValueError("how='first_last' needs model(..., output_hidden_states=True)")
        h = (out.hidden_states[1] + out.hidden_states[-1]) / 2  # (B, T, C)
    else:
        h = out.last
    if padding_mask is None:
        return h.mean(1)
    m = padding_mask.to(h.dtype).unsqueeze(-1)  # (B, T, 1)
    return (h * m).sum(1) / m.sum(1).clamp_min(1e-9)  # (B, C)


def pair_features(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Sentence-BERT's pair features ``[u, v, |u - v|, u * v]`` (B, 4C) for a two-sentence head."""
    return torch.cat([u, v, (u - v).abs(), u * v], dim=-1)


@torch.no_grad()
def encode_sentences(model: BertModel, tokenizer, sentences: list[str], *, pooling: str = "mean",
                     normalize: bool = True, batch_size: int = 64, max_len: int = 128,
                     layer: int | None = None) -> torch.Tensor:
    """Embed sentences (N, C) with ``model`` (eval mode, no gradients), batched.

    ``layer`` picks a hidden state (0 = embeddings, ``n_layer`` = last) instead of ``pooling``
    (then mean-pooled) — for probing what each layer encodes.

    Used in: book/bert, book/bert-finetuning.
    """
    if not isinstance(sentences, (list, tuple)) or not sentences:
        raise ValueError("sentences must be a non-empty list of str")
    was_training = model.training
    model.eval()
    dev = next(model.parameters()).device
    max_len = min(max_len, model.config.max_len)
    enc = [len(tokenizer.tokenize(s)) for s in sentences]
    order = sorted(range(len(sentences)), key=lambda i: enc[i])  # similar lengths together: less padding
    vecs = []
    for i in range(0, len(sentences), batch_size):
        b = tokenizer([sentences[j] for j in order[i:i + batch_size]], max_len=max_len, device=dev)
        need_all = pooling == "first_last" or layer is not None
        out = model(b["input_ids"], b["token_type_ids"], b["padding_mask"], output_hidden_states=need_all)
        if layer is not None:
            out = BertOutput(out.hidden_states[layer], None, None)
            e = pool(out, b["padding_mask"], "mean")
        else:
            e = pool(out, b["padding_mask"], pooling)
        vecs.append(e.float())
    model.train(was_training)
    e = torch.empty_like(torch.cat(vecs))  # (N, C), back in the input order
    e[torch.tensor(order)] = torch.cat(vecs)
    return F.normalize(e, dim=-1) if normalize else e


class BertClassifier(nn.Module):
    """Fine-tuning head (微调): pooled sentence (or sentence-pair) vector -> dropout -> linear.

    ``n_out`` classes (cross-entropy) or 1 (regression, e.g. STS-B scores). With ``pooling="pooler"``
    this is BERT's own ``BertForSequenceClassification``; a sentence pair goes in as one input
    ``[CLS] a [SEP] b [SEP]`` (a *cross-encoder*). ``freeze=True`` trains only the head on fixed
    features (冻结).

    Used in: book/bert-finetuning.
    """

    def __init__(self, bert: BertModel, n_out: int, pooling: str = "pooler", dropout: float = 0.1,
                 freeze: bool = False):
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
        if n_out < 1:
            raise ValueError(f"n_out must be >= 1, got {n_out}")
        self.bert, self.pooling, self.freeze = bert, pooling, freeze
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(bert.config.d_model, n_out)
        _init_weights(self.head)
        if freeze:
            for p in self.bert.parameters():
                p.requires_grad_(False)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None,
                padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (B, n_out)."""
        if self.freeze:
            self.bert.eval()  # no dropout inside a frozen feature extractor
            with torch.no_grad():
                out = self.bert(input_ids, token_type_ids, padding_mask, self.pooling == "first_last")
        else:
            out = self.bert(input_ids, token_type_ids, padding_mask, self.pooling == "first_last")
        return self.head(self.drop(pool(out, padding_mask, self.pooling)))  # (B, n_out)


def config_with(config: BertConfig, **kw) -> BertConfig:
    """A copy of ``config`` with some fields changed (validated again)."""
    return replace(config, **kw)
