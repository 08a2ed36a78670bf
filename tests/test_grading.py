"""Graded exercises: masters, generated notebooks, student checks, and the adversarial grading suite."""
from __future__ import annotations

import csv
import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from ptmcourse.grading import checker, cli_main, run_public
from ptmcourse.grading._runner import CodecError, decode, encode
from ptmcourse.grading.batch import format_table, grade_paths
from ptmcourse.grading.compare import compare
from ptmcourse.grading.generate import PUBLIC_DIR, build_notebook, generate, public_module_name
from ptmcourse.grading.master import Exercise, list_exercises, solution_lines, strip_solutions

ROOT = Path(__file__).resolve().parents[1]
SUBS = ROOT / "tests" / "grading_submissions"
ML = "maximum-likelihood"


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return {name: Exercise.load(name) for name in list_exercises()}


# ---------------------------------------------------------------------------------------------
# Masters and generated files


def test_every_chapter_has_an_exercise_notebook_linked_from_it_and_in_the_toc(exercises):
    from ptmcourse.booktools import chapter_notebooks, toc_files

    chapters = {p.stem for p in chapter_notebooks(ROOT)}
    assert len(chapters) >= 12 and chapters <= set(exercises), f"chapters without exercises: {chapters - set(exercises)}"
    in_toc = set(toc_files(ROOT))
    for name in chapters:
        assert f"book/exercises/{name}" in in_toc, f"book/exercises/{name} is not in _toc.yml"
        nb = json.loads((ROOT / "book" / f"{name}.ipynb").read_text())
        text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert f"(exercises/{name}.ipynb)" in text, f"book/{name}.ipynb does not link to its exercises"
        assert "coming with the exercises issue" not in text, f"book/{name}.ipynb still has the placeholder"


def test_every_exercise_has_at_least_three_questions_with_points(exercises):
    for ex in exercises.values():
        assert len(ex.questions) >= 3, ex.name
        assert all(p > 0 for p in ex.points.values())
        text = [c.source for c in ex.cells if c.kind == "markdown" and c.question]
        assert len(text) == len(ex.questions), f"{ex.name}: one markdown intro per question"


def test_master_solutions_pass_their_own_tests_and_hidden_tests_differ_from_public(exercises):
    for ex in exercises.values():
        public, hidden = ex.public_tests(), ex.hidden_tests()
        for q in ex.questions:
            assert len(hidden[q]) >= 3, f"{ex.name} {q}: too few hidden tests"
            pub = {json.dumps(encode((c.fn, c.args, c.kwargs))) for c in public[q]}
            hid = {json.dumps(encode((c.fn, c.args, c.kwargs))) for c in hidden[q]}
            assert not pub & hid, f"{ex.name} {q}: a hidden test repeats a public one"
            for c in hidden[q]:
                ex.expected(c)  # raises if the solution fails or does not raise as declared
        other = ex.hidden_tests(seed=12345)
        assert json.dumps(encode([c.args for c in other["q1"]])) != json.dumps(encode([c.args for c in hidden["q1"]]))


def test_cross_entropy_solution_matches_torch(exercises):
    torch = pytest.importorskip("torch")
    ce = exercises[ML].solution("cross_entropy")
    rng = np.random.default_rng(0)
    for n, c, scale in ((1, 2, 1.0), (7, 5, 3.0), (16, 10, 1e3)):
        logits, targets = rng.normal(0, scale, (n, c)), rng.integers(0, c, n)
        ref = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(targets)).item()
        assert ce(logits, targets) == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_strip_solutions_replaces_blocks_and_rejects_bad_markers():
    code = "def f(x):\n    '''doc'''\n    # BEGIN SOLUTION\n    return x + 1\n    # END SOLUTION\n"
    out = strip_solutions(code)
    assert "return x + 1" not in out and "raise NotImplementedError" in out and "'''doc'''" in out
    assert solution_lines(code) == ["return x + 1"]
    with pytest.raises(ValueError, match="without"):
        strip_solutions("# BEGIN SOLUTION\nx = 1\n")
    with pytest.raises(ValueError, match="without"):
        strip_solutions("x = 1\n# END SOLUTION\n")


def test_generated_notebooks_and_public_tests_are_up_to_date():
    stale = generate(check=True)
    assert not stale, f"run `ptmcourse exercises generate`: stale {[str(p) for p in stale]}"


