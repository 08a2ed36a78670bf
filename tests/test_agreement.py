"""The agreement evaluation: templates, the PTB vocabulary check, and scoring with known scorers."""
from __future__ import annotations

import numpy as np
import pytest

from ptmcourse.agreement import NOUNS, VERBS, agreement_accuracy, check_vocab, make_agreement_items

SING = {s for s, _ in NOUNS + VERBS}
PLUR = {p for _, p in NOUNS + VERBS}


def _agrees_with(noun: str, verb: str) -> bool:
    return (noun in SING) == (verb in SING)


def first_noun_scorer(sentences):
    """Agrees with the subject (the word after the first 'the'): a perfect model."""
    return np.array([1.0 if _agrees_with(s[1], s[-1]) else 0.0 for s in sentences])


def last_noun_scorer(sentences):
    """Agrees with the nearest noun before the verb: the shortcut attractors are built to catch."""
    return np.array([1.0 if _agrees_with(s[-2], s[-1]) else 0.0 for s in sentences])


def test_items_are_minimal_pairs_with_growing_distance():
    items = make_agreement_items(levels=range(4), n_per_level=40, seed=0)
    assert len(items) == 160
    for it in items:
        assert it.good[:-1] == it.bad[:-1] and it.good[-1] != it.bad[-1]
        assert len(it.good) == it.distance + 3
        assert it.good[1] in (PLUR if it.plural_subject else SING)
        assert (it.good[-1] in PLUR) == it.plural_subject
        nouns = [w for w in it.good[2:-1] if w in SING | PLUR]
        assert len(nouns) == it.level
        assert all((w in PLUR) != it.plural_subject for w in nouns)  # attractors: opposite number
        lemmas = [next(i for i, pair in enumerate(NOUNS) if w in pair) for w in [it.good[1], *nouns]]
        assert len(set(lemmas)) == len(lemmas)  # no noun twice, in either number
    for k in range(4):
        lv = [it for it in items if it.level == k]
        assert sum(it.plural_subject for it in lv) == 20
    dist = [np.mean([it.distance for it in items if it.level == k]) for k in range(4)]
    assert dist[0] == 0 and all(a < b for a, b in zip(dist, dist[1:]))
    again = make_agreement_items(levels=[2], n_per_level=10, seed=3)
    assert make_agreement_items(levels=[2], n_per_level=10, seed=3) == again


def test_same_number_attractors_control():
    for it in make_agreement_items(levels=[3], n_per_level=10, attractors="same"):
        nouns = [w for w in it.good[2:-1] if w in SING | PLUR]
        assert all((w in PLUR) == it.plural_subject for w in nouns)


def test_scoring_with_known_scorers():
    items = make_agreement_items(levels=range(3), n_per_level=20)
    perfect = agreement_accuracy(items, first_noun_scorer, batch_size=7)
    assert perfect["level"] == [0, 1, 2] and perfect["accuracy"] == [1.0, 1.0, 1.0]
    assert perfect["n"] == [20, 20, 20]
    shortcut = agreement_accuracy(items, last_noun_scorer)
    assert shortcut["accuracy"] == [1.0, 0.0, 0.0]
    singular_bias = agreement_accuracy(items, lambda ss: [1.0 if s[-1] in SING else 0.0 for s in ss])
    assert singular_bias["accuracy_singular"] == [1.0] * 3 and singular_bias["accuracy_plural"] == [0.0] * 3


def test_every_template_word_is_in_the_ptb_vocabulary():
    from ptmcourse.models.lstm_lm import load_ptb_ids

    vocab, _ = load_ptb_ids(splits=())
    check_vocab(vocab)
    items = make_agreement_items(n_per_level=50, vocab=vocab)
    assert all(w in vocab for it in items for w in it.good + it.bad)


def test_bad_inputs():
    with pytest.raises(ValueError, match="not in the vocabulary"):
        check_vocab({"the", "that"})
    with pytest.raises(ValueError, match="levels"):
        make_agreement_items(levels=[-1])
    with pytest.raises(ValueError, match="n_per_level"):
        make_agreement_items(n_per_level=0)
    with pytest.raises(ValueError, match="attractors"):
        make_agreement_items(attractors="mixed")
    with pytest.raises(ValueError, match="empty"):
        agreement_accuracy([], first_noun_scorer)
    items = make_agreement_items(levels=[0], n_per_level=4)
    with pytest.raises(ValueError, match="shape"):
        agreement_accuracy(items, lambda ss: [0.0])
    with pytest.raises(ValueError, match="non-finite"):
        agreement_accuracy(items, lambda ss: [float("nan")] * len(ss))
    with pytest.raises(TypeError, match="callable"):
        agreement_accuracy(items, "gpt")
