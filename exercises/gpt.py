# Exercise master for book/exercises/gpt.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: GPT
#
# These exercises go with the chapter [GPT: generative pre-training](../gpt.ipynb). You will
# implement, with plain Python and NumPy, the pieces of a GPT that live outside the Transformer
# blocks: the decoding rules that turn next-token logits into a distribution — temperature
# (温度), top-k and top-p (nucleus sampling, 核采样) — drawing tokens from it by inverse-CDF
# sampling (逆变换采样), one step of byte-pair encoding (BPE, 字节对编码) for subword tokenisation
# (子词切分), and the parameter count (参数量) of a GPT configuration.
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

# %% [markdown] q1
# ## q1 — Temperature, top-k and top-p (3 points)
#
# At each step of generation GPT gives logits $z \in \mathbb{R}^V$ for the next token. Sampling
# (采样) from $\mathrm{softmax}(z)$ directly often picks one of the many unlikely tokens; the chapter's
# decoding rules reshape the distribution first. Write
# `filter_probs(logits, temperature=1.0, top_k=None, top_p=None)` that applies them **in this
# order**, as `ptmcourse.models.gpt.sample_next` does (with its tie rules spelled out below), and
# returns the resulting probability vector:
#
# 1. **temperature** $\tau$: $z \leftarrow z / \tau$;
# 2. **top-k** (if `top_k` is not `None` and `top_k < V`): let $z_{(k)}$ be the $k$-th largest value
#    of $z$; every token with $z_i < z_{(k)}$ is removed. Ties with $z_{(k)}$ are *kept*, so more
#    than $k$ tokens may survive;
# 3. **top-p** (if `top_p` is not `None` and `top_p < 1`): compute $q = \mathrm{softmax}(z)$ over
#    the tokens still left (removed tokens have $q_i = 0$) and sort the tokens by decreasing $q_i$,
#    equal $q_i$ in increasing token index. Going down that list, a token is kept if the mass of
#    the tokens *before* it is still $< p$, and removed once that mass is $\ge p$. So the most
#    likely token is always kept, and the kept set is the shortest prefix whose mass reaches $p$;
# 4. return $\mathrm{softmax}$ over the kept tokens: a float64 array of shape `(V,)` that sums to 1,
#    with exactly `0.0` for every removed token.
#
# `logits` is a non-empty 1-D list or array of finite floats, possibly large (use a numerically
# stable softmax, 数值稳定的 softmax). Raise `ValueError` if `logits` is not 1-D or is empty, if
# `temperature <= 0`, if `top_k` is given and is not an integer $\ge 1$, or if `top_p` is given and
# is not in $(0, 1]$. `top_k >= V` and `top_p == 1` leave the distribution unchanged.

# %% q1
import numpy as np


def filter_probs(logits, temperature=1.0, top_k=None, top_p=None):
    """softmax of the logits after temperature, top-k and top-p filtering; shape (V,)."""
    # BEGIN SOLUTION
    z = np.array(logits, dtype=np.float64)  # (V,) a copy: we write into it
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"logits must be a non-empty 1-D array, got shape {z.shape}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1):
        raise ValueError(f"top_k must be an integer >= 1, got {top_k!r}")
    if top_p is not None and not 0.0 < top_p <= 1.0:
        raise ValueError(f"top_p must be in (0, 1], got {top_p!r}")

    def softmax(v):  # (V,) -> (V,); -inf entries get probability 0
        e = np.exp(v - v.max())
        return e / e.sum()

    z = z / temperature
    if top_k is not None and top_k < z.size:
        kth = np.sort(z)[-top_k]  # the k-th largest logit
        z[z < kth] = -np.inf  # ties with the k-th are kept
    if top_p is not None and top_p < 1.0:
        order = np.argsort(-z, kind="stable")  # (V,) decreasing probability, ties by index
        q = softmax(z[order])  # (V,) sorted probabilities
        before = np.cumsum(q) - q  # (V,) mass of the tokens before each one
        z[order[before >= top_p]] = -np.inf
    return softmax(z)
    # END SOLUTION


