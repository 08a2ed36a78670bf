# Exercise master for book/exercises/ngram-language-models.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: n-gram language models
#
# These exercises go with the chapter [n-gram language models](../ngram-language-models.ipynb).
# You will build a bigram language model (二元语言模型) from counts, smooth it with add-k
# smoothing (加k平滑), compute the Kneser–Ney continuation probability (延续概率) and measure
# perplexity (困惑度) on held-out text.
#
# **How to work.** Run the setup cell first. Then, for each question, replace
# `raise NotImplementedError(...)` with your code, run the cell, and run the `check("qN")` cell
# below it: it runs that question's *public* tests and tells you what is wrong. Your grade comes
# from *hidden* tests (different, random inputs, including edge cases), so passing the public tests
# is necessary but not sufficient. Do not rename the functions. Use only Python, `math` and NumPy
# (the `ptmcourse` package is not available while grading). Later questions may call your answers
# to earlier ones.
#
# **Submitting.** Restart the kernel and run all cells (Kernel → Restart & Run All), check that
# every cell runs, save, and hand in this `.ipynb` file.
#
# Throughout, a sentence is a list of tokens (strings), e.g. `["the", "cat", "sat"]`. Each sentence
# is padded with a start symbol `"<s>"` and an end symbol `"</s>"`, so `["the", "cat"]` has the
# bigrams (二元组) `("<s>", "the")`, `("the", "cat")` and `("cat", "</s>")`.

# %% [markdown] q1
# ## q1 — Bigram counts (2 points)
#
# Write `bigram_counts(sentences)` that returns a `dict` mapping each bigram `(previous, word)`
# (a tuple of two strings) to the number of times it occurs in the padded sentences. Only bigrams
# that occur are keys. An empty sentence `[]` contributes the bigram `("<s>", "</s>")`.

# %% q1
def bigram_counts(sentences):
    """Counts of (previous, word) pairs over sentences padded with <s> and </s>."""
    # BEGIN SOLUTION
    counts = {}
    for sentence in sentences:
        tokens = ["<s>", *sentence, "</s>"]
        for pair in zip(tokens[:-1], tokens[1:]):
            counts[pair] = counts.get(pair, 0) + 1
    return counts
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Add-k smoothing (2 points)
#
# The maximum-likelihood bigram probability $c(v, w) / c(v)$ is zero for every bigram not seen in
# training. Add-k smoothing adds a pseudo-count $k$ to every bigram:
#
# $$P_k(w \mid v) = \frac{c(v, w) + k}{c(v) + kV},\qquad c(v) = \sum_{w'} c(v, w'),$$
#
# where $V$ is the vocabulary size (the number of possible next words) and $c(v)$ the number of
# bigrams whose first word is $v$.
#
# Write `add_k_prob(bigrams, prev, word, k, vocab_size)`, where `bigrams` is a dict like the one
# `bigram_counts` returns. Raise `ValueError` if `k < 0`, if `vocab_size < 1`, or if the
# probability is undefined ($c(v) + kV = 0$: an unseen context with $k = 0$).

# %% q2
def add_k_prob(bigrams, prev, word, k, vocab_size):
    """Add-k smoothed bigram probability P(word | prev)."""
    # BEGIN SOLUTION
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    if vocab_size < 1:
        raise ValueError(f"vocab_size must be >= 1, got {vocab_size}")
    context = sum(c for (v, _), c in bigrams.items() if v == prev)
    denominator = context + k * vocab_size
    if denominator == 0:
        raise ValueError(f"P({word!r} | {prev!r}) is undefined: unseen context and k = 0")
    return (bigrams.get((prev, word), 0) + k) / denominator
    # END SOLUTION


# %% [markdown] q3
# ## q3 — Kneser–Ney continuation probability (2 points)
#
# Kneser–Ney smoothing backs off to how many *different* words a word follows, not how often it
# occurs: "Francisco" is frequent but only after "San". The continuation probability is
#
# $$P_{\text{cont}}(w) = \frac{|\{v : c(v, w) > 0\}|}{|\{(v, w') : c(v, w') > 0\}|},$$
#
# the number of distinct left contexts of $w$ over the number of distinct bigram types.
#
# Write `continuation_prob(word, bigrams)`. Entries of `bigrams` with a count of 0 (e.g. after
# pruning) do not count. Raise `ValueError` if no bigram has a positive count.

# %% q3
def continuation_prob(word, bigrams):
    """Kneser-Ney continuation probability of word: distinct left contexts / distinct bigram types."""
    # BEGIN SOLUTION
    types = [pair for pair, c in bigrams.items() if c > 0]
    if not types:
        raise ValueError("bigrams has no bigram with a positive count")
    contexts = {v for (v, w) in types if w == word}
    return len(contexts) / len(types)
    # END SOLUTION


