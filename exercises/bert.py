# Exercise master for book/exercises/bert.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: BERT
#
# These exercises go with the chapter [BERT: masked language modelling](../bert.ipynb). You will
# implement, with plain Python and NumPy, the data side of BERT pre-training and one of its
# diagnostics: the masked language model (掩码语言模型, MLM) corruption with the 80/10/10 rule,
# greedy longest-match-first WordPiece tokenisation (WordPiece 分词), the
# `[CLS] A [SEP] B [SEP]` inputs of next sentence prediction (下一句预测, NSP) with segment ids and
# truncation, and the anisotropy (各向异性) of sentence embeddings.
#
# **How to work.** Run the setup cell first. Then, for each question, replace
# `raise NotImplementedError(...)` with your code, run the cell, and run the `check("qN")` cell
# below it: it runs that question's *public* tests and tells you what is wrong. Your grade comes
# from *hidden* tests (different, random inputs, including edge cases), so passing the public tests
# is necessary but not sufficient. Do not rename the functions. Use only Python, `math` and NumPy
# (the `ptmcourse` package is not available while grading).
#
# **Submitting.** Restart the kernel and run all cells (Kernel → Restart & Run All), check that
# every cell runs, save, and hand in this `.ipynb` file.
#
# Token ids are plain integers. The examples use the ids of BERT's uncased vocabulary:
# `[PAD]` = 0, `[UNK]` = 100, `[CLS]` = 101, `[SEP]` = 102, `[MASK]` = 103.

# %% [markdown] q1
# ## q1 — MLM corruption with the 80/10/10 rule (3 points)
#
# BERT's masked language model hides a random set $\mathcal M$ of positions and learns to restore
# them. Each token that is not special (`[CLS]`, `[SEP]`, `[PAD]`) is *selected* for prediction
# with probability `mask_prob` (15%). A selected token is replaced by `[MASK]` with probability
# `p_mask` (80%), by a random token with probability `p_random` (10%), and left unchanged
# otherwise (10%). The label (标签) is the original id at selected positions and $-100$ (ignored by
# the loss) everywhere else.
#
# The randomness is passed in, so the answer is unique. All arrays have the shape of `input_ids`
# (e.g. `(T,)` or `(B, T)`), and at every position:
#
# * the position is **selected** iff `special_mask` is `False` there and `select_draws < mask_prob`;
# * a selected position becomes `mask_id` iff `action_draws < p_mask`; it becomes the id in
#   `random_ids` at that position iff `p_mask <= action_draws < p_mask + p_random`; otherwise it
#   keeps its id. Positions that are not selected always keep their id (whatever the draws say).
#
# Write `mlm_corrupt(input_ids, special_mask, select_draws, action_draws, random_ids, mask_id,
# mask_prob=0.15, p_mask=0.8, p_random=0.1)` returning a tuple `(corrupted, labels)` of two int64
# arrays of the shape of `input_ids`. The inputs may be lists or NumPy arrays (`special_mask` holds
# bools, the draws floats in $[0, 1)$, the others ints); do not modify them. Raise `ValueError` if
# an input does not have the shape of `input_ids`, if `mask_prob`, `p_mask` or `p_random` is
# outside $[0, 1]$, or if `p_mask + p_random > 1`.

# %% q1
import numpy as np


def mlm_corrupt(input_ids, special_mask, select_draws, action_draws, random_ids, mask_id,
                mask_prob=0.15, p_mask=0.8, p_random=0.1):
    """BERT's 80/10/10 corruption with the random draws given: returns (corrupted ids, labels)."""
    # BEGIN SOLUTION
    ids = np.asarray(input_ids, dtype=np.int64)  # (...,) e.g. (B, T)
    special = np.asarray(special_mask, dtype=bool)
    u_select = np.asarray(select_draws, dtype=np.float64)
    u_action = np.asarray(action_draws, dtype=np.float64)
    rand = np.asarray(random_ids, dtype=np.int64)
    for name, a in (("special_mask", special), ("select_draws", u_select),
                    ("action_draws", u_action), ("random_ids", rand)):
        if a.shape != ids.shape:
            raise ValueError(f"{name} has shape {a.shape}, expected the shape of input_ids {ids.shape}")
    for name, v in (("mask_prob", mask_prob), ("p_mask", p_mask), ("p_random", p_random)):
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {v}")
    if p_mask + p_random > 1.0:
        raise ValueError(f"p_mask + p_random must be <= 1, got {p_mask} + {p_random}")
    selected = ~special & (u_select < mask_prob)  # same shape, bool
    labels = np.where(selected, ids, -100)  # original id where selected, -100 elsewhere
    to_mask = selected & (u_action < p_mask)  # 80%: [MASK]
    to_random = selected & (u_action >= p_mask) & (u_action < p_mask + p_random)  # 10%: random id
    corrupted = np.where(to_mask, np.int64(mask_id), ids)
    corrupted = np.where(to_random, rand, corrupted)  # the remaining 10% keep their id
    return corrupted.astype(np.int64), labels.astype(np.int64)
    # END SOLUTION


