# Exercise master for book/exercises/gpt-finetuning.ipynb (format: ptmcourse/grading/master.py).
# Regenerate the student notebook after editing: `ptmcourse exercises generate`.

# %% [markdown]
# # Exercises: fine-tuning GPT
#
# These exercises go with the chapter [Fine-tuning GPT](../gpt-finetuning.ipynb). You will
# implement, with plain Python and NumPy, the pieces of GPT-1's fine-tuning (微调) recipe that sit
# around the pre-trained network: the task-specific input transformations (输入变换) with *start*,
# *delimiter* and *extract* tokens, a padded batch with its language-modelling targets, the
# features read off the extract token (for similarity, from both orders), and the fine-tuning
# objective with the auxiliary language-modelling loss (辅助目标), $L = L_\text{task} + \lambda
# L_\text{LM}$.
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
# Throughout, a text is a list (or 1-D array) of integer token ids, as a tokenizer returns it, and
# the special tokens `<s>`, `<delim>` and `<extract>` are given by their ids `start_id`,
# `delim_id` and `extract_id`.

# %% [markdown] q1
# ## q1 — Input transformations (3 points)
#
# GPT-1 turns every task into one token sequence that the pre-trained left-to-right model can
# read, and puts the classifier on the final state of the last token, `<extract>`:
#
# | task | input |
# |---|---|
# | classification | `<s>` text `<extract>` |
# | entailment | `<s>` premise `<delim>` hypothesis `<extract>` |
# | similarity | `<s>` A `<delim>` B `<extract>` and `<s>` B `<delim>` A `<extract>` |
#
# The model reads at most `max_len` tokens, so long texts are truncated (截断) by cutting tokens
# off their *end*:
#
# 1. `transform(ids, start_id, extract_id, max_len)` returns `(row, last)`: `row` is the list of
#    ints `[start_id, *ids[:max_len - 2], extract_id]` and `last` the int index of the extract token
#    in `row` (`len(row) - 1`). Raise `ValueError` if `max_len < 3`. An empty text gives
#    `([start_id, extract_id], 1)`.
# 2. `transform_pair(a, b, start_id, delim_id, extract_id, max_len)` returns `(row, last)` for
#    `<s>` a `<delim>` b `<extract>`, where *each* text is cut to its first
#    `half = (max_len - 3) // 2` tokens (always both, even when the other text is short). Raise
#    `ValueError` if `half < 1`.
# 3. `similarity_inputs(a, b, start_id, delim_id, extract_id, max_len)` returns the tuple
#    `(transform_pair(a, b, ...), transform_pair(b, a, ...))`: similarity has no order, so the
#    pair is read both ways.
#
# `row` must be a Python `list` of ints and `last` an int; return a tuple `(row, last)`.

# %% q1
import numpy as np


def transform(ids, start_id, extract_id, max_len):
    """GPT-1 classification input <s> text <extract>, cut to max_len; returns (row, extract index)."""
    # BEGIN SOLUTION
    if max_len < 3:
        raise ValueError(f"max_len must be >= 3 (start, one token, extract), got {max_len}")
    row = [int(start_id), *(int(t) for t in list(ids)[: max_len - 2]), int(extract_id)]
    return row, len(row) - 1
    # END SOLUTION


def transform_pair(a, b, start_id, delim_id, extract_id, max_len):
    """GPT-1 pair input <s> a <delim> b <extract>, each text cut to (max_len - 3) // 2 tokens."""
    # BEGIN SOLUTION
    keep = (max_len - 3) // 2  # tokens kept of each text
    if keep < 1:
        raise ValueError(f"max_len must be >= 5 for pairs, got {max_len}")
    row = [int(start_id), *(int(t) for t in list(a)[:keep]), int(delim_id),
           *(int(t) for t in list(b)[:keep]), int(extract_id)]
    return row, len(row) - 1
    # END SOLUTION


