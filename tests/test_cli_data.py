"""`ptmcourse data list|verify|path` and the wiring of `ptmcourse reproduce`."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ptmcourse import cli, data

REPO = Path(__file__).resolve().parents[1]
SHARED_MIRROR = Path(os.environ.get("PTMCOURSE_DATA_MIRROR") or REPO.parent / "shared" / "data")
needs_mirror = pytest.mark.skipif(not (SHARED_MIRROR / "SHA256SUMS").is_file(),
                                  reason="the shared data mirror (PTMCOURSE_DATA_MIRROR) is not available")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTMCOURSE_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("PTMCOURSE_QUIET", "1")
    return tmp_path / "cache"


@pytest.fixture
def temp_mirror(tmp_path, monkeypatch, cache):
    """A private mirror holding copies of the shared mirror's small word-similarity and lee files."""
    mirror = tmp_path / "mirror"
    for name in ("wordsim353", "simlex999", "lee-corpus"):
        for f in data.info(name).files:
            (mirror / f.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SHARED_MIRROR / f.path, mirror / f.path)
    monkeypatch.setenv("PTMCOURSE_DATA_MIRROR", str(mirror))
    return mirror


def test_list(cache, capsys):
    assert cli.main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "files", "size", "local", "license"]
    for name in data.names():
        assert any(line.startswith(name + " ") for line in out.splitlines()), name
    assert "CC BY-SA 3.0" in out
    assert cli.main(["data", "list", "--verbose"]) == 0
    assert "Merity" in capsys.readouterr().out


@needs_mirror
def test_verify_ok(temp_mirror, capsys):
    assert cli.main(["data", "verify", "wordsim353", "lee-corpus"]) == 0
    assert capsys.readouterr().out.strip().endswith("4 files OK")


@needs_mirror
def test_verify_corrupted_mirror_copy(temp_mirror, capsys):
    f = data.info("lee-corpus").file("lee.cor")
    p = temp_mirror / f.path
    raw = bytearray(p.read_bytes())
    raw[100] ^= 1  # flip one bit: same size, so only the sha256 can tell
    p.write_bytes(bytes(raw))
    bad_sha = hashlib.sha256(raw).hexdigest()

    assert cli.main(["data", "verify", "wordsim353", "lee-corpus"]) == 1
    out = capsys.readouterr().out
    assert f"BAD lee-corpus: {f.path}" in out and f.sha256 in out and bad_sha in out
    assert "1 of 4 files failed verification" in out

    with pytest.raises(data.DataError) as ei:
        data.path("lee-corpus", "lee.cor")
    assert f.sha256 in str(ei.value) and bad_sha in str(ei.value)
    assert p.read_bytes() == bytes(raw)  # nothing overwritten
    assert not (Path(os.environ["PTMCOURSE_DATA"]) / f.path).exists()  # and nothing downloaded

    assert cli.main(["data", "path", "lee-corpus", "lee.cor"]) == 1
    assert bad_sha in capsys.readouterr().err


@needs_mirror
def test_verify_truncated_file(temp_mirror, capsys):
    f = data.info("simlex999").files[0]
    p = temp_mirror / f.path
    p.write_bytes(p.read_bytes()[:1000])
    assert cli.main(["data", "verify", "simlex999"]) == 1
    out = capsys.readouterr().out
    assert f.path in out and f"expected {f.size:,} bytes, actual 1,000" in out


def test_verify_missing_file_offline(cache, monkeypatch, capsys):
    monkeypatch.delenv("PTMCOURSE_DATA_MIRROR", raising=False)
    assert cli.main(["data", "verify", "--no-download", "wordsim353"]) == 1
    out = capsys.readouterr().out
    assert "MISSING wordsim353: word-similarity/wordsim353.tsv" in out and "PTMCOURSE_DATA_MIRROR is not set" in out


@needs_mirror
def test_path(temp_mirror, capsys):
    assert cli.main(["data", "path", "wordsim353"]) == 0
    assert capsys.readouterr().out.strip() == str(temp_mirror / "word-similarity" / "wordsim353.tsv")
    assert cli.main(["data", "path", "lee-corpus"]) == 0
    assert capsys.readouterr().out.strip() == str(temp_mirror / "lee-corpus")


def test_unknown_dataset(cache, capsys):
    assert cli.main(["data", "path", "imdb"]) == 2
    err = capsys.readouterr().err
    assert "unknown dataset 'imdb'" in err and "wikitext-2" in err and "sst2" in err
    assert cli.main(["data", "verify", "imdb"]) == 2


def test_reproduce_is_wired(monkeypatch, capsys):
    import ptmcourse.reproduce as rep

    calls = []
    monkeypatch.setattr(rep, "run", lambda name, scale, device, **kw: calls.append((name, scale, device))
                        or {"metrics": {"test_ppl": 1.0}})
    assert cli.main(["reproduce", "kn5-ptb", "--scale", "smoke", "--device", "cpu"]) == 0
    assert calls == [("kn5-ptb", "smoke", "cpu")]
    assert '"test_ppl": 1.0' in capsys.readouterr().out


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as ei:
        cli.main([])
    assert ei.value.code == 2
    with pytest.raises(SystemExit):
        cli.main(["data", "verify", "--nope"])


def test_python_dash_m(cache):
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    r = subprocess.run([sys.executable, "-m", "ptmcourse", "data", "path", "nope"], capture_output=True,
                       text=True, env=env, cwd=REPO, timeout=60)
    assert r.returncode == 2 and "known datasets" in r.stderr
