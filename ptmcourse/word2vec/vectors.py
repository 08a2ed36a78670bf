"""Word vectors (词向量) as a plain object: a word list, a (V, D) float32 matrix, look-ups, neighbours,
analogies, and files (safetensors + JSON, or word2vec's text format that gensim reads).

Used in: book/word-vectors
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..utils import default_file_mode

__all__ = ["KeyedVectors"]

_FORMAT = "ptmcourse.KeyedVectors"


class KeyedVectors:
    """Vectors addressed by word, the trained "Q matrix" of a word-vector model.

    Parameters
    ----------
    words : sequence of str
        Row ``i`` of ``vectors`` belongs to ``words[i]``; by convention the most frequent word first
        (evaluation restricts analogies to the first ``restrict`` rows).
    vectors : array-like, shape (V, D)
    counts : sequence of int, optional
        Corpus frequency of each word (kept in files; not needed for look-ups).

    Used in: book/word-vectors
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray, counts: Sequence[int] | None = None) -> None:
        words = list(words)
        vecs = np.asarray(vectors, dtype=np.float32)
        if vecs.ndim != 2:
            raise ValueError(f"vectors must have shape (V, D), got {vecs.shape}")
        if len(words) != vecs.shape[0]:
            raise ValueError(f"words has {len(words)} entries but vectors has {vecs.shape[0]} rows")
        if not all(isinstance(w, str) and w and not any(c.isspace() for c in w) for w in words):
            raise ValueError("words must be non-empty strings without whitespace")
        index = {w: i for i, w in enumerate(words)}
        if len(index) != len(words):
            raise ValueError("words must not repeat")
        if counts is not None and len(counts) != len(words):
            raise ValueError(f"counts has {len(counts)} entries, expected one per word ({len(words)})")
        self.words, self.vectors, self.index = words, np.ascontiguousarray(vecs), index
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self._unit: np.ndarray | None = None

    # --- look-ups ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.words)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self._id(word)]

    def _id(self, word: str) -> int:
        i = self.index.get(word)
        if i is None:
            raise KeyError(f"word {word!r} is not in the vocabulary ({len(self)} words)")
        return i

    def unit(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero), (V, D) float32; cached."""
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)  # (V, 1)
            self._unit = self.vectors / np.maximum(norms, 1e-12)
        return self._unit

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words."""
        u = self.unit()
        return float(u[self._id(a)] @ u[self._id(b)])

    def most_similar(self, query: str | np.ndarray, topn: int = 10, restrict: int | None = None,
                     exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
        """The ``topn`` nearest words by cosine to a word (itself excluded) or to a vector.

        ``restrict`` searches only the first (most frequent) ``restrict`` words.
        """
        if isinstance(topn, bool) or not isinstance(topn, int) or topn < 1:
            raise ValueError(f"topn must be a positive int, got {topn!r}")
        u = self.unit()
        n = len(self) if restrict is None else min(int(restrict), len(self))
        skip = {self._id(w) for w in exclude if w in self.index}
        if isinstance(query, str):
            skip.add(self._id(query))
            q = u[self._id(query)]
        else:
            q = np.asarray(query, dtype=np.float32)
            if q.shape != (self.dim,):
                raise ValueError(f"query vector must have shape ({self.dim},), got {q.shape}")
            q = q / max(float(np.linalg.norm(q)), 1e-12)
        sims = u[:n] @ q  # (n,)
        for i in skip:
            if i < n:
                sims[i] = -np.inf
        k = min(topn, n - sum(i < n for i in skip))
        top = np.argpartition(-sims, k - 1)[:k] if k > 0 else np.array([], dtype=np.int64)
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.words[i], float(sims[i])) for i in top]

    def analogy(self, a: str, b: str, c: str, topn: int = 1, method: str = "3cosadd",
                restrict: int | None = None) -> list[tuple[str, float]]:
        """"``a`` is to ``b`` as ``c`` is to ?": the best words by 3CosAdd or 3CosMul (a, b, c excluded)."""
        from ..wordvec_eval import analogy_scores

        u = self.unit()
        n = len(self) if restrict is None else min(int(restrict), len(self))
        ids = np.array([[self._id(a), self._id(b), self._id(c)]])
        scores = analogy_scores(u[:n], u[ids[:, 0]], u[ids[:, 1]], u[ids[:, 2]], method)[0]  # (n,)
        for i in ids[0]:
            if i < n:
                scores[i] = -np.inf
        top = np.argsort(-scores, kind="stable")[:topn]
        return [(self.words[i], float(scores[i])) for i in top]

    # --- files ---------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Write ``path`` (safetensors: the matrix) and ``path + '.json'`` (words, counts)."""
        from safetensors.numpy import save_file

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"format": _FORMAT, "version": 1, "words": self.words,
                "counts": None if self.counts is None else self.counts.tolist()}
        _atomic(path, lambda tmp: save_file({"vectors": self.vectors}, tmp))
        _atomic(Path(str(path) + ".json"),
                lambda tmp: Path(tmp).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8"))
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> "KeyedVectors":
        """Read what :meth:`save` wrote."""
        from safetensors.numpy import load_file

        meta = json.loads(Path(str(path) + ".json").read_text(encoding="utf-8"))
        if meta.get("format") != _FORMAT:
            raise ValueError(f"{path}.json is not a {_FORMAT} file")
        vecs = load_file(str(path))["vectors"]
        return cls(meta["words"], vecs, meta["counts"])

    def save_word2vec_format(self, path: str | os.PathLike) -> Path:
        """word2vec.c's text format: a header ``V D``, then ``word x1 ... xD`` per line (UTF-8).

        gensim reads it with ``KeyedVectors.load_word2vec_format(path, binary=False)``.
        """
        path = Path(path)

        def write(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(f"{len(self)} {self.dim}\n")
                for w, v in zip(self.words, self.vectors):
                    fh.write(w + " " + " ".join(f"{x:.6g}" for x in v.tolist()) + "\n")

        _atomic(path, write)
        return path

    @classmethod
    def load_word2vec_format(cls, path: str | os.PathLike) -> "KeyedVectors":
        """Read word2vec's text format, checking the header against every line."""
        with open(path, encoding="utf-8") as fh:
            header = fh.readline().split()
            if len(header) != 2 or not all(h.isdigit() for h in header):
                raise ValueError(f"{path}: the first line must be 'V D' (two integers), got {header!r}")
            n, d = int(header[0]), int(header[1])
            words, rows = [], []
            for lineno, line in enumerate(fh, start=2):
                parts = line.rstrip("\n").rstrip(" ").split(" ")
                if parts == [""]:
                    continue
                if len(parts) != d + 1:
                    raise ValueError(f"{path}: line {lineno} has {len(parts) - 1} numbers, the header says D={d}")
                words.append(parts[0])
                rows.append(np.array(parts[1:], dtype=np.float32))
        if len(words) != n:
            raise ValueError(f"{path}: the header says V={n} words, the file has {len(words)}")
        return cls(words, np.stack(rows) if rows else np.zeros((0, d), np.float32))

    def __repr__(self) -> str:
        return f"KeyedVectors(words={len(self)}, dim={self.dim})"


def _atomic(path: Path, write) -> None:
    """Write via a temp file in the same folder, then rename: nothing is left half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