def test_student_notebooks_hold_no_solution_no_hidden_data_and_no_outputs(exercises):
    for ex in exercises.values():
        nb_text = (ROOT / "book" / "exercises" / f"{ex.name}.ipynb").read_text()
        pub_text = (PUBLIC_DIR / f"{public_module_name(ex.name)}.py").read_text()
        nb = json.loads(nb_text)
        assert nb["metadata"]["ptmcourse"]["exercise"] == ex.name
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None
        sources = ["".join(c["source"]) for c in nb["cells"]]
        for q in ex.questions:
            assert f'check("{q}")' in sources
        for cell in ex.cells:
            for line in solution_lines(cell.source):
                if len(line) > 12:  # short lines like `return total` may legitimately appear elsewhere
                    assert line not in nb_text and line not in pub_text, f"{ex.name}: solution line leaked: {line}"
        for text in (nb_text, pub_text):
            assert "BEGIN SOLUTION" not in text and "hidden_tests" not in text and "HIDDEN_SEED" not in text
            assert str(ex.module.HIDDEN_SEED) not in text
        for calls in ex.hidden_tests().values():  # no hidden input shows up in the shipped files
            for c in calls:
                for a in c.args:
                    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
                        digits = [repr(float(x)) for x in a.ravel()[:3] if len(repr(float(x))) >= 12]
                        assert not any(d in pub_text + nb_text for d in digits), f"{ex.name}: hidden input leaked"


# ---------------------------------------------------------------------------------------------
# The student's check()


def _solution_namespace(ex: Exercise) -> dict:
    ns: dict = {}
    for cell in ex.cells:
        if cell.kind == "code":
            exec(cell.source, ns)  # noqa: S102 - the master's own solution
    return ns


def test_check_passes_the_solution_and_explains_failures(exercises, capsys):
    ex = exercises["ngram-language-models"]
    ns = _solution_namespace(ex)
    for q in ex.questions:
        r = run_public(ex.name, q, ns)
        assert r.ok and r.message == f"{q}: {r.total}/{r.total} public tests passed"
    wrong = dict(ns, add_k_prob=lambda bigrams, prev, word, k, vocab_size: 0.3)
    msg = run_public(ex.name, "q2", wrong).message
    assert msg.startswith("q2 failed (0/3 public tests passed): add_k_prob(") and "returned 0.3, expected 0.25 ± 2.6e-08" in msg
    assert "±" in msg
    blank: dict = {}
    exec(ex.student_code(next(c for c in ex.cells if c.question == "q1" and c.kind == "code")), blank)  # noqa: S102
    assert "not implemented yet" in run_public(ex.name, "q1", blank).message
    assert "is not defined" in run_public(ex.name, "q3", {}).message
    check = checker(ex.name)
    check("q1", namespace=ns)
    check(namespace=ns)
    out = capsys.readouterr().out
    assert "q1: 2/2 public tests passed" in out and "4/4 questions pass their public tests" in out
    with pytest.raises(ValueError, match="question must be one of"):
        check("q9", namespace=ns)


def test_check_finds_functions_in_the_callers_globals(exercises, capsys):
    ex = exercises[ML]
    g = _solution_namespace(ex)
    g["check"] = checker(ML)
    exec('check("q3")', g)  # noqa: S102 - as in a notebook cell
    assert "q3: 2/2 public tests passed" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# Codec and comparison


def test_codec_round_trip_and_strict_decoding():
    value = {("a", "b"): 2, "x": [1.5, float("inf"), None, True], "arr": np.arange(6.0).reshape(2, 3), "t": (1, "s")}
    back = decode(json.loads(json.dumps(encode(value))))
    assert compare(back, value) is None and isinstance(back["t"], tuple)
    for bad in ({"__nd__": "f8", "shape": [3], "data": [1.0]}, {"__nd__": "O", "shape": [1], "data": [1]},
                {"__dict__": [[[1, 2], 3]]}, {"evil": 1}, {"__nd__": "i8", "shape": [1], "data": ["1"]}):
        with pytest.raises(CodecError):
            decode(bad)
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(CodecError):
        decode(deep)
    with pytest.raises(CodecError):
        encode(object())


def test_compare_says_what_differs():
    assert compare(0.2 + 1e-12, 0.2) is None
    assert "returned 0.25, expected 0.2 ± " in compare(0.25, 0.2)
    assert compare(float("-inf"), float("-inf")) is None
    assert "expected -inf" in compare(-1e308, float("-inf"))
    assert "shape (3,)" in compare(np.zeros(3), np.zeros(4))
    assert "element [1]" in compare(np.array([0.0, 1.0]), np.array([0.0, 2.0]))
    assert "key" in compare({("a", "b"): 1}, {("a", "c"): 1})
    assert "(str)" in compare("0.2", 0.2)
    assert compare(True, 1.0) is not None  # a bool is not a number here


