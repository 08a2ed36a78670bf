"""WordPiece tokenizer: the algorithm on hand-checkable cases and equality with transformers' BertTokenizer."""
from __future__ import annotations

import os

import pytest

from ptmcourse.wordpiece import SPECIAL_TOKENS, WordPieceTokenizer, basic_tokenize, wordpiece

os.environ.setdefault("HF_HUB_OFFLINE", "1")

VOCAB = list(SPECIAL_TOKENS) + ["un", "una", "##ff", "##able", "aff", "want", "##ed", "runn", "##ing", ",", "!",
                                "hello", "world", "東", "a", "b", "##a", "##b"]


def test_basic_tokenize_cleans_lowercases_strips_accents_and_splits():
    assert basic_tokenize("Héllo,  WÖRLD!\t\x00ok") == ["hello", ",", "world", "!", "ok"]
    assert basic_tokenize("Héllo", lowercase=False) == ["Héllo"]
    assert basic_tokenize("東京abc") == ["東", "京", "abc"]
    assert basic_tokenize("a$b^c") == ["a", "$", "b", "^", "c"]  # ASCII symbols split like punctuation
    assert basic_tokenize("a\u00a0b") == ["a", "b"]  # no-break space is white space


def test_wordpiece_greedy_longest_match():
    vocab = set(VOCAB)
    assert wordpiece("unaffable", vocab) == ["una", "##ff", "##able"]
    assert wordpiece("wanted", vocab) == ["want", "##ed"]
    assert wordpiece("xyz", vocab) == ["[UNK]"]
    assert wordpiece("a" * 101, vocab) == ["[UNK]"]


def test_encode_pairs_specials_and_decode():
    tok = WordPieceTokenizer(VOCAB)
    ids, types = tok.encode("Unaffable running", "hello [MASK]!")
    assert tok.convert_ids_to_tokens(ids) == ["[CLS]", "una", "##ff", "##able", "runn", "##ing", "[SEP]", "hello",
                                              "[MASK]", "!", "[SEP]"]
    assert types == [0] * 7 + [1] * 4
    assert tok.decode(ids) == "unaffable running hello !"
    ids, _ = tok.encode("hello world hello world", "a b a b a b", max_len=8)
    assert len(ids) == 8
    batch = tok(["hello", "hello world !"])
    assert batch["input_ids"].shape == (2, 5) and batch["padding_mask"].sum().item() == 3 + 5


def test_restrict_keeps_segmentation_of_kept_words():
    tok = WordPieceTokenizer(VOCAB)
    small = tok.restrict(["una", "##ff", "##able"])
    assert "un" not in small.stoi and "una" in small.stoi
    assert small.tokenize("unaffable") == tok.tokenize("unaffable")


def test_bad_vocab():
    with pytest.raises(ValueError, match="special tokens"):
        WordPieceTokenizer(["a", "b"])
    with pytest.raises(FileNotFoundError):
        WordPieceTokenizer.from_file("/nonexistent/vocab.txt")


def test_matches_transformers_bert_tokenizer(tmp_path):
    transformers = pytest.importorskip("transformers")
    (tmp_path / "vocab.txt").write_text("\n".join(VOCAB) + "\n")
    ref = transformers.BertTokenizer(str(tmp_path / "vocab.txt"), do_lower_case=True)
    tok = WordPieceTokenizer.from_file(tmp_path / "vocab.txt")
    for text in ["Unaffable running!", "Héllo,wörld 東京", "wanted,un-wanted", "x y [MASK] hello", "  "]:
        assert tok.encode(text)[0] == ref(text)["input_ids"], text
