"""Worker for tests/test_train_ddp.py: the same script runs alone or under torchrun.

    python tests/ddp_worker.py OUT_DIR
    python -m torch.distributed.run --nproc_per_node=2 tests/ddp_worker.py OUT_DIR

For both data kinds (a Dataset and a batch_fn) it trains a tiny LM for 8 steps, and again as
3 steps + resume, then rank 0 writes the weights and histories to OUT_DIR/<kind>-w<world>.*;
every rank writes what ``Trainer.save`` returned to OUT_DIR/save-<kind>-r<rank>.json.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn
from torch.utils.data import TensorDataset

from ptmcourse.train import TrainConfig, Trainer

VOCAB, T = 13, 5


class TinyLM(nn.Module):
    def __init__(self, d: int = 8):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, d)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, VOCAB)

    def forward(self, idx):  # (B, T) -> (B, T, V)
        h = self.emb(idx)  # (B, T, d)
        return self.head(self.norm(h + self.mlp(h)))


def make_model() -> TinyLM:
    torch.manual_seed(0)  # every rank builds the same model (DDP would broadcast rank 0's anyway)
    return TinyLM()


def loss_fn(model, batch):
    x, y = batch  # (B, T), (B, T)
    logits = model(x)  # (B, T, V)
    return {"loss": F.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1)),
            "acc": (logits.argmax(-1) == y).float().mean()}


def batch_fn(step: int, gen: torch.Generator):
    seq = torch.randint(0, VOCAB, (8, T + 1), generator=gen)  # the global batch
    return seq[:, :-1], seq[:, 1:]


def dataset() -> TensorDataset:
    seq = torch.randint(0, VOCAB, (44, T + 1), generator=torch.Generator().manual_seed(1))
    return TensorDataset(seq[:, :-1], seq[:, 1:])


CFG = dict(total_steps=8, batch_size=8, grad_accum=2, lr=1e-2, weight_decay=0.1, schedule="cosine",
           warmup_steps=2, grad_clip=1.0, log_every=1, progress=False, device="cpu")


def main(out: Path) -> None:
    torch.set_num_threads(1)
    world, rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
    for kind, data in [("dataset", dataset()), ("batch_fn", batch_fn)]:
        full = Trainer(make_model(), loss_fn, data, TrainConfig(**CFG))
        full.fit()
        ckpt = out / f"ckpt-{kind}-w{world}"
        part = Trainer(make_model(), loss_fn, data, TrainConfig(**CFG, max_steps=3, checkpoint_dir=str(ckpt)))
        part.fit()
        saved = part.save(ckpt / "again")
        (out / f"save-{kind}-r{rank}.json").write_text(json.dumps({"saved": str(saved) if saved else None}))
        resumed = Trainer(make_model(), loss_fn, data, TrainConfig(**CFG, resume=True, checkpoint_dir=str(ckpt)))
        resumed.fit()
        if rank == 0:
            save_file({f"full.{k}": v.contiguous() for k, v in full.model.state_dict().items()}
                      | {f"resumed.{k}": v.contiguous() for k, v in resumed.model.state_dict().items()},
                      str(out / f"{kind}-w{world}.safetensors"))
            (out / f"{kind}-w{world}.json").write_text(json.dumps({"full": full.history, "resumed": resumed.history}))
    if dist.is_initialized():
        dist.destroy_process_group()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