# ---------------------------------------------------------------------------------------------
# The adversarial suite: real sandboxed grading of hostile submissions


def _notebook_from_py(src: Path, correct: str) -> str:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    text = src.read_text().replace("{correct}", correct)
    chunks = text.split("\n# %%\n")
    cells = [new_markdown_cell(chunks[0].replace("# ", "", 1))] + [new_code_cell(c.strip("\n")) for c in chunks[1:]]
    nb = new_notebook(cells=cells, metadata={"ptmcourse": {"exercise": ML}})
    return nbformat.writes(nb)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _sandbox_processes() -> list[int]:
    """Live processes owned by a grading uid (the supervisor uses uids >= 200000)."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid >= 200_000 and _alive(int(name)):
                    out.append(int(name))
            except OSError:
                pass
    return out


HOSTILE = {  # submission -> (expected score, text the reason must contain)
    "infinite_loop": (0, "time limit (5 s) exceeded while running the notebook's cells"),
    "slow_function": (7, "time limit (5 s) exceeded while running log_sum_prob("),
    "sys_exit": (0, "sys.exit(0)"),
    "os_exit": (0, "the code ended the process (exit code 0"),
    "raise_at_import": (0, "RuntimeError: boom"),
    "memory_hog": (0, "MemoryError"),
    "fork_bomb": (0, "time limit (5 s) exceeded"),
    "escape_children": (0, "time limit (5 s) exceeded"),
    "stdout_flood": (0, "File too large"),
    "fake_score": (0, "returned 0.5"),
    "fake_results": (0, "returned 0.5"),
    "monkeypatch": (0, "returned 0.5"),
    "read_hidden": (0, "returned 0.5"),
    "signal_grader": (9, "full marks"),
    "corrupt": (0, "not a valid Jupyter notebook"),
    "not_a_notebook": (0, "not a valid Jupyter notebook"),
    "binary": (0, "not UTF-8"),
    "empty": (0, "empty"),
}


def _reason_text(r: dict) -> str:
    return r["reason"] + " | " + " | ".join(f"{q['question']}: {q['reason']}" for q in r["questions"])


@pytest.mark.slow
def test_adversarial_suite(tmp_path, exercises, capsys):
    is_root = os.geteuid() == 0
    correct = (SUBS / "_correct.py").read_text().split("\n", 1)[1]
    normal, hostile, out = tmp_path / "normal", tmp_path / "hostile", tmp_path / "out"
    normal.mkdir()
    hostile.mkdir()
    for name, ex in exercises.items():
        import nbformat

        (normal / f"solution-{name}.ipynb").write_text(nbformat.writes(build_notebook(ex, solutions=True)))
        shutil.copy(ROOT / "book" / "exercises" / f"{name}.ipynb", normal / f"blank-{name}.ipynb")
    (normal / "partial.ipynb").write_text(_notebook_from_py(SUBS / "partial.py", correct))
    for name in HOSTILE:
        if name == "signal_grader" and not is_root:
            continue  # as a normal user the submission could signal this very test run
        src = SUBS / f"{name}.py"
        if src.exists():
            (hostile / f"{name}.ipynb").write_text(_notebook_from_py(src, correct))
        else:  # stored as .ipynb.broken so that `pytest --nbval tests` does not collect them
            shutil.copy(SUBS / f"{name}.ipynb.broken", hostile / f"{name}.ipynb")

    t0 = time.perf_counter()
    results = grade_paths([normal], None, jobs=2, timeout_s=30, memory_mb=1024)
    t_normal = time.perf_counter() - t0
    t0 = time.perf_counter()
    status = cli_main(["grade", str(hostile), "--out", str(out), "--jobs", "2", "--timeout", "5",
                       "--memory", "512", "--exercise", ML])
    t_hostile = time.perf_counter() - t0
    printed = capsys.readouterr()
    assert status == 0, printed.err
    graded = json.loads((out / "grades.json").read_text())["submissions"]
    by = {r["student"]: r for r in results + graded}

    with capsys.disabled():
        print(f"\n\nadversarial grading suite (normal: {t_normal:.1f} s, hostile: {t_hostile:.1f} s, 2 jobs; "
              f"isolation: {', '.join(by[next(iter(HOSTILE))]['isolation']) or 'none'})")
        print(format_table(results + graded, width=110))

    for name, ex in exercises.items():
        sol, blank = by[f"solution-{name}"], by[f"blank-{name}"]
        assert sol["score"] == sol["max_score"] == ex.max_score, _reason_text(sol)
        assert blank["score"] == 0 and "not implemented yet" in _reason_text(blank)
    part = {q["question"]: q for q in by["partial"]["questions"]}
    assert part["q1"]["score"] == 2 and part["q3"]["score"] == 0 and part["q4"]["score"] == 0
    assert 0 < part["q2"]["score"] < 2 and "returned -inf, expected" in part["q2"]["reason"]
    assert "raises NotImplementedError" in part["q3"]["reason"] and "element" in part["q4"]["reason"]
    assert by["partial"]["score"] == pytest.approx(2 + part["q2"]["score"])

    isolated = "mountns" in by["read_hidden"]["isolation"]
    for name, (score, text) in HOSTILE.items():
        if name not in by:
            continue
        r = by[name]
        assert r["status"] == "graded", (name, r["reason"])
        if name == "read_hidden" and not isolated:
            continue  # without a mount namespace a non-root grader cannot hide its files
        assert r["score"] == score, (name, _reason_text(r))
        assert text in _reason_text(r), (name, _reason_text(r))
        assert r["seconds"] < 5 * r.get("runs", 1) + 10, (name, r["seconds"])
        assert not r["survivors"], (name, r["survivors"])
    assert by["fork_bomb"]["killed"] >= 10  # it really forked, and every copy was killed
    assert by["slow_function"]["runs"] == 2  # the hung question was skipped in a fresh sandbox

    pids = [int(w) for w in by["escape_children"]["stdout_tail"].split() if w.isdigit()]
    assert len(pids) == 2 and not any(_alive(p) for p in pids), by["escape_children"]["stdout_tail"]
    assert not _sandbox_processes()

    # Nothing a submission wrote reached the output folder, and the CSV agrees with the JSON.
    assert sorted(p.name for p in out.iterdir()) == ["grades.csv", "grades.json"]
    rows = list(csv.DictReader((out / "grades.csv").open()))
    totals = {r["student"]: float(r["score"]) for r in rows if r["question"] == "total"}
    assert totals == {r["student"]: r["score"] for r in graded}
    assert {r["question"] for r in rows} == {"q1", "q2", "q3", "q4", "total"}
    assert "Total Score: 100%" in by["fake_score"]["stdout_tail"]  # printed, and ignored
    assert json.loads((out / "grades.json").read_text())  # still the grader's own, valid file


def test_unprivileged_fallback_still_kills_everything(monkeypatch):
    """As a normal user there is no uid, mount namespace or cgroup: the subreaper must still find
    and kill every process a submission started, including ones in a new session."""
    from ptmcourse.grading.sandbox import run_sandboxed

    monkeypatch.setenv("PTMCOURSE_GRADING_UNPRIVILEGED", "1")
    code = ("import os, subprocess, time\n"
            "p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
            "print('PID', p.pid, flush=True)\n"
            "if os.fork() == 0:\n    os.setsid()\n    print('PID', os.getpid(), flush=True)\n"
            "    while True: time.sleep(0.05)\n"
            "while True: time.sleep(0.05)\n")
    t0 = time.perf_counter()
    run = run_sandboxed([(1, code)], [], timeout_s=2, memory_mb=512)
    assert time.perf_counter() - t0 < 10
    assert run.timed_out and "uid" not in run.isolation and "mountns" not in run.isolation
    pids = [int(w) for w in run.stdout_tail.split() if w.isdigit()]
    assert len(pids) == 2 and run.killed >= 3 and not run.survivors
    assert not any(_alive(p) for p in pids)


@pytest.mark.slow
def test_student_notebook_checks_work_in_a_real_kernel(exercises):
    """The book's notebook workflow: setup cell, then check("qN") in a Jupyter kernel."""
    nbclient = pytest.importorskip("nbclient")
    nb = build_notebook(exercises[ML], solutions=True)  # the book's notebook with the answers filled in
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for q, calls in exercises[ML].public_tests().items():
        assert f"{q}: {len(calls)}/{len(calls)} public tests passed" in text
    assert "4/4 questions pass their public tests" in text