def similarity_inputs(a, b, start_id, delim_id, extract_id, max_len):
    """Both orders of a similarity pair: ((row_ab, last_ab), (row_ba, last_ba))."""
    # BEGIN SOLUTION
    return (transform_pair(a, b, start_id, delim_id, extract_id, max_len),
            transform_pair(b, a, start_id, delim_id, extract_id, max_len))
    # END SOLUTION


# %% [markdown] q2
# ## q2 — A padded batch and its language-modelling targets (2 points)
#
# Rows of different lengths are stacked into one batch by right padding (右填充) with `pad_id` up
# to the longest row. Because the model is causal, padding after the extract token never reaches
# the extract token's state. The auxiliary language-modelling loss asks every position to predict
# the *next token of the input*, but only where that next token is real text (or `<delim>`): the
# extract token is not language (its embedding is new), so nothing predicts it, and nothing is
# predicted from it or from padding. Such positions get the target `-100` (ignored).
#
# Write `pad_batch(rows, pad_id)` for a list of `B` rows as `transform` returns them (each starts
# with `<s>` and ends with `<extract>`). It returns a tuple `(ids, last, lm_targets)` of int64
# arrays:
#
# - `ids` `(B, T)` with `T` the length of the longest row, each row followed by `pad_id`;
# - `last` `(B,)`: the index of each row's extract token, `len(row) - 1`;
# - `lm_targets` `(B, T)`: `lm_targets[i, t] = ids[i, t + 1]` for `0 <= t <= len(row_i) - 3`, and
#   `-100` everywhere else (the position before the extract token, the extract token, padding).
#
# Raise `ValueError` if `rows` is empty or a row has fewer than 2 tokens.

# %% q2
import numpy as np


def pad_batch(rows, pad_id):
    """Right-pad rows to (B, T); return (ids, last, lm_targets) as int64 arrays, -100 = no target."""
    # BEGIN SOLUTION
    if len(rows) == 0:
        raise ValueError("rows must not be empty")
    lengths = np.array([len(r) for r in rows], dtype=np.int64)  # (B,)
    if (lengths < 2).any():
        raise ValueError("every row needs at least <s> and <extract>")
    B, T = len(rows), int(lengths.max())
    ids = np.full((B, T), pad_id, dtype=np.int64)  # (B, T)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = np.asarray(r, dtype=np.int64)
    targets = np.full((B, T), -100, dtype=np.int64)  # (B, T)
    pos = np.arange(T - 1)[None, :]  # (1, T-1)
    keep = pos <= (lengths[:, None] - 3)  # (B, T-1): a text token (or <delim>) comes next
    targets[:, : T - 1] = np.where(keep, ids[:, 1:], -100)
    return ids, lengths - 1, targets
    # END SOLUTION


# %% [markdown] q3
# ## q3 — The extract token's state, and both orders (2 points)
#
# The classifier reads the last layer's state $h_l^m$ at the extract token. For a batch, the final
# hidden states are an array `h` of shape `(B, T, d)` and `last` `(B,)` holds each row's extract
# index (as `pad_batch` returns it).
#
# 1. `extract_features(h, last)` returns the float64 array `(B, d)` whose row `i` is
#    `h[i, last[i]]`. Do it without a Python loop (fancy indexing, 花式索引). Raise `ValueError` if
#    `h` is not 3-D, if `last` does not have shape `(B,)`, or if an index is outside `[0, T)`.
# 2. `similarity_features(h_ab, last_ab, h_ba, last_ba)` returns the similarity feature of GPT-1:
#    the *sum* of the extract states of the two orders, `(B, d)`, which does not depend on the
#    order of the pair. The two inputs may have different `T` (different padding); raise
#    `ValueError` if their batch sizes or widths `d` differ (and for the errors above).

# %% q3
import numpy as np


def extract_features(h, last):
    """Row i of the result is h[i, last[i]]: the extract token's final state, (B, d)."""
    # BEGIN SOLUTION
    h = np.asarray(h, dtype=np.float64)  # (B, T, d)
    last = np.asarray(last)  # (B,)
    if h.ndim != 3:
        raise ValueError(f"h must be 3-D (B, T, d), got shape {h.shape}")
    if last.shape != (h.shape[0],):
        raise ValueError(f"last must have shape ({h.shape[0]},), got {last.shape}")
    if ((last < 0) | (last >= h.shape[1])).any():
        raise ValueError(f"extract indices must be in [0, {h.shape[1]})")
    return h[np.arange(h.shape[0]), last]  # (B, d)
    # END SOLUTION


