"""Corpus readers: each returns plain Python / NumPy objects read from the checked registry files.

All files are read as UTF-8 text with universal newlines (SICK's test file has CRLF line ends).
Nothing is cached between calls: keep the result if you need it twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .fetch import path

PTB_SPLITS = ("train", "valid", "test")
WIKITEXT2_SPLITS = ("train", "valid", "test")
SST2_SPLITS = ("train", "dev", "test")
STSB_SPLITS = ("train", "dev", "test")
SICK_SPLITS = ("train", "trial", "test")

# Subsets of each STS year, in SentEval's order (senteval/sts.py).
STS_SUBSETS: dict[str, tuple[str, ...]] = {
    "sts12": ("MSRpar", "MSRvid", "SMTeuroparl", "surprise.OnWN", "surprise.SMTnews"),
    "sts13": ("FNWN", "headlines", "OnWN"),
    "sts14": ("deft-forum", "deft-news", "headlines", "images", "OnWN", "tweet-news"),
    "sts15": ("answers-forums", "answers-students", "belief", "headlines", "images"),
    "sts16": ("answer-answer", "headlines", "plagiarism", "postediting", "question-question"),
}
STS_NAMES = (*STS_SUBSETS, *(f"{n}-raw" for n in STS_SUBSETS), "stsb", "stsb-raw", "sick")


def _check_split(split: object, allowed: tuple[str, ...], what: str) -> str:
    if split not in allowed:
        raise ValueError(f"split must be one of {allowed} for {what}, got {split!r}")
    return split  # type: ignore[return-value]


def _read(name: str, file: str | None = None) -> str:
    with open(path(name, file), encoding="utf-8") as fh:  # universal newlines: "\r\n" -> "\n"
        return fh.read()


def _lines(name: str, file: str | None = None) -> list[str]:
    """The file's lines without their "\\n" (a final newline does not make an extra empty line)."""
    text = _read(name, file)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# --- language-modelling corpora --------------------------------------------------------------

def load_ptb(split: str) -> list[list[str]]:
    """Penn Treebank (Mikolov's version): one token list per line (sentence), split on whitespace.

    No ``<eos>`` is added (append it yourself, as the LM chapters do); ``<unk>`` and ``N`` are already
    in the text. train/valid/test: 42,068 / 3,370 / 3,761 sentences, 887,521 / 70,390 / 78,669 words.

    Used in: book/ngram-language-models, book/rnn-language-models.
    """
    _check_split(split, PTB_SPLITS, "ptb")
    return [line.split() for line in _lines("ptb", f"ptb.{split}.txt")]


def load_wikitext2_text(split: str) -> str:
    """WikiText-2 (v1, tokenized) split as raw text, exactly as stored (``train.txt`` etc.)."""
    _check_split(split, WIKITEXT2_SPLITS, "wikitext-2")
    return _read("wikitext-2", f"{split}.txt")


def load_wikitext2(split: str) -> list[list[str]]:
    """WikiText-2 split as token lists, one per non-empty line (whitespace split).

    Heading lines such as ``= Valkyria Chronicles III =`` are kept, their ``=`` marks as tokens, as
    in pytorch/examples' word_language_model; empty lines are dropped. No ``<eos>`` is added.
    Token counts (train/valid/test): 2,051,910 / 213,886 / 241,211.

    Used in: book/rnn-language-models, book/gpt.
    """
    lines = load_wikitext2_text(split).split("\n")
    return [toks for toks in (line.split() for line in lines) if toks]


def load_tinyshakespeare() -> str:
    """Tiny Shakespeare as one string (1,115,394 ASCII characters, 65 distinct).

    Used in: book/char-rnn, book/gpt.
    """
    return _read("tinyshakespeare")


# --- sentence pairs ----------------------------------------------------------------------------

