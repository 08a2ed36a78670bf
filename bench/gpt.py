"""GPT training throughput: ``ptmcourse`` GPT vs ``transformers.GPT2LMHeadModel``, same configuration,
same weights, same batches, same loss (next-token cross-entropy on all positions), AdamW steps on CPU.

Measured in one run, rounds interleaved (ours, peer, ours, peer, ...) so a change in machine load
hits both: tokens per second of a full training step (forward + backward + optimizer) in fp32 for
both; ours with bf16 autocast (and whether its loss curve agrees with fp32 from the same start);
fused vs for-each AdamW for ours; and model FLOPs utilisation (MFU) of ours against the fp32 matmul
peak measured in the same run. The last line is JSON. Run on a quiet machine:

    .venv/bin/python bench/gpt.py [--threads 2] [--rounds 10] [--steps 5]   # about 2 minutes
"""
from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def matmul_peak(n: int = 1536, repeats: int = 5) -> float:
    """Best fp32 FLOP/s of an n x n matmul (the machine's practical peak at these threads)."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best


def cpu_bf16_hardware() -> bool:
    """Whether this CPU multiplies bf16 matrices in hardware (AMX-BF16 or AVX512-BF16, Linux flags);
    without it bf16 autocast on CPU emulates bf16 and is slower than fp32."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def main(threads: int = 2, rounds: int = 10, steps: int = 5, batch: int = 8, seq: int = 128,
         n_layer: int = 4, n_embd: int = 384, n_head: int = 6, vocab: int = 4096, curve_steps: int = 8) -> dict:
    import transformers

    from ptmcourse import hub
    from ptmcourse.models.gpt import adamw

    transformers.logging.set_verbosity_error()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    hf_cfg = transformers.GPT2Config(vocab_size=vocab, n_positions=seq, n_embd=n_embd, n_layer=n_layer, n_head=n_head,
                                     resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, bos_token_id=0, eos_token_id=0)
    hf = transformers.GPT2LMHeadModel(hf_cfg)
    ours = hub.gpt2_from_transformers(hf)           # identical weights
    g = torch.Generator().manual_seed(0)
    batches = [torch.randint(0, vocab, (batch, seq + 1), generator=g) for _ in range(4)]

    def loss_hf(m, xy):
        return F.cross_entropy(m(xy[:, :-1]).logits.flatten(0, 1), xy[:, 1:].flatten())

    def loss_ours(m, xy):
        return m(xy[:, :-1], xy[:, 1:])[1]

    with torch.no_grad():
        hf.eval(), ours.eval()
        same_loss = abs(loss_hf(hf, batches[0]).item() - loss_ours(ours, batches[0]).item())
    hf.train(), ours.train()

    def make_step(model, loss_fn, opt, dtype=None):
        i = [0]

        def step() -> float:
            xy = batches[i[0] % len(batches)]
            i[0] += 1
            with torch.autocast("cpu", dtype=dtype, enabled=dtype is not None):
                loss = loss_fn(model, xy)
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            return loss.item()
        return step

    runs = {
        "ours": make_step(ours, loss_ours, adamw(ours, 1e-4, fused=True)),
        "hf": make_step(hf, loss_hf, torch.optim.AdamW(hf.parameters(), lr=1e-4)),
        "ours_bf16": make_step(ours, loss_ours, adamw(ours, 1e-4, fused=True), torch.bfloat16),
        "ours_foreach_adamw": make_step(ours, loss_ours, adamw(ours, 1e-4, fused=False)),
    }
    for step in runs.values():  # warm-up
        step()
    best = {k: float("inf") for k in runs}
    load_before = os.getloadavg()[0]
    for _ in range(rounds):
        for name, step in runs.items():
            t = time.perf_counter()
            for _ in range(steps):
                step()
            best[name] = min(best[name], (time.perf_counter() - t) / steps)
    peak = matmul_peak()
    load_after = os.getloadavg()[0]
    tok = batch * seq
    tps = {k: tok / v for k, v in best.items()}
    mfu = ours.flops_per_token(seq) * tps["ours"] / peak

    # bf16 vs fp32 loss curves from the same start and batches
    curves = {}
    for name, dtype in (("fp32", None), ("bf16", torch.bfloat16)):
        torch.manual_seed(1)
        m = hub.gpt2_from_transformers(transformers.GPT2LMHeadModel(hf_cfg)).train()
        step = make_step(m, loss_ours, adamw(m, 3e-4, fused=True), dtype)
        curves[name] = [round(step(), 4) for _ in range(curve_steps)]
    curve_diff = max(abs(a - b) for a, b in zip(curves["fp32"], curves["bf16"]))

    return {
        "config": dict(n_layer=n_layer, n_embd=n_embd, n_head=n_head, vocab=vocab, seq=seq, batch=batch,
                       threads=threads, torch=torch.__version__, transformers=transformers.__version__,
                       cpu_capability=torch.backends.cpu.get_cpu_capability(),
                       cpu_bf16_hardware=cpu_bf16_hardware()),
        "load_avg_1min": [round(load_before, 2), round(load_after, 2)],
        "same_initial_loss_diff": same_loss,
        "matmul_peak_gflops": round(peak / 1e9, 1),
        "tokens_per_s_ours_foreach_adamw": round(tps["ours_foreach_adamw"], 1),
        "bf16_loss_curve_max_abs_diff": round(curve_diff, 4),
        "bf16_speedup": round(tps["ours_bf16"] / tps["ours"], 3),
        "tokens_per_s_ours": round(tps["ours"], 1),
        "tokens_per_s_hf": round(tps["hf"], 1),
        "ratio": round(tps["ours"] / tps["hf"], 3),
        "tokens_per_s_ours_bf16": round(tps["ours_bf16"], 1),
        "mfu": round(mfu, 4),
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--steps", type=int, default=5)
    a = ap.parse_args()
    print(json.dumps(main(a.threads, a.rounds, a.steps)))
