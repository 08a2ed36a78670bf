"""Tests for the training loop (ptmcourse.train), its schedules and its safetensors checkpoints.

The models are tiny (an MLP with dropout, an embedding LM) on seeded random tensors: these tests check
loop mechanics (exact resume, clipping, schedules, hooks, checkpoints), not learning quality.
"""
from __future__ import annotations

import json
import math

import pytest
import torch
import torch.nn.functional as F
from safetensors import safe_open
from torch import nn
from torch.utils.data import TensorDataset

from ptmcourse.checkpoint import CheckpointMismatchError, load_checkpoint, load_weights
from ptmcourse.schedules import StepDecay, WarmupCosine
from ptmcourse.train import History, TrainConfig, Trainer, fit

VOCAB, T = 17, 6


class TinyLM(nn.Module):
    """Embedding -> dropout -> MLP -> tied output layer: a next-token model with the usual parts."""

    def __init__(self, d: int = 8, p: float = 0.2):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, d)
        self.drop = nn.Dropout(p)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, VOCAB, bias=False)
        self.head.weight = self.emb.weight  # tied, as in GPT

    def forward(self, idx):  # (B, T) -> (B, T, V)
        h = self.drop(self.emb(idx))  # (B, T, d)
        return self.head(self.norm(h + self.mlp(h)))


def make_model(seed: int = 0, **kw) -> TinyLM:
    torch.manual_seed(seed)
    return TinyLM(**kw)


def lm_loss(model, batch):
    x, y = batch  # (B, T), (B, T)
    logits = model(x)  # (B, T, V)
    loss = F.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1))
    return {"loss": loss, "acc": (logits.argmax(-1) == y).float().mean()}


def lm_dataset(n: int = 36) -> TensorDataset:
    g = torch.Generator().manual_seed(1)
    seq = torch.randint(0, VOCAB, (n, T + 1), generator=g)
    return TensorDataset(seq[:, :-1], seq[:, 1:])


def lm_batch_fn(step: int, gen: torch.Generator):
    seq = torch.randint(0, VOCAB, (8, T + 1), generator=gen)  # random windows of a "stream"
    return seq[:, :-1], seq[:, 1:]


BASE = dict(total_steps=12, batch_size=8, grad_accum=2, lr=3e-3, weight_decay=0.1, schedule="cosine",
            warmup_steps=3, min_lr=3e-4, grad_clip=0.5, log_every=1, progress=False, device="cpu")


def same_weights(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# ---------------------------------------------------------------------------- schedules
def test_warmup_cosine_values_by_hand():
    f = WarmupCosine(warmup_steps=10, total_steps=110, min_ratio=0.1)
    expected = {0: 0.1, 4: 0.5, 9: 1.0, 10: 1.0, 60: 0.55, 110: 0.1, 500: 0.1}
    for t, v in expected.items():
        assert f(t) == pytest.approx(v, abs=1e-12), t
    assert f(35) == pytest.approx(0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi / 4)))


def test_step_decay_and_trainer_lr_per_step():
    f = StepDecay([2, 4], gamma=0.5)
    assert [f(t) for t in range(6)] == [1, 1, 0.5, 0.5, 0.25, 0.25]
    # Zaremba-style: x0.5 at the start of epochs 2 and 3 (milestones in epochs); 36 examples / 8 = 4 steps
    cfg = TrainConfig(epochs=4, batch_size=8, optimizer="sgd", lr=1.0, schedule="step", milestones=(2, 3),
                      milestone_unit="epoch", gamma=0.5, log_every=1, progress=False, device="cpu")
    tr = Trainer(make_model(p=0.0), lm_loss, lm_dataset(), cfg)
    tr.fit()
    steps, lrs = tr.history.series("lr")
    assert list(steps) == list(range(1, 17))
    assert list(lrs) == [1.0] * 8 + [0.5] * 4 + [0.25] * 4


def test_config_validation_names_the_field():
    with pytest.raises(ValueError, match="schedule"):
        TrainConfig(schedule="linear")
    with pytest.raises(ValueError, match="batch_size"):
        TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match="total_steps, epochs or max_steps"):
        Trainer(make_model(), lm_loss, lm_dataset(), TrainConfig())
    with pytest.raises(TypeError, match="data must be"):
        Trainer(make_model(), lm_loss, 3, TrainConfig(total_steps=1))