def similarity_features(h_ab, last_ab, h_ba, last_ba):
    """Sum of the extract states of both orders of each pair, (B, d)."""
    # BEGIN SOLUTION
    f_ab, f_ba = extract_features(h_ab, last_ab), extract_features(h_ba, last_ba)  # (B, d) each
    if f_ab.shape != f_ba.shape:
        raise ValueError(f"the two orders give features of shapes {f_ab.shape} and {f_ba.shape}")
    return f_ab + f_ba
    # END SOLUTION


# %% [markdown] q4
# ## q4 — The fine-tuning objective with the auxiliary LM loss (3 points)
#
# GPT-1 fine-tunes on $L_3 = L_2 + \lambda L_1$: the task loss plus $\lambda$ times the
# language-modelling loss on the task's own text. As losses to *minimise* (means, not sums):
#
# - $L_\text{task}$: the mean over the batch of the cross-entropy (交叉熵) of the class logits
#   `class_logits` `(B, K)` with the integer `labels` `(B,)`;
# - $L_\text{LM}$: the mean cross-entropy of the LM logits `lm_logits` `(B, T, V)` with
#   `lm_targets` `(B, T)` over the positions whose target is not `-100` (the ignore index, 忽略索引);
#   this equals PyTorch's `F.cross_entropy(lm_logits.reshape(-1, V), lm_targets.reshape(-1),
#   ignore_index=-100)`;
# - $L = L_\text{task} + \lambda L_\text{LM}$.
#
# Write `finetune_loss(class_logits, labels, lm_logits, lm_targets, lam)` returning the dict
# `{"loss": L, "task_loss": L_task, "lm_loss": L_LM}` of Python floats (always all three keys, also
# for $\lambda = 0$). Logits can be as large as $\pm 10^4$: use a stable log-softmax (对数软最大),
# $\log \mathrm{softmax}(z)_c = z_c - m - \log\sum_j e^{z_j - m}$ with $m = \max_j z_j$.
#
# Raise `ValueError` if `lam < 0`; if the shapes do not fit (`class_logits` 2-D, `labels` `(B,)`,
# `lm_logits` 3-D with the same `B`, `lm_targets` `(B, T)`); if a label is outside `[0, K)`; if a
# target is neither `-100` nor in `[0, V)`; or if no position has a target (the mean would be 0/0).

# %% q4
import numpy as np


def finetune_loss(class_logits, labels, lm_logits, lm_targets, lam):
    """GPT-1's L = L_task + lam * L_LM; returns {"loss", "task_loss", "lm_loss"} as floats."""
    # BEGIN SOLUTION
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    z = np.asarray(class_logits, dtype=np.float64)  # (B, K)
    y = np.asarray(labels)  # (B,)
    lz = np.asarray(lm_logits, dtype=np.float64)  # (B, T, V)
    tg = np.asarray(lm_targets)  # (B, T)
    if z.ndim != 2 or y.shape != (z.shape[0],):
        raise ValueError(f"class_logits must be (B, K) and labels (B,), got {z.shape} and {y.shape}")
    if lz.ndim != 3 or lz.shape[0] != z.shape[0] or tg.shape != lz.shape[:2]:
        raise ValueError(f"lm_logits must be (B, T, V) and lm_targets (B, T), got {lz.shape} and {tg.shape}")
    if ((y < 0) | (y >= z.shape[1])).any():
        raise ValueError(f"labels must be in [0, {z.shape[1]})")
    counted = tg != -100  # (B, T)
    if ((tg[counted] < 0) | (tg[counted] >= lz.shape[2])).any():
        raise ValueError(f"LM targets must be -100 or in [0, {lz.shape[2]})")
    if not counted.any():
        raise ValueError("no position has an LM target")

    def log_softmax(a):  # stable, along the last axis
        m = a.max(axis=-1, keepdims=True)
        return a - m - np.log(np.exp(a - m).sum(axis=-1, keepdims=True))

    task = -log_softmax(z)[np.arange(z.shape[0]), y].mean()
    rows = lz[counted]  # (N, V): the counted positions only
    lm = -log_softmax(rows)[np.arange(rows.shape[0]), tg[counted]].mean()
    return {"loss": float(task + lam * lm), "task_loss": float(task), "lm_loss": float(lm)}
    # END SOLUTION


