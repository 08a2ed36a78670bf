"""Long-range subject-verb agreement (主谓一致): does a language model prefer the verb form that
agrees with a distant subject?

A targeted evaluation in the style of Marvin & Linzen (2018): templated sentences pair a singular or
plural subject with a verb, separated by a growing number of *attractor* phrases whose nouns have the
opposite number ("the company near the banks that sold the units **was**" / "**were**"). The model
is right on an item when it gives the grammatical sentence a higher probability than the
ungrammatical one. Accuracy is reported per number of attractor phrases (and the mean distance in
words between subject and verb).

The words are PTB words (lowercase, no punctuation), so a model trained on PTB can be scored; any
model can, given a function that returns the log-probability of whole sentences (for a word-level
RNN LM, :func:`ptmcourse.models.lstm_lm.make_sentence_scorer`; a subword model sums the log-probs of
its pieces).

Used in: book/rnn-by-hand (and the GPT chapter)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Container, Iterable, Sequence

import numpy as np

__all__ = ["AgreementItem", "NOUNS", "VERBS", "make_agreement_items", "check_vocab", "agreement_accuracy"]

# (singular, plural) pairs; every form occurs at least 28 times in the PTB training text
NOUNS: tuple[tuple[str, str], ...] = (
    ("company", "companies"), ("bank", "banks"), ("investor", "investors"), ("analyst", "analysts"),
    ("executive", "executives"), ("official", "officials"), ("director", "directors"),
    ("manager", "managers"), ("trader", "traders"), ("lawyer", "lawyers"), ("buyer", "buyers"),
    ("broker", "brokers"), ("firm", "firms"), ("partner", "partners"), ("client", "clients"),
    ("customer", "customers"), ("member", "members"), ("shareholder", "shareholders"),
    ("producer", "producers"), ("economist", "economists"), ("banker", "bankers"), ("pilot", "pilots"),
    ("officer", "officers"), ("country", "countries"), ("state", "states"), ("agency", "agencies"),
    ("group", "groups"),
)
# (singular, plural) verb forms scored at the end of the sentence
VERBS: tuple[tuple[str, str], ...] = (("is", "are"), ("was", "were"), ("has", "have"))
# past-tense transitive verbs (no agreement marking) for the relative clauses, and prepositions
_PAST = ("sold", "owned", "joined", "saw", "called", "told", "helped", "met", "hired", "sued", "blamed",
         "bought", "advised", "criticized")
_PREPS = ("of", "near", "with", "behind", "from", "by")


@dataclass(frozen=True)
class AgreementItem:
    """One minimal pair: ``good`` and ``bad`` differ only in the final verb."""

    level: int                 # number of attractor phrases between subject and verb
    distance: int              # words strictly between the subject noun and the verb
    plural_subject: bool
    good: tuple[str, ...]
    bad: tuple[str, ...]


def make_agreement_items(levels: Iterable[int] = range(5), n_per_level: int = 200, seed: int = 0,
                         attractors: str = "opposite", vocab: Container[str] | None = None,
                         ) -> list[AgreementItem]:
    """Generate agreement minimal pairs.

    Level 0 is ``the S V``; each further level appends an attractor phrase after the subject, either a
    prepositional phrase ``P the A`` (3 words) or a relative clause ``that V-ed the A`` (4 words),
    chosen at random; every attractor noun ``A`` has the opposite number of ``S`` (or the same, with
    ``attractors="same"``, a control). Half the items of each level have a plural subject.

    Parameters
    ----------
    levels : iterable of int >= 0
    n_per_level : int (even numbers give exactly balanced singular/plural subjects)
    seed : int
    attractors : "opposite" or "same"
    vocab : container of str, optional
        If given, every word used is checked to be in it (e.g. the PTB ``Vocab``); a ValueError lists
        the missing ones.

    Used in: book/rnn-by-hand
    """
    levels = list(levels)
    if not levels or any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0 for k in levels):
        raise ValueError(f"levels must be non-negative ints, got {levels!r}")
    if isinstance(n_per_level, bool) or not isinstance(n_per_level, int) or n_per_level < 1:
        raise ValueError(f"n_per_level must be an int >= 1, got {n_per_level!r}")
    if attractors not in ("opposite", "same"):
        raise ValueError(f"attractors must be 'opposite' or 'same', got {attractors!r}")
    if vocab is not None:
        check_vocab(vocab)
    rng = np.random.default_rng(seed)
    items = []
    for level in levels:
        for j in range(n_per_level):
            plural = j % 2 == 1
            s_pair = int(rng.integers(len(NOUNS)))
            subj = NOUNS[s_pair][int(plural)]
            attr_num = int(not plural) if attractors == "opposite" else int(plural)
            words = ["the", subj]
            used = {s_pair}
            for _ in range(level):
                a_pair = int(rng.integers(len(NOUNS)))
                while a_pair in used:  # no noun twice in one sentence (in either number)
                    a_pair = int(rng.integers(len(NOUNS)))
                used.add(a_pair)
                a = NOUNS[a_pair][attr_num]
                if rng.random() < 0.5:
                    words += [str(rng.choice(_PREPS)), "the", a]
                else:
                    words += ["that", str(rng.choice(_PAST)), "the", a]
            verb = VERBS[rng.integers(len(VERBS))]
            items.append(AgreementItem(int(level), len(words) - 2, plural,
                                       tuple(words + [verb[int(plural)]]), tuple(words + [verb[int(not plural)]])))
    return items


def check_vocab(vocab: Container[str]) -> None:
    """Raise ValueError naming every template word that is not in ``vocab``."""
    words = {"the", "that", *_PAST, *_PREPS, *(w for pair in NOUNS + VERBS for w in pair)}
    missing = sorted(w for w in words if w not in vocab)
    if missing:
        raise ValueError(f"{len(missing)} agreement template words are not in the vocabulary: {missing}")


def agreement_accuracy(items: Sequence[AgreementItem], score_fn: Callable[[list[list[str]]], Sequence[float]],
                       batch_size: int = 500) -> dict[str, list]:
    """Score every minimal pair with ``score_fn`` and return accuracy per level.

    Parameters
    ----------
    items : sequence of AgreementItem
    score_fn : callable
        ``score_fn(sentences: list[list[str]]) -> log-probabilities`` (one number per sentence; any
        monotone score works). An item counts as correct when ``good`` scores strictly higher.
    batch_size : int
        Sentences passed to ``score_fn`` at once.

    Returns
    -------
    dict of lists, one entry per level (sorted): ``level``, ``mean_distance`` (words between subject
    and verb), ``n``, ``accuracy``, ``accuracy_singular``, ``accuracy_plural``.

    Used in: book/rnn-by-hand
    """
    if len(items) == 0:
        raise ValueError("items is empty: nothing to evaluate")
    if not callable(score_fn):
        raise TypeError(f"score_fn must be callable(sentences) -> scores, got {type(score_fn).__name__}")
    sentences = [list(it.good) for it in items] + [list(it.bad) for it in items]
    scores = []
    for i in range(0, len(sentences), batch_size):
        chunk = sentences[i:i + batch_size]
        s = np.asarray(score_fn(chunk), dtype=float)
        if s.shape != (len(chunk),):
            raise ValueError(f"score_fn returned shape {s.shape} for {len(chunk)} sentences; expected ({len(chunk)},)")
        if not np.all(np.isfinite(s)):
            raise ValueError("score_fn returned non-finite scores")
        scores.append(s)
    s = np.concatenate(scores)
    correct = s[: len(items)] > s[len(items):]
    level = np.array([it.level for it in items])
    dist = np.array([it.distance for it in items])
    plural = np.array([it.plural_subject for it in items])
    out: dict[str, list] = {k: [] for k in ("level", "mean_distance", "n", "accuracy", "accuracy_singular",
                                            "accuracy_plural")}
    for k in sorted(set(level.tolist())):
        m = level == k
        out["level"].append(int(k))
        out["mean_distance"].append(float(dist[m].mean()))
        out["n"].append(int(m.sum()))
        out["accuracy"].append(float(correct[m].mean()))
        out["accuracy_singular"].append(float(correct[m & ~plural].mean()) if (m & ~plural).any() else float("nan"))
        out["accuracy_plural"].append(float(correct[m & plural].mean()) if (m & plural).any() else float("nan"))
    return out