# %% [markdown] q2
# ## q2 — Sampling by inverse CDF, and a generation loop (3 points)
#
# To draw a token from probabilities $p_0,\dots,p_{V-1}$ with one uniform number $u \in [0, 1)$,
# walk the cumulative distribution function (CDF, 累积分布函数) $c_i = p_0 + \dots + p_i$ (as
# `np.cumsum` computes it) and return the **smallest $i$ with $u < c_i$**. A token with $p_i = 0$
# is then never drawn. If rounding leaves no such $i$ ($u \ge c_{V-1}$), return the largest $i$ with
# $p_i > 0$. The draws are passed in, so the answer is unique.
#
# 1. `sample_index(probs, u)`: `probs` is a 1-D array of $V \ge 1$ probabilities, `u` a 1-D array
#    of $n \ge 0$ draws; return an int64 array of shape `(n,)`, one token id per draw. Raise
#    `ValueError` if `probs` is not 1-D or is empty, has a negative entry, or does not sum to 1
#    within $10^{-6}$, if `u` is not 1-D, or if a draw is outside $[0, 1)$.
# 2. `generate_bigram(table, start, u, temperature=1.0, top_k=None, top_p=None)` runs the
#    autoregressive loop (自回归生成) of the chapter with a toy model: `table` is a `(V, V)` array
#    whose row $a$ holds the logits of the next token after token $a$ (a bigram model). Starting
#    from the token id `start`, for $t = 0, \dots, n-1$ take the logits of the last token, filter
#    them with your `filter_probs` (same `temperature`, `top_k`, `top_p`), draw the next token with
#    `sample_index` and the draw `u[t]`, and append it. Return an int64 array of shape `(n + 1,)`:
#    `start` followed by the $n$ generated ids. Raise `ValueError` if `table` is not a square 2-D
#    array or if `start` is not in $[0, V)$.

# %% q2
import numpy as np


def sample_index(probs, u):
    """Inverse-CDF sampling: for each draw u[j], the smallest i with u[j] < cumsum(probs)[i]."""
    # BEGIN SOLUTION
    p = np.asarray(probs, dtype=np.float64)  # (V,)
    draws = np.asarray(u, dtype=np.float64)  # (n,)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"probs must be a non-empty 1-D array, got shape {p.shape}")
    if (p < 0).any() or abs(p.sum() - 1.0) > 1e-6:
        raise ValueError("probs must be non-negative and sum to 1")
    if draws.ndim != 1:
        raise ValueError(f"u must be a 1-D array of draws, got shape {draws.shape}")
    if ((draws < 0) | (draws >= 1)).any():
        raise ValueError("every draw must be in [0, 1)")
    cdf = np.cumsum(p)  # (V,)
    idx = np.searchsorted(cdf, draws, side="right")  # (n,) smallest i with u < cdf[i]
    last = np.flatnonzero(p > 0)[-1]  # rounding: u >= cdf[-1]
    return np.minimum(idx, last).astype(np.int64)
    # END SOLUTION


def generate_bigram(table, start, u, temperature=1.0, top_k=None, top_p=None):
    """start followed by len(u) tokens sampled from a bigram logits table (V, V)."""
    # BEGIN SOLUTION
    tab = np.asarray(table, dtype=np.float64)  # (V, V)
    if tab.ndim != 2 or tab.shape[0] != tab.shape[1]:
        raise ValueError(f"table must be a square (V, V) array, got shape {tab.shape}")
    if not 0 <= start < tab.shape[0]:
        raise ValueError(f"start must be in [0, {tab.shape[0]}), got {start}")
    ids = [int(start)]
    for draw in np.asarray(u, dtype=np.float64):
        p = filter_probs(tab[ids[-1]], temperature, top_k, top_p)  # (V,)
        ids.append(int(sample_index(p, [draw])[0]))
    return np.array(ids, dtype=np.int64)
    # END SOLUTION