# ---------------------------------------------------------------------------- exact resume
@pytest.mark.parametrize("data", [lm_dataset(), lm_batch_fn], ids=["dataset", "batch_fn"])
def test_stop_and_resume_is_bitwise_identical(tmp_path, data):
    # 36 examples / batch 8 = 4 micro-batches per epoch, 2 per step: step 7 ends mid-epoch 3
    full = fit(make_model(), lm_loss, data, TrainConfig(**BASE))
    part = fit(make_model(), lm_loss, data, TrainConfig(**BASE, max_steps=7, checkpoint_dir=str(tmp_path)))
    assert part.step == 7 and not same_weights(part.model, full.model)
    torch.manual_seed(123)  # scramble the global RNG: resume must restore it (dropout masks)
    resumed = fit(make_model(seed=5), lm_loss, data,
                  TrainConfig(**BASE, resume=True, checkpoint_dir=str(tmp_path)))
    assert resumed.step == 12
    assert same_weights(resumed.model, full.model)
    assert resumed.history == full.history
    for k, v in full.optimizer.state_dict()["state"].items():
        for name, t in v.items():
            assert torch.equal(resumed.optimizer.state_dict()["state"][k][name], t)


def test_dropout_makes_resume_depend_on_rng(tmp_path):
    """The check above can fail: resuming without the saved RNG state gives other weights."""
    full = fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE))
    fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE, max_steps=7, checkpoint_dir=str(tmp_path)))
    tr = Trainer(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE))
    tr.load(tmp_path)
    torch.manual_seed(123)  # clobber the restored dropout RNG
    tr.fit()
    assert not same_weights(tr.model, full.model)


def test_resume_with_another_schedule_warns(tmp_path):
    fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE, max_steps=2, checkpoint_dir=str(tmp_path)))
    tr = Trainer(make_model(), lm_loss, lm_batch_fn, TrainConfig(**dict(BASE, total_steps=20)))
    with pytest.warns(UserWarning, match="lr schedule .* differs"):
        tr.load(tmp_path)
    assert tr.scheduler.lr_lambdas[0].total_steps == 12 and tr.step == 2  # the checkpoint's run goes on


def test_resume_true_without_checkpoint_starts_fresh(tmp_path):
    tr = fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE, resume=True, checkpoint_dir=str(tmp_path)))
    assert tr.step == 12 and (tmp_path / "last" / "model.safetensors").is_file()
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        Trainer(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE, resume_from=str(tmp_path / "x"))).fit()


# ---------------------------------------------------------------------------- failures
def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path):
    calls = {"n": 0}

    def loss_fn(model, batch):
        calls["n"] += 1  # one call per micro-batch; grad_accum=1 here
        out = lm_loss(model, batch)
        return {**out, "loss": out["loss"] * float("nan")} if calls["n"] == 7 else out

    cfg = dict(BASE, grad_accum=1, checkpoint_dir=str(tmp_path), checkpoint_every=5)
    tr = Trainer(make_model(), loss_fn, lm_batch_fn, TrainConfig(**cfg))
    with pytest.raises(FloatingPointError, match=r"non-finite loss at step 7: loss=nan.*last good checkpoint"):
        tr.fit()
    assert tr.step == 6  # step 7 was not applied
    five = fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**dict(BASE, grad_accum=1, max_steps=5)))
    fresh = make_model(seed=9)
    state = load_checkpoint(tmp_path, fresh)
    assert state["step"] == 5 and len(state["history"]) == 5
    assert same_weights(fresh, five.model)