# %% [grading]
# Not shown to students. Expected values come from the solutions above.
from ptmcourse.grading.spec import call  # noqa: E402

POINTS = {"q1": 3, "q2": 2, "q3": 2, "q4": 3}
HIDDEN_SEED = 7_310_418

_S, _D, _E = 1, 2, 3  # ids of <s>, <delim>, <extract> in the public examples


def public_tests():
    h = np.arange(2 * 4 * 3, dtype=np.float64).reshape(2, 4, 3)
    h2 = -np.arange(2 * 5 * 3, dtype=np.float64).reshape(2, 5, 3)
    return {
        "q1": [
            call("transform", [10, 11, 12], _S, _E, 8),
            call("transform", [10, 11, 12, 13, 14], _S, _E, 5),
            call("transform_pair", [10, 11], [20, 21, 22, 23], _S, _D, _E, 9),
            call("similarity_inputs", [10, 11, 12], [20], _S, _D, _E, 16),
        ],
        "q2": [
            call("pad_batch", [[1, 10, 11, 3], [1, 20, 2, 21, 22, 3], [1, 3]], 0),
            call("pad_batch", [[1, 3], [1, 30, 31, 32, 33, 3]], 0),
        ],
        "q3": [
            call("extract_features", h, np.array([3, 1])),
            call("similarity_features", h, np.array([3, 1]), h2, np.array([2, 4])),
        ],
        "q4": [
            call("finetune_loss", [[2.0, -1.0], [0.5, 0.5]], [0, 1],
                 np.log([[[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]], [[0.25, 0.25, 0.5], [0.2, 0.3, 0.5]]]),
                 [[2, 0], [1, -100]], 0.5, rtol=1e-6),
            call("finetune_loss", [[1e4, 0.0]], [1], np.zeros((1, 2, 4)), [[3, -100]], 0.0, rtol=1e-6),
        ],
    }


def _text(rng, n, vocab=(4, 500)):
    return [int(t) for t in rng.integers(vocab[0], vocab[1], n)]


