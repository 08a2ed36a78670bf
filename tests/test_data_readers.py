"""Corpus readers against the counts in shared/data/MANIFEST.md (skipped where the data is absent)."""
from __future__ import annotations

import numpy as np
import pytest

from ptmcourse import data


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory):
    """Keep the "verified once" stamps of this module out of the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PTMCOURSE_DATA", str(tmp_path_factory.mktemp("cache")))
        mp.setenv("PTMCOURSE_QUIET", "1")
        yield


def need(*names: str) -> None:
    for n in names:
        if not data.is_local(n):
            pytest.skip(f"dataset {n!r} is not local (set PTMCOURSE_DATA_MIRROR)")


@pytest.mark.parametrize("split,lines,words", [("train", 42_068, 887_521), ("valid", 3_370, 70_390),
                                               ("test", 3_761, 78_669)])
def test_ptb(split, lines, words):
    need("ptb")
    sents = data.load_ptb(split)
    assert len(sents) == lines
    assert sum(map(len, sents)) == words
    flat = {t for s in sents for t in s}
    assert "<unk>" in flat and "N" in flat and "<eos>" not in flat
    if split == "train":
        assert len(flat) == 9_999  # + <eos> = the 10k vocabulary


@pytest.mark.parametrize("split,lines,with_eos", [("train", 36_718, 2_088_628), ("valid", 3_760, 217_646),
                                                  ("test", 4_358, 245_569)])
def test_wikitext2(split, lines, with_eos):
    need("wikitext-2")
    text = data.load_wikitext2_text(split)
    assert text.count("\n") == lines
    sents = data.load_wikitext2(split)
    assert sum(map(len, sents)) + lines == with_eos  # pytorch/examples adds <eos> to every line
    assert all(sents) and len(sents) < lines  # empty lines dropped
    assert any(s[0] == "=" and s[-1] == "=" for s in sents)  # headings kept


def test_tinyshakespeare():
    need("tinyshakespeare")
    text = data.load_tinyshakespeare()
    assert len(text) == 1_115_394 and len(set(text)) == 65 and text.count("\n") == 40_000


STS_COUNTS = {
    "sts12": {"MSRpar": 750, "MSRvid": 750, "SMTeuroparl": 459, "surprise.OnWN": 750, "surprise.SMTnews": 399},
    "sts13": {"FNWN": 189, "headlines": 750, "OnWN": 561},
    "sts14": {"deft-forum": 450, "deft-news": 300, "headlines": 750, "images": 750, "OnWN": 750, "tweet-news": 750},
    "sts15": {"answers-forums": 375, "answers-students": 750, "belief": 375, "headlines": 750, "images": 750},
    "sts16": {"answer-answer": 254, "headlines": 249, "plagiarism": 230, "postediting": 244,
              "question-question": 209},
}


@pytest.mark.parametrize("name", sorted(STS_COUNTS))
def test_sts_years(name):
    need(name, f"{name}-raw")
    pairs = data.load_sts(name)
    counts = STS_COUNTS[name]
    assert len(pairs) == sum(counts.values()) == len(pairs.s1) == len(pairs.s2) == len(pairs.subset)
    assert pairs.subsets() == list(counts)  # SentEval's order
    assert {s: len(pairs.select(s)) for s in pairs.subsets()} == counts
    assert pairs.scores.dtype == np.float64 and pairs.scores.min() >= 0 and pairs.scores.max() <= 5
    assert all(s.strip() for s in pairs.s1 + pairs.s2)
    assert all(s == s.lower() for s in pairs.s1[:200])  # SentEval's copy is lowercased
    raw = data.load_sts(f"{name}-raw")
    assert raw.subset == pairs.subset
    np.testing.assert_array_equal(raw.scores, pairs.scores)  # identical gold files
    assert any(s != s.lower() for s in raw.s1)  # the original is cased


@pytest.mark.parametrize("name", ["stsb", "stsb-raw"])
def test_stsb(name):
    need(name)
    for split, n in [("train", 5_749), ("dev", 1_500), ("test", 1_379)]:
        pairs = data.load_sts(name, split)
        assert len(pairs) == n
        assert pairs.scores.min() == 0 and pairs.scores.max() == 5
        assert {g.split("-")[0] for g in pairs.subset} == {"main"}  # genre column
    with pytest.raises(ValueError, match="split"):
        data.load_sts(name)


def test_stsb_raw_extra_columns_do_not_shift_fields():
    need("stsb-raw")
    lines = data.path("stsb-raw", "sts-train.csv").read_text(encoding="utf-8").splitlines()
    wide = [i for i, line in enumerate(lines) if line.count("\t") > 6]
    assert wide  # the raw file has rows with trailing source columns
    pairs = data.load_sts("stsb-raw", "train")
    for i in wide[:20]:
        cols = lines[i].split("\t")
        assert (pairs.s1[i], pairs.s2[i], pairs.scores[i]) == (cols[5], cols[6], float(cols[4]))


def test_sick():
    need("sick")
    for split, n in [("train", 4_500), ("trial", 500), ("test", 4_927)]:
        pairs = data.load_sts("sick", split)
        assert len(pairs) == n and pairs.scores.min() >= 1 and pairs.scores.max() <= 5
        assert not any("\r" in s for s in pairs.s2)  # the test file has CRLF line ends
    with pytest.raises(ValueError, match="trial"):
        data.load_sts("sick", "dev")


@pytest.mark.parametrize("split,n,pos", [("train", 67_349, 37_569), ("dev", 872, 444), ("test", 1_821, 909)])
def test_sst2(split, n, pos):
    need("sst2")
    sents, labels = data.load_sst2(split)
    assert len(sents) == len(labels) == n
    assert labels.dtype == np.int64 and set(np.unique(labels)) == {0, 1} and labels.sum() == pos
    assert all(s and s == s.strip() for s in sents)


def test_word_similarity():
    need("wordsim353", "simlex999")
    for name, n in [("wordsim353", 353), ("simlex999", 999)]:
        rows = data.load_word_similarity(name)
        assert len(rows) == n
        assert all(isinstance(a, str) and isinstance(b, str) and 0 <= s <= 10 for a, b, s in rows)
    with pytest.raises(ValueError, match="wordsim353"):
        data.load_word_similarity("men")


def test_analogy():
    need("google-analogy")
    sections = data.load_analogy()
    assert len(sections) == 14 and sum(map(len, sections.values())) == 19_544
    semantic = [k for k in sections if not k.startswith("gram")]
    assert len(semantic) == 5 and sum(len(sections[k]) for k in semantic) == 8_869
    assert all(len(q) == 4 for qs in sections.values() for q in qs)
    first = sections["capital-common-countries"][0]
    assert first[0][0].isupper()  # original case kept
    lower = data.load_analogy(lowercase=True)
    assert lower["capital-common-countries"][0] == tuple(w.lower() for w in first)


@pytest.mark.parametrize("call", [lambda: data.load_ptb("dev"), lambda: data.load_wikitext2("validation"),
                                  lambda: data.load_sst2("valid"), lambda: data.load_sts("sts12", "train"),
                                  lambda: data.load_sts("sts17")])
def test_bad_arguments(call):
    with pytest.raises(ValueError, match="must be"):
        call()


def test_stspairs_checks_lengths():
    with pytest.raises(ValueError, match="differ in length"):
        data.STSPairs(["a"], ["b", "c"], np.array([1.0]), ["x"])
    p = data.STSPairs(["a", "b"], ["c", "d"], [1, 2], ["x", "y"])
    assert p.scores.dtype == np.float64 and len(p.select("y")) == 1
