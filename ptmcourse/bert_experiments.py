"""The BERT chapters' experiments: pre-train a small BERT on WikiText-2 (MLM + NSP) and fine-tune
encoders on SST-2 / STS-B with few labels, frozen or fully.

The scale presets live here (``PRETRAIN_PRESETS``, ``FINETUNE_PRESETS``); a pre-trained small BERT is
cached under the data cache folder (``$PTMCOURSE_DATA``/models), so the fine-tuning chapter reuses
the one the BERT chapter trained (same seed, same preset -> same weights).

Used in: book/bert, book/bert-finetuning.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import data as pdata
from .models.bert import BertClassifier, BertConfig, BertForPreTraining, BertModel, encode_sentences, mlm_accuracy
from .objectives import MaskedLM, nsp_pairs, pack_pair, static_mask
from .results import stored_dir
from .train import Trainer, TrainConfig
from .wordpiece import WordPieceTokenizer

__all__ = ["PRETRAIN_PRESETS", "FINETUNE_PRESETS", "wikitext2_documents", "wikitext2_tokenizer", "nsp_tensors",
           "pretrain_bert", "Pretrained", "load_pretrained", "finetune", "linear_probe", "sst2_subset",
           "layer_features", "classify_accuracy", "finetune_sts"]

PRETRAIN_PRESETS = {
    "smoke": dict(model="smoke", steps=30, batch_size=16, max_len=64, lr=1e-3, warmup=5, min_count=20,
                  train_docs=40, eval_every=15),
    "book": dict(model="book", steps=300, batch_size=32, max_len=48, lr=1e-3, warmup=30, min_count=20,
                 train_docs=300, eval_every=50),
    # about 25 minutes on 2 CPU cores: past the unigram plateau; its checkpoint is stored in results/
    "laptop": dict(model="book", steps=5000, batch_size=64, max_len=48, lr=1e-3, warmup=250, min_count=20,
                   train_docs=None, eval_every=250),
    "paper": dict(model="paper", steps=30000, batch_size=128, max_len=128, lr=5e-4, warmup=1000, min_count=2,
                  train_docs=None, eval_every=1000),
}
STORED_NAME = "bert-small-wikitext2"  # results/<STORED_NAME>/<scale>/: checkpoints stored by `ptmcourse reproduce`
FINETUNE_PRESETS = {  # labelled-example counts and training length per scale
    "smoke": dict(sizes=(32,), epochs=1, max_len=32, batch_size=16, lr=5e-5, small_lr=5e-4, eval_n=64,
                  minilm_full_max=32, probe_n=64, min_steps=4,
                  sts_n=32, sts_eval_n=64, minilm_sts_full=True),
    "book": dict(sizes=(100, 1000), epochs=2, max_len=48, batch_size=32, lr=5e-5, small_lr=5e-4, eval_n=872,
                 minilm_full_max=100, probe_n=1000, min_steps=20,
                 sts_n=600, sts_eval_n=500, minilm_sts_full=False),
    "paper": dict(sizes=(100, 1000, 10000), epochs=3, max_len=64, batch_size=32, lr=5e-5, small_lr=3e-4,
                  eval_n=872, minilm_full_max=10000, probe_n=10000, min_steps=100,
                  sts_n=5749, sts_eval_n=1500, minilm_sts_full=True),
}
_HEADING = re.compile(r"^ = [^=].* = $")


def wikitext2_documents(split: str) -> list[list[str]]:
    """WikiText-2 as documents (split at top-level ``= Title =`` headings), each a list of sentences
    (paragraphs cut after `` . ``), ``<unk>`` written as ``[UNK]``."""
    docs: list[list[str]] = []
    for line in pdata.load_wikitext2_text(split).split("\n"):
        if _HEADING.match(line):
            docs.append([])
            continue
        line = line.strip()
        if not line or line.startswith("= ") or not docs:
            continue
        line = line.replace("<unk>", "[UNK]")
        docs[-1] += [s.strip() + (" ." if i < n - 1 else "")
                     for parts in [line.split(" . ")] for n in [len(parts)] for i, s in enumerate(parts) if s.strip()]
    return [d for d in docs if len(d) >= 2]


def wikitext2_tokenizer(base: WordPieceTokenizer, min_count: int = 5) -> WordPieceTokenizer:
    """``base`` (BERT's uncased vocabulary) restricted to the pieces that occur at least ``min_count``
    times in WikiText-2 train (plus all single characters): a small vocabulary, same segmentation
    for every word made of kept pieces."""
    words: Counter = Counter()
    for doc in wikitext2_documents("train"):
        for s in doc:
            words.update(s.split())  # WikiText-2 is already split at white space
    counts: Counter = Counter()
    for w, c in words.items():
        for piece in base.tokenize(w):
            counts[piece] += c
    return base.restrict(t for t, c in counts.items() if c >= min_count)


def nsp_tensors(tok: WordPieceTokenizer, docs: list[list[str]], max_len: int, seed: int = 0) -> dict[str, torch.Tensor]:
    """NSP sentence pairs of ``docs`` packed as ``[CLS] a [SEP] b [SEP]``: ``input_ids``,
    ``token_type_ids``, ``padding_mask`` (N, max_len) and ``nsp_labels`` (N,)."""
    ids_docs = [[tok.convert_tokens_to_ids(tok.tokenize(s)) for s in d] for d in docs]
    pairs = nsp_pairs(ids_docs, rng=seed)
    n = len(pairs)
    ids = np.full((n, max_len), tok.pad_id, dtype=np.int64)  # (N, T)
    types = np.zeros((n, max_len), dtype=np.int64)
    lengths = np.zeros(n, dtype=np.int64)
    for i, (a, b, _) in enumerate(pairs):
        x, t = pack_pair(a, b, tok.cls_id, tok.sep_id, max_len)
        ids[i, :len(x)], types[i, :len(x)], lengths[i] = x, t, len(x)
    mask = np.arange(max_len)[None, :] < lengths[:, None]
    return {"input_ids": torch.from_numpy(ids), "token_type_ids": torch.from_numpy(types),
            "padding_mask": torch.from_numpy(mask), "nsp_labels": torch.tensor([y for *_, y in pairs])}


@dataclass
class Pretrained:
    """A pre-trained small BERT: ``model`` (BertForPreTraining), ``tokenizer``, the training
    ``history`` rows and final ``metrics`` (valid MLM accuracy / perplexity, NSP accuracy), and the
    ``preset`` and ``seed`` it was trained with."""

    model: BertForPreTraining
    tokenizer: WordPieceTokenizer
    history: list[dict]
    metrics: dict[str, float]
    config: dict
    preset: dict | None = None
    seed: int | None = None
    train_pairs: int | None = None

    def save(self, directory: str | Path) -> Path:
        """Write ``model.safetensors`` (fp32, the tied MLM decoder left out), ``vocab.txt`` and
        ``meta.json`` (config, preset, seed, history, metrics, the weights' sha256) to ``directory``;
        the weights go through a temp file and an atomic rename."""
        from safetensors.torch import save_file

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save(d / "vocab.txt")
        sd = {k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()}
        sd.pop("mlm_decoder", None)
        tmp = d / ".model.safetensors.tmp"
        save_file(sd, str(tmp))
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
        os.replace(tmp, d / "model.safetensors")
        meta = {"config": self.config, "preset": self.preset, "seed": self.seed, "train_pairs": self.train_pairs,
                "history": self.history, "metrics": self.metrics, "sha256": digest}
        (d / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
        return d


def load_pretrained(directory: str | Path) -> Pretrained:
    """Load a small BERT written by :meth:`Pretrained.save` (safetensors, never pickle); the weights
    must match the sha256 in ``meta.json``."""
    from safetensors.torch import load_file

    d = Path(directory)
    missing = [f for f in ("model.safetensors", "vocab.txt", "meta.json") if not (d / f).is_file()]
    if missing:
        raise FileNotFoundError(f"{d} lacks {', '.join(missing)}: not a checkpoint written by Pretrained.save")
    meta = json.loads((d / "meta.json").read_text())
    blob = (d / "model.safetensors").read_bytes()
    if meta.get("sha256") and hashlib.sha256(blob).hexdigest() != meta["sha256"]:
        raise ValueError(f"{d / 'model.safetensors'} does not match the sha256 in meta.json (corrupt or replaced)")
    tok = WordPieceTokenizer.from_file(d / "vocab.txt")
    cfg = BertConfig(**meta["config"])
    if len(tok) != cfg.vocab_size:
        raise ValueError(f"{d / 'vocab.txt'} has {len(tok)} pieces but the checkpoint's vocabulary is {cfg.vocab_size}")
    model = BertForPreTraining(cfg)
    model.load_state_dict(load_file(str(d / "model.safetensors")))
    return Pretrained(model.eval(), tok, meta["history"], meta["metrics"], meta["config"], preset=meta.get("preset"),
                      seed=meta.get("seed"), train_pairs=meta.get("train_pairs"))


def _cache_dir(scale: str, seed: int, preset: dict) -> Path:
    key = hashlib.sha256(json.dumps(preset, sort_keys=True).encode()).hexdigest()[:10]
    return pdata.cache_dir() / "models" / f"bert-small-wikitext2-{scale}-seed{seed}-{key}"


def pretrain_bert(scale: str = "book", device: str = "auto", seed: int = 0, base_tokenizer=None,
                  use_cache: bool = True, train_if_missing: bool = True) -> Pretrained:
    """Pre-train (or load the cached) small BERT on WikiText-2 with MLM (dynamic 80/10/10 masking)
    and NSP, with the shared :class:`ptmcourse.train.Trainer`.

    ``base_tokenizer``: BERT's uncased WordPiece vocabulary to restrict (default: all-MiniLM-L6-v2's,
    which is bert-base-uncased's). Valid metrics use a fixed (static) mask of 1,024 valid pairs.

    With ``use_cache`` a checkpoint stored in the repository (``results/bert-small-wikitext2/<scale>/``,
    written by ``ptmcourse reproduce``) or in the data cache is loaded instead of training; a new run
    is saved to the cache. ``train_if_missing=False`` raises instead of training when there is none.

    Used in: book/bert, book/bert-finetuning.
    """
    if scale not in PRETRAIN_PRESETS:
        raise ValueError(f"scale must be one of {sorted(PRETRAIN_PRESETS)}, got {scale!r}")
    p = PRETRAIN_PRESETS[scale]
    cache = _cache_dir(scale, seed, p)
    try:
        stored = stored_dir(STORED_NAME, scale)
    except FileNotFoundError:  # installed without the repository: no stored checkpoints
        stored = None
    if use_cache:
        if stored is not None and (stored / "model.safetensors").is_file():
            pre = load_pretrained(stored)
            if pre.preset != p or pre.seed != seed:
                raise ValueError(f"the checkpoint stored in {stored} was trained with preset {pre.preset} and seed "
                                 f"{pre.seed}, not {p} and seed {seed}: re-run `ptmcourse reproduce {STORED_NAME} "
                                 f"--scale {scale}` (or pass use_cache=False)")
            return pre
        if (cache / "model.safetensors").is_file():
            return load_pretrained(cache)
    if not train_if_missing:
        raise FileNotFoundError(f"no pre-trained small BERT for scale {scale!r} in {stored} "
                                f"or {cache}; create it with `ptmcourse reproduce {STORED_NAME} --scale {scale}` "
                                f"({p['steps']:,} training steps)")
    if base_tokenizer is None:
        from .hub_bert import minilm_dir
        base_tokenizer = WordPieceTokenizer.from_dir(minilm_dir())

    torch.manual_seed(seed)
    tok = wikitext2_tokenizer(base_tokenizer, p["min_count"])
    train_docs = wikitext2_documents("train")[: p["train_docs"]]
    train = nsp_tensors(tok, train_docs, p["max_len"], seed)
    valid = nsp_tensors(tok, wikitext2_documents("valid")[:30], p["max_len"], seed)
    valid = {k: v[:1024] for k, v in valid.items()}
    cfg = BertConfig.preset(p["model"], vocab_size=len(tok), max_len=max(p["max_len"], 64))
    model = BertForPreTraining(cfg)
    mlm = MaskedLM.for_tokenizer(tok)
    vmask = static_mask(mlm, valid["input_ids"], valid["padding_mask"], copies=1, seed=seed)[0]
    n = len(train["input_ids"])

    def batch_fn(step: int, g: torch.Generator) -> dict:
        idx = torch.randint(n, (p["batch_size"],), generator=g)
        b = {k: v[idx] for k, v in train.items()}
        b.update(mlm(b["input_ids"], b["padding_mask"], generator=g))  # dynamic masking
        return b

    def loss_fn(m, b):
        r = m(b["input_ids"], b["token_type_ids"], b["padding_mask"], mlm_labels=b["mlm_labels"],
              nsp_labels=b["nsp_labels"])
        return {"loss": r["loss"], "mlm_loss": r["mlm_loss"], "nsp_loss": r["nsp_loss"]}

    def eval_fn(m):
        loss_sum = correct = count = nsp_ok = 0.0
        for i in range(0, len(valid["input_ids"]), 256):
            sl = slice(i, i + 256)
            r = m(vmask["input_ids"][sl].to(dev), valid["token_type_ids"][sl].to(dev), valid["padding_mask"][sl].to(dev),
                  mlm_labels=vmask["mlm_labels"][sl].to(dev), nsp_labels=valid["nsp_labels"][sl].to(dev))
            k = r["mlm_targets"].numel()
            loss_sum += float(r["mlm_loss"]) * k
            correct += mlm_accuracy(r) * k
            count += k
            nsp_ok += float((r["nsp_logits"].argmax(-1) == valid["nsp_labels"][sl].to(dev)).sum())
        return {"valid_mlm_acc": correct / count, "valid_mlm_ppl": math.exp(loss_sum / count),
                "valid_nsp_acc": nsp_ok / len(valid["input_ids"])}

    tc = TrainConfig(total_steps=p["steps"], batch_size=p["batch_size"], lr=p["lr"], weight_decay=0.01,
                     schedule="cosine", warmup_steps=p["warmup"], grad_clip=1.0, device=device,
                     log_every=max(1, p["eval_every"] // 5), eval_every=p["eval_every"], seed=seed)
    trainer = Trainer(model, loss_fn, batch_fn, tc, eval_fn=eval_fn)
    dev = trainer.device
    history = [dict(r) for r in trainer.fit()]
    model = trainer.model.cpu().eval()
    dev = torch.device("cpu")
    with torch.no_grad():
        metrics = eval_fn(model)
    pre = Pretrained(model, tok, history, metrics, cfg.to_dict(), preset=dict(p), seed=seed, train_pairs=n)
    if use_cache:
        pre.save(cache)
    return pre


# ----------------------------------------------------------------------------- fine-tuning
def sst2_subset(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """``n`` SST-2 training sentences drawn at random (balanced by chance), for learning curves."""
    sents, labels = pdata.load_sst2("train")
    idx = np.random.default_rng(seed).permutation(len(sents))[:n]
    return [sents[i] for i in idx], labels[idx]


def finetune(bert: BertModel, tok: WordPieceTokenizer, train: tuple[list[str], np.ndarray],
             test: tuple[list[str], np.ndarray], *, lr: float, scale: str = "book", pooling: str = "mean",
             seed: int = 0, device: str = "cpu") -> float:
    """Fully fine-tune ``bert`` (a copy) with a linear head for binary sentence classification
    (cross-entropy, AdamW, warm-up + cosine); returns test accuracy. Sizes: :data:`FINETUNE_PRESETS`.

    Used in: book/bert-finetuning.
    """
    import copy

    p = FINETUNE_PRESETS[scale]
    torch.manual_seed(seed)
    model = BertClassifier(copy.deepcopy(bert), 2, pooling=pooling, dropout=0.1)
    x_tr, y_tr = train
    enc = tok(list(x_tr), max_len=p["max_len"])
    y = torch.as_tensor(np.asarray(y_tr), dtype=torch.long)
    ds = [(enc["input_ids"][i], enc["token_type_ids"][i], enc["padding_mask"][i], y[i]) for i in range(len(y))]
    bs = min(p["batch_size"], len(ds))
    steps = max(p["min_steps"], p["epochs"] * len(ds) // bs)
    tc = TrainConfig(total_steps=steps, batch_size=bs, lr=lr, schedule="cosine", warmup_steps=steps // 10,
                     weight_decay=0.01, device=device, progress=False, log_every=max(1, steps // 4), seed=seed)

    def loss_fn(m, b):
        ids, types, mask, yy = b
        w = int(mask.sum(1).max())  # trim the batch to its longest sequence
        return F.cross_entropy(m(ids[:, :w], types[:, :w], mask[:, :w]), yy)

    trainer = Trainer(model, loss_fn, ds, tc)
    trainer.fit()
    return classify_accuracy(trainer.model.cpu().eval(), tok, test, p["max_len"])


@torch.no_grad()
def classify_accuracy(model: BertClassifier, tok: WordPieceTokenizer, test: tuple[list[str], np.ndarray],
                      max_len: int, batch_size: int = 128) -> float:
    """Accuracy of a :class:`BertClassifier` on ``(sentences, labels)``."""
    x, y = list(test[0]), np.asarray(test[1])
    preds = []
    for i in range(0, len(x), batch_size):
        b = tok(x[i:i + batch_size], max_len=max_len)
        preds.append(model(b["input_ids"], b["token_type_ids"], b["padding_mask"]).argmax(-1))
    return float((torch.cat(preds).numpy() == y).mean())


def linear_probe(x_train: torch.Tensor, y_train: np.ndarray, x_test: torch.Tensor, y_test: np.ndarray,
                 weight_decay: float = 1e-3, steps: int = 100) -> float:
    """Accuracy of a logistic-regression probe (L-BFGS, standardised features) on fixed features.

    Used in: book/bert-finetuning (what each layer encodes).
    """
    mu, sd = x_train.mean(0), x_train.std(0) + 1e-6
    a, b = (x_train - mu) / sd, (x_test - mu) / sd
    y = torch.as_tensor(np.asarray(y_train), dtype=torch.long)
    k = int(y.max()) + 1
    w = torch.zeros(a.shape[1], k, requires_grad=True)
    bias = torch.zeros(k, requires_grad=True)
    opt = torch.optim.LBFGS([w, bias], lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(a @ w + bias, y) + weight_decay * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        return float(((b @ w + bias).argmax(1).numpy() == np.asarray(y_test)).mean())


@torch.no_grad()
def layer_features(bert: BertModel, tok: WordPieceTokenizer, sentences: list[str], max_len: int = 64,
                   batch_size: int = 128) -> list[torch.Tensor]:
    """Mean-pooled hidden states of every layer (embeddings = 0 .. n_layer): a list of (N, C) tensors,
    from one pass over ``sentences`` (frozen features, probing)."""
    bert = bert.eval()
    dev = next(bert.parameters()).device
    per_layer: list[list[torch.Tensor]] = [[] for _ in range(bert.config.n_layer + 1)]
    for i in range(0, len(sentences), batch_size):
        b = tok(list(sentences[i:i + batch_size]), max_len=max_len, device=dev)
        out = bert(b["input_ids"], b["token_type_ids"], b["padding_mask"], output_hidden_states=True)
        m = b["padding_mask"].unsqueeze(-1).float()  # (B, T, 1)
        for layer, h in enumerate(out.hidden_states):
            per_layer[layer].append(((h * m).sum(1) / m.sum(1)).float().cpu())  # (B, C)
    return [torch.cat(v) for v in per_layer]


def finetune_sts(bert: BertModel, tok: WordPieceTokenizer, pairs, test_pairs, *, lr: float, scale: str = "book",
                 seed: int = 0, device: str = "cpu") -> float:
    """Fine-tune ``bert`` (a copy) as a bi-encoder on STS pairs: mean-pooled embeddings, loss
    ``(cos(u, v) - score / 5)^2`` (Sentence-BERT's cosine-similarity objective); returns the test
    Spearman of cosine similarities. ``pairs``/``test_pairs``: ``ptmcourse.data.STSPairs``.

    Used in: book/bert-finetuning.
    """
    import copy

    from .models.bert import pool
    from .sts_eval import evaluate_sts

    p = FINETUNE_PRESETS[scale]
    torch.manual_seed(seed)
    model = copy.deepcopy(bert)
    a, b = tok(list(pairs.s1), max_len=p["max_len"]), tok(list(pairs.s2), max_len=p["max_len"])
    y = torch.as_tensor(np.asarray(pairs.scores) / 5.0, dtype=torch.float32)
    ds = [(a["input_ids"][i], a["padding_mask"][i], b["input_ids"][i], b["padding_mask"][i], y[i])
          for i in range(len(y))]
    bs = min(p["batch_size"], len(ds))
    steps = max(p["min_steps"], p["epochs"] * len(ds) // bs)
    tc = TrainConfig(total_steps=steps, batch_size=bs, lr=lr, schedule="cosine", warmup_steps=steps // 10,
                     weight_decay=0.01, device=device, progress=False, log_every=max(1, steps // 4), seed=seed)

    def embed(m, ids, mask):
        w = int(mask.sum(1).max())
        return pool(m(ids[:, :w], None, mask[:, :w]), mask[:, :w], "mean")

    def loss_fn(m, batch):
        ia, ma, ib, mb, yy = batch
        return F.mse_loss(F.cosine_similarity(embed(m, ia, ma), embed(m, ib, mb)), yy)

    trainer = Trainer(model, loss_fn, ds, tc)
    trainer.fit()
    m = trainer.model.cpu().eval()
    with torch.inference_mode():
        return evaluate_sts(lambda s: encode_sentences(m, tok, s, max_len=p["max_len"]), test_pairs)["spearman"]