# %% [markdown] q3
# ## q3 — Byte-pair encoding: one merge at a time (3 points)
#
# BPE (Sennrich et al. 2016) learns a subword vocabulary by repeatedly merging the most frequent
# pair of adjacent symbols. As in the chapter, a corpus is a `dict` mapping a word, written as its
# symbols separated by single spaces, to its frequency (a positive int), e.g.
# `{"l o w </w>": 5, "n e w e s t </w>": 6}` (`</w>` marks the end of a word).
#
# 1. `pair_counts(words)` returns a `dict` mapping each adjacent symbol pair `(left, right)` (a
#    tuple of two strings) to its count, each occurrence weighted by the word's frequency. Only
#    pairs that occur are keys.
# 2. `bpe_merge(words)` finds the most frequent pair and merges it. **Ties** are broken as in the
#    chapter's `max(pairs.items(), key=lambda kv: (kv[1], kv[0]))`: among the pairs with the
#    highest count, take the largest tuple `(left, right)` in Python's string order. Merging
#    replaces, in every word, each occurrence of the *symbol* `left` directly followed by the
#    *symbol* `right` by the one symbol `left + right`, scanning left to right without overlaps
#    (`"a a a"` merged on `("a", "a")` gives `"aa a"`). Match whole symbols, not substrings: merging
#    `("a", "b")` leaves `"xa b"` unchanged. If two words become the same string, add their
#    frequencies. Return a tuple `((left, right), count, new_words)`.
# 3. `learn_bpe(words, num_merges)` applies `bpe_merge` `num_merges` times and returns a tuple
#    `(merges, words)`: the list of merged pairs in order and the final corpus. It stops early,
#    without error, when no word has two symbols left.
#
# Raise `ValueError` if `words` is empty or a frequency is not a positive integer, in `bpe_merge`
# also if there is no pair to merge (every word is a single symbol), and in `learn_bpe` if
# `num_merges < 0`. Do not modify the dict you are given.

# %% q3
def pair_counts(words):
    """Frequency-weighted counts of adjacent symbol pairs: {(left, right): count}."""
    # BEGIN SOLUTION
    if len(words) == 0:
        raise ValueError("words must not be empty")
    counts = {}
    for word, freq in words.items():
        if isinstance(freq, bool) or not isinstance(freq, int) or freq < 1:
            raise ValueError(f"frequencies must be positive ints, got {freq!r} for {word!r}")
        syms = word.split()
        for pair in zip(syms[:-1], syms[1:]):
            counts[pair] = counts.get(pair, 0) + freq
    return counts
    # END SOLUTION


def bpe_merge(words):
    """Merge the most frequent adjacent pair everywhere: ((left, right), count, new_words)."""
    # BEGIN SOLUTION
    pairs = pair_counts(words)
    if not pairs:
        raise ValueError("no pair to merge: every word is a single symbol")
    (a, b), n = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
    merged = {}
    for word, freq in words.items():
        syms, out, i = word.split(), [], 0
        while i < len(syms):
            if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(syms[i])
                i += 1
        key = " ".join(out)
        merged[key] = merged.get(key, 0) + freq
    return (a, b), n, merged
    # END SOLUTION


def learn_bpe(words, num_merges):
    """Apply bpe_merge num_merges times (fewer if nothing is left): (list of pairs, final words)."""
    # BEGIN SOLUTION
    if num_merges < 0:
        raise ValueError(f"num_merges must be >= 0, got {num_merges}")
    pair_counts(words)  # validates the corpus
    merges, current = [], dict(words)
    for _ in range(num_merges):
        if all(len(w.split()) < 2 for w in current):
            break
        pair, _, current = bpe_merge(current)
        merges.append(pair)
    return merges, current
    # END SOLUTION


