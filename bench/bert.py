"""MLM training throughput: ``ptmcourse`` BERT vs ``transformers.BertForMaskedLM``, same config, same
weights, same inputs, same loss (cross-entropy over the masked positions), AdamW steps on CPU.

Ours evaluates the vocabulary projection only at the ~15% masked positions and uses
``F.scaled_dot_product_attention``; transformers computes logits everywhere and ignores label -100.
fp32, and bf16 autocast where the CPU supports it. The last line is JSON with ``ratio`` (ours / peer
tokens per second, fp32). Run on a quiet machine:

    .venv/bin/python bench/bert.py [--steps 6] [--threads 2]
"""
from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402


def _steps(step_fn, steps: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        step_fn()
    t = time.perf_counter()
    for _ in range(steps):
        step_fn()
    return time.perf_counter() - t


def main(steps: int = 6, threads: int = 2, batch: int = 16, seq: int = 128) -> dict:
    import transformers

    from ptmcourse.hub_bert import bert_from_transformers
    from ptmcourse.objectives import mlm_mask

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = transformers.BertConfig(vocab_size=30522, hidden_size=256, num_hidden_layers=4, num_attention_heads=4,
                                  intermediate_size=1024, max_position_embeddings=512,
                                  hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    hf = transformers.BertForMaskedLM(cfg)
    ours = bert_from_transformers(hf, head="mlm")
    ids = torch.randint(1000, 30522, (batch, seq))
    ids[:, 0], ids[:, -1] = 101, 102
    x, labels = mlm_mask(ids, mask_id=103, vocab_size=30522, special_ids=[0, 100, 101, 102, 103],
                         generator=torch.Generator().manual_seed(0))
    with torch.no_grad():  # same loss on the same weights
        diff = abs(float(hf(input_ids=x, labels=labels).loss) - float(ours(x, mlm_labels=labels)["loss"]))
    hf.train(), ours.train()
    opt_hf = torch.optim.AdamW(hf.parameters(), lr=1e-4)
    opt_ours = torch.optim.AdamW(ours.parameters(), lr=1e-4)

    def make(model, opt, peer, dtype):
        def step():
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=dtype, enabled=dtype is not None):
                loss = model(input_ids=x, labels=labels).loss if peer else model(x, mlm_labels=labels)["loss"]
            loss.backward()
            opt.step()
        return step

    out = {"config": "4 layers, d=256, vocab 30522, batch 16 x 128 tokens, AdamW", "threads": threads,
           "loss_diff_same_weights": diff, "load_avg_1m": os.getloadavg()[0]}
    tokens = batch * seq * steps
    for name, dtype in (("fp32", None), ("bf16", torch.bfloat16)):
        if dtype is not None and not (hasattr(torch.backends, "mkldnn") and torch.backends.mkldnn.is_available()):
            continue
        try:
            t_hf = _steps(make(hf, opt_hf, True, dtype), steps)
            t_ours = _steps(make(ours, opt_ours, False, dtype), steps)
        except RuntimeError as exc:  # bf16 not supported on this CPU
            out[f"{name}_error"] = str(exc)[:200]
            continue
        out[f"{name}_ours_tokens_per_s"] = round(tokens / t_ours, 1)
        out[f"{name}_transformers_tokens_per_s"] = round(tokens / t_hf, 1)
        out[f"{name}_ratio"] = round(t_hf / t_ours, 3)
    out["ratio"] = out.get("fp32_ratio")
    out["load_avg_1m_end"] = os.getloadavg()[0]
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    os.environ.setdefault("PTMCOURSE_QUIET", "1")
    print(json.dumps(main(a.steps, a.threads)))
