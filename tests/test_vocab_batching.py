"""Vocab (order, unknowns, JSON round trip) and the LM / classification batching helpers."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptmcourse import data
from ptmcourse.data import Vocab

CORPUS = [["the", "cat", "sat"], ["the", "dog", "sat", "<unk>"], ["a", "cat"], ["the"]]


# --- Vocab ----------------------------------------------------------------------------------------

def test_order_specials_then_count_then_token():
    v = Vocab.build(CORPUS, specials=("<pad>", "<eos>"), unk_token="<unk>")
    # specials in order, unk appended; then by count desc (the 3, cat 2, sat 2), ties by token
    assert v.itos == ["<pad>", "<eos>", "<unk>", "the", "cat", "sat", "a", "dog"]
    assert v.stoi == {t: i for i, t in enumerate(v.itos)}
    assert v.counts["the"] == 3 and v.counts["<unk>"] == 1 and v.counts["<pad>"] == 0
    assert list(v.count_array()) == [0, 0, 1, 3, 2, 2, 1, 1]
    assert Vocab.build(list(reversed(CORPUS)), specials=("<pad>", "<eos>")) == v  # order-independent


def test_unk_in_text_is_not_duplicated():
    v = Vocab.build(CORPUS, specials=("<unk>",), unk_token="<unk>")
    assert v.itos.count("<unk>") == 1 and v.unk_id == 0 and len(v) == 6


def test_min_count_and_max_size():
    v = Vocab.build(CORPUS, min_count=2, specials=("<pad>",))
    assert v.itos == ["<pad>", "<unk>", "the", "cat", "sat"]
    v = Vocab.build(CORPUS, max_size=4, specials=("<pad>",))
    assert v.itos == ["<pad>", "<unk>", "the", "cat"]
    with pytest.raises(ValueError, match="max_size"):
        Vocab.build(CORPUS, max_size=1, specials=("<pad>",))
    with pytest.raises(ValueError, match="min_count"):
        Vocab.build(CORPUS, min_count=0)


def test_encode_decode_and_unknowns():
    v = Vocab.build(CORPUS)
    ids = v.encode(["the", "zebra", "cat"])
    assert ids == [v["the"], v.unk_id, v["cat"]]
    arr = v.encode(["the", "cat"], as_array=True)
    assert arr.dtype == np.int64 and list(arr) == [v["the"], v["cat"]]
    assert v.decode(np.array(ids)) == ["the", "<unk>", "cat"]
    assert "cat" in v and "zebra" not in v
    with pytest.raises(ValueError, match="outside"):
        v.decode([len(v)])
    with pytest.raises(TypeError):
        v.encode("the cat")

    strict = Vocab.build(CORPUS, specials=(), unk_token=None)
    with pytest.raises(KeyError, match="zebra"):
        strict.encode(["the", "zebra"])


def test_encode_stream_appends_eos():
    v = Vocab.build(CORPUS, specials=("<eos>",))
    s = v.encode_stream([["the", "cat"], ["sat"]])
    assert list(s) == [v["the"], v["cat"], v["<eos>"], v["sat"], v["<eos>"]]
    with pytest.raises(ValueError, match="eos"):
        Vocab.build(CORPUS).encode_stream(CORPUS)


def test_char_vocab_from_text():
    v = Vocab.build(["hello"], specials=(), unk_token=None)
    assert v.itos == ["l", "e", "h", "o"]
    with pytest.raises(TypeError, match=r"\[text\]"):
        Vocab.build("hello")


def test_save_load_round_trip(tmp_path):
    v = Vocab.build(CORPUS + [["naïve", "café"]], specials=("<pad>", "<bos>", "<eos>"))
    p = v.save(tmp_path / "sub" / "vocab.json")
    assert Vocab.load(p) == v
    assert sorted(x.name for x in p.parent.iterdir()) == ["vocab.json"]  # no temp file left
    d = json.loads(p.read_text(encoding="utf-8"))
    assert d["itos"] == v.itos and "café" in p.read_text(encoding="utf-8")
    (tmp_path / "bad.json").write_text(json.dumps({"itos": ["a"]}))
    with pytest.raises(ValueError, match="not a ptmcourse Vocab"):
        Vocab.load(tmp_path / "bad.json")


def test_ptb_vocab_is_10k(tmp_path, monkeypatch):
    monkeypatch.setenv("PTMCOURSE_DATA", str(tmp_path))  # keep stamps out of the user's cache
    if not data.is_local("ptb"):
        pytest.skip("PTB is not local (set PTMCOURSE_DATA_MIRROR)")
    v = Vocab.build(data.load_ptb("valid") + data.load_ptb("train"), specials=("<eos>",), unk_token="<unk>")
    assert len(v) == 10_000 and v.itos[:2] == ["<eos>", "<unk>"] and v.counts["<unk>"] > 40_000


# --- LM batching ------------------------------------------------------------------------------------

def test_lm_stream_rows_are_contiguous_and_remainder_dropped():
    ids = np.arange(23)
    s = data.lm_stream(ids, 4)
    assert s.shape == (4, 5) and s.dtype == np.int64
    np.testing.assert_array_equal(s[1], np.arange(5, 10))
    assert s.max() == 19  # 20..22 dropped
    with pytest.raises(ValueError, match="too few"):
        data.lm_stream(np.arange(7), 4)
    with pytest.raises(ValueError, match="batch_size"):
        data.lm_stream(ids, 0)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(2, 60), bptt=st.integers(1, 70))
def test_bptt_windows_cover_the_stream_once(n, bptt):
    stream = np.arange(3 * n).reshape(3, n)
    xs, ys = zip(*data.bptt_batches(stream, bptt))
    assert all(x.shape == y.shape and x.shape[1] <= bptt for x, y in zip(xs, ys))
    np.testing.assert_array_equal(np.concatenate(xs, axis=1), stream[:, :-1])
    np.testing.assert_array_equal(np.concatenate(ys, axis=1), stream[:, 1:])
    assert len(xs) == -(-(n - 1) // bptt)  # last short window included


def test_bptt_last_window_is_short():
    windows = list(data.bptt_batches(data.lm_stream(np.arange(2 * 11), 2), 4))
    assert [x.shape for x, _ in windows] == [(2, 4), (2, 4), (2, 2)]
    x, y = windows[-1]
    np.testing.assert_array_equal(y, x + 1)


def test_random_windows():
    ids = np.arange(100)
    x, y = data.random_windows(ids, block_size=8, batch_size=5, rng=0)
    assert x.shape == y.shape == (5, 8) and x.dtype == y.dtype == np.int64
    np.testing.assert_array_equal(y, x + 1)  # targets are the next tokens
    np.testing.assert_array_equal(np.diff(x, axis=1), 1)  # contiguous blocks
    assert x.min() >= 0 and y.max() <= 99
    x2, _ = data.random_windows(ids, 8, 5, np.random.default_rng(0))
    np.testing.assert_array_equal(x, x2)  # an int seed == a Generator with that seed
    with pytest.raises(ValueError, match="block_size"):
        data.random_windows(np.arange(8), 8, 2)


# --- classification batching -----------------------------------------------------------------------

def test_pad_batch():
    ids, lengths = data.pad_batch([[1, 2, 3], [4], []], pad_id=0)
    np.testing.assert_array_equal(ids, [[1, 2, 3], [4, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(lengths, [3, 1, 0])
    assert ids.dtype == lengths.dtype == np.int64
    ids, lengths = data.pad_batch([[1, 2, 3, 4], [5]], pad_id=9, max_len=2, min_len=3)
    np.testing.assert_array_equal(ids, [[1, 2, 9], [5, 9, 9]])
    np.testing.assert_array_equal(lengths, [2, 1])
    with pytest.raises(ValueError, match="empty"):
        data.pad_batch([], 0)


def test_classification_batches_cover_everything_once():
    seqs = [[i] * (i % 4 + 1) for i in range(10)]
    labels = np.arange(10) % 2
    batches = list(data.classification_batches(seqs, labels, batch_size=4, shuffle=True, rng=1, pad_id=-1))
    assert [len(b[2]) for b in batches] == [4, 4, 2]
    seen = []
    for ids, lengths, y in batches:
        for row, n, lab in zip(ids, lengths, y):
            i = int(row[0])
            assert list(row[:n]) == seqs[i] and (row[n:] == -1).all() and lab == labels[i]
            seen.append(i)
    assert sorted(seen) == list(range(10)) and seen != list(range(10))
    again = list(data.classification_batches(seqs, labels, 4, True, 1, -1))
    assert all((a[0] == b[0]).all() for a, b in zip(batches, again))  # reproducible with a seed
    plain = list(data.classification_batches(seqs, labels, 4, shuffle=False, drop_last=True))
    assert [int(b[0][0, 0]) for b in plain] == [0, 4]
    with pytest.raises(ValueError, match="one label per sequence"):
        next(data.classification_batches(seqs, labels[:3], 4))


def test_to_torch():
    torch = pytest.importorskip("torch")
    x, y = data.random_windows(np.arange(50), 4, 2, rng=0)
    tx, ty = data.to_torch(x, y)
    assert tx.dtype == torch.int64 and tuple(tx.shape) == (2, 4) and torch.equal(ty, tx + 1)
