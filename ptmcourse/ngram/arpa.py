"""ARPA back-off files: write our models for standard tools (KenLM, SRILM) and read theirs.

The format (Stolcke's SRILM documentation, "ngram-format")::

    \\data\\
    ngram 1=3
    ngram 2=2

    \\1-grams:
    -99      <s>     -0.30103
    -0.47712 </s>
    -0.17609 word    -0.1
    ...
    \\2-grams:
    -0.1     <s> word
    ...
    \\end\\

Each line: log10 p(w_n | w_1..w_{n-1}), the words, and (below the highest order) the log10 backoff
weight of the n-gram as a context. ``-99`` stands for log10 0.

Used in: book/ngram-language-models
"""
from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from .counts import lookup
from .model import NgramLM

LOG10 = math.log(10.0)
_NGRAM_RE = re.compile(r"^ngram\s+(\d+)\s*=\s*(\d+)$")
_SECTION_RE = re.compile(r"^\\(\d+)-grams:$")


def _fmt(x: np.ndarray) -> list[str]:
    x = np.where(np.isfinite(x), x / LOG10, -99.0)
    return list(map("{:.7g}".format, np.maximum(x, -99.0).tolist()))


def write_arpa(model: NgramLM, path: str | os.PathLike, itos: Sequence[str]) -> Path:
    """Write ``model`` as an ARPA file; ``itos[i]`` is the word of id i (e.g. ``Vocab.itos``).

    Add-k is not a back-off model (its unseen mass goes to the uniform distribution, not to the
    lower order), so it cannot be written as ARPA; the other methods are written exactly.
    The file is written to a temp name and renamed, so a failed write leaves nothing behind.

    Used in: book/ngram-language-models, bench/ngram.py
    """
    if not isinstance(model, NgramLM):
        raise TypeError(f"model must be an NgramLM, got {type(model).__name__}")
    if model.method == "addk":
        raise ValueError("method='addk' models cannot be written as ARPA (add-k does not back off to the "
                         "lower order); use 'mle', 'kn' or 'mkn'")
    if model.padding != "single":
        raise ValueError("only padding='single' models (one <s> per sentence) follow ARPA conventions")
    itos = list(itos)
    V = model.vocab_size
    if len(itos) != V:
        raise ValueError(f"itos has {len(itos)} words but the model's vocabulary has {V} ids")
    if any((not isinstance(w, str)) or (not w) or any(ch.isspace() for ch in w) for w in itos):
        raise ValueError("every word in itos must be a non-empty str without whitespace (ARPA separates by space)")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    N = model.order
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("\\data\\\n")
            for k in range(1, N + 1):
                f.write(f"ngram {k}={model.keys[k].size}\n")
            text = np.array(itos, dtype=object)  # the words of each entry of the current table
            word = text
            for k in range(1, N + 1):
                f.write(f"\n\\{k}-grams:\n")
                if k > 1:  # prefix text + " " + last word, in C loops over object arrays
                    text = text[model.keys[k] // V] + " " + word[model.keys[k] % V]
                cols = [_fmt(model.logp[k]), text.tolist()] + ([_fmt(model.logbow[k])] if k < N else [])
                f.write("\n".join(map("\t".join, zip(*cols))))
                f.write("\n")
            f.write("\n\\end\\\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_arpa(path: str | os.PathLike, itos: Sequence[str] | None = None, bos: str = "<s>",
              eos: str = "</s>", unk: str | None = "<unk>") -> tuple[NgramLM, list[str]]:
    """Read an ARPA file into an :class:`NgramLM` (method ``"arpa"``).

    Parameters
    ----------
    itos : sequence of str, optional
        The id of each word (e.g. ``Vocab.itos``); words of the file not in it are an error, and its
        words missing from the file get probability 0. Default: the file's unigrams, in file order.
    bos, eos, unk : str
        The boundary and unknown words (``unk=None`` or absent from the vocabulary: no unknown id).

    Returns
    -------
    (model, itos)

    Every n-gram's prefix (its first n-1 words) must be in the file, as SRILM and KenLM write them.
    Errors name the line and what is wrong.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"ARPA file {path} does not exist")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    where = f"malformed ARPA file {path}"
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != "\\data\\":
        raise ValueError(f"{where}: expected '\\data\\' header at line {i + 1}")
    i += 1
    sizes: dict[int, int] = {}
    while i < len(lines) and lines[i].strip():
        m = _NGRAM_RE.match(lines[i].strip())
        if not m:
            raise ValueError(f"{where}: line {i + 1}: expected 'ngram N=COUNT', got {lines[i]!r}")
        sizes[int(m.group(1))] = int(m.group(2))
        i += 1
    if not sizes or sorted(sizes) != list(range(1, len(sizes) + 1)):
        raise ValueError(f"{where}: the \\data\\ section must list 'ngram 1=..' to 'ngram N=..', "
                         f"got orders {sorted(sizes)}")
    N = len(sizes)
    rows: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # words (n, k), log10 p, log10 bow
    for k in range(1, N + 1):
        while i < len(lines) and not lines[i].strip():
            i += 1
        m = _SECTION_RE.match(lines[i].strip()) if i < len(lines) else None
        if m is None or int(m.group(1)) != k:
            got = lines[i] if i < len(lines) else "end of file"
            raise ValueError(f"{where}: line {i + 1}: expected '\\{k}-grams:', got {got!r}")
        i += 1
        n = sizes[k]
        block = lines[i:i + n]
        end = next((j for j, line in enumerate(block) if not line.strip() or line.startswith("\\")), len(block))
        if end < n:
            raise ValueError(f"{where}: section \\{k}-grams: declares {n} entries but has {end}")
        grams, lp, bo = _parse_block(block, k, N, i, where)
        i += n
        if i < len(lines) and lines[i].strip() and not lines[i].startswith("\\"):
            raise ValueError(f"{where}: line {i + 1}: section \\{k}-grams: has more than the declared {n} entries")
        rows[k] = (grams, lp, bo)
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != "\\end\\":
        raise ValueError(f"{where}: expected '\\end\\' after the {N}-grams, at line {i + 1}")

    uni = list(rows[1][0][:, 0])
    if itos is None:
        itos = uni
        if len(set(itos)) != len(itos):
            raise ValueError(f"{where}: a unigram is listed twice")
    itos = list(itos)
    stoi = {w: j for j, w in enumerate(itos)}
    for name, w in (("bos", bos), ("eos", eos)):
        if w not in stoi:
            raise ValueError(f"{where}: {name} word {w!r} is not in the vocabulary")
    V = len(itos)

    def to_ids(grams: np.ndarray, k: int) -> np.ndarray:
        try:
            ids = np.fromiter(map(stoi.__getitem__, grams.ravel()), dtype=np.int64, count=grams.size)
        except KeyError as e:
            raise ValueError(f"{where}: word {e.args[0]!r} of the {k}-grams is not in the vocabulary") from None
        return ids.reshape(-1, k)

    keys = [np.empty(0, np.int64), np.arange(V, dtype=np.int64)]
    logp = [np.empty(0), np.full(V, -np.inf)]
    logbow = [np.empty(0), np.zeros(V)]
    u = to_ids(rows[1][0], 1)[:, 0]
    logp[1][u] = _from10(rows[1][1])
    logbow[1][u] = _from10(rows[1][2])
    for k in range(2, N + 1):
        ids = to_ids(rows[k][0], k)
        pre = ids[:, 0].copy()
        for m in range(2, k):
            j = lookup(keys[m], pre * V + ids[:, m - 1])
            bad = j < 0
            if bad.any():
                g = list(rows[k][0][int(np.flatnonzero(bad)[0])])
                raise ValueError(f"{where}: the {k}-gram {' '.join(g)!r} has no {m}-gram prefix {' '.join(g[:m])!r}")
            pre = j
        key = pre * V + ids[:, -1]
        order = np.argsort(key, kind="stable")
        key = key[order]
        if key.size > 1 and (np.diff(key) == 0).any():
            g = list(rows[k][0][int(order[np.flatnonzero(np.diff(key) == 0)[0]])])
            raise ValueError(f"{where}: the {k}-gram {' '.join(g)!r} is listed twice")
        keys.append(key)
        logp.append(_from10(rows[k][1])[order])
        logbow.append(_from10(rows[k][2])[order])
    logbow[N] = np.zeros(keys[N].size)
    model = NgramLM(order=N, vocab_size=V, bos=stoi[bos], eos=stoi[eos],
                    unk=stoi.get(unk) if unk is not None else None, method="arpa", padding="single",
                    keys=keys, logp=logp, logbow=logbow)
    return model, itos


def _parse_block(block: list[str], k: int, N: int, first_line: int, where: str):
    """Words (array (n, k) of str), log10 probs and log10 backoffs of one section's lines."""
    n = len(block)
    flat = "\n".join(block).split()
    for width in ((k + 1, k + 2) if k < N else (k + 1,)):
        if len(flat) == n * width and all(len(line.split()) == width for line in block):
            tab = np.array(flat, dtype=object).reshape(n, width)
            try:
                lp = np.fromiter(map(float, tab[:, 0]), dtype=np.float64, count=n)
                bo = np.fromiter(map(float, tab[:, -1]), dtype=np.float64, count=n) if width == k + 2 else np.zeros(n)
                return tab[:, 1:k + 1], lp, bo
            except ValueError:
                break  # report the bad line below
    lp, bo, grams = np.empty(n), np.zeros(n), []
    for j, line in enumerate(block):  # slow path: mixed widths, or an error to report
        parts = line.split()
        if len(parts) not in (k + 1, k + 2) or (k == N and len(parts) != k + 1):
            raise ValueError(f"{where}: line {first_line + j + 1}: a {k}-gram line needs 'logprob w1..w{k}'"
                             f"{' [backoff]' if k < N else ''}, got {line!r}")
        try:
            lp[j] = float(parts[0])
            if len(parts) == k + 2:
                bo[j] = float(parts[-1])
        except ValueError:
            raise ValueError(f"{where}: line {first_line + j + 1}: not a number in {line!r}") from None
        grams.append(parts[1:k + 1])
    return np.array(grams, dtype=object).reshape(n, k), lp, bo


def _from10(x: np.ndarray) -> np.ndarray:
    """log10 values to natural log; -99 (ARPA's log 0) becomes -inf."""
    return np.where(x <= -99.0, -np.inf, x * LOG10)