# %% [markdown] q2
# ## q2 — WordPiece: greedy longest-match-first (2 points)
#
# After basic tokenisation (lower case, punctuation split off), BERT cuts each word into word
# pieces (子词) from a fixed vocabulary: take the **longest prefix** of the word that is in the
# vocabulary, then the longest piece of the rest, and so on. Pieces that do not start the word are
# looked up with the prefix `##` (a continuation piece, 续接子词): with the vocabulary
# `{"un", "una", "##ff", "##able", "##aff"}`, `"unaffable"` becomes
# `["una", "##ff", "##able"]` (greedy takes `"una"`, not `"un"`, even though `"un"` would also
# lead to a full segmentation).
#
# If at some point no piece matches (not even one character), the **whole word** becomes `unk`
# (not just the rest). A word longer than `max_input_chars_per_word` characters is `unk` without
# trying, as in the reference implementation.
#
# Write `wordpiece(word, vocab, unk="[UNK]", max_input_chars_per_word=100)` returning the list of
# pieces (strings). `vocab` is a dict mapping each piece to its id (only the keys matter; `"##"`
# is part of the key, e.g. `"##ff"`); a piece `"ff"` without `##` can only start a word and
# `"##ff"` can only continue one. Raise `ValueError` if `word` is empty or contains white space.

# %% q2
def wordpiece(word, vocab, unk="[UNK]", max_input_chars_per_word=100):
    """Greedy longest-match-first WordPiece segmentation of one word; [unk] if it cannot be cut."""
    # BEGIN SOLUTION
    if len(word) == 0 or any(ch.isspace() for ch in word):
        raise ValueError(f"word must be a non-empty string without white space, got {word!r}")
    if len(word) > max_input_chars_per_word:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        piece = None
        while end > start:  # the longest piece that starts at `start` and is in the vocabulary
            candidate = word[start:end] if start == 0 else "##" + word[start:end]
            if candidate in vocab:
                piece = candidate
                break
            end -= 1
        if piece is None:  # nothing matches: the whole word is unknown
            return [unk]
        pieces.append(piece)
        start = end
    return pieces
    # END SOLUTION


# %% [markdown] q3
# ## q3 — BERT inputs for a sentence pair (3 points)
#
# For NSP and for sentence-pair tasks BERT packs two segments as `[CLS] A [SEP] B [SEP]`. The
# segment ids (片段编号, `token_type_ids`) select the segment embedding $E_{\text{seg}}[s_t]$ of
# the chapter's $h^{(0)}_t = \mathrm{LN}(E_{\text{tok}}[x_t] + E_{\text{pos}}[t] +
# E_{\text{seg}}[s_t])$: 0 for `[CLS]`, the tokens of A and the first `[SEP]`; 1 for the tokens of
# B and the last `[SEP]`. Batches need one length, so sequences are padded (填充) on the right with
# `pad_id` to `max_len`, and the attention mask (注意力掩码) is 1 at real tokens and 0 at padding
# (padding also gets segment id 0).
#
# Too long inputs are truncated like BERT's `truncate_seq_pair`: while
# `len(A) + len(B) > max_len - 3`, remove the **last** token of the **longer** segment; when both
# have the same length remove it from **B**. Without B (`ids_b=None`) the input is
# `[CLS] A [SEP]`, A keeps its first `max_len - 2` tokens, and all segment ids are 0.
#
# Write `bert_inputs(ids_a, ids_b, max_len, cls_id=101, sep_id=102, pad_id=0)` returning a dict
# with the keys `"input_ids"`, `"token_type_ids"` and `"attention_mask"`, each an int64 array of
# shape `(max_len,)`. `ids_a` and `ids_b` are lists (possibly empty) or 1-D arrays of ints. Raise
# `ValueError` if `max_len` is smaller than the number of special tokens (3 for a pair, 2 for a
# single segment).

# %% q3
import numpy as np