@dataclass
class STSPairs:
    """Scored sentence pairs; ``subset[i]`` names the part pair i comes from (an STS subset such as
    ``"MSRpar"``, the STS-B genre, or ``"SICK"``) so per-subset correlations can be computed."""

    s1: list[str]
    s2: list[str]
    scores: np.ndarray  # (N,) float64
    subset: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.scores = np.asarray(self.scores, dtype=np.float64)
        if not self.subset:
            self.subset = [""] * len(self.s1)
        n = len(self.s1)
        if not (len(self.s2) == len(self.scores) == len(self.subset) == n):
            raise ValueError(f"STSPairs fields differ in length: s1 {n}, s2 {len(self.s2)}, "
                             f"scores {len(self.scores)}, subset {len(self.subset)}")

    def __len__(self) -> int:
        return len(self.s1)

    def subsets(self) -> list[str]:
        """Distinct subset names in order of first appearance."""
        return list(dict.fromkeys(self.subset))

    def select(self, subset: str) -> "STSPairs":
        """The pairs of one subset."""
        idx = [i for i, s in enumerate(self.subset) if s == subset]
        if not idx:
            raise ValueError(f"subset must be one of {self.subsets()}, got {subset!r}")
        return STSPairs([self.s1[i] for i in idx], [self.s2[i] for i in idx], self.scores[idx],
                        [subset] * len(idx))


def _fields(line: str, n: int, where: str) -> list[str]:
    cols = line.split("\t")
    if len(cols) < n:
        raise ValueError(f"{where}: expected at least {n} tab-separated fields, got {len(cols)}: {line[:80]!r}")
    return cols


def _sts_year(name: str) -> STSPairs:
    base = name.removesuffix("-raw")
    raw16 = name == "sts16-raw"  # keeps SemEval 2016's file names and 4 input columns
    s1, s2, scores, subset = [], [], [], []
    for sub in STS_SUBSETS[base]:
        stem = "STS2016" if raw16 else "STS"
        pairs = _lines(name, f"{stem}.input.{sub}.txt")
        gold = _lines(name, f"{stem}.gs.{sub}.txt")
        if len(pairs) != len(gold):
            raise ValueError(f"{name}/{sub}: {len(pairs)} input lines but {len(gold)} gold lines")
        for line, g in zip(pairs, gold):
            if not g.strip():
                continue  # unscored pair (STS15/16 inputs hold more pairs than were rated)
            cols = _fields(line, 2, f"{name}/{sub}")
            s1.append(cols[0])
            s2.append(cols[1])
            scores.append(float(g))
            subset.append(sub)
    return STSPairs(s1, s2, np.array(scores, dtype=np.float64), subset)


def _stsb(name: str, split: str) -> STSPairs:
    # Tab-separated, no header: genre, file, year, id, score, sentence1, sentence2[, source1, source2].
    # Split on tabs only: quotes are part of the text (a CSV reader would merge lines).
    s1, s2, scores, subset = [], [], [], []
    for line in _lines(name, f"sts-{split}.csv"):
        cols = _fields(line, 7, f"{name}/{split}")
        subset.append(cols[0])
        scores.append(float(cols[4]))
        s1.append(cols[5])
        s2.append(cols[6])
    return STSPairs(s1, s2, np.array(scores, dtype=np.float64), subset)


def _sick(split: str) -> STSPairs:
    file = {"train": "SICK_train.txt", "trial": "SICK_trial.txt", "test": "SICK_test_annotated.txt"}[split]
    lines = _lines("sick", file)
    s1, s2, scores = [], [], []
    for line in lines[1:]:  # header: pair_ID, sentence_A, sentence_B, relatedness_score, entailment
        cols = _fields(line, 4, f"sick/{split}")
        s1.append(cols[1])
        s2.append(cols[2])
        scores.append(float(cols[3]))
    return STSPairs(s1, s2, np.array(scores, dtype=np.float64), ["SICK"] * len(s1))


