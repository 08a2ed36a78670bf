"""Checks on the project's own files: dependency lists agree, the TOC and the chapters agree."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[; ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_requirements() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        reqs += extra
    return {_name(r): r.replace(" ", "") for r in reqs}


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [d for d in env["dependencies"] if isinstance(d, dict) and "pip" in d][0]["pip"]
    return {_name(r): r.replace(" ", "") for r in pip}


def test_environment_and_pyproject_name_the_same_packages():
    py, env = _pyproject_requirements(), _environment_requirements()
    assert set(py) == set(env), f"only in pyproject: {set(py) - set(env)}; only in environment.yml: {set(env) - set(py)}"
    assert py == env, "the two files name the same packages with different version ranges"


def test_requirements_are_ranges_not_pins():
    for name, req in _pyproject_requirements().items():
        assert "==" not in req, f"{req}: use a range, not an exact pin"
    assert _pyproject_requirements()["torch"] == "torch>=2.4"
    assert "<2" in _pyproject_requirements()["jupyter-book"]


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc.get("parts", toc.get("chapters", [])))
    return files


def test_every_chapter_notebook_is_in_the_toc_and_vice_versa():
    # chapters are the notebooks directly in book/; book/exercises/ holds the (unexecuted) exercises
    in_toc = {f for f in _toc_files() if (ROOT / f"{f}.ipynb").exists() and f.count("/") == 1}
    on_disk = {str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "book").glob("*.ipynb")}
    assert on_disk == in_toc, f"not in _toc.yml: {on_disk - in_toc}; in _toc.yml but missing: {in_toc - on_disk}"
    for f in _toc_files():
        assert any((ROOT / f"{f}{ext}").exists() for ext in (".md", ".ipynb")), f"{f} is in _toc.yml but has no file"


def test_chapters_are_executed_and_parameterised():
    for nb_path in sorted((ROOT / "book").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        assert code, f"{nb_path.name} has no code"
        missing = [i for i, c in enumerate(code) if c.get("execution_count") is None]
        assert not missing, f"{nb_path.name}: code cells {missing} were never executed"
        counts = [c["execution_count"] for c in code]
        assert counts == sorted(counts), f"{nb_path.name}: cells were executed out of order {counts}"
        params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(params) == 1, f"{nb_path.name}: needs exactly one cell tagged 'parameters'"
        src = "".join(params[0]["source"])
        assert re.search(r"^scale\s*=\s*\"book\"", src, re.M), f"{nb_path.name}: parameters must set scale = \"book\""
        assert re.search(r"^device\s*=\s*\"auto\"", src, re.M), f"{nb_path.name}: parameters must set device = \"auto\""
        errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{nb_path.name} has stored error outputs"
