"""Import (and export) Hugging Face–format checkpoints: ``config.json`` + ``model.safetensors``.

GPT-2 part: ``transformers.GPT2LMHeadModel`` / ``GPT2Model`` weights become a ``ptmcourse`` GPT.
GPT-2 stores its linear maps as ``Conv1D`` with weights ``(in, out)``; ours are ``nn.Linear``
``(out, in)``, so those four matrices per layer are transposed. Weights are read with safetensors
only (never ``torch.load``/pickle). A name that is not a local directory is treated as a Hub repo id
and fetched with ``huggingface_hub`` if it is installed and online, else a clear error says what to do.

>>> from ptmcourse import hub
>>> gpt = hub.load_gpt2("path/to/gpt2")         # a directory saved by save_pretrained(safe_serialization=True)
>>> gpt = hub.gpt2_from_transformers(hf_model)   # a live transformers model

Used in: book/gpt.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping

import torch

from .models.gpt import GPT, GPTConfig
from .nn import HF_ACTIVATIONS

__all__ = ["gpt2_config_from_hf", "gpt2_state_dict_from_hf", "gpt2_from_transformers", "load_gpt2",
           "read_safetensors_dir", "resolve_model_dir", "export_gpt2"]

_CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")
_RENAME = [  # (HF suffix regex, ours)
    (r"^wte\.weight$", "wte.weight"),
    (r"^wpe\.weight$", "wpe.weight"),
    (r"^ln_f\.(weight|bias)$", r"ln_f.\1"),
    (r"^h\.(\d+)\.ln_1\.(weight|bias)$", r"blocks.\1.ln1.\2"),
    (r"^h\.(\d+)\.ln_2\.(weight|bias)$", r"blocks.\1.ln2.\2"),
    (r"^h\.(\d+)\.attn\.c_attn\.(weight|bias)$", r"blocks.\1.attn.in_proj.\2"),
    (r"^h\.(\d+)\.attn\.c_proj\.(weight|bias)$", r"blocks.\1.attn.out_proj.\2"),
    (r"^h\.(\d+)\.mlp\.c_fc\.(weight|bias)$", r"blocks.\1.ff.fc1.\2"),
    (r"^h\.(\d+)\.mlp\.c_proj\.(weight|bias)$", r"blocks.\1.ff.fc2.\2"),
]
_BUFFERS = re.compile(r"\.attn\.(bias|masked_bias)$")


def gpt2_config_from_hf(hf: Mapping[str, Any] | Any) -> GPTConfig:
    """Our ``GPTConfig`` from a GPT-2 ``config.json`` dict (or a ``transformers.GPT2Config``).

    Dropout is set to 0 (a training choice; set it on the returned config if you fine-tune).
    """
    d = hf if isinstance(hf, Mapping) else hf.to_dict()
    if d.get("model_type", "gpt2") != "gpt2":
        raise ValueError(f"expected a GPT-2 config (model_type 'gpt2'), got model_type={d.get('model_type')!r}")
    unsupported = {"scale_attn_weights": True, "scale_attn_by_inverse_layer_idx": False, "add_cross_attention": False}
    for key, ok in unsupported.items():
        if d.get(key, ok) != ok:
            raise ValueError(f"GPT-2 config with {key}={d[key]!r} is not supported (only {key}={ok})")
    act = d.get("activation_function", "gelu_new")
    if act not in HF_ACTIVATIONS:
        raise ValueError(f"activation_function={act!r} is not supported; known: {sorted(HF_ACTIVATIONS)}")
    return GPTConfig(vocab_size=d["vocab_size"], block_size=d.get("n_positions", 1024), n_layer=d["n_layer"],
                     n_head=d["n_head"], n_embd=d["n_embd"], d_ff=d.get("n_inner"), dropout=0.0, bias=True,
                     norm_first=True, activation=HF_ACTIVATIONS[act], layer_norm_eps=d.get("layer_norm_epsilon", 1e-5),
                     tie_weights=d.get("tie_word_embeddings", True))


def gpt2_state_dict_from_hf(sd: Mapping[str, torch.Tensor], config: GPTConfig) -> dict[str, torch.Tensor]:
    """Rename (and transpose the ``Conv1D`` weights of) a GPT-2 state dict into our GPT's names.

    Accepts ``GPT2LMHeadModel`` keys (``transformer.h.0...``, ``lm_head.weight``) and ``GPT2Model``
    keys (``h.0...``). Unknown keys raise ``ValueError``.
    """
    out: dict[str, torch.Tensor] = {}
    unknown = []
    for key, t in sd.items():
        k = key[len("transformer."):] if key.startswith("transformer.") else key
        if _BUFFERS.search(k):
            continue  # the causal-mask buffers of old transformers versions
        if k == "lm_head.weight":
            if not config.tie_weights:
                out["lm_head.weight"] = t
            continue  # tied: it is wte.weight
        for pattern, repl in _RENAME:
            if re.match(pattern, k):
                name = re.sub(pattern, repl, k)
                out[name] = t.t() if k.endswith(_CONV1D) else t
                break
        else:
            unknown.append(key)
    if unknown:
        raise ValueError(f"not GPT-2 weights: unknown keys {unknown[:5]}{' ...' if len(unknown) > 5 else ''}")
    if not config.tie_weights and "lm_head.weight" not in out:
        raise ValueError("config has tie_word_embeddings=False but the weights have no lm_head.weight")
    return out


def _load_into(config: GPTConfig, sd: Mapping[str, torch.Tensor], source: str) -> GPT:
    from .checkpoint import check_state_dict

    model = GPT(config)
    ours = gpt2_state_dict_from_hf(sd, config)
    if config.tie_weights:
        ours["lm_head.weight"] = ours.get("wte.weight")  # same tensor, as in the model
    check_state_dict(model, ours, strict=True, source=source)
    model.load_state_dict(ours, strict=True)
    return model.eval()


def gpt2_from_transformers(hf_model: Any) -> GPT:
    """A GPT with the weights of a live ``transformers.GPT2LMHeadModel`` (or ``GPT2Model``)."""
    config = gpt2_config_from_hf(hf_model.config)
    return _load_into(config, hf_model.state_dict(), f"{type(hf_model).__name__}")


def resolve_model_dir(name_or_path: str | os.PathLike) -> Path:
    """A local directory as is; otherwise a Hub repo id fetched with ``huggingface_hub`` (config and
    safetensors files only). Offline or without ``huggingface_hub`` this raises with what to do."""
    p = Path(name_or_path)
    if p.is_dir():
        return p
    if p.exists():
        raise ValueError(f"{p} is a file; pass the directory holding config.json and model.safetensors")
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise FileNotFoundError(f"{name_or_path!r} is not a local directory, and huggingface_hub is not installed "
                                "to fetch it from the Hub; download it (config.json + model.safetensors) and "
                                "pass the directory") from None
    try:
        return Path(snapshot_download(str(name_or_path), allow_patterns=["config.json", "*.safetensors",
                                                                           "*.safetensors.index.json"]))
    except Exception as exc:  # offline, unknown repo, gated, ...
        raise FileNotFoundError(f"could not fetch {name_or_path!r} from the Hugging Face Hub ({type(exc).__name__}: "
                                f"{exc}); if you are offline, copy the model directory here and pass its path") from exc


def read_safetensors_dir(directory: str | os.PathLike) -> dict[str, torch.Tensor]:
    """All tensors of ``model.safetensors`` (or the shards listed in ``model.safetensors.index.json``)."""
    from safetensors.torch import load_file

    d = Path(directory)
    single, index = d / "model.safetensors", d / "model.safetensors.index.json"
    if single.is_file():
        return load_file(str(single))
    if index.is_file():
        shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        sd: dict[str, torch.Tensor] = {}
        for shard in shards:
            sd.update(load_file(str(d / shard)))
        return sd
    if any(d.glob("*.bin")) or any(d.glob("*.pt")) or any(d.glob("*.pth")):
        raise ValueError(f"{d} has only pickle weights (*.bin/*.pt); we never unpickle downloaded files. Convert "
                         "them once where you trust them: transformers' save_pretrained(dir, safe_serialization=True)")
    raise FileNotFoundError(f"{d} has no model.safetensors (nor model.safetensors.index.json)")


def load_gpt2(name_or_path: str | os.PathLike) -> GPT:
    """Load a Hugging Face–format GPT-2 (``config.json`` + safetensors) as our GPT, in eval mode.

    Used in: book/gpt.
    """
    d = resolve_model_dir(name_or_path)
    cfg_file = d / "config.json"
    if not cfg_file.is_file():
        raise FileNotFoundError(f"{d} has no config.json")
    config = gpt2_config_from_hf(json.loads(cfg_file.read_text()))
    return _load_into(config, read_safetensors_dir(d), str(d))


def export_gpt2(model: GPT, directory: str | os.PathLike) -> Path:
    """Write our (pre-LN) GPT as a Hugging Face GPT-2 directory that ``GPT2LMHeadModel.from_pretrained``
    reads: ``config.json`` + ``model.safetensors``."""
    from safetensors.torch import save_file

    c = model.config
    if not (c.norm_first and c.bias):
        raise ValueError("only GPT-2-shaped models export (norm_first=True, bias=True)")
    act = {"gelu_tanh": "gelu_new", "gelu": "gelu", "relu": "relu"}[c.activation]
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    sd = {}
    for name, t in model.state_dict().items():
        if name == "lm_head.weight" and c.tie_weights:
            continue
        hf = name
        hf = re.sub(r"^blocks\.(\d+)\.ln1\.", r"h.\1.ln_1.", hf)
        hf = re.sub(r"^blocks\.(\d+)\.ln2\.", r"h.\1.ln_2.", hf)
        hf = re.sub(r"^blocks\.(\d+)\.attn\.in_proj\.", r"h.\1.attn.c_attn.", hf)
        hf = re.sub(r"^blocks\.(\d+)\.attn\.out_proj\.", r"h.\1.attn.c_proj.", hf)
        hf = re.sub(r"^blocks\.(\d+)\.ff\.fc1\.", r"h.\1.mlp.c_fc.", hf)
        hf = re.sub(r"^blocks\.(\d+)\.ff\.fc2\.", r"h.\1.mlp.c_proj.", hf)
        t = t.t() if hf.endswith(_CONV1D) else t
        sd[hf if hf == "lm_head.weight" else "transformer." + hf] = t.detach().contiguous().cpu()
    save_file(sd, str(d / "model.safetensors"), metadata={"format": "pt"})
    cfg = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": c.vocab_size,
           "n_positions": c.block_size, "n_embd": c.n_embd, "n_layer": c.n_layer, "n_head": c.n_head,
           "n_inner": c.d_ff, "activation_function": act, "layer_norm_epsilon": c.layer_norm_eps,
           "tie_word_embeddings": c.tie_weights, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0}
    (d / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    return d
