"""The Huffman tree of hierarchical softmax (层次softmax), built as in word2vec.c's ``CreateBinaryTree``.

Each of the V words is a leaf; the V-1 inner nodes each own an output vector (a row of ``syn1``).
A word's path from the root is a list of inner nodes ``points`` and the branch taken at each
``codes`` (0 or 1). With hidden vector ``h``, the probability of word ``w`` is

    p(w | h) = prod_j sigmoid((1 - 2 codes_j) * h . syn1[points_j])

so going left (code 0) has probability sigmoid(f) and right (code 1) sigmoid(-f) = 1 - sigmoid(f):
the leaf probabilities sum to 1 by construction, and a prediction costs log2(V) dot products
instead of V. Frequent words get short codes (Huffman), which makes training faster still.

Used in: book/word-vectors
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HuffmanTree", "build_huffman", "leaf_log_probs"]


@dataclass
class HuffmanTree:
    """Padded paths of every word: ``codes`` (V, L) int8, ``points`` (V, L) int32 (inner-node ids in
    ``[0, V-1)``, root first), ``lengths`` (V,) int32. Entries past ``lengths[w]`` are 0."""

    codes: np.ndarray
    points: np.ndarray
    lengths: np.ndarray

    def code(self, w: int) -> str:
        """Word ``w``'s code as a string of 0/1, root first."""
        return "".join(str(int(c)) for c in self.codes[w, : self.lengths[w]])


def build_huffman(counts: np.ndarray) -> HuffmanTree:
    """Build the Huffman tree of word counts (word2vec.c's two-queue algorithm, O(V) after a sort).

    Parameters
    ----------
    counts : array of int, shape (V,), V >= 2, all > 0
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or counts.shape[0] < 2:
        raise ValueError(f"counts must be 1-D with at least 2 words (a tree needs 2 leaves), got shape {counts.shape}")
    if not np.issubdtype(counts.dtype, np.integer) or (counts <= 0).any():
        raise ValueError("counts must be positive integers")
    V = counts.shape[0]
    order = np.argsort(-counts, kind="stable")  # word2vec.c expects counts sorted descending
    count = np.empty(2 * V - 1, dtype=np.int64)
    count[:V] = counts[order]
    parent = np.zeros(2 * V - 1, dtype=np.int64)
    binary = np.zeros(2 * V - 1, dtype=np.int8)
    pos1, pos2 = V - 1, V  # pos1 walks the leaves from the rarest up; pos2 the new inner nodes
    big = np.iinfo(np.int64).max
    for a in range(V - 1):
        mins = []
        for _ in range(2):
            c2 = count[pos2] if pos2 < V + a else big
            if pos1 >= 0 and count[pos1] < c2:
                mins.append(pos1)
                pos1 -= 1
            else:
                mins.append(pos2)
                pos2 += 1
        count[V + a] = count[mins[0]] + count[mins[1]]
        parent[mins[0]] = parent[mins[1]] = V + a
        binary[mins[1]] = 1
    root = 2 * V - 2
    paths_c, paths_p = [], []
    for leaf in range(V):
        c, p, b = [], [], leaf
        while b != root:
            c.append(binary[b])
            b = parent[b]
            p.append(b - V)  # inner node id of b's parent, in [0, V-1)
        paths_c.append(c[::-1])
        paths_p.append(p[::-1])
    L = max(len(c) for c in paths_c)
    codes = np.zeros((V, L), dtype=np.int8)
    points = np.zeros((V, L), dtype=np.int32)
    lengths = np.zeros(V, dtype=np.int32)
    for sorted_i, w in enumerate(order):  # back to the caller's word order
        n = len(paths_c[sorted_i])
        codes[w, :n], points[w, :n], lengths[w] = paths_c[sorted_i], paths_p[sorted_i], n
    return HuffmanTree(codes, points, lengths)


def leaf_log_probs(tree: HuffmanTree, h: np.ndarray, syn1: np.ndarray) -> np.ndarray:
    """log p(w | h) of every word under hierarchical softmax, shape (V,) (float64; for checks)."""
    h = np.asarray(h, dtype=np.float64)
    f = syn1.astype(np.float64)[tree.points] @ h                      # (V, L)
    sign = 1.0 - 2.0 * tree.codes                                     # (V, L)
    mask = np.arange(tree.codes.shape[1])[None, :] < tree.lengths[:, None]
    return np.where(mask, -np.logaddexp(0.0, -sign * f), 0.0).sum(1)  # sum_j log sigmoid(sign f)
