"""ptmcourse.tokenizers: character and sentencepiece (BPE, unigram) tokenizers."""
from __future__ import annotations

import pytest

from ptmcourse.data import load_tinyshakespeare
from ptmcourse.tokenizers import (CharTokenizer, SentencePieceTokenizer, load_tokenizer, train_wikitext2_tokenizer,
                                  wikitext2_lines)


@pytest.fixture(scope="module")
def shakespeare() -> str:
    return load_tinyshakespeare()


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return wikitext2_lines("train", max_lines=2000)


@pytest.fixture(scope="module")
def bpe(lines) -> SentencePieceTokenizer:
    return SentencePieceTokenizer.train(lines, 600, "bpe", control_symbols=["<delim>", "<extract>"])


# ----------------------------------------------------------------------------- characters
def test_char_tokenizer_matches_nanogpt_ids(shakespeare):
    tok = CharTokenizer.build(shakespeare)
    assert tok.vocab_size == 65
    assert tok.itos == sorted(set(shakespeare))  # nanoGPT: chars = sorted(list(set(data)))
    assert tok.encode("\n") == [0] and tok.decode([0, 1]) == "\n "
    text = shakespeare[:5000]
    assert tok.decode(tok.encode(text)) == text
    assert tok.encode_array(text).tolist() == [tok.stoi[c] for c in text]


def test_char_tokenizer_unknowns(shakespeare):
    tok = CharTokenizer.build(shakespeare)
    with pytest.raises(ValueError, match="'€' is not in the vocabulary"):
        tok.encode("a€b")
    with_unk = CharTokenizer.build(shakespeare, specials=["<unk>"], unk_token="<unk>")
    assert with_unk.encode("a€b") == [with_unk.stoi["a"], 0, with_unk.stoi["b"]]
    with pytest.raises(ValueError, match="outside the vocabulary"):
        tok.decode([65])
    with pytest.raises(ValueError, match="must be one of the specials"):
        CharTokenizer.build("abc", unk_token="?")


def test_char_tokenizer_save_load(tmp_path, shakespeare):
    tok = CharTokenizer.build(shakespeare, specials=["<pad>"])
    tok.save(tmp_path / "chars.json")
    again = load_tokenizer(tmp_path / "chars.json")
    assert again == tok and isinstance(again, CharTokenizer)


# ----------------------------------------------------------------------------- sentencepiece
def test_bpe_specials_and_round_trip(bpe):
    assert bpe.model_type == "bpe" and bpe.vocab_size == 600
    assert (bpe.unk_id, bpe.bos_id, bpe.eos_id, bpe.pad_id) == (0, 1, 2, 3)
    assert bpe.piece_to_id("<delim>") == 4 and bpe.piece_to_id("<extract>") == 5
    assert "<extract>" not in bpe.tokenize("<extract>")  # control symbols never come from text
    for line in wikitext2_lines("valid", max_lines=50):
        ids = bpe.encode(line)
        if bpe.unk_id not in ids:
            assert bpe.decode(ids) == line  # no normalisation: an exact round trip
    text = " two  spaces and  a trailing one "
    assert bpe.decode(bpe.encode(text)) == text
    assert bpe.encode(["a b", "c"]) == [bpe.encode("a b"), bpe.encode("c")]


def test_unknown_characters(bpe, lines):
    ids = bpe.encode("tea 茶 time")
    assert bpe.unk_id in ids
    assert "⁇" in bpe.decode(ids)
    fb = SentencePieceTokenizer.train(lines[:500], 600, "bpe", byte_fallback=True)
    ids = fb.encode("tea 茶 time")
    assert fb.unk_id not in ids and fb.decode(ids) == "tea 茶 time"
    with pytest.raises(ValueError, match="outside the vocabulary"):
        bpe.decode([bpe.vocab_size])
    with pytest.raises(ValueError, match="not a piece"):
        bpe.piece_to_id("no-such-piece-xyz")


def test_training_is_deterministic_and_file_equals_memory(tmp_path, lines, bpe):
    again = SentencePieceTokenizer.train(lines, 600, "bpe", control_symbols=["<delim>", "<extract>"])
    assert again == bpe
    f = tmp_path / "train.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_file = SentencePieceTokenizer.train(f, 600, "bpe", control_symbols=["<delim>", "<extract>"])
    assert from_file.tokenize(lines[5]) == bpe.tokenize(lines[5])
    u1 = SentencePieceTokenizer.train(lines, 600, "unigram", input_sentence_size=500, seed=3)
    u2 = SentencePieceTokenizer.train(lines, 600, "unigram", input_sentence_size=500, seed=3)
    assert u1 == u2 and u1.model_type == "unigram"


def test_training_is_deterministic_across_processes(tmp_path):
    """Same model from two fresh processes (sentencepiece's own sampling is not; ours is)."""
    import subprocess
    import sys

    code = ("import hashlib; from ptmcourse.tokenizers import SentencePieceTokenizer, wikitext2_lines; "
            "t = SentencePieceTokenizer.train(wikitext2_lines('train', 1500), 400, 'unigram', "
            "input_sentence_size=300, seed=5); print(hashlib.sha256(t.proto).hexdigest())")
    out = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
           for _ in range(2)]
    assert out[0] == out[1] and len(out[0].strip()) == 64


def test_bpe_and_unigram_differ_and_save_load(tmp_path, lines, bpe):
    uni = SentencePieceTokenizer.train(lines, 600, "unigram")
    assert uni.tokenize(lines[3]) != bpe.tokenize(lines[3])
    bpe.save(tmp_path / "bpe.model")
    loaded = load_tokenizer(tmp_path / "bpe.model")
    assert loaded == bpe and loaded.encode(lines[7]) == bpe.encode(lines[7])
    stream = bpe.encode_stream(lines[:3])
    assert stream.dtype.name == "int64" and (stream == bpe.eos_id).sum() == 3


def test_train_validates_arguments(lines):
    with pytest.raises(ValueError, match="model_type"):
        SentencePieceTokenizer.train(lines, 600, "wordpiece")
    with pytest.raises(ValueError, match="vocab_size"):
        SentencePieceTokenizer.train(lines, 4)
    with pytest.raises(ValueError, match="too large"):
        SentencePieceTokenizer.train(["ab ab", "ba"], 500)
    with pytest.raises(FileNotFoundError):
        SentencePieceTokenizer.train("/no/such/file.txt", 600)


def test_wikitext2_tokenizer_helper():
    tok = train_wikitext2_tokenizer(300, "bpe", max_lines=300, lowercase=True)
    assert tok.vocab_size == 300
    assert tok.tokenize("The") != tok.tokenize("the")  # only lowercase text was seen
