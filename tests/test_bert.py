"""BERT model: equivalence with transformers on random weights (no download), heads, pooling, errors."""
from __future__ import annotations

import json
import os

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
transformers = pytest.importorskip("transformers")

from ptmcourse.hub_bert import MissingWeightsError, bert_from_transformers, load_bert  # noqa: E402
from ptmcourse.models.bert import (BertClassifier, BertConfig, BertForPreTraining, BertModel,  # noqa: E402
                                   encode_sentences, pair_features, pool)
from ptmcourse.wordpiece import SPECIAL_TOKENS, WordPieceTokenizer  # noqa: E402

V = 120


def _hf_config(**kw):
    base = dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                max_position_embeddings=24, layer_norm_eps=1e-12, hidden_act="gelu")
    return transformers.BertConfig(**{**base, **kw})


def _inputs(seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, V, (3, 16), generator=g)  # (B, T)
    types = torch.zeros_like(ids)
    types[:, 9:] = 1
    am = torch.ones_like(ids)
    am[1, 11:] = 0
    am[2, 4:] = 0
    ids[am == 0] = 0
    return ids, types, am


@pytest.mark.parametrize("cls_name,head", [("BertModel", "model"), ("BertForMaskedLM", "mlm"),
                                           ("BertForPreTraining", "pretraining")])
def test_matches_transformers_random_weights(cls_name, head):
    torch.manual_seed(0)
    hf = getattr(transformers, cls_name)(_hf_config()).eval()
    ours = bert_from_transformers(hf, head)
    ids, types, am = _inputs()
    real = am.bool()
    with torch.no_grad():
        ref = hf(input_ids=ids, token_type_ids=types, attention_mask=am, output_hidden_states=True)
        if head == "model":
            out = ours(ids, types, real, output_hidden_states=True)
            assert (ref.last_hidden_state - out.last)[real].abs().max() <= 1e-5
            assert (ref.pooler_output - out.pooled).abs().max() <= 1e-5
            for a, b in zip(ref.hidden_states, out.hidden_states):
                assert (a - b)[real].abs().max() <= 1e-5
        else:
            out = ours(ids, types, real)
            logits = ref.logits if head == "mlm" else ref.prediction_logits
            assert (logits - out["mlm_logits"])[real].abs().max() <= 1e-5
            if head == "pretraining":
                assert (ref.seq_relationship_logits - out["nsp_logits"]).abs().max() <= 1e-5


def test_loss_matches_transformers_with_labels():
    torch.manual_seed(1)
    hf = transformers.BertForPreTraining(_hf_config()).eval()
    ours = bert_from_transformers(hf, "pretraining")
    ids, types, am = _inputs(1)
    labels = torch.full_like(ids, -100)
    labels[0, 2], labels[1, 5], labels[2, 1] = 7, 8, 9
    nsp = torch.tensor([0, 1, 0])
    with torch.no_grad():
        ref = hf(input_ids=ids, token_type_ids=types, attention_mask=am, labels=labels, next_sentence_label=nsp)
        out = ours(ids, types, am.bool(), mlm_labels=labels, nsp_labels=nsp)
    assert out["mlm_logits"].shape == (3, V)  # only the labelled positions
    assert abs(float(ref.loss) - float(out["loss"])) <= 1e-5


def test_training_mode_dropout_and_tied_weights():
    model = BertForPreTraining(BertConfig.preset("smoke", vocab_size=V))
    ids, types, am = _inputs()
    labels = torch.where(torch.rand(ids.shape) < 0.3, ids, torch.full_like(ids, -100))
    res = model(ids, types, am.bool(), mlm_labels=labels, nsp_labels=torch.tensor([0, 1, 1]))
    res["loss"].backward()
    assert model.bert.embeddings.tok.weight.grad is not None
    assert "mlm_decoder" not in dict(model.named_parameters())  # tied: no separate output matrix
    big = [n for n, p in model.named_parameters() if p.shape == (V, 64)]
    assert big == ["bert.embeddings.tok.weight"]  # one vocabulary matrix, used for input and output


def test_too_long_input_is_a_clear_error():
    model = BertModel(BertConfig.preset("smoke", vocab_size=V))
    with pytest.raises(ValueError, match="position table"):
        model(torch.zeros(1, 65, dtype=torch.long))