# %% [markdown] q4
# ## q4 — How many parameters? (2 points)
#
# Write `gpt_num_params(vocab_size, block_size, n_layer, n_head, n_embd, d_ff=None, bias=True,
# tie_weights=True, norm_first=True, non_embedding=False)` returning, as an `int`, the number of
# parameters of `ptmcourse.models.gpt.GPT(GPTConfig(...))` with these fields (the chapter's table:
# GPT-2 small has 124,439,808). The model, with $V$ = `vocab_size`, $T$ = `block_size`,
# $C$ = `n_embd` and $F$ = `d_ff` (default $4C$), is:
#
# - a token embedding (词嵌入) $V \times C$ and a learned position embedding (位置嵌入) $T \times C$;
# - `n_layer` blocks, each with two LayerNorms (a weight of size $C$, plus a bias of size $C$ if
#   `bias`), the attention's input projection $C \to 3C$ (queries, keys and values together) and
#   output projection $C \to C$, and the feed-forward layers $C \to F$ and $F \to C$; every linear
#   map has a weight matrix and, if `bias`, a bias vector of its output size;
# - a final LayerNorm only for pre-LN (`norm_first=True`, GPT-2; GPT-1's post-LN has none);
# - the output layer (`lm_head`), a $C \times V$ matrix without bias. With weight tying (权重共享,
#   `tie_weights=True`) it *is* the token embedding and adds nothing.
#
# With `non_embedding=True`, leave out the position embedding, and also the token embedding when the
# weights are *not* tied (tied, it is the output layer and still counts; this is
# `GPT.num_params(non_embedding=True)`). The number of heads does not change the count, but raise
# `ValueError` if `n_embd` is not divisible by `n_head`, if one of `vocab_size`, `block_size`,
# `n_layer`, `n_head`, `n_embd` is not an integer $\ge 1$, or if `d_ff` is given and is $< 1$.

# %% q4
def gpt_num_params(vocab_size, block_size, n_layer, n_head, n_embd, d_ff=None, bias=True,
                   tie_weights=True, norm_first=True, non_embedding=False):
    """Number of parameters of ptmcourse's GPT with this configuration."""
    # BEGIN SOLUTION
    for name, v in (("vocab_size", vocab_size), ("block_size", block_size), ("n_layer", n_layer),
                    ("n_head", n_head), ("n_embd", n_embd)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    if n_embd % n_head:
        raise ValueError(f"n_embd ({n_embd}) must be divisible by n_head ({n_head})")
    if d_ff is not None and d_ff < 1:
        raise ValueError(f"d_ff must be >= 1, got {d_ff}")
    c, f, b = n_embd, d_ff or 4 * n_embd, int(bool(bias))
    ln = c + b * c  # one LayerNorm: weight (+ bias)
    attn = c * 3 * c + b * 3 * c + c * c + b * c  # in_proj (C -> 3C) and out_proj (C -> C)
    ff = c * f + b * f + f * c + b * c  # fc1 (C -> F) and fc2 (F -> C)
    wte, wpe = vocab_size * c, block_size * c
    total = wte + wpe + n_layer * (2 * ln + attn + ff) + (ln if norm_first else 0)
    if not tie_weights:
        total += vocab_size * c  # a separate lm_head
    if non_embedding:
        total -= wpe + (0 if tie_weights else wte)
    return int(total)
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 3, "q2": 3, "q3": 3, "q4": 2}
HIDDEN_SEED = 31_415_926

_TOY_BPE = {"l o w </w>": 5, "l o w e r </w>": 2, "n e w e s t </w>": 6, "w i d e s t </w>": 3}


def public_tests():
    z = [2.0, 1.0, 0.5, 0.0, -1.0]
    return {
        "q1": [
            call("filter_probs", z, rtol=1e-9),
            call("filter_probs", z, temperature=0.5, top_k=2, rtol=1e-9),
            call("filter_probs", z, top_p=0.8, rtol=1e-9),
            call("filter_probs", [0.0, 0.0, 0.0, 0.0], top_p=0.5, rtol=1e-9),
            call("filter_probs", z, temperature=0.0, raises="ValueError"),
        ],
        "q2": [
            call("sample_index", [0.25, 0.25, 0.5], [0.0, 0.25, 0.3, 0.74, 0.75, 0.99]),
            call("sample_index", [0.0, 0.5, 0.0, 0.5, 0.0], [0.0, 0.49, 0.5, 0.999]),
            call("generate_bigram", [[0.0, 2.0, 0.0], [1.0, 0.0, 1.0], [3.0, 0.0, 0.0]], 0,
                 [0.1, 0.5, 0.9, 0.3], top_k=2),
        ],
        "q3": [
            call("pair_counts", {"l o w </w>": 5, "l o w e r </w>": 2}),
            call("bpe_merge", _TOY_BPE),
            call("learn_bpe", _TOY_BPE, 6),
        ],
        "q4": [
            call("gpt_num_params", 50257, 1024, 12, 12, 768),  # GPT-2 small
            call("gpt_num_params", 65, 64, 4, 4, 128, bias=False),  # the baby GPT
            call("gpt_num_params", 40478, 512, 12, 12, 768, norm_first=False, non_embedding=True),  # GPT-1
        ],
    }