def hidden_tests(rng):
    q1, q2, q3, q4 = [], [], [], []
    # q1: random texts around the truncation limits, ids as lists or arrays
    for n, max_len in ((0, 3), (1, 3), (2, 3), (10, 12), (11, 12), (int(rng.integers(40, 120)), 40)):
        q1.append(call("transform", _text(rng, n), 0, 2, max_len))
    q1.append(call("transform", np.array(_text(rng, 30)), 7, 9, 16))
    for na, nb, max_len in ((0, 0, 5), (4, 5, 11), (int(rng.integers(0, 100)), int(rng.integers(0, 100)), 64)):
        q1.append(call("transform_pair", _text(rng, na), _text(rng, nb), 0, 1, 2, max_len))
    for max_len in (9, 50):
        q1.append(call("similarity_inputs", _text(rng, int(rng.integers(1, 30))), _text(rng, int(rng.integers(1, 30))),
                       5, 6, 7, max_len))
    q1 += [
        call("transform", [4, 5], 0, 2, 2, raises="ValueError"),
        call("transform_pair", [4], [5], 0, 1, 2, 4, raises="ValueError"),
        call("similarity_inputs", [4], [5], 0, 1, 2, 3, raises="ValueError"),
    ]
    # q2: batches of random rows (classification and pair rows), different pad ids
    for B, pad in ((1, 0), (5, 999), (32, 0)):
        rows = []
        for _ in range(B):
            if rng.random() < 0.5:
                rows.append(transform(_text(rng, int(rng.integers(0, 25))), 1, 3, 24)[0])
            else:
                rows.append(transform_pair(_text(rng, int(rng.integers(0, 12))), _text(rng, int(rng.integers(0, 12))),
                                           1, 2, 3, 24)[0])
        q2.append(call("pad_batch", rows, pad))
    q2 += [
        call("pad_batch", [[1, 3], [1, 3]], 0),  # no text at all: no LM target anywhere
        call("pad_batch", [[1, 40, 3], [1, 41, 42, 43, 44, 45, 46, 47, 48, 3]], 5),
        call("pad_batch", [], 0, raises="ValueError"),
        call("pad_batch", [[1, 10, 3], [1]], 0, raises="ValueError"),
    ]
    # q3: random hidden states
    for B, T, d in ((1, 1, 1), (4, 9, 16), (16, 33, 64)):
        h = rng.normal(size=(B, T, d))
        last = rng.integers(0, T, B)
        q3.append(call("extract_features", h, last))
        T2 = int(rng.integers(1, T + 5))
        h2 = rng.normal(size=(B, T2, d))
        q3.append(call("similarity_features", h, last, h2, rng.integers(0, T2, B)))
    h = rng.normal(size=(3, 6, 5))
    q3 += [
        call("extract_features", h, [5, 0, 5]),  # a list of indices
        call("extract_features", h[0], np.array([1, 2, 3, 4, 5, 0]), raises="ValueError"),
        call("extract_features", h, np.array([0, 6, 1]), raises="ValueError"),
        call("extract_features", h, np.array([0, -1, 1]), raises="ValueError"),
        call("extract_features", h, np.array([0, 1]), raises="ValueError"),
        call("similarity_features", h, np.array([1, 2, 3]), h[:2], np.array([1, 2]), raises="ValueError"),
        call("similarity_features", h, np.array([1, 2, 3]), h[..., :4], np.array([1, 2, 3]), raises="ValueError"),
    ]
    # q4: random logits; targets built like pad_batch's, with -100 holes
    for (B, K, T, V, scale, lam) in ((1, 2, 3, 5, 1.0, 0.5), (8, 2, 12, 50, 2.0, 0.5), (4, 5, 20, 500, 3.0, 0.25),
                                     (16, 3, 6, 100, 1.0, 0.0), (2, 2, 4, 30, 1e4, 1.0)):
        lengths = rng.integers(2, T + 1, B)
        lengths[0] = T
        tg = rng.integers(0, V, (B, T))
        tg[np.arange(T)[None, :] > lengths[:, None] - 3] = -100
        q4.append(call("finetune_loss", rng.normal(0, scale, (B, K)), rng.integers(0, K, B),
                       rng.normal(0, scale, (B, T, V)), tg, lam, rtol=1e-6))
    ok_tg = np.array([[1, 2, -100], [0, -100, -100]])
    z, y, lz = rng.normal(size=(2, 2)), np.array([0, 1]), rng.normal(size=(2, 3, 4))
    q4 += [
        call("finetune_loss", np.full((3, 2), -5e3), [0, 1, 1], np.full((3, 2, 6), 7e3),
             [[5, -100], [0, 1], [-100, -100]], 2.0, rtol=1e-6),
        call("finetune_loss", z, y, lz, ok_tg, -0.1, raises="ValueError"),
        call("finetune_loss", z, np.array([0, 2]), lz, ok_tg, 0.5, raises="ValueError"),
        call("finetune_loss", z, y, lz, np.array([[1, 4, -100], [0, -100, -100]]), 0.5, raises="ValueError"),
        call("finetune_loss", z, y, lz, np.array([[1, -5, -100], [0, -100, -100]]), 0.5, raises="ValueError"),
        call("finetune_loss", z, y, lz, np.full((2, 3), -100), 0.5, raises="ValueError"),
        call("finetune_loss", z, y, lz, ok_tg[:, :2], 0.5, raises="ValueError"),
        call("finetune_loss", z, np.array([0, 1, 1]), lz, ok_tg, 0.5, raises="ValueError"),
    ]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
