"""ptmcourse.word2vec: Huffman tree, sampling tables, loss gradients (finite differences), the two
engines against the gradients, training on a corpus with known structure, files, bad input."""
from __future__ import annotations

import numpy as np

from ptmcourse.rnn import numerical_gradient
import pytest
import torch

from ptmcourse.word2vec import (HAVE_NUMBA, KeyedVectors, Word2Vec, Word2VecConfig, build_huffman,
                                hs_loss_and_grads, keep_probabilities, leaf_log_probs, noise_table,
                                sgns_loss_and_grads)

needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba is not installed")


# --- Huffman tree ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_huffman_codes_are_prefix_free_and_probabilities_sum_to_one(seed):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.integers(1, 1000, size=57))[::-1]
    tree = build_huffman(counts)
    codes = [tree.code(w) for w in range(len(counts))]
    assert len(set(codes)) == len(codes)
    for a in codes:
        for b in codes:
            assert a == b or not b.startswith(a), (a, b)
    # Kraft equality: a full binary tree's leaves satisfy sum 2^-len = 1
    assert sum(2.0 ** -len(c) for c in codes) == pytest.approx(1.0)
    # the root (inner node V-2) starts every path; all inner-node ids are in range
    V = len(counts)
    assert (tree.points[:, 0] == V - 2).all()
    assert tree.points.max() < V - 1 and tree.points.min() >= 0
    # frequent words never get longer codes than rarer ones
    assert (np.diff(tree.lengths[np.argsort(-counts, kind="stable")]) >= 0).all()
    syn1 = rng.normal(size=(V - 1, 8))
    for _ in range(3):
        lp = leaf_log_probs(tree, rng.normal(size=8), syn1)
        assert np.exp(lp).sum() == pytest.approx(1.0, abs=1e-12)


def test_huffman_matches_optimal_code_length_on_a_textbook_example():
    counts = np.array([45, 13, 12, 16, 9, 5])  # CLRS's example: optimal cost 224 bits per 100 symbols
    tree = build_huffman(counts)
    assert int((counts * tree.lengths).sum()) == 224


def test_huffman_rejects_bad_counts():
    with pytest.raises(ValueError, match="at least 2"):
        build_huffman(np.array([3]))
    with pytest.raises(ValueError, match="positive"):
        build_huffman(np.array([3, 0]))


# --- sampling tables ---------------------------------------------------------------------------

def test_keep_probabilities_follow_word2vec_c():
    counts = np.array([100_000, 10_000, 1_000, 10], dtype=np.int64)
    sample = 1e-3
    t = sample * counts.sum()
    p = keep_probabilities(counts, sample)
    expected = np.minimum(1.0, (np.sqrt(counts / t) + 1) * t / counts)
    np.testing.assert_allclose(p, expected, rtol=1e-6)
    assert p[0] < p[1] < 1.0 and p[-1] == 1.0
    assert (keep_probabilities(counts, 0.0) == 1).all()
    with pytest.raises(ValueError, match="sample"):
        keep_probabilities(counts, -1.0)


def test_noise_table_draws_count_to_the_three_quarters():
    counts = np.array([1000, 100, 10, 1])
    table = noise_table(counts, 0.75, size=100_000)
    freq = np.bincount(table, minlength=4) / table.size
    expected = counts ** 0.75 / (counts ** 0.75).sum()
    np.testing.assert_allclose(freq, expected, atol=2e-5)


# --- gradients: finite differences ---------------------------------------------------------------

def _numgrad(f, x, eps=1e-6):
    return numerical_gradient(f, x, eps)  # the package's central differences (ptmcourse.rnn)


def _rel_err(a, b):
    return float(np.abs(a - b).max() / max(np.abs(a).max(), np.abs(b).max(), 1e-12))


def test_negative_sampling_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    v, up, un = rng.normal(size=10), rng.normal(size=10), rng.normal(size=(5, 10))
    loss, dv, dup, dun = sgns_loss_and_grads(v, up, un)
    f = lambda: sgns_loss_and_grads(v, up, un)[0]  # noqa: E731
    errs = [_rel_err(dv, _numgrad(f, v)), _rel_err(dup, _numgrad(f, up)), _rel_err(dun, _numgrad(f, un))]
    assert max(errs) < 1e-7, errs
    # and the loss is what its definition says
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    assert loss == pytest.approx(-np.log(sig(up @ v)) - np.log(sig(-(un @ v))).sum())


