"""ptmcourse.wordvec_eval: Spearman with ties, similarity and analogy evaluation (coverage counted),
checked by hand and, where installed, against scipy and gensim."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptmcourse.word2vec import KeyedVectors
from ptmcourse.wordvec_eval import analogy_scores, evaluate_analogy, evaluate_similarity, rankdata, spearman


# --- ranks and Spearman ------------------------------------------------------------------------

def test_rankdata_averages_ties():
    np.testing.assert_array_equal(rankdata([10, 20, 20, 5, 20]), [2, 4, 4, 1, 4])
    np.testing.assert_array_equal(rankdata([3.0, 3.0]), [1.5, 1.5])
    np.testing.assert_array_equal(rankdata([]), [])
    with pytest.raises(ValueError, match="NaN"):
        rankdata([1.0, np.nan])


def test_spearman_by_hand():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3, 4], [1, 100, 1000, 10**6]) == pytest.approx(1.0)  # ranks, not values
    # with ties: x ranks (1, 2.5, 2.5, 4), y ranks (1, 2, 3, 4): Pearson of those = 0.9486832980505138
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486832980505138)
    with pytest.raises(ValueError, match="same length"):
        spearman([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="constant"):
        spearman([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="at least 2"):
        spearman([1], [1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.floats(-10, 10, allow_nan=False)), min_size=3, max_size=40))
def test_spearman_matches_scipy_with_ties(pairs):
    stats = pytest.importorskip("scipy.stats")
    x = [float(a) for a, _ in pairs]
    y = [b for _, b in pairs]
    if len(set(x)) < 2 or len(set(y)) < 2:
        return
    np.testing.assert_allclose(rankdata(x), stats.rankdata(x))
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).correlation, abs=1e-12)


# --- similarity ----------------------------------------------------------------------------------

def _kv():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    return KeyedVectors(words, rng.normal(size=(40, 5)))


def test_similarity_counts_out_of_vocabulary_pairs():
    kv = _kv()
    pairs = [("W1", "w2", 1.0), ("w3", "w4", 2.0), ("w5", "zzz", 3.0), ("w6", "w7", 0.5), ("w8", "w9", 9.0)]
    r = evaluate_similarity(kv, pairs)
    assert (r["pairs"], r["used"], r["oov"]) == (5, 4, 1)
    assert r["coverage"] == pytest.approx(0.8)
    cos = [kv.similarity(a.lower(), b) for a, b, _ in [pairs[i] for i in (0, 1, 3, 4)]]
    assert r["spearman"] == pytest.approx(spearman([1.0, 2.0, 0.5, 9.0], cos))
    assert evaluate_similarity(kv, pairs, lowercase=False)["used"] == 3  # "W1" is not a word then
    with pytest.raises(ValueError, match="only 0 of 1 pairs"):
        evaluate_similarity(kv, [("x", "y", 1.0)])


def test_similarity_on_the_real_sets_reports_coverage():
    kv = KeyedVectors(["tiger", "cat", "king", "queen", "money", "cash"], np.eye(6))
    r = evaluate_similarity(kv, "wordsim353")
    assert r["pairs"] == 353 and 2 <= r["used"] < 353


def test_similarity_matches_gensim(tmp_path):
    gensim_models = pytest.importorskip("gensim.models")
    kv = _kv()
    rng = np.random.default_rng(1)
    rows = [(f"w{a}", f"w{b}", float(rng.integers(0, 10))) for a, b in rng.integers(0, 45, size=(60, 2)) if a != b]
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{a}\t{b}\t{s}\n" for a, b, s in rows))
    g = gensim_models.KeyedVectors(5)
    g.add_vectors(kv.words, kv.vectors)
    (_, _), (g_rho, _), g_oov = g.evaluate_word_pairs(str(path))
    r = evaluate_similarity(kv, rows)
    assert r["spearman"] == pytest.approx(g_rho, abs=1e-6)
    assert 100 * r["oov"] / r["pairs"] == pytest.approx(g_oov)


# --- analogies -----------------------------------------------------------------------------------

def _analogy_kv():
    # gender along axis 0, royalty along axis 1, noise words elsewhere
    base = {"man": [1, 0, 0, 0.1], "woman": [-1, 0, 0, 0.1], "king": [1, 1, 0, 0.1], "queen": [-1, 1, 0, 0.1],
            "boy": [1, -1, 0.2, 0.1], "girl": [-1, -1, 0.2, 0.1], "apple": [0, 0, 1, 0], "pear": [0, 0.1, 1, 0.2]}
    return KeyedVectors(list(base), np.array(list(base.values()), dtype=np.float32))


def test_analogy_answers_skips_and_counts():
    kv = _analogy_kv()
    qs = {"family": [("man", "king", "woman", "queen"), ("man", "woman", "boy", "girl"),
                     ("man", "king", "woman", "princess")],          # 'princess' is unknown: skipped
          "gram-fruit": [("apple", "pear", "man", "woman")]}         # answerable but wrong
    r = evaluate_analogy(kv, qs)
    assert (r["total"], r["answered"], r["skipped"], r["correct"]) == (4, 3, 1, 2)
    assert r["accuracy"] == pytest.approx(2 / 3) and r["coverage"] == pytest.approx(3 / 4)
    assert r["semantic"] == pytest.approx(1.0) and r["syntactic"] == pytest.approx(0.0)
    assert r["sections"]["family"] == {"accuracy": 1.0, "answered": 2, "total": 3}
    assert evaluate_analogy(kv, qs, method="3cosmul")["correct"] == 2
    # restricting to the 4 most frequent words leaves only the first question answerable
    r4 = evaluate_analogy(kv, qs, restrict=4)
    assert (r4["answered"], r4["skipped"], r4["correct"]) == (1, 3, 1)
    # nothing answerable: accuracy is NaN, not 0, and coverage says why
    r0 = evaluate_analogy(kv, {"x": [("a", "b", "c", "d")]})
    assert np.isnan(r0["accuracy"]) and r0["coverage"] == 0.0 and r0["skipped"] == 1
    with pytest.raises(ValueError, match="method"):
        evaluate_analogy(kv, qs, method="3cosfoo")


def test_analogy_never_answers_a_question_word():
    # b - a + c is exactly c here; c must still not be the answer
    kv = KeyedVectors(["a", "b", "c", "d"], np.array([[1, 0], [1, 0.01], [0, 1], [0.1, 1]], dtype=np.float32))
    r = evaluate_analogy(kv, {"s": [("a", "b", "c", "d")]}, restrict=None)
    assert r["correct"] == 1


def test_3cosadd_equals_sum_of_cosines_ranking():
    rng = np.random.default_rng(0)
    U = rng.normal(size=(50, 6))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    a, b, c = U[[1]], U[[2]], U[[3]]
    s = analogy_scores(U, a, b, c, "3cosadd")[0]
    t = (U @ b[0]) - (U @ a[0]) + (U @ c[0])
    assert np.argsort(s)[-5:].tolist() == np.argsort(t)[-5:].tolist()


def test_analogy_matches_gensim(tmp_path):
    gensim_models = pytest.importorskip("gensim.models")
    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(60)]
    vecs = rng.normal(size=(60, 8)).astype(np.float32)
    quads = [tuple(f"w{i}" for i in rng.choice(70, size=4, replace=False)) for _ in range(150)]
    path = tmp_path / "q.txt"
    path.write_text(": sec-one\n" + "".join(" ".join(q) + "\n" for q in quads))
    g = gensim_models.KeyedVectors(8)
    g.add_vectors(words, vecs)
    g_acc, sections = g.evaluate_word_analogies(str(path), restrict_vocab=50)
    r = evaluate_analogy(KeyedVectors(words, vecs), {"sec-one": quads}, restrict=50)
    assert r["correct"] == len(sections[-1]["correct"])
    assert r["answered"] == len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
    assert r["accuracy"] == pytest.approx(g_acc)
