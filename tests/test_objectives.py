"""Pre-training objectives: MLM corruption statistics (hypothesis), whole words, NSP pairs, CLM."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ptmcourse.objectives import CausalLM, MaskedLM, mlm_mask, nsp_pairs, pack_pair, static_mask

SPECIAL = [0, 1, 2, 3, 4]  # pad, unk, cls, sep, mask
MASK, V = 4, 1000


def _batch(seed, b=64, t=128):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, V, (b, t), generator=g)
    ids[:, 0], ids[:, -1] = 2, 3
    lengths = torch.randint(t // 2, t + 1, (b,), generator=g)
    pad = torch.arange(t)[None] < lengths[:, None]
    ids[~pad] = 0
    return ids, pad


def _within(k, n, p, sigmas=6.0):
    return abs(k - n * p) <= sigmas * math.sqrt(n * p * (1 - p)) + 1


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), mask_prob=st.sampled_from([0.15, 0.3, 0.5]))
def test_corruption_statistics(seed, mask_prob):
    ids, pad = _batch(seed)
    g = torch.Generator().manual_seed(seed + 1)
    out, labels = mlm_mask(ids, mask_id=MASK, vocab_size=V, special_ids=SPECIAL, padding_mask=pad,
                           mask_prob=mask_prob, generator=g)
    eligible = pad & ~torch.isin(ids, torch.tensor(SPECIAL))
    sel = labels != -100
    assert not (sel & ~eligible).any()                       # specials and padding never selected
    assert torch.equal(out[~sel], ids[~sel])                 # unselected tokens untouched
    assert torch.equal(labels[sel], ids[sel])                # labels are the originals ...
    assert (labels[~sel] == -100).all()                      # ... and -100 elsewhere
    n, k = int(eligible.sum()), int(sel.sum())
    assert _within(k, n, mask_prob)                          # ~15% selected
    masked = int((out[sel] == MASK).sum())
    kept = int((out[sel] == ids[sel]).sum())
    rand = k - masked - kept
    assert _within(masked, k, 0.8) and _within(rand, k, 0.1 * (1 - 1 / V)) and _within(kept, k, 0.1 + 0.1 / V)
    assert not torch.isin(out[sel & (out != MASK)], torch.tensor(SPECIAL)).any()  # random tokens are not specials


def test_whole_word_masking_masks_all_pieces_together():
    ids, pad = _batch(3)
    cont_ids = list(range(500, 1000))  # pretend ids >= 500 are '##' pieces
    obj = MaskedLM(MASK, V, SPECIAL, whole_word=True, continuation_ids=cont_ids)
    res = obj(ids, pad, generator=torch.Generator().manual_seed(0))
    sel = res["mlm_labels"] != -100
    cont = torch.isin(ids, torch.tensor(cont_ids)) & pad
    # a continuation piece is selected exactly when its word's first piece is
    for b in range(ids.shape[0]):
        for t in range(1, ids.shape[1]):
            if cont[b, t] and not torch.isin(ids[b, t - 1], torch.tensor(SPECIAL)):
                assert sel[b, t] == sel[b, t - 1]
    frac = sel.sum() / (pad & ~torch.isin(ids, torch.tensor(SPECIAL))).sum()
    assert 0.08 < frac < 0.25


def test_dynamic_vs_static_masking():
    ids, pad = _batch(5, b=8, t=32)
    obj = MaskedLM(MASK, V, SPECIAL)
    a, b = obj(ids, pad), obj(ids, pad)                      # dynamic: a fresh mask per call
    assert not torch.equal(a["mlm_labels"], b["mlm_labels"])
    s1, s2 = static_mask(obj, ids, pad, copies=2, seed=0), static_mask(obj, ids, pad, copies=2, seed=0)
    assert torch.equal(s1[0]["input_ids"], s2[0]["input_ids"]) and torch.equal(s1[1]["mlm_labels"], s2[1]["mlm_labels"])


def test_bad_arguments():
    ids, pad = _batch(0, 2, 8)
    with pytest.raises(ValueError, match="p_mask"):
        mlm_mask(ids, mask_id=MASK, vocab_size=V, special_ids=SPECIAL, p_mask=0.95, p_random=0.1)
    with pytest.raises(ValueError, match="input_ids"):
        mlm_mask(ids.float(), mask_id=MASK, vocab_size=V, special_ids=SPECIAL)
    with pytest.raises(ValueError, match="continuation_ids"):
        MaskedLM(MASK, V, SPECIAL, whole_word=True)


def test_nsp_pairs_and_packing():
    docs = [[[d * 100 + s] * 3 for s in range(20)] for d in range(10)]
    pairs = nsp_pairs(docs, rng=0)
    assert len(pairs) == 10 * 19
    share_next = sum(1 for *_, y in pairs if y == 0) / len(pairs)
    assert 0.4 < share_next < 0.6
    for a, b, y in pairs:
        same_doc, consecutive = a[0] // 100 == b[0] // 100, b[0] == a[0] + 1
        assert consecutive if y == 0 else not same_doc
    ids, types = pack_pair(list(range(10, 30)), list(range(40, 45)), 2, 3, 16)
    assert len(ids) == 16 and ids[0] == 2 and ids.count(3) == 2 and types[-1] == 1 and types[0] == 0
    with pytest.raises(ValueError, match="2 non-empty documents"):
        nsp_pairs(docs[:1])


def test_causal_lm_shifts():
    ids, pad = _batch(1, 2, 6)
    res = CausalLM()(ids, pad)
    assert torch.equal(res["input_ids"], ids[:, :-1])
    assert torch.equal(res["labels"][pad[:, 1:]], ids[:, 1:][pad[:, 1:]])