def test_hierarchical_softmax_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    h, nodes, codes = rng.normal(size=8), rng.normal(size=(6, 8)), np.array([0, 1, 1, 0, 1, 0])
    loss, dh, dn = hs_loss_and_grads(h, nodes, codes)
    f = lambda: hs_loss_and_grads(h, nodes, codes)[0]  # noqa: E731
    errs = [_rel_err(dh, _numgrad(f, h)), _rel_err(dn, _numgrad(f, nodes))]
    assert max(errs) < 1e-7, errs


def test_hs_loss_is_minus_log_of_the_leaf_probability():
    rng = np.random.default_rng(2)
    counts = rng.integers(1, 50, size=12)
    tree = build_huffman(counts)
    syn1, h = rng.normal(size=(11, 4)), rng.normal(size=4)
    lp = leaf_log_probs(tree, h, syn1)
    for w in range(12):
        n = tree.lengths[w]
        loss = hs_loss_and_grads(h, syn1[tree.points[w, :n]], tree.codes[w, :n])[0]
        assert loss == pytest.approx(-lp[w])


# --- the engines apply exactly -alpha * gradient ------------------------------------------------

@needs_numba
def test_numba_ns_update_is_an_sgd_step_on_the_loss():
    from ptmcourse.word2vec.kernel_numba import ns_update

    rng = np.random.default_rng(3)
    D, alpha = 16, 0.05
    syn1neg = rng.normal(size=(10, D)).astype(np.float32)
    l1 = rng.normal(size=D).astype(np.float32)
    target, negs = 2, np.array([5, 7, 2, 9], dtype=np.int32)  # the 2 among the noise is skipped
    loss, dv, dup, dun = sgns_loss_and_grads(l1, syn1neg[target], syn1neg[[5, 7, 9]])
    before = syn1neg.copy()
    neu1e = np.zeros(D, dtype=np.float32)
    got = ns_update(l1, syn1neg, target, negs, np.float32(alpha), neu1e, True)
    assert got == pytest.approx(loss, rel=1e-5)
    np.testing.assert_allclose(neu1e, -alpha * dv, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(syn1neg[target] - before[target], -alpha * dup, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(syn1neg[[5, 7, 9]] - before[[5, 7, 9]], -alpha * dun, rtol=1e-4, atol=1e-6)
    untouched = [0, 1, 3, 4, 6, 8]
    np.testing.assert_array_equal(syn1neg[untouched], before[untouched])


@needs_numba
def test_numba_hs_update_is_an_sgd_step_on_the_loss():
    from ptmcourse.word2vec.kernel_numba import hs_update

    rng = np.random.default_rng(4)
    tree = build_huffman(rng.integers(1, 100, size=20))
    syn1 = rng.normal(size=(19, 8)).astype(np.float32)
    l1 = rng.normal(size=8).astype(np.float32)
    w = int(np.argmax(tree.lengths))
    n = tree.lengths[w]
    pts, cds = tree.points[w], tree.codes[w]
    loss, dh, dn = hs_loss_and_grads(l1, syn1[pts[:n]], cds[:n])
    before = syn1.copy()
    neu1e = np.zeros(8, dtype=np.float32)
    got = hs_update(l1, syn1, pts, cds, n, np.float32(0.1), neu1e, True)
    assert got == pytest.approx(loss, rel=1e-5)
    np.testing.assert_allclose(neu1e, -0.1 * dh, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(syn1[pts[:n]] - before[pts[:n]], -0.1 * dn, rtol=1e-4, atol=1e-6)


def _torch_state(syn1neg, syn1, tree, table):
    from ptmcourse.word2vec.kernel_torch import TorchState

    L = tree.codes.shape[1]
    mask = (np.arange(L)[None, :] < tree.lengths[:, None]).astype(np.float32)
    t = torch.from_numpy
    return TorchState(t(np.zeros((len(tree.lengths), syn1neg.shape[1]), np.float32)), t(syn1neg), t(syn1),
                      t(tree.points.astype(np.int64)), t(tree.codes.astype(np.float32)), t(mask),
                      t(np.ones(len(tree.lengths), np.float32)), t(table))


def test_torch_engine_output_step_is_an_sgd_step_on_both_losses():
    from ptmcourse.word2vec.kernel_torch import _output_step

    rng = np.random.default_rng(5)
    V, D, K, alpha = 12, 6, 3, 0.05
    tree = build_huffman(rng.integers(1, 100, size=V))
    syn1neg = rng.normal(size=(V, D)).astype(np.float32)
    syn1 = rng.normal(size=(V - 1, D)).astype(np.float32)
    noise = 7  # a one-slot table: every noise word is word 7
    st = _torch_state(syn1neg.copy(), syn1.copy(), tree, np.array([noise], dtype=np.int64))
    l1 = rng.normal(size=D).astype(np.float32)
    tgt = 3
    gen = torch.Generator().manual_seed(0)
    neu1e, loss = _output_step(st, torch.from_numpy(l1)[None], torch.tensor([tgt]), alpha, K, True, gen)
    ns = sgns_loss_and_grads(l1, syn1neg[tgt], np.repeat(syn1neg[[noise]], K, axis=0))
    n = tree.lengths[tgt]
    hs = hs_loss_and_grads(l1, syn1[tree.points[tgt, :n]], tree.codes[tgt, :n])
    assert float(loss) == pytest.approx(ns[0] + hs[0], rel=1e-5)
    np.testing.assert_allclose(neu1e[0].numpy(), -alpha * (ns[1] + hs[1]), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(st.syn1neg[tgt].numpy() - syn1neg[tgt], -alpha * ns[2], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(st.syn1neg[noise].numpy() - syn1neg[noise], -alpha * ns[3].sum(0), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(st.syn1.numpy()[tree.points[tgt, :n]] - syn1[tree.points[tgt, :n]], -alpha * hs[2],
                               rtol=1e-4, atol=1e-6)


# --- training on a corpus with known structure ------------------------------------------------------

def _topic_corpus(n_sent=1500, seed=0):
    """Two topics of 15 words; each sentence draws its 12 words from one topic, plus a few shared
    function words. Words of the same topic should end up nearest to each other."""
    rng = np.random.default_rng(seed)
    topics = [[f"a{i}" for i in range(15)], [f"b{i}" for i in range(15)]]
    func = ["the", "of", "and"]
    out = []
    for _ in range(n_sent):
        t = topics[rng.integers(2)]
        words = [t[i] for i in rng.integers(0, 15, size=12)] + [func[i] for i in rng.integers(0, 3, size=4)]
        rng.shuffle(words)
        out.append(words)
    return out


def _topic_purity(wv):
    hits = 0
    for i in range(15):
        for group in ("a", "b"):
            nn = wv.most_similar(f"{group}{i}", topn=5, exclude=["the", "of", "and"])
            hits += sum(w[0] == group for w, _ in nn)
    return hits / (15 * 2 * 5)


ENGINES = [pytest.param("numba", marks=needs_numba), pytest.param("torch", marks=pytest.mark.slow)]


@pytest.mark.parametrize("backend", ENGINES)
@pytest.mark.parametrize("arch,hs,neg", [("skipgram", False, 5), ("cbow", False, 5), ("skipgram", True, 0),
                                         ("cbow", True, 0)])
def test_training_separates_topics(backend, arch, hs, neg):
    cfg = Word2VecConfig(arch=arch, hs=hs, negative=neg, dim=20, window=3, min_count=1, epochs=3, workers=1,
                         sample=0.0, backend=backend, device="cpu", batch_size=256)
    model = Word2Vec(cfg).fit(_topic_corpus(1000 if backend == "torch" else 1500))
    assert model.backend == backend
    losses = [h["loss"] for h in model.history]
    assert losses[-1] < losses[0]
    assert _topic_purity(model.wv) > 0.9


@needs_numba
def test_single_thread_is_deterministic_and_two_threads_train():
    sents = _topic_corpus(600)
    cfg = Word2VecConfig(dim=16, window=3, min_count=1, epochs=2, workers=1, sample=1e-2)
    a = Word2Vec(cfg).fit(sents).syn0
    b = Word2Vec(cfg).fit(sents).syn0
    np.testing.assert_array_equal(a, b)
    c = Word2Vec(cfg, workers=2, seed=1).fit(sents)
    assert np.isfinite(c.syn0).all() and not np.allclose(c.syn0, a)
    assert _topic_purity(c.wv) > 0.9


@needs_numba
def test_learning_rate_decays_linearly_to_min_alpha():
    cfg = Word2VecConfig(dim=8, min_count=1, epochs=2, workers=1, alpha=0.03, min_alpha=1e-4)
    m = Word2Vec(cfg).fit(_topic_corpus(300))
    alphas = [h["alpha"] for h in m.history]
    assert alphas == sorted(alphas, reverse=True)
    assert alphas[-1] == pytest.approx(1e-4)
    mid = [h for h in m.history if h["epoch"] == pytest.approx(1.0)][0]
    assert mid["alpha"] == pytest.approx(0.03 - (0.03 - 1e-4) / 2)


@needs_numba
def test_subsampling_drops_frequent_words():
    sents = _topic_corpus(300)
    full = Word2Vec(Word2VecConfig(dim=8, min_count=1, epochs=1, workers=1, sample=0)).fit(sents)
    sub = Word2Vec(Word2VecConfig(dim=8, min_count=1, epochs=1, workers=1, sample=1e-3)).fit(sents)
    n_full = sum(h["predictions"] for h in full.history)
    n_sub = sum(h["predictions"] for h in sub.history)
    assert n_sub < 0.8 * n_full  # every word here is "frequent" for a 4800-token corpus


# --- bad input ---------------------------------------------------------------------------------------

def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="empty"):
        Word2Vec(Word2VecConfig(min_count=1)).fit([])
    with pytest.raises(ValueError, match="empty"):
        Word2Vec(Word2VecConfig(min_count=1)).fit([[], []])
    with pytest.raises(TypeError, match="not a string"):
        Word2Vec(Word2VecConfig(min_count=1)).fit("the cat sat")
    with pytest.raises(ValueError, match="min_count=50 leaves 0 word"):
        Word2Vec(Word2VecConfig(min_count=50)).fit([["a", "b", "a"]] * 3)
    with pytest.raises(ValueError, match="negative=0 and hs=False"):
        Word2VecConfig(negative=0)
    with pytest.raises(ValueError, match="arch"):
        Word2VecConfig(arch="glove")
    with pytest.raises(RuntimeError, match="build_vocab"):
        Word2Vec().train([["a"]])


# --- vectors and files ------------------------------------------------------------------------------

def _toy_kv():
    words = ["king", "queen", "man", "woman", "apple"]
    vecs = np.array([[1, 1, 0], [1, -1, 0], [0, 1, 0.1], [0, -1, 0.1], [0, 0, 1]], dtype=np.float32)
    return KeyedVectors(words, vecs, counts=[5, 4, 3, 2, 1])


def test_neighbours_and_analogy_on_hand_made_vectors():
    kv = _toy_kv()
    assert kv.most_similar("man", topn=1)[0][0] == "king"
    assert kv.analogy("man", "king", "woman")[0][0] == "queen"
    assert kv.analogy("man", "king", "woman", method="3cosmul")[0][0] == "queen"
    assert "man" not in [w for w, _ in kv.most_similar("man", topn=4)]
    assert kv.similarity("king", "king") == pytest.approx(1.0)
    with pytest.raises(KeyError, match="pear"):
        kv.most_similar("pear")


def test_save_and_load_both_formats(tmp_path):
    kv = _toy_kv()
    back = KeyedVectors.load(kv.save(tmp_path / "v.safetensors"))
    assert back.words == kv.words
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    np.testing.assert_array_equal(back.counts, kv.counts)
    txt = KeyedVectors.load_word2vec_format(kv.save_word2vec_format(tmp_path / "v.txt"))
    assert txt.words == kv.words
    np.testing.assert_allclose(txt.vectors, kv.vectors, rtol=1e-5)


def test_gensim_reads_our_word2vec_text_file(tmp_path):
    gensim_models = pytest.importorskip("gensim.models")
    rng = np.random.default_rng(0)
    kv = KeyedVectors([f"w{i}" for i in range(30)], rng.normal(size=(30, 7)))
    g = gensim_models.KeyedVectors.load_word2vec_format(str(kv.save_word2vec_format(tmp_path / "v.txt")), binary=False)
    assert list(g.index_to_key) == kv.words
    np.testing.assert_allclose(g.vectors, kv.vectors, rtol=1e-5, atol=1e-6)
    assert g.most_similar("w3", topn=3)[0][0] == kv.most_similar("w3", topn=3)[0][0]


def test_word2vec_text_file_with_wrong_dimensions_is_rejected(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("2 3\na 1 2 3\nb 1 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3 has 2 numbers, the header says D=3"):
        KeyedVectors.load_word2vec_format(p)
    p.write_text("3 2\na 1 2\nb 1 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="V=3 words, the file has 2"):
        KeyedVectors.load_word2vec_format(p)
    p.write_text("a 1 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="first line"):
        KeyedVectors.load_word2vec_format(p)
    with pytest.raises(ValueError, match="rows"):
        KeyedVectors(["a", "b"], np.zeros((3, 2)))