def test_shape_mismatch_names_every_tensor(tmp_path):
    fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE, max_steps=1, checkpoint_dir=str(tmp_path)))
    other = make_model(d=4)
    other.extra = nn.Linear(2, 2)
    with pytest.raises(CheckpointMismatchError) as err:
        load_weights(other, tmp_path)
    msg = str(err.value)
    for name, old, new in [("emb.weight", (17, 8), (17, 4)), ("head.weight", (17, 8), (17, 4)),
                           ("mlp.0.weight", (16, 8), (8, 4)), ("mlp.2.bias", (8,), (4,)), ("norm.bias", (8,), (4,))]:
        assert f"{name}: checkpoint {old} vs model {new}" in msg
    assert "missing in checkpoint (2): extra.weight, extra.bias" in msg and "unexpected" not in msg
    assert str(tmp_path) in msg.splitlines()[0]
    fewer = make_model()
    fewer.norm = nn.Identity()
    with pytest.raises(CheckpointMismatchError, match=r"unexpected in checkpoint \(2\): norm.bias, norm.weight"):
        load_weights(fewer, tmp_path)
    before = {k: v.clone() for k, v in other.state_dict().items()}
    with pytest.raises(CheckpointMismatchError):  # the Trainer's resume path says the same, changes nothing
        Trainer(other, lm_loss, lm_batch_fn, TrainConfig(**BASE, resume=True, checkpoint_dir=str(tmp_path))).fit()
    assert all(torch.equal(before[k], v) for k, v in other.state_dict().items())


# ---------------------------------------------------------------------------- one step's mechanics
def test_grad_clip_bounds_the_update():
    ds = lm_dataset(8)
    model = make_model(p=0.0)
    w0 = [p.detach().clone() for p in model.parameters()]
    x, y = ds[:]
    model.zero_grad()
    lm_loss(model, (x, y))["loss"].backward()
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters())).item()
    clip, lr = 0.05, 0.1
    assert norm > 10 * clip  # so clipping really acts
    tr = fit(model, lm_loss, ds, TrainConfig(total_steps=1, batch_size=8, optimizer="sgd", lr=lr, grad_clip=clip,
                                             shuffle=False, log_every=1, progress=False, device="cpu"))
    step = torch.sqrt(sum(((p.detach() - q) ** 2).sum() for p, q in zip(model.parameters(), w0))).item()
    assert step / lr == pytest.approx(clip, rel=1e-4)  # ||update|| = lr * clip
    assert tr.history[0]["grad_norm"] == pytest.approx(norm, rel=1e-5)  # logged before clipping
    g = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters())).item()
    assert g <= clip * (1 + 1e-5)


def test_grad_accum_matches_one_big_batch():
    ds = lm_dataset(32)
    common = dict(total_steps=4, optimizer="sgd", lr=0.5, shuffle=True, log_every=1, progress=False, device="cpu")
    big = fit(make_model(p=0.0), lm_loss, ds, TrainConfig(batch_size=8, **common))
    acc = fit(make_model(p=0.0), lm_loss, ds, TrainConfig(batch_size=4, grad_accum=2, **common))
    for (k, a), b in zip(big.model.state_dict().items(), acc.model.state_dict().values()):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=0, msg=k)
    assert [r["train_loss"] for r in big.history] == pytest.approx([r["train_loss"] for r in acc.history], abs=1e-6)


def test_no_weight_decay_on_biases_norms_embeddings():
    tr = Trainer(make_model(), lm_loss, lm_batch_fn,
                 TrainConfig(total_steps=1, weight_decay=0.1, no_decay_embeddings=True, progress=False))
    decayed = {id(p) for g in tr.optimizer.param_groups if g["weight_decay"] > 0 for p in g["params"]}
    names = {n for n, p in tr.model.named_parameters() if id(p) in decayed}
    assert names == {"mlp.0.weight", "mlp.2.weight"}  # not emb/head (tied), biases, LayerNorm


def test_bf16_autocast_on_cpu_keeps_fp32_weights():
    tr = fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(total_steps=3, amp="bf16", progress=False, device="cpu"))
    assert tr.amp_dtype == torch.bfloat16
    assert all(p.dtype == torch.float32 for p in tr.model.parameters())
    assert all(math.isfinite(r["train_loss"]) for r in tr.history)
    assert Trainer(make_model(), lm_loss, lm_batch_fn, TrainConfig(total_steps=1, device="cpu")).amp_dtype is None