def test_pooling_modes():
    model = BertModel(BertConfig.preset("smoke", vocab_size=V)).eval()
    ids, types, am = _inputs()
    with torch.no_grad():
        out = model(ids, types, am.bool(), output_hidden_states=True)
    m = pool(out, am.bool(), "mean")
    manual = out.last[2, :4].mean(0)
    assert torch.allclose(m[2], manual, atol=1e-6)
    assert torch.allclose(pool(out, am.bool(), "cls"), out.last[:, 0])
    assert pool(out, am.bool(), "first_last").shape == (3, 64)
    assert pair_features(m, m).shape == (3, 256)
    with pytest.raises(ValueError, match="how must be one of"):
        pool(out, am.bool(), "max")


def _write_dir(tmp_path, hf, vocab_size=V):
    hf.save_pretrained(tmp_path, safe_serialization=True)
    words = [f"w{i}" for i in range(vocab_size - len(SPECIAL_TOKENS))]
    (tmp_path / "vocab.txt").write_text("\n".join(list(SPECIAL_TOKENS) + words) + "\n")
    return tmp_path


def test_load_dir_roundtrip_and_encode(tmp_path):
    torch.manual_seed(2)
    hf = transformers.BertModel(_hf_config()).eval()
    d = _write_dir(tmp_path, hf)
    model, tok = load_bert(d)
    assert isinstance(model, BertModel) and len(tok) == V
    ids, types, am = _inputs()
    with torch.no_grad():
        a = hf(input_ids=ids, token_type_ids=types, attention_mask=am).last_hidden_state
        b = model(ids, types, am.bool()).last
    assert (a - b)[am.bool()].abs().max() <= 1e-5
    e = encode_sentences(model, tok, ["w1 w2 w3", "w4"], max_len=24)
    assert e.shape == (2, 32) and torch.allclose(e.norm(dim=1), torch.ones(2), atol=1e-5)


def test_vocab_that_does_not_match_checkpoint(tmp_path):
    hf = transformers.BertModel(_hf_config())
    d = _write_dir(tmp_path, hf, vocab_size=V + 3)
    with pytest.raises(ValueError, match="does not belong to this checkpoint"):
        load_bert(d)


def test_missing_weights_are_named(tmp_path):
    hf = transformers.BertModel(_hf_config())  # no cls.* head
    d = _write_dir(tmp_path, hf)
    with pytest.raises(MissingWeightsError, match=r"cls\.predictions\.transform\.dense\.weight"):
        load_bert(d, head="mlm")
    from safetensors.torch import load_file, save_file
    sd = load_file(str(d / "model.safetensors"))
    del sd["encoder.layer.1.output.dense.weight"]
    save_file(sd, str(d / "model.safetensors"))
    with pytest.raises(MissingWeightsError, match=r"encoder\.layer\.1\.output\.dense\.weight"):
        load_bert(d)
    (d / "model.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match="model.safetensors"):
        load_bert(d)


def test_classifier_freeze_and_finetune():
    bert = BertModel(BertConfig.preset("smoke", vocab_size=V))
    ids, types, am = _inputs()
    frozen = BertClassifier(bert, 2, pooling="mean", freeze=True)
    frozen(ids, types, am.bool()).sum().backward()
    assert all(p.grad is None for p in bert.parameters()) and frozen.head.weight.grad is not None
    full = BertClassifier(BertModel(BertConfig.preset("smoke", vocab_size=V)), 1)
    full(ids, types, am.bool()).sum().backward()
    assert full.bert.layers[0].ff.fc1.weight.grad is not None


def test_config_validation():
    with pytest.raises(ValueError, match="multiple of n_head"):
        BertConfig(d_model=30, n_head=4)
    with pytest.raises(ValueError, match="preset"):
        BertConfig.preset("huge")


def test_layer_features_and_linear_probe():
    from ptmcourse.bert_experiments import layer_features, linear_probe

    tok = WordPieceTokenizer(list(SPECIAL_TOKENS) + [f"w{i}" for i in range(V - 5)])
    model = BertModel(BertConfig.preset("smoke", vocab_size=V)).eval()
    feats = layer_features(model, tok, ["w1 w2", "w3 w4 w5", "w6"], max_len=16)
    assert len(feats) == 3 and feats[0].shape == (3, 64)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 5, generator=g)
    y = (x[:, 0] > 0).long().numpy()
    assert linear_probe(x[:100], y[:100], x[100:], y[100:]) > 0.9  # a linearly separable property