# %% [markdown] q4
# ## q4 — Perplexity of held-out text (3 points)
#
# The perplexity of a bigram model on test sentences is
#
# $$\text{PPL} = \exp\Big(-\frac1M \sum_{i=1}^{M} \log P_k(w_i \mid w_{i-1})\Big),$$
#
# where the sum runs over every bigram of the padded test sentences (so a sentence of $n$ words
# contributes $n + 1$ terms, the last one predicting `"</s>"`; `"<s>"` is never predicted) and
# $M$ is the number of such terms.
#
# Write `perplexity(sentences, bigrams, k, vocab_size)` using your add-k model with training
# counts `bigrams`. Test sets can have thousands of words: sum logarithms, do not multiply
# probabilities. Raise `ValueError` if `sentences` is empty.

# %% q4
import math


def perplexity(sentences, bigrams, k, vocab_size):
    """Perplexity of the add-k bigram model on sentences padded with <s> and </s>."""
    # BEGIN SOLUTION
    if len(sentences) == 0:
        raise ValueError("sentences must not be empty")
    context = {}
    for (v, _), c in bigrams.items():
        context[v] = context.get(v, 0) + c
    total, m = 0.0, 0
    for sentence in sentences:
        tokens = ["<s>", *sentence, "</s>"]
        for prev, word in zip(tokens[:-1], tokens[1:]):
            p = (bigrams.get((prev, word), 0) + k) / (context.get(prev, 0) + k * vocab_size)
            total += math.log(p)
            m += 1
    return math.exp(-total / m)
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
import numpy as np  # noqa: E402

from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 2, "q2": 2, "q3": 2, "q4": 3}
HIDDEN_SEED = 4_242_026

_TOY = [["the", "cat", "sat"], ["the", "dog"], []]


def public_tests():
    toy = bigram_counts(_TOY)
    return {
        "q1": [
            call("bigram_counts", [["the", "cat"], ["the"]]),
            call("bigram_counts", [[]]),
        ],
        "q2": [
            call("add_k_prob", toy, "the", "cat", 1.0, 6),
            call("add_k_prob", toy, "the", "sat", 0.0, 6),
            call("add_k_prob", toy, "<s>", "the", 0.5, 6),
        ],
        "q3": [
            call("continuation_prob", "</s>", toy),
            call("continuation_prob", "the", toy),
        ],
        "q4": [
            call("perplexity", [["the", "cat"]], toy, 1.0, 6),
        ],
    }


def _corpus(rng, n_sentences, vocab, max_len=12):
    """Random sentences over `vocab` with Zipf-like word frequencies and some empty sentences."""
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    sentences = []
    for _ in range(n_sentences):
        n = int(rng.integers(0, max_len + 1))
        sentences.append([vocab[i] for i in rng.choice(len(vocab), size=n, p=weights)])
    return sentences


def hidden_tests(rng):
    vocab = [f"w{i}" for i in range(30)]
    small, large = _corpus(rng, 6, vocab[:8]), _corpus(rng, 400, vocab)
    q1 = [call("bigram_counts", small), call("bigram_counts", large), call("bigram_counts", []),
          call("bigram_counts", [["a"], ["a", "a", "a"], []])]
    train = bigram_counts(_corpus(rng, 300, vocab[:25]))
    v = 26  # 25 words + </s>
    q2 = []
    for k in (0.0, 0.01, 0.5, 1.0, 2.0):
        for prev, word in (("<s>", "w0"), ("w1", "w2"), ("w3", "</s>"), ("w0", "w24")):
            q2.append(call("add_k_prob", train, prev, word, k, v))
    q2 += [
        call("add_k_prob", train, "w29", "w1", 0.5, v),  # unseen context: uniform 1/V
        call("add_k_prob", train, "w29", "w1", 0.0, v, raises="ValueError"),
        call("add_k_prob", train, "w1", "w2", -1.0, v, raises="ValueError"),
        call("add_k_prob", train, "w1", "w2", 1.0, 0, raises="ValueError"),
    ]
    pruned = dict(train)
    for key in list(pruned)[::3]:
        pruned[key] = 0  # zero counts must not count as bigram types
    q3 = [call("continuation_prob", w, train) for w in ("w0", "w5", "w20", "</s>", "w29", "<s>")]
    q3 += [call("continuation_prob", w, pruned) for w in ("w0", "w7", "</s>")]
    q3.append(call("continuation_prob", "w0", {("a", "w0"): 0}, raises="ValueError"))
    test = _corpus(rng, 60, vocab)  # includes words never seen in training
    long_test = _corpus(rng, 600, vocab[:25], max_len=20)  # ~6000 terms: a product underflows
    q4 = [
        call("perplexity", test, train, 1.0, v + 5),
        call("perplexity", test, train, 0.1, v + 5),
        call("perplexity", long_test, train, 0.5, v),
        call("perplexity", [[]], train, 1.0, v),
        call("perplexity", [], train, 1.0, v, raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