def load_sts(name: str, split: str | None = None) -> STSPairs:
    """Load a semantic-textual-similarity set as :class:`STSPairs`.

    Parameters
    ----------
    name : str
        ``"sts12"`` .. ``"sts16"``: SentEval's lowercased, tokenized test sets, all subsets
        concatenated in SentEval's order (``pairs.subset`` says which), unscored pairs skipped.
        ``"sts12-raw"`` .. ``"sts16-raw"``: the same pairs from the original (cased) SemEval files.
        ``"stsb"`` / ``"stsb-raw"``: STS Benchmark (SentEval copy / original); ``subset`` = genre.
        ``"sick"``: SICK-R relatedness scores (1-5); ``subset`` is ``"SICK"``.
    split : str or None
        STS12-16: None (or ``"test"``, their only split). STS-B: ``"train"``, ``"dev"``, ``"test"``
        (5,749 / 1,500 / 1,379 pairs). SICK: ``"train"``, ``"trial"``, ``"test"`` (4,500 / 500 / 4,927).

    Used in: book/sentence-embeddings, book/consert.
    """
    if name not in STS_NAMES:
        raise ValueError(f"name must be one of {STS_NAMES}, got {name!r}")
    if name.removesuffix("-raw") in STS_SUBSETS:
        if split not in (None, "test"):
            raise ValueError(f"split must be None or 'test' for {name} (a test-only set), got {split!r}")
        return _sts_year(name)
    if name == "sick":
        return _sick(_check_split(split, SICK_SPLITS, name))
    return _stsb(name, _check_split(split, STSB_SPLITS, name))


# --- classification ----------------------------------------------------------------------------

def load_sst2(split: str) -> tuple[list[str], np.ndarray]:
    """SST-2 sentences and labels (int64, 1 = positive).

    train/dev are GLUE's (67,349 / 872); test is the labeled 1,821-sentence split SentEval uses
    (``senteval-sentiment-test.txt``; GLUE's own test file has no labels). Sentences are lowercased
    and tokenized in the source; trailing spaces are stripped.

    Used in: book/text-classification, book/bert-finetuning.
    """
    _check_split(split, SST2_SPLITS, "sst2")
    if split == "test":
        lines = _lines("sst2", "senteval-sentiment-test.txt")
    else:
        lines = _lines("sst2", f"{split}.tsv")[1:]  # header "sentence\tlabel"
    sents, labels = [], []
    for i, line in enumerate(lines):
        text, sep, label = line.rpartition("\t")
        if not sep or label.strip() not in ("0", "1"):
            raise ValueError(f"sst2/{split}: line {i + 1} is not 'sentence<TAB>0|1': {line[:80]!r}")
        sents.append(text.strip())
        labels.append(int(label))
    return sents, np.array(labels, dtype=np.int64)


# --- word-level evaluation sets ---------------------------------------------------------------

def load_word_similarity(name: str) -> list[tuple[str, str, float]]:
    """Word pairs with human similarity scores: ``"wordsim353"`` (353, 0-10) or ``"simlex999"`` (999, 0-10).

    ``#`` comment/header lines are skipped; words keep their case as in the file.

    Used in: book/word2vec.
    """
    if name not in ("wordsim353", "simlex999"):
        raise ValueError(f"name must be 'wordsim353' or 'simlex999', got {name!r}")
    out = []
    for line in _lines(name):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3:
            raise ValueError(f"{name}: expected 'word1<TAB>word2<TAB>score', got {line!r}")
        out.append((cols[0], cols[1], float(cols[2])))
    return out


def load_analogy(lowercase: bool = False) -> dict[str, list[tuple[str, str, str, str]]]:
    """The Google analogy questions by section (``"capital-common-countries"``, ..., ``"gram9-plural-verbs"``).

    Each question ``(a, b, c, d)`` reads "a is to b as c is to d". Words keep their original case
    (``"Athens", "Greece", ...``) unless ``lowercase=True``; word2vec's ``compute-accuracy`` and gensim
    compare case-insensitively, so lowercase them (or the vocabulary) before looking them up.
    19,544 questions in 14 sections (the first 5 semantic, 8,869 questions; the rest syntactic).

    Used in: book/word2vec.
    """
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current: list | None = None
    for i, line in enumerate(_lines("google-analogy")):
        if line.startswith(":"):
            current = sections.setdefault(line[1:].strip(), [])
            continue
        words = (line.lower() if lowercase else line).split()
        if not words:
            continue
        if current is None or len(words) != 4:
            raise ValueError(f"google-analogy line {i + 1}: expected 4 words after a ': section' line, got {line!r}")
        current.append((words[0], words[1], words[2], words[3]))
    return sections