def test_finetune_sts_smoke():
    from ptmcourse.bert_experiments import finetune_sts
    from ptmcourse.data import STSPairs

    tok = WordPieceTokenizer(list(SPECIAL_TOKENS) + [f"w{i}" for i in range(V - 5)])
    bert = BertModel(BertConfig.preset("smoke", vocab_size=V))
    g = torch.Generator().manual_seed(0)
    s = [" ".join(f"w{int(i)}" for i in torch.randint(0, V - 5, (6,), generator=g)) for _ in range(40)]
    pairs = STSPairs(s[:20], s[20:], torch.rand(20, generator=g).numpy() * 5)
    rho = finetune_sts(bert, tok, pairs, pairs, lr=1e-3, scale="smoke")
    assert -1.0 <= rho <= 1.0
    assert bert.layers[0].ff.fc1.weight.grad is None  # the caller's model is left untouched


def _tiny_pretrained(preset=None, seed=0):
    from ptmcourse.bert_experiments import Pretrained

    tok = WordPieceTokenizer(list(SPECIAL_TOKENS) + [f"w{i}" for i in range(V - 5)])
    torch.manual_seed(seed)
    model = BertForPreTraining(BertConfig.preset("smoke", vocab_size=V)).eval()
    return Pretrained(model, tok, [{"step": 1, "valid_mlm_acc": 0.1}], {"valid_mlm_acc": 0.1},
                      model.config.to_dict(), preset=preset or {"steps": 1}, seed=seed, train_pairs=3)


def test_pretrained_save_load_roundtrip_and_integrity_errors(tmp_path):
    from ptmcourse.bert_experiments import load_pretrained

    pre = _tiny_pretrained()
    pre.save(tmp_path / "ck")
    back = load_pretrained(tmp_path / "ck")
    ids, types, am = _inputs()
    with torch.no_grad():
        a = pre.model(ids, types, am.bool())["mlm_logits"]
        b = back.model(ids, types, am.bool())["mlm_logits"]
    assert torch.equal(a, b) and back.preset == {"steps": 1} and back.seed == 0 and back.metrics == pre.metrics
    assert not list((tmp_path / "ck").glob(".*tmp"))  # no temp file left behind

    blob = bytearray((tmp_path / "ck" / "model.safetensors").read_bytes())
    blob[-1] ^= 1
    (tmp_path / "ck" / "model.safetensors").write_bytes(bytes(blob))
    with pytest.raises(ValueError, match="sha256"):
        load_pretrained(tmp_path / "ck")
    pre.save(tmp_path / "ck")
    (tmp_path / "ck" / "vocab.txt").write_text("\n".join(list(SPECIAL_TOKENS) + ["a", "b"]) + "\n")
    with pytest.raises(ValueError, match="pieces but the checkpoint"):
        load_pretrained(tmp_path / "ck")
    (tmp_path / "ck" / "meta.json").unlink()
    with pytest.raises(FileNotFoundError, match="meta.json"):
        load_pretrained(tmp_path / "ck")


def test_pretrain_bert_uses_stored_checkpoint_and_names_the_command(tmp_path, monkeypatch):
    import ptmcourse.bert_experiments as be

    monkeypatch.setattr(be, "stored_dir", lambda name, scale: tmp_path / name / scale)
    monkeypatch.setenv("PTMCOURSE_DATA", str(tmp_path / "cache"))
    with pytest.raises(FileNotFoundError, match="ptmcourse reproduce bert-small-wikitext2 --scale laptop"):
        be.pretrain_bert("laptop", train_if_missing=False)
    _tiny_pretrained(preset=dict(be.PRETRAIN_PRESETS["laptop"])).save(tmp_path / "bert-small-wikitext2" / "laptop")
    pre = be.pretrain_bert("laptop", train_if_missing=False)  # loaded, not trained
    assert pre.train_pairs == 3 and pre.model.config.vocab_size == V
    _tiny_pretrained(preset={"steps": 1}).save(tmp_path / "bert-small-wikitext2" / "laptop")
    with pytest.raises(ValueError, match="re-run `ptmcourse reproduce"):
        be.pretrain_bert("laptop", train_if_missing=False)
