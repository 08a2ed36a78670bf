"""Tests for ptmcourse.ngram: counting, smoothing (distributions sum to 1, independent reference
implementations), NLTK and KenLM equivalence, ARPA round trip, sampling, cloze, bad input."""
from __future__ import annotations

import functools
import math
import os
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptmcourse import ngram
from ptmcourse.ngram import NgramCounts, NgramLM, read_arpa, write_arpa

BOS, EOS, UNK = 0, 1, 2
# tiny random corpora often have degenerate count-of-counts; the fallback warning is tested on its own
quiet_fallback = pytest.mark.filterwarnings("ignore:order .* Kneser-Ney discounts:RuntimeWarning")

HAVE_PTB = bool(os.environ.get("PTMCOURSE_DATA_MIRROR") or os.environ.get("PTMCOURSE_DATA"))


# ---- helpers ---------------------------------------------------------------------------------
def corpora(max_vocab: int = 8):
    """Small random corpora over ids 3..V-1 (0, 1, 2 are <s>, </s>, <unk>)."""
    return st.integers(4, max_vocab).flatmap(lambda V: st.tuples(
        st.just(V),
        st.lists(st.lists(st.integers(3, V - 1), min_size=0, max_size=7), min_size=1, max_size=8)))


@functools.lru_cache(maxsize=None)
def _ptb(split: str) -> tuple:
    from ptmcourse.data import load_ptb

    return tuple(tuple(s) for s in load_ptb(split))


def ptb_slice(n_train: int = 400, n_valid: int = 60):
    if not HAVE_PTB:
        pytest.skip("set PTMCOURSE_DATA_MIRROR to the data mirror to run the PTB tests")
    from ptmcourse.data import Vocab

    train = [list(s) for s in _ptb("train")[:n_train]]
    valid = [list(s) for s in _ptb("valid")[:n_valid]]
    vocab = Vocab.build(train, specials=("<s>", "</s>"), unk_token="<unk>")
    return train, valid, vocab


CONFIGS = [
    dict(method="mle"),
    dict(method="addk", k=1.0),
    dict(method="addk", k=0.05),
    dict(method="kn"),
    dict(method="mkn"),
    dict(method="kn", discount=0.75, lowest="continuation"),
    dict(method="mkn", padding="nltk"),
    dict(method="kn", discount=0.1, lowest="continuation", padding="nltk"),
]


# ---- counting --------------------------------------------------------------------------------
def _brute_counts(sents, order):
    c = Counter()
    for s in sents:
        pad = [BOS] + list(s) + [EOS]
        for k in range(1, order + 1):
            for i in range(len(pad) - k + 1):
                c[tuple(pad[i:i + k])] += 1
    return c


@settings(max_examples=40, deadline=None)
@given(corpora(), st.integers(1, 4))
def test_counts_match_a_counter(data, order):
    V, sents = data
    c = NgramCounts.from_sentences(sents, order, V, BOS, EOS, UNK)
    ref = _brute_counts(sents, order)
    got = {}
    for k in range(1, order + 1):
        for g, n in zip(map(tuple, c.ngrams(k).tolist()), c.counts[k].tolist()):
            if n:
                got[g] = n
    assert got == dict(ref)
    for g in list(ref)[:10]:
        assert c.count(g) == ref[g]
        if len(g) < order:
            left = {h[0] for h in ref if len(h) == len(g) + 1 and h[1:] == g}
            assert c.continuation_count(g) == len(left)


# ---- distributions sum to one ----------------------------------------------------------------
@quiet_fallback
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), st.integers(1, 4), st.sampled_from(range(len(CONFIGS))), st.data())
def test_next_word_distribution_sums_to_one(data, order, which, draw):
    V, sents = data
    cfg = dict(CONFIGS[which])
    lm = NgramLM.fit(sents, order, V, BOS, EOS, UNK, **cfg)
    n_ctx = draw.draw(st.integers(0, order - 1))
    ctx = draw.draw(st.lists(st.integers(0, V - 1), min_size=n_ctx, max_size=n_ctx))
    if draw.draw(st.booleans()) and ctx:
        ctx[0] = BOS
    p = lm.next_word_probs(ctx)
    assert p.shape == (V,)
    assert (p >= 0).all()
    assert p.sum() == pytest.approx(1.0, abs=1e-9)
    if lm.padding == "single":
        assert p[BOS] == 0.0