def bert_inputs(ids_a, ids_b, max_len, cls_id=101, sep_id=102, pad_id=0):
    """[CLS] a [SEP] (b [SEP]), truncated longest-first and right-padded to max_len."""
    # BEGIN SOLUTION
    a = [int(x) for x in np.asarray(ids_a, dtype=np.int64).reshape(-1)]
    b = None if ids_b is None else [int(x) for x in np.asarray(ids_b, dtype=np.int64).reshape(-1)]
    n_special = 2 if b is None else 3
    if max_len < n_special:
        raise ValueError(f"max_len must be >= {n_special} (the special tokens), got {max_len}")
    if b is None:
        a = a[: max_len - 2]
        tokens, segments = [cls_id, *a, sep_id], [0] * (len(a) + 2)
    else:
        while len(a) + len(b) > max_len - 3:  # truncate_seq_pair: shorten the longer, B on ties
            if len(a) > len(b):
                a.pop()
            else:
                b.pop()
        tokens = [cls_id, *a, sep_id, *b, sep_id]
        segments = [0] * (len(a) + 2) + [1] * (len(b) + 1)
    n = len(tokens)
    input_ids = np.full(max_len, pad_id, dtype=np.int64)  # (max_len,)
    token_type_ids = np.zeros(max_len, dtype=np.int64)  # (max_len,)
    attention_mask = np.zeros(max_len, dtype=np.int64)  # (max_len,)
    input_ids[:n] = tokens
    token_type_ids[:n] = segments
    attention_mask[:n] = 1
    return {"input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask}
    # END SOLUTION


# %% [markdown] q4
# ## q4 — Anisotropy of sentence embeddings (2 points)
#
# Mean-pooled sentence vectors of a model trained only with MLM point in nearly the same
# direction: the embeddings are anisotropic (各向异性), and the cosine similarity (余弦相似度) of
# two unrelated sentences is high. A simple measure is the mean cosine over all distinct pairs of
# rows $x_1, \dots, x_n$ of an embedding matrix $X \in \mathbb{R}^{n \times d}$:
#
# $$\bar c(X) = \frac{2}{n(n-1)} \sum_{i<j} \frac{x_i^\top x_j}{\lVert x_i\rVert\,\lVert x_j\rVert}.$$
#
# Subtracting the mean vector $\mu = \frac1n \sum_i x_i$ from every row (centring, 中心化) removes
# the shared direction, as the chapter does for its "centred" cosines.
#
# Write `mean_pairwise_cosine(embeddings, center=False)` returning $\bar c(X)$ as a float, computed
# on the rows $x_i - \mu$ when `center=True`. `embeddings` is a 2-D list or array of floats.
# Raise `ValueError` if it is not 2-D, has fewer than 2 rows, or if a row it uses (after centring
# when `center=True`) has norm exactly 0. It must handle a thousand rows quickly: use matrix
# products, not a Python loop over pairs.

# %% q4
import numpy as np


def mean_pairwise_cosine(embeddings, center=False):
    """Mean cosine similarity over all pairs i < j of rows (optionally after subtracting the mean row)."""
    # BEGIN SOLUTION
    x = np.asarray(embeddings, dtype=np.float64)  # (n, d)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"embeddings must be 2-D with at least 2 rows, got shape {x.shape}")
    if center:
        x = x - x.mean(axis=0, keepdims=True)  # (n, d), rows x_i - mu
    norms = np.linalg.norm(x, axis=1, keepdims=True)  # (n, 1)
    if (norms == 0).any():
        raise ValueError("a row has norm 0: its cosine similarity is undefined")
    u = x / norms  # (n, d) unit rows
    cos = u @ u.T  # (n, n) all cosines
    n = x.shape[0]
    return float((cos.sum() - np.trace(cos)) / (n * (n - 1)))  # mean over i != j = mean over i < j
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 3, "q2": 2, "q3": 3, "q4": 2}
HIDDEN_SEED = 27_182_818

_TOY_VOCAB = {p: i for i, p in enumerate(
    ["[PAD]", "[UNK]", "un", "una", "##ff", "##able", "##aff", "play", "##ing", "##s", "p", "##l",
     "##a", "##y", "a", "b", "##b"])}