def _words(rng, n_words, alphabet, max_len):
    """A random BPE corpus: words over `alphabet` ending in </w>, with random frequencies."""
    words = {}
    for _ in range(n_words):
        n = int(rng.integers(1, max_len + 1))
        w = " ".join([str(alphabet[i]) for i in rng.integers(0, len(alphabet), n)] + ["</w>"])
        words[w] = words.get(w, 0) + int(rng.integers(1, 20))
    return words


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    # q1: random logits of several sizes and scales, every filter alone and combined
    for v, scale in ((1, 1.0), (2, 1.0), (7, 2.0), (50, 3.0), (1000, 5.0)):
        z = rng.normal(0.0, scale, v)
        q1.append(call("filter_probs", z, rtol=1e-6, atol=1e-12))
        q1.append(call("filter_probs", z, temperature=float(rng.uniform(0.3, 2.0)), rtol=1e-6, atol=1e-12))
        q1.append(call("filter_probs", z, top_k=int(rng.integers(1, v + 1)), rtol=1e-6, atol=1e-12))
        q1.append(call("filter_probs", z, top_p=float(rng.uniform(0.05, 0.95)), rtol=1e-6, atol=1e-12))
        q1.append(call("filter_probs", z, temperature=float(rng.uniform(0.5, 1.5)),
                       top_k=int(rng.integers(1, v + 1)), top_p=float(rng.uniform(0.3, 0.95)),
                       rtol=1e-6, atol=1e-12))
    ties = np.array([1.0, 3.0, 3.0, 2.0, 3.0, 0.0])
    q1 += [
        call("filter_probs", ties, top_k=2, rtol=1e-9),  # three tied at the 2nd largest: all kept
        call("filter_probs", ties, top_p=0.4, rtol=1e-9),  # ties in the sort: lower index first
        call("filter_probs", np.zeros(8), top_p=0.25, rtol=1e-9),  # mass before = p exactly: dropped
        call("filter_probs", np.zeros(8), top_p=0.26, rtol=1e-9),
        call("filter_probs", np.array([1e4, -1e4, 9999.0]), temperature=2.0, rtol=1e-6),  # overflow
        call("filter_probs", np.array([0.5, 1.5, -2.0]), top_k=10, top_p=1.0, rtol=1e-9),  # no-ops
        call("filter_probs", np.array([0.5, 1.5, -2.0]), top_p=1e-9, rtol=1e-9),  # only the argmax
        call("filter_probs", [], raises="ValueError"),
        call("filter_probs", np.zeros((2, 3)), raises="ValueError"),
        call("filter_probs", [1.0, 2.0], temperature=-1.0, raises="ValueError"),
        call("filter_probs", [1.0, 2.0], top_k=0, raises="ValueError"),
        call("filter_probs", [1.0, 2.0], top_p=0.0, raises="ValueError"),
        call("filter_probs", [1.0, 2.0], top_p=1.5, raises="ValueError"),
    ]
    # q2: inverse CDF on random distributions (some with zero entries), and generation loops
    for v, n in ((1, 5), (4, 20), (30, 200), (500, 2_000)):
        p = rng.random(v) * (rng.random(v) < 0.7)
        p[int(rng.integers(0, v))] += 0.5
        q2.append(call("sample_index", p / p.sum(), rng.random(n)))
    q2 += [
        call("sample_index", np.array([0.5, 0.5]), np.zeros(0)),
        call("sample_index", np.array([0.125, 0.375, 0.0, 0.5]), np.array([0.125, 0.5, 0.4999999, 0.0])),
        call("sample_index", [0.5, 0.6], [0.1], raises="ValueError"),
        call("sample_index", [1.2, -0.2], [0.1], raises="ValueError"),
        call("sample_index", [0.5, 0.5], [1.0], raises="ValueError"),
        call("sample_index", [0.5, 0.5], [-0.1], raises="ValueError"),
        call("sample_index", [], [0.1], raises="ValueError"),
    ]
    for v, n, kw in ((3, 10, {}), (12, 40, {"temperature": 0.7}), (40, 60, {"top_k": 5}),
                     (40, 60, {"top_p": 0.8, "temperature": 1.3}), (100, 100, {"top_k": 20, "top_p": 0.9})):
        table = rng.normal(0.0, 2.0, (v, v))
        q2.append(call("generate_bigram", table, int(rng.integers(0, v)), rng.random(n), **kw))
    q2 += [
        call("generate_bigram", np.zeros((3, 3)), 2, np.zeros(0)),
        call("generate_bigram", np.zeros((3, 4)), 0, [0.5], raises="ValueError"),
        call("generate_bigram", np.zeros((3, 3)), 3, [0.5], raises="ValueError"),
    ]
    # q3: random corpora, plus the traps (whole symbols, overlaps, words that become equal, ties)
    small = _words(rng, 6, list("abc"), 4)
    medium = _words(rng, 40, list("abcdefgh"), 8)
    large = _words(rng, 200, list("abcdefghijklmnop"), 10)
    for w in (small, medium, large):
        q3.append(call("pair_counts", w))
        q3.append(call("bpe_merge", w))
    q3 += [
        call("learn_bpe", medium, 10),
        call("learn_bpe", large, 25),
        call("learn_bpe", small, 100),  # runs out of pairs: stops early
        call("learn_bpe", small, 0),
        call("bpe_merge", {"a b": 5, "xa b": 2, "a bc": 1}),  # whole symbols only
        call("bpe_merge", {"a a a": 3, "a a a a": 1, "b": 2}),  # left to right, no overlaps
        call("bpe_merge", {"a b": 1, "ab": 2}),  # two words become one: frequencies add
        call("bpe_merge", {"x y": 2, "y z": 2, "b c": 2}),  # a tie: largest pair wins
        call("pair_counts", {"abc": 4, "d": 1}),
        call("bpe_merge", {"abc": 4, "d": 1}, raises="ValueError"),
        call("bpe_merge", {}, raises="ValueError"),
        call("pair_counts", {"a b": 0}, raises="ValueError"),
        call("learn_bpe", {"a b": 1}, -1, raises="ValueError"),
    ]
    # q4: the published presets and random small configurations
    for L, H, C in ((24, 16, 1024), (36, 20, 1280), (48, 25, 1600)):
        q4.append(call("gpt_num_params", 50257, 1024, L, H, C))
    for _ in range(6):
        h = int(rng.integers(1, 9))
        kw = dict(d_ff=None if rng.random() < 0.5 else int(rng.integers(8, 600)), bias=bool(rng.random() < 0.5),
                  tie_weights=bool(rng.random() < 0.5), norm_first=bool(rng.random() < 0.5),
                  non_embedding=bool(rng.random() < 0.5))
        q4.append(call("gpt_num_params", int(rng.integers(2, 5000)), int(rng.integers(1, 2048)),
                       int(rng.integers(1, 13)), h, h * int(rng.integers(1, 65)), **kw))
    q4 += [
        call("gpt_num_params", 1000, 128, 2, 4, 64, tie_weights=False, non_embedding=True),
        call("gpt_num_params", 1000, 128, 2, 4, 64, tie_weights=False, non_embedding=False),
        call("gpt_num_params", 65, 64, 4, 3, 128, raises="ValueError"),
        call("gpt_num_params", 65, 0, 4, 4, 128, raises="ValueError"),
        call("gpt_num_params", 65, 64, 4, 4, 128, d_ff=0, raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
