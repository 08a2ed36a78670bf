"""DDP: the training script under ``torchrun --nproc_per_node=2`` (gloo, CPU) matches one process.

Each run trains on the same global batches; DDP averages the two ranks' gradients of equal-sized
halves, which is the gradient of the whole batch, so weights agree up to float rounding.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "ddp_worker.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], out: Path) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT), "PTMCOURSE_QUIET": "1"}
    for k in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(k, None)
    proc = subprocess.run([sys.executable, *args, str(WORKER), str(out)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


@pytest.mark.slow
def test_two_cpu_processes_match_one(tmp_path):
    _run([], tmp_path)
    _run(["-m", "torch.distributed.run", "--nproc_per_node=2", "--master_addr=127.0.0.1",
          f"--master_port={_free_port()}"], tmp_path)
    for kind in ("dataset", "batch_fn"):
        one, two = (load_file(str(tmp_path / f"{kind}-w{w}.safetensors")) for w in (1, 2))
        assert one.keys() == two.keys()
        for k in one:
            torch.testing.assert_close(two[k], one[k], atol=1e-6, rtol=0, msg=f"{kind}: {k}")
            if k.startswith("resumed."):  # stop + resume under DDP is exact, as in one process
                assert torch.equal(two[k], two["full." + k[len("resumed."):]]), f"{kind}: {k}"
        h1, h2 = (json.loads((tmp_path / f"{kind}-w{w}.json").read_text()) for w in (1, 2))
        assert [r["step"] for r in h2["full"]] == list(range(1, 9))
        for r1, r2 in zip(h1["full"], h2["full"]):  # logged loss is the global-batch mean
            assert r2["train_loss"] == pytest.approx(r1["train_loss"], abs=1e-6)
            assert r2["acc"] == pytest.approx(r1["acc"], abs=1e-6)
            assert r2["grad_norm"] == pytest.approx(r1["grad_norm"], abs=1e-5)
            assert r2["lr"] == r1["lr"] and r2["epoch"] == r1["epoch"]
        assert h2["resumed"] == h2["full"]
        # only rank 0 writes checkpoints
        assert json.loads((tmp_path / f"save-{kind}-r0.json").read_text())["saved"]
        assert json.loads((tmp_path / f"save-{kind}-r1.json").read_text())["saved"] is None
        assert sorted(p.name for p in (tmp_path / f"ckpt-{kind}-w2").iterdir()) == ["again", "last"]