# ---------------------------------------------------------------------------- hooks, history, checkpoints
def test_eval_hook_schedule_and_isolation(tmp_path):
    seen = []

    def eval_fn(model):
        seen.append((model.training, torch.is_grad_enabled()))
        torch.rand(100)  # consumes RNG: must not change training
        return {"val_loss": 10.0 - len(seen) if len(seen) != 2 else 99.0}

    cfg = dict(BASE, eval_every=5, checkpoint_dir=str(tmp_path), best_metric="val_loss")
    tr = fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**cfg), eval_fn=eval_fn)
    steps, vals = tr.history.series("val_loss")
    assert list(steps) == [5, 10, 12] and list(vals) == [9.0, 99.0, 7.0]  # every 5 steps and at the end
    assert seen == [(False, False)] * 3
    assert tr.model.training
    assert same_weights(tr.model, fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE)).model)
    assert json.loads((tmp_path / "best" / "state.json").read_text())["step"] == 12 and tr.best == 7.0


def test_history_rows_series_and_frame():
    cfg = dict(BASE, log_every=5)
    one = fit(make_model(), lm_loss, lm_dataset(), TrainConfig(**dict(BASE)))
    tr = fit(make_model(), lm_loss, lm_dataset(), TrainConfig(**cfg))
    assert isinstance(tr.history, History)
    assert [r["step"] for r in tr.history] == [5, 10, 12]  # every log_every steps and the last
    assert set(tr.history[0]) == {"step", "epoch", "lr", "train_loss", "acc", "grad_norm"}
    per_step = [r["train_loss"] for r in one.history]
    assert tr.history[1]["train_loss"] == pytest.approx(sum(per_step[5:10]) / 5, rel=1e-6)  # interval mean
    assert tr.history[-1]["epoch"] == pytest.approx(12 * 2 / 4)  # 2 micro-batches/step, 4/epoch
    assert tr.history[-1]["lr"] == one.history[-1]["lr"]
    steps, loss = tr.history.series("train_loss")
    assert steps.tolist() == [5, 10, 12] and loss.dtype.kind == "f"
    frame = tr.history_frame()
    assert frame["step"] == [5, 10, 12] and len(frame["grad_norm"]) == 3
    with pytest.raises(KeyError, match="val_loss"):
        tr.history.series("val_loss")


def test_checkpoint_is_safetensors_and_json_only(tmp_path):
    tr = fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE, checkpoint_dir=str(tmp_path)))
    last = tmp_path / "last"
    assert sorted(p.name for p in last.iterdir()) == ["model.safetensors", "optimizer.json",
                                                      "optimizer.safetensors", "rng.safetensors", "state.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["last"]  # no temp dirs left behind
    for f in last.iterdir():
        head = f.read_bytes()[:2]
        assert head != b"\x80\x04" and head[:1] != b"\x80"  # no pickle protocol header
        if f.suffix == ".json":
            json.loads(f.read_text())
        else:
            with safe_open(str(f), framework="pt") as s:
                assert len(list(s.keys())) > 0
    with safe_open(str(last / "model.safetensors"), framework="pt") as s:
        assert "emb.weight" in s.keys() and "head.weight" not in s.keys()  # tied weight stored once
        assert json.loads(s.metadata()["aliases"]) == {"head.weight": "emb.weight"}
    with safe_open(str(last / "optimizer.safetensors"), framework="pt") as s:
        assert {k.rsplit(".", 1)[1] for k in s.keys()} == {"step", "exp_avg", "exp_avg_sq"}
    state = json.loads((last / "state.json").read_text())
    assert state["step"] == 12 and state["config"]["lr"] == BASE["lr"] and len(state["history"]) == 12
    fresh = make_model(seed=3)
    load_weights(fresh, tmp_path)
    assert same_weights(fresh, tr.model) and fresh.head.weight is fresh.emb.weight


def test_failed_save_leaves_previous_checkpoint(tmp_path, monkeypatch):
    import ptmcourse.checkpoint as ck

    tr = fit(make_model(), lm_loss, lm_batch_fn, TrainConfig(**BASE, max_steps=3, checkpoint_dir=str(tmp_path)))
    real = ck.save_file

    def failing(tensors, path, metadata=None):
        if path.endswith("optimizer.safetensors"):
            raise OSError("disk full")
        return real(tensors, path, metadata=metadata)

    monkeypatch.setattr(ck, "save_file", failing)
    tr.step = 99
    with pytest.raises(OSError, match="disk full"):
        tr.save()
    assert [p.name for p in tmp_path.iterdir()] == ["last"]  # the temp dir is gone
    assert json.loads((tmp_path / "last" / "state.json").read_text())["step"] == 3