@quiet_fallback
@settings(max_examples=40, deadline=None)
@given(corpora(), st.integers(1, 4), st.sampled_from(range(len(CONFIGS))))
def test_vectorised_scorer_agrees_with_next_word_probs(data, order, which):
    V, sents = data
    lm = NgramLM.fit(sents, order, V, BOS, EOS, UNK, **CONFIGS[which])
    test = [s[::-1] + [3] for s in sents[:3]]
    lp = lm.token_logprobs(test)
    want = []
    for s in test:
        pad = [BOS] * lm.n_pad + s + [EOS] * lm.n_pad
        for i in range(lm.n_pad, lm.n_pad + len(s) + 1):  # the words and the first </s>
            ctx = pad[max(0, i - order + 1):i] if order > 1 else []
            with np.errstate(divide="ignore"):
                want.append(np.log(lm.next_word_probs(ctx)[pad[i]]))  # -inf for MLE zeros
    np.testing.assert_allclose(lp, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(lm.logprob(test), sum(want), rtol=1e-10)
    np.testing.assert_allclose(lm.sentence_logprobs(test).sum(), sum(want), rtol=1e-10)


# ---- independent reference implementations ----------------------------------------------------
def _reference_mkn(sents, order, V):
    """Interpolated modified Kneser-Ney in the dictionary style of Chen & Goodman (1998), eq. 17."""
    raw = _brute_counts(sents, order)
    cont = Counter()
    for g in raw:
        if len(g) >= 2:
            cont[g[1:]] += 1

    def a(g):  # adjusted count
        return raw[g] if len(g) == order or g[0] == BOS else cont[g]

    by_order = defaultdict(dict)
    for g in raw:
        if g[-1] != BOS:
            by_order[len(g)][g] = a(g)
    disc = {}
    for k, table in by_order.items():
        n = Counter(v for v in table.values() if v <= 4)
        y = n[1] / (n[1] + 2 * n[2])
        disc[k] = [0.0, 1 - 2 * y * n[2] / n[1], 2 - 3 * y * n[3] / n[2], 3 - 4 * y * n[4] / n[3]]
    followers = defaultdict(dict)
    for k, table in by_order.items():
        for g, v in table.items():
            followers[g[:-1]][g[-1]] = v
    n_pred = V - 1

    def D(k, v):
        return 0.0 if v == 0 else disc[k][min(v, 3)]

    def p(w, h):
        k = len(h) + 1
        lower = 1.0 / n_pred if k == 1 else p(w, h[1:])
        f = followers.get(h)
        if not f:
            return lower
        tot = sum(f.values())
        gamma = sum(D(k, v) for v in f.values()) / tot
        return max(f.get(w, 0) - D(k, f.get(w, 0)), 0) / tot + gamma * lower

    return p, disc


def test_modified_kn_matches_a_dictionary_reference():
    rng = np.random.default_rng(0)
    V, order = 80, 3
    # a Zipf-like corpus whose count-of-counts give valid discounts at every order (no fallback)
    sents = [(rng.zipf(1.2, size=rng.integers(1, 12)).clip(1, V - 3) + 2).tolist() for _ in range(500)]
    lm = NgramLM.fit(sents, order, V, BOS, EOS, UNK, method="mkn")
    ref, disc = _reference_mkn(sents, order, V)
    for k in range(1, order + 1):
        np.testing.assert_allclose(lm.discounts[k], disc[k][1:], rtol=1e-12)
    for ctx in ([], [BOS], [3], [BOS, 3], [3, 4], [5, 5], [8, 3]):
        for w in range(1, V):
            assert lm.prob(w, ctx) == pytest.approx(ref(w, tuple(ctx)), rel=1e-10)


def test_addk_and_mle_match_their_formulas():
    sents = [[3, 4, 5], [3, 4], [5, 5, 5, 3]]
    V = 7
    c = _brute_counts(sents, 2)
    after3 = sum(n for g, n in c.items() if len(g) == 2 and g[0] == 3)
    lm = NgramLM.fit(sents, 2, V, BOS, EOS, UNK, method="addk", k=0.5)
    assert lm.prob(4, [3]) == pytest.approx((c[(3, 4)] + 0.5) / (after3 + 0.5 * (V - 1)))
    assert lm.prob(6, [6]) == pytest.approx(1 / (V - 1))  # unseen context: uniform
    mle = NgramLM.fit(sents, 2, V, BOS, EOS, UNK, method="mle")
    assert mle.prob(4, [3]) == pytest.approx(c[(3, 4)] / after3)
    assert mle.prob(6, [3]) == 0.0
    assert math.isinf(mle.perplexity([[3, 6]]))


def test_discounts_and_their_fallback():
    (d1, d2, d3), fb = ngram.kn_discounts([100, 40, 20, 10])
    y = 100 / 180
    assert (d1, d2, d3) == pytest.approx((1 - 2 * y * 0.4, 2 - 3 * y * 0.5, 3 - 4 * y * 0.5))
    assert not fb
    assert ngram.kn_discounts([100, 40, 0, 10]) == ((y, y, y), True)  # n3 = 0: plain KN's D
    assert ngram.kn_discounts([0, 0, 0, 0]) == ((0.5, 1.0, 1.5), True)
    assert ngram.kn_discounts([5, 60, 2, 80]) == ((5 / 125,) * 3, True)  # D2 < 0 is nonsense
    # a corpus whose count-of-counts are degenerate still gives a proper model (with a warning)
    with pytest.warns(RuntimeWarning, match="degenerate"):
        lm = NgramLM.fit([[3, 4]], 2, 5, BOS, EOS, UNK, method="mkn")
    assert lm.next_word_probs([3]).sum() == pytest.approx(1.0)


# ---- NLTK ------------------------------------------------------------------------------------
@pytest.mark.parametrize("order", [2, 3])
def test_interpolated_kn_matches_nltk(order):
    nltk_lm = pytest.importorskip("nltk.lm")
    from nltk.lm.preprocessing import padded_everygram_pipeline

    train, valid, vocab = ptb_slice(150, 20)
    text, words = padded_everygram_pipeline(order, train)
    ref = nltk_lm.KneserNeyInterpolated(order, discount=0.1)
    ref.fit(text, words)
    ids = [vocab.encode(s) for s in train]
    lm = NgramLM.fit(ids, order, **ngram.special_ids(vocab), **ngram.NLTK_KN)
    checked = 0
    for s in train[:6] + valid[:10]:
        pad = ["<s>"] * (order - 1) + s + ["</s>"] * (order - 1)
        for i in range(order - 1, len(pad)):
            ctx, w = pad[i - order + 1:i], pad[i]
            if w not in vocab or any(c not in vocab for c in ctx):
                continue  # NLTK maps unknown words to its own <UNK>, PTB has a real "<unk>" word
            assert lm.prob(vocab[w], [vocab[c] for c in ctx]) == pytest.approx(ref.score(w, ctx), rel=1e-9)
            checked += 1
    assert checked > 100


# ---- ARPA and KenLM ---------------------------------------------------------------------------
@pytest.mark.parametrize("order,method", [(3, "mkn"), (5, "mkn"), (2, "kn")])
def test_arpa_loaded_by_kenlm_scores_like_us(tmp_path, order, method):
    kenlm = pytest.importorskip("kenlm")
    train, valid, vocab = ptb_slice(1500, 200)
    lm = NgramLM.fit([vocab.encode(s) for s in train], order, **ngram.special_ids(vocab), method=method)
    path = write_arpa(lm, tmp_path / "lm.arpa", vocab.itos)
    km = kenlm.Model(str(path))
    theirs = sum(km.score(" ".join(s), bos=True, eos=True) for s in valid)
    ours = lm.logprob([vocab.encode(s) for s in valid]) / math.log(10)
    assert ours == pytest.approx(theirs, rel=5e-5)  # 4 significant digits (in fact ~1e-7)


@quiet_fallback
@pytest.mark.parametrize("method", ["mle", "kn", "mkn"])
def test_arpa_round_trip(tmp_path, method):
    V = 8
    sents = [[3, 4, 5, 6], [3, 4, 7], [5, 6, 3, 4], [7, 7, 3]]
    itos = ["<s>", "</s>", "<unk>", "a", "b", "c", "d", "e"]
    lm = NgramLM.fit(sents, 3, V, BOS, EOS, UNK, method=method)
    back, itos2 = read_arpa(write_arpa(lm, tmp_path / "m.arpa", itos))
    assert itos2 == itos and back.order == 3 and back.unk == UNK
    test = [[3, 4, 5], [7, 3, 4, 7], [6]]
    np.testing.assert_allclose(back.token_logprobs(test), lm.token_logprobs(test), rtol=1e-6)
    for ctx in ([BOS], [3, 4], [6, 6]):
        np.testing.assert_allclose(back.next_word_probs(ctx), lm.next_word_probs(ctx), rtol=1e-6, atol=1e-12)
    # ids given by a vocabulary in another order
    perm = itos[::-1]
    back2, _ = read_arpa(tmp_path / "m.arpa", itos=perm)
    remap = [perm.index(w) for w in itos]
    assert back2.prob(remap[4], [remap[3]]) == pytest.approx(lm.prob(4, [3]), rel=1e-6)


def _arpa_text(lm, itos, tmp_path):
    return write_arpa(lm, tmp_path / "ok.arpa", itos).read_text()


@pytest.mark.parametrize("edit,match", [
    (lambda t: t.replace("\\data\\", "\\date\\"), "data"),
    (lambda t: t.replace("\\end\\", ""), "end"),
    (lambda t: t.replace("ngram 2=", "ngram 2=1"), "declares|more than|expected"),
    (lambda t: t.replace("ngram 1=", "ngramm 1="), "ngram N=COUNT"),
    (lambda t: t.replace("\t<s> a", "\tx <s> a", 1), "2-gram line"),
    (lambda t: t.replace("\\2-grams:\n-", "\\2-grams:\nabc\t-", 1), "number|2-gram line"),
    (lambda t: t.replace("\t<s> a\t", "\t<s> zzz\t", 1), "not in the vocabulary"),
    (lambda t: t.replace("\ta b c\n", "\tzz b c\n", 1), "zz|prefix"),
])
def test_malformed_arpa_is_a_clear_error(tmp_path, edit, match):
    itos = ["<s>", "</s>", "<unk>", "a", "b", "c"]
    lm = NgramLM.fit([[3, 4, 5], [3, 4]], 3, 6, BOS, EOS, UNK, method="kn")
    bad = tmp_path / "bad.arpa"
    bad.write_text(edit(_arpa_text(lm, itos, tmp_path)))
    with pytest.raises(ValueError, match=match):
        read_arpa(bad)


def test_arpa_missing_prefix_is_named(tmp_path):
    p = tmp_path / "p.arpa"
    p.write_text("\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-99\t<s>\t0\n-0.3\t</s>\n-0.3\ta\t0\n\n"
                 "\\2-grams:\n-0.1\ta a\n\n\\end\\\n")
    read_arpa(p)  # well formed
    p.write_text("\\data\\\nngram 1=2\nngram 2=1\n\n\\1-grams:\n-99\t<s>\t0\n-0.3\t</s>\n\n"
                 "\\2-grams:\n-0.1\t<s> a\n\n\\end\\\n")
    with pytest.raises(ValueError, match="'a'.*not in the vocabulary"):
        read_arpa(p)


def test_arpa_export_refuses_addk_and_bad_vocab(tmp_path):
    lm = NgramLM.fit([[3, 4]], 2, 5, BOS, EOS, UNK, method="addk")
    with pytest.raises(ValueError, match="addk"):
        write_arpa(lm, tmp_path / "x.arpa", ["<s>", "</s>", "<unk>", "a", "b"])
    lm = NgramLM.fit([[3, 4]], 2, 5, BOS, EOS, UNK, method="kn", discount=0.5)
    with pytest.raises(ValueError, match="itos has 2 words"):
        write_arpa(lm, tmp_path / "x.arpa", ["<s>", "</s>"])
    assert not (tmp_path / "x.arpa").exists()


# ---- generation, cloze, sparsity --------------------------------------------------------------
@quiet_fallback
def test_generation_is_seeded_and_stays_in_the_vocabulary():
    rng = np.random.default_rng(1)
    sents = [list(rng.integers(3, 20, size=rng.integers(2, 9))) for _ in range(200)]
    lm = NgramLM.fit(sents, 3, 20, BOS, EOS, UNK, method="mkn")
    a, b = lm.generate(5, seed=7), lm.generate(5, seed=7)
    assert a == b and a != lm.generate(5, seed=8)
    flat = [w for s in a for w in s]
    assert all(0 <= w < 20 and w not in (BOS, EOS) for w in flat)
    assert all(len(s) <= 40 for s in lm.generate(20, max_len=40, seed=0))
    assert lm.generate(1, seed=3, prefix=[5, 6])[0][:2] == [5, 6]


@quiet_fallback
def test_cloze_ranking_orders_candidates_by_sentence_probability():
    sents = [[3, 4, 5]] * 20 + [[3, 6, 5]] * 5 + [[7, 4, 8]] * 3
    lm = NgramLM.fit(sents, 3, 10, BOS, EOS, UNK, method="mkn")
    ranked = lm.rank_fillers([3], [6, 8, 4], right=[5])
    assert [c for c, _ in ranked] == [4, 6, 8]
    want = lm.sentence_logprobs([[3, c, 5] for c in (4, 6, 8)])
    np.testing.assert_allclose([s for _, s in ranked], want)


def test_unseen_fraction():
    sents = [[3, 4, 5], [3, 4, 6]]
    c = NgramCounts.from_sentences(sents, 3, 8, BOS, EOS, UNK)
    assert ngram.unseen_fraction(c, sents) == {1: 0.0, 2: 0.0, 3: 0.0}
    # test: <s> 3 4 7 </s>: unigrams 3 4 7 </s> -> 7 unseen (1/4); bigrams <s>3 34 47 7</s> -> 2/4;
    # trigrams <s>34 347 47</s> (and 3-grams need 2 history tokens) -> 2/3
    assert ngram.unseen_fraction(c, [[3, 4, 7]]) == pytest.approx({1: 0.25, 2: 0.5, 3: 2 / 3})


# ---- bad input -------------------------------------------------------------------------------
def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="order must be >= 1"):
        NgramLM.fit([[3]], 0, 5, BOS, EOS, UNK)
    with pytest.raises(ValueError, match="empty corpus"):
        NgramLM.fit([], 2, 5, BOS, EOS, UNK)
    with pytest.raises(ValueError, match="outside the vocabulary.*unk=None"):
        NgramLM.fit([[3, 9]], 2, 5, BOS, EOS, None)
    with pytest.raises(ValueError, match="method must be one of"):
        NgramLM.fit([[3]], 2, 5, BOS, EOS, UNK, method="witten-bell")
    with pytest.raises(TypeError, match="string"):
        NgramLM.fit(["a b"], 2, 5, BOS, EOS, UNK)
    with pytest.raises(TypeError, match=r"sentences\[1\] must hold int ids"):
        NgramLM.fit([[3], [1.5, 3]], 2, 5, BOS, EOS, UNK)
    with pytest.raises(ValueError, match="boundary id"):
        NgramLM.fit([[3, EOS, 4]], 2, 5, BOS, EOS, UNK)
    lm = NgramLM.fit([[3, 4]], 2, 5, BOS, EOS, UNK, method="addk")
    assert lm.prob(4, [99]) == lm.prob(4, [UNK])  # unknown ids map to <unk>
    with pytest.raises(ValueError, match="context has 2 ids but a 2-gram model uses at most 1"):
        lm.next_word_probs([3, 4])
    no_unk = NgramLM.fit([[3, 4]], 2, 5, BOS, EOS, None, method="addk")
    with pytest.raises(ValueError, match="no unknown-token id"):
        no_unk.perplexity([[3, 77]])
    with pytest.raises(ValueError, match="k .* > 0"):
        NgramLM.fit([[3]], 2, 5, BOS, EOS, UNK, method="addk", k=0)
    with pytest.raises(ValueError, match="needs counts of at least that order"):
        NgramLM.from_counts(NgramCounts.from_sentences([[3]], 2, 5, BOS, EOS, UNK), order=3)
    with pytest.raises(ValueError, match="scale must be one of"):
        ngram.preset("huge")
    with pytest.raises(FileNotFoundError):
        read_arpa("/nonexistent/lm.arpa")


# ---- PTB: the reproduction --------------------------------------------------------------------
@pytest.mark.slow
def test_kn5_on_ptb_is_within_one_percent_of_mikolov_2011():
    if not HAVE_PTB:
        pytest.skip("set PTMCOURSE_DATA_MIRROR to the data mirror")
    from ptmcourse.data import Vocab

    train = _ptb("train")
    vocab = Vocab.build(train, specials=("<s>", "</s>"), unk_token="<unk>")
    lm = NgramLM.fit([vocab.encode(s) for s in train], 5, **ngram.special_ids(vocab), method="mkn")
    test = [vocab.encode(s) for s in _ptb("test")]
    assert lm.perplexity(test) == pytest.approx(141.2, rel=0.01)
