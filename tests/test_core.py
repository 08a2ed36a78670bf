"""Core helpers: seeding, device choice, threads; reproduction records."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest
import torch

import ptmcourse
from ptmcourse import results


def test_version():
    assert isinstance(ptmcourse.__version__, str) and ptmcourse.__version__.count(".") == 2


def test_seed_everything_makes_python_numpy_torch_repeat():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    ptmcourse.seed_everything(123)
    a = draw()
    ptmcourse.seed_everything(123)
    b = draw()
    ptmcourse.seed_everything(124)
    c = draw()
    assert a == b
    assert a != c


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "0", True])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError), match="seed"):
        ptmcourse.seed_everything(bad)


def test_get_device():
    assert ptmcourse.get_device("cpu") == torch.device("cpu")
    auto = ptmcourse.get_device("auto")
    assert auto.type == ("cuda" if torch.cuda.is_available() else auto.type)
    assert ptmcourse.get_device(None) == auto
    with pytest.raises(ValueError, match="not a valid torch device"):
        ptmcourse.get_device("tpu-please")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            ptmcourse.get_device("cuda")


def test_set_threads():
    old = torch.get_num_threads()
    try:
        assert ptmcourse.set_threads(1) == 1
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(old)
    with pytest.raises(ValueError):
        ptmcourse.set_threads(0)
    with pytest.raises(TypeError):
        ptmcourse.set_threads("2")


def test_record_writes_only_inside_a_reproduction(tmp_path, monkeypatch):
    monkeypatch.delenv(results.RESULTS_ENV, raising=False)
    rec = results.record("x", "smoke", {"acc": 0.5}, paper={"acc": 0.6, "source": "A 2020"}, seed=0)
    assert rec["metrics"] == {"acc": 0.5} and rec["environment"]["torch"] == torch.__version__
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "r.json"
    monkeypatch.setenv(results.RESULTS_ENV, str(target))
    results.record("x", "smoke", {"acc": 0.5})
    assert json.loads(target.read_text())["metrics"] == {"acc": 0.5}


@pytest.mark.parametrize("metrics", [{}, {"ppl": float("nan")}, {"ppl": "12"}])
def test_record_rejects_bad_metrics(metrics):
    with pytest.raises(ValueError, match="metrics"):
        results.record("x", "smoke", metrics)


def test_record_keeps_details_and_rejects_unserialisable_ones(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    monkeypatch.setenv(results.RESULTS_ENV, str(target))
    results.record("x", "smoke", {"a": 1.0}, details={"seeds": {"0": 1.0, "1": 1.5}})
    assert json.loads(target.read_text())["details"] == {"seeds": {"0": 1.0, "1": 1.5}}
    assert "details" not in results.record("x", "smoke", {"a": 1.0})
    for bad in ({"x": object()}, {"x": float("inf")}):
        with pytest.raises(ValueError, match="details"):
            results.record("x", "smoke", {"a": 1.0}, details=bad)


def test_record_requires_paper_source():
    with pytest.raises(ValueError, match="source"):
        results.record("x", "smoke", {"a": 1.0}, paper={"a": 2.0})


def test_reproduce_rejects_unknown_names_and_scales():
    from ptmcourse import reproduce

    with pytest.raises(ValueError, match="known"):
        reproduce.run("no-such-paper")
    name = next(iter(reproduce.REPRODUCTIONS))
    with pytest.raises(ValueError, match="scale"):
        reproduce.run(name, scale="huge")


def test_reproduce_stores_record_notebook_and_artifacts_only_on_success(tmp_path, monkeypatch):
    import nbformat

    from ptmcourse import reproduce

    def notebook(fail: bool) -> str:
        cells = [nbformat.v4.new_code_cell('scale = "book"\ndevice = "auto"', metadata={"tags": ["parameters"]}),
                 nbformat.v4.new_code_cell(
                     "from ptmcourse import results\n"
                     "assert results.artifact_dir() is not None\n"
                     "(results.artifact_dir() / 'weights.txt').write_text(scale)\n"
                     "results.record('toy', scale, metrics={'x': 1.0})\n"
                     + ("raise RuntimeError('boom')\n" if fail else ""))]
        path = tmp_path / f"toy-{fail}.ipynb"
        meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"}}
        path.write_text(nbformat.writes(nbformat.v4.new_notebook(cells=cells, metadata=meta)))
        return str(path)

    out = tmp_path / "results" / "toy"
    monkeypatch.setitem(reproduce.REPRODUCTIONS, "toy", reproduce.Reproduction("toy", notebook(True), "toy"))
    with pytest.raises(Exception, match="boom"):
        reproduce.run("toy", "smoke", out_root=out, progress=False)
    assert not out.exists()  # nothing stored from a failed run
    monkeypatch.setitem(reproduce.REPRODUCTIONS, "toy", reproduce.Reproduction("toy", notebook(False), "toy"))
    rec = reproduce.run("toy", "smoke", out_root=out, progress=False)
    assert rec["metrics"] == {"x": 1.0} and rec["command"] == "ptmcourse reproduce toy --scale smoke"
    assert sorted(p.name for p in out.iterdir()) == ["smoke", "smoke.ipynb", "smoke.json"]
    assert (out / "smoke" / "weights.txt").read_text() == "smoke"
    assert results.artifact_dir() is None  # outside a reproduction nothing is stored


def test_reproductions_point_at_notebooks_in_the_toc():
    from ptmcourse import booktools, reproduce

    root = reproduce.repo_root()
    toc = set(booktools.toc_files(root))
    for rep in reproduce.REPRODUCTIONS.values():
        assert rep.notebook.endswith(".ipynb")
        assert rep.notebook[: -len(".ipynb")] in toc, f"{rep.name}: {rep.notebook} is not in _toc.yml"


def test_runtimes_page_from_nbval_times(tmp_path):
    from ptmcourse import booktools, reproduce

    root = reproduce.repo_root()
    chapters = [str(p.relative_to(root)) for p in booktools.chapter_notebooks(root)]
    rec = tmp_path / "times.json"
    rec.write_text(json.dumps({c: {"seconds": 10.0 + i, "ok": True} for i, c in enumerate(chapters)}))
    times = booktools.times_from_nbval(root, rec)
    assert [s for _, s in times] == [10.0 + i for i in range(len(chapters))]
    rec.write_text(json.dumps({c: {"seconds": 1.0, "ok": False} for c in chapters}))
    with pytest.raises(ValueError, match="failed under nbval"):
        booktools.times_from_nbval(root, rec)
    rec.write_text(json.dumps({}))
    with pytest.raises(ValueError, match="has no time for"):
        booktools.times_from_nbval(root, rec)