def public_tests():
    ids = [101, 7592, 2088, 2003, 2307, 102]
    special = [True, False, False, False, False, True]
    batch = [[101, 2023, 2003, 102, 0], [101, 2307, 2154, 2204, 102]]
    batch_special = [[True, False, False, True, True], [True, False, False, False, True]]
    return {
        "q1": [
            call("mlm_corrupt", ids, special, [0.01, 0.10, 0.50, 0.05, 0.14, 0.02],
                 [0.50, 0.30, 0.10, 0.85, 0.95, 0.00], [5, 6, 7, 8, 9, 10], 103),
            call("mlm_corrupt", batch, batch_special, [[0.0, 0.2, 0.1, 0.0, 0.0], [0.3, 0.05, 0.12, 0.9, 0.0]],
                 [[0.1, 0.5, 0.7, 0.2, 0.3], [0.6, 0.45, 0.2, 0.1, 0.9]],
                 [[11, 12, 13, 14, 15], [16, 17, 18, 19, 20]], 103, mask_prob=0.25, p_mask=0.5, p_random=0.3),
            call("mlm_corrupt", ids, special[:5], [0.0] * 6, [0.0] * 6, [5] * 6, 103, raises="ValueError"),
        ],
        "q2": [
            call("wordpiece", "unaffable", _TOY_VOCAB),
            call("wordpiece", "playing", _TOY_VOCAB),
            call("wordpiece", "unplayable", _TOY_VOCAB),
            call("wordpiece", "playing", _TOY_VOCAB, max_input_chars_per_word=5),
        ],
        "q3": [
            call("bert_inputs", [7592, 2088], [2129, 2024, 2017], 10),
            call("bert_inputs", [1, 2, 3, 4, 5, 6], [7, 8], 8),
            call("bert_inputs", [1, 2, 3], None, 4),
        ],
        "q4": [
            call("mean_pairwise_cosine", [[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]]),
            call("mean_pairwise_cosine", [[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]], center=True),
            call("mean_pairwise_cosine", [[1.0, 2.0, 3.0]], raises="ValueError"),
        ],
    }


def _mlm_inputs(rng, shape, vocab_size=30_522):
    """Random ids with [CLS] first, [SEP] last and some right padding per row, as in a real batch."""
    ids = rng.integers(999, vocab_size, shape)
    special = np.zeros(shape, dtype=bool)
    rows = ids.reshape(-1, shape[-1])
    spec = special.reshape(-1, shape[-1])
    for r in range(rows.shape[0]):
        length = int(rng.integers(2, shape[-1] + 1)) if shape[-1] >= 2 else 1
        rows[r, 0] = 101
        rows[r, length - 1] = 102
        rows[r, length:] = 0
        spec[r, 0] = spec[r, length - 1] = True
        spec[r, length:] = True
    random_ids = rng.integers(999, vocab_size, shape)
    return ids, special, rng.random(shape), rng.random(shape), random_ids


def _vocab_and_words(rng, n_pieces, n_words, alphabet="abcdef", with_chars=True):
    """A random vocabulary of short pieces (starting and ## pieces) and random words over it."""
    letters = list(alphabet)
    vocab = {"[PAD]": 0, "[UNK]": 1}
    if with_chars:  # like a real vocabulary: every known character, alone and as a continuation
        for ch in letters[:-1]:
            vocab.setdefault(ch, len(vocab))
            vocab.setdefault("##" + ch, len(vocab))
    while len(vocab) < n_pieces:
        k = int(rng.integers(1, 5))
        piece = "".join(rng.choice(letters[:-1], k))  # the last letter is never in a piece
        if rng.random() < 0.5:
            piece = "##" + piece
        vocab.setdefault(piece, len(vocab))
    words = []
    for _ in range(n_words):
        k = int(rng.integers(1, 13))
        p = np.r_[np.full(len(letters) - 1, 1.0), 0.15]
        words.append("".join(rng.choice(letters, k, p=p / p.sum())))  # some words hold the unknown letter
    return vocab, words


def hidden_tests(rng):
    q1 = []
    for shape in ((1,), (12,), (3, 9), (8, 64), (16, 128)):
        q1.append(call("mlm_corrupt", *_mlm_inputs(rng, shape), 103))
    ids, special, u1, u2, rand = _mlm_inputs(rng, (6, 20))
    q1 += [
        call("mlm_corrupt", ids, special, u1, u2, rand, 103, mask_prob=0.5, p_mask=0.6, p_random=0.25),
        call("mlm_corrupt", ids, special, u1, u2, rand, 4, mask_prob=0.0),  # nothing selected
        call("mlm_corrupt", ids, special, u1, u2, rand, 103, mask_prob=1.0),  # every real token
        call("mlm_corrupt", ids, special, u1, u2, rand, 103, mask_prob=1.0, p_mask=0.0, p_random=1.0),
        call("mlm_corrupt", ids, special, u1, u2, rand, 103, mask_prob=1.0, p_mask=0.0, p_random=0.0),
        call("mlm_corrupt", ids.tolist(), special.tolist(), u1.tolist(), u2.tolist(), rand.tolist(), 103),
    ]
    select = np.array([0.0, 0.15, 0.1499, 0.0, 0.0, 0.0, 0.0, 0.3])  # draws exactly on the thresholds
    action = np.array([0.8, 0.0, 0.0, 0.7999, 0.8, 0.85, 0.95, 0.0])
    q1.append(call("mlm_corrupt", np.arange(1000, 1008), np.zeros(8, dtype=bool), select, action,
                   np.arange(2000, 2008), 103))
    q1 += [
        call("mlm_corrupt", ids, special, u1, u2[:, :-1], rand, 103, raises="ValueError"),
        call("mlm_corrupt", ids, special[0], u1, u2, rand, 103, raises="ValueError"),
        call("mlm_corrupt", ids, special, u1, u2, rand, 103, mask_prob=1.5, raises="ValueError"),
        call("mlm_corrupt", ids, special, u1, u2, rand, 103, p_mask=0.8, p_random=0.3, raises="ValueError"),
    ]

    q2 = []
    vocab, words = _vocab_and_words(rng, 40, 8)
    q2 += [call("wordpiece", w, vocab) for w in words]
    vocab, words = _vocab_and_words(rng, 200, 6, alphabet="abcdefghij", with_chars=False)
    q2 += [call("wordpiece", w, vocab, unk="<unk>") for w in words]
    q2 += [call("wordpiece", w, vocab, max_input_chars_per_word=6) for w in ("abcdef", "abcdefg")]
    real = {p: i for i, p in enumerate(["[UNK]", "token", "##izer", "##s", "##ize", "to", "##ken",
                                        "t", "##o", "##k", "##e", "##n", "##i", "##z", "##r", "##ss"])}
    q2 += [
        call("wordpiece", "tokenizers", real),
        call("wordpiece", "tokens", real),
        call("wordpiece", "tokenss", real),  # "##ss" is only a continuation piece
        call("wordpiece", "ss", real),  # ... so it cannot start a word: [UNK]
        call("wordpiece", "x" * 101, {"x": 0, "##x": 1}),  # too long
        call("wordpiece", "x" * 100, {"x": 0, "##x": 1}),
        call("wordpiece", "", real, raises="ValueError"),
        call("wordpiece", "to ken", real, raises="ValueError"),
    ]

    q3 = []
    for (na, nb, max_len) in ((3, 4, 16), (20, 5, 16), (5, 20, 16), (30, 30, 24), (9, 9, 12),
                              (40, 1, 32), (0, 12, 8), (7, 0, 6), (4, 4, 3), (11, 2, 128)):
        a = rng.integers(999, 30_522, na)
        b = rng.integers(999, 30_522, nb)
        q3.append(call("bert_inputs", a, b, max_len))
    q3 += [
        call("bert_inputs", rng.integers(999, 30_522, 10).tolist(), None, 8),
        call("bert_inputs", rng.integers(999, 30_522, 3), None, 12),
        call("bert_inputs", [], None, 2),
        call("bert_inputs", [5, 6, 7], [8, 9], 7, cls_id=2, sep_id=3, pad_id=1),
        call("bert_inputs", [5, 6], [8, 9], 2, raises="ValueError"),
        call("bert_inputs", [5, 6], None, 1, raises="ValueError"),
    ]

    q4 = []
    for (n, d, shift) in ((2, 3, 0.0), (5, 4, 0.0), (40, 16, 3.0), (200, 32, 5.0), (800, 8, 1.0)):
        common = rng.normal(0.0, shift, d)  # one shared direction: anisotropic when shift is large
        x = common + rng.normal(0.0, 1.0, (n, d))
        x *= rng.uniform(0.1, 10.0, (n, 1))  # cosines do not depend on the rows' lengths
        q4.append(call("mean_pairwise_cosine", x, rtol=1e-6, atol=1e-9))
        q4.append(call("mean_pairwise_cosine", x, center=True, rtol=1e-6, atol=1e-9))
    q4 += [
        call("mean_pairwise_cosine", rng.normal(0.0, 1.0, (7, 1)), rtol=1e-6, atol=1e-9),
        call("mean_pairwise_cosine", np.ones((4, 3)), rtol=1e-6, atol=1e-9),
        call("mean_pairwise_cosine", np.ones((2, 3)) * 1.5, center=True, raises="ValueError"),
        call("mean_pairwise_cosine", np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]), raises="ValueError"),
        call("mean_pairwise_cosine", rng.normal(0.0, 1.0, 6), raises="ValueError"),
        call("mean_pairwise_cosine", rng.normal(0.0, 1.0, (1, 6)), raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
