"""Tests of the precision benchmark's own logic: label matching, label validation,
project extraction, and one end-to-end run of the real CLI on a tiny git mirror.

    python -m pytest -q benchmarks/precision
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from labels import Finding, Label, LabelError, line_hash, load_labels, match
from projects import Project, ProjectError, materialise
from run import main, tally


def finding(line: int, text: str, column: int = 5, rule: str = "EP505") -> Finding:
    return Finding("p", "lib/a.ex", line, column, rule, "msg", line_hash(text))


def label(line: int, text: str, verdict: str = "noise", column: int = 5) -> Label:
    return Label("p", "lib/a.ex", line, column, "EP505", line_hash(text), verdict, "why")


def test_line_hash_ignores_indentation() -> None:
    assert line_hash("    x in list\n") == line_hash("x in list")
    assert line_hash("x in list") != line_hash("y in list")


def test_a_label_follows_its_line_when_code_moves() -> None:
    result = match([finding(130, "x in list")], [label(30, "x in list")])
    assert len(result.pairs) == 1 and not result.by_position
    assert not result.unlabeled and not result.unreported


def test_same_text_prefers_the_nearest_line() -> None:
    near, far = label(10, "x in list", "worth"), label(50, "x in list", "noise")
    result = match([finding(12, "x in list")], [far, near])
    assert [lab.verdict for _, lab in result.pairs] == ["worth"]
    assert result.unreported == [far]


def test_two_findings_on_one_line_are_told_apart_by_column() -> None:
    first, second = (
        label(7, "a in b or c in d", "worth", 3),
        label(7, "a in b or c in d", "noise", 13),
    )
    result = match(
        [finding(7, "a in b or c in d", 13), finding(7, "a in b or c in d", 3)], [first, second]
    )
    assert {(f.column, lab.verdict) for f, lab in result.pairs} == {(3, "worth"), (13, "noise")}


def test_an_edited_line_matches_by_position_only_when_near() -> None:
    near = match([finding(12, "x in new_list")], [label(10, "x in list")])
    assert len(near.pairs) == 1 and len(near.by_position) == 1
    far = match([finding(14, "x in new_list")], [label(10, "x in list")])
    assert not far.pairs and len(far.unlabeled) == 1 and len(far.unreported) == 1


def test_an_exact_hash_wins_over_a_nearer_position() -> None:
    exact = label(20, "x in list", "worth")
    other = label(11, "something else", "noise")
    result = match([finding(10, "x in list")], [other, exact])
    assert [lab.verdict for _, lab in result.pairs] == ["worth"]
    assert not result.by_position


def test_labels_of_another_rule_never_match() -> None:
    result = match([finding(10, "x in list", rule="EP504")], [label(10, "x in list")])
    assert not result.pairs


def test_tally_counts_verdicts_unlabeled_and_lost() -> None:
    result = match(
        [finding(1, "a"), finding(2, "b"), finding(40, "c")],
        [label(1, "a", "worth"), label(2, "b", "wrong"), label(20, "gone", "worth")],
    )
    t = tally(result, "rule")["EP505"]
    assert (t.findings, t.worth, t.wrong, t.unlabeled, t.lost) == (3, 1, 1, 1, 1)
    assert "50.0%" in t.row("EP505")


def write_labels(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = {
    "project": "p",
    "path": "lib/a.ex",
    "line": 3,
    "column": 5,
    "rule": "EP505",
    "hash": "0123456789ab",
    "verdict": "noise",
    "reason": "small",
}


def test_load_labels_reads_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n", encoding="utf-8")
    assert load_labels(path) == [Label(**GOOD)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([{**GOOD, "verdict": "maybe"}], "verdict"),
        ([{**GOOD, "reason": " "}], "reason"),
        ([{k: v for k, v in GOOD.items() if k != "hash"}], "missing"),
        ([GOOD, GOOD], "duplicate"),
    ],
)
def test_load_labels_rejects_bad_labels(
    tmp_path: Path, rows: list[dict[str, object]], error: str
) -> None:
    with pytest.raises(LabelError, match=error):
        load_labels(write_labels(tmp_path / "l.jsonl", rows))


def test_load_labels_names_the_line_of_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"l\.jsonl:2: not JSON"):
        load_labels(path)


SOURCE = """defmodule A do
  def build(items), do: Enum.reduce(items, [], fn x, acc -> acc ++ [x] end)

  def names(users, ids), do: Enum.filter(users, fn u -> u.id in ids end)
end
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def mirror(tmp_path: Path) -> tuple[Path, str]:
    """A mirror root holding owner+demo/repo, a bare git directory as `fetch` brings,
    with one commit: lib/a.ex and a README."""
    repo = tmp_path / "work"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "lib").mkdir()
    (repo / "lib" / "a.ex").write_text(SOURCE, encoding="utf-8")
    (repo / "README.md").write_text("not Elixir\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    bare = tmp_path / "mirror" / "owner+demo" / "repo"
    git(repo, "clone", "-q", "--bare", str(repo), str(bare))
    return tmp_path / "mirror", git(repo, "rev-parse", "HEAD")


def test_materialise_extracts_only_elixir_sources_of_the_listed_paths(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    root, commit = mirror
    project = Project("demo", "owner/demo", commit, ("lib", "config"))
    target = materialise(project, root, tmp_path / "c")
    assert (target / "lib" / "a.ex").read_text(encoding="utf-8") == SOURCE
    assert not (target / "README.md").exists()


def test_materialise_reuses_an_extraction_of_the_same_commit(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    root, commit = mirror
    project = Project("demo", "owner/demo", commit, ("lib",))
    target = materialise(project, root, tmp_path / "c")
    (target / "lib" / "a.ex").write_text("changed", encoding="utf-8")
    assert materialise(project, root, tmp_path / "c") == target
    assert (target / "lib" / "a.ex").read_text(encoding="utf-8") == "changed"
    other = Project("demo", "owner/demo", commit, ("lib", "test"))  # new paths: extract again
    materialise(other, root, tmp_path / "c")
    assert (target / "lib" / "a.ex").read_text(encoding="utf-8") == SOURCE


def test_a_missing_mirror_says_how_to_get_it(tmp_path: Path) -> None:
    project = Project("demo", "owner/demo", "0" * 40, ("lib",))
    with pytest.raises(ProjectError, match="fetch github:owner/demo"):
        materialise(project, tmp_path, tmp_path / "c")


def test_an_unknown_commit_is_a_clear_error(tmp_path: Path, mirror: tuple[Path, str]) -> None:
    root, _ = mirror
    project = Project("demo", "owner/demo", "f" * 40, ("lib",))
    with pytest.raises(ProjectError, match="not in"):
        materialise(project, root, tmp_path / "c")


def test_end_to_end_on_the_real_cli(
    tmp_path: Path, mirror: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, commit = mirror
    projects = tmp_path / "projects.toml"
    projects.write_text(
        f'[[project]]\nname = "demo"\nrepo = "owner/demo"\ncommit = "{commit}"\n'
        'paths = ["lib", "test"]\n',
        encoding="utf-8",
    )
    lines = SOURCE.splitlines()
    labels = write_labels(
        tmp_path / "labels.jsonl",
        [
            {**GOOD, "project": "demo", "line": 2, "column": 1, "rule": "EP103",
             "hash": line_hash(lines[1]), "verdict": "worth", "reason": "quadratic"},
            {**GOOD, "project": "demo", "line": 9, "column": 1, "rule": "EP602",
             "hash": "000000000000", "verdict": "worth", "reason": "was reported once"},
        ],
    )  # fmt: skip
    corpus = tmp_path / "c"
    corpus.mkdir()
    # A config above the corpus (this repository's own, say) must not change the results.
    (corpus / ".elixir-perf.toml").write_text('ignore = ["EP103"]\n', encoding="utf-8")
    argv = ["--projects", str(projects), "--mirror", str(root), "--corpus", str(corpus)]
    assert main([*argv, "--labels", str(labels)]) == 0
    out = capsys.readouterr().out
    # rule: findings, labeled, worth, noise, wrong, precision, lost, unlabeled
    rows = {
        cells[0]: cells[1:]
        for line in out.splitlines()
        if line.startswith("| ")
        for cells in [[c.strip() for c in line.split("|")[1:-1]]]
    }
    assert rows["EP103"] == ["1", "1", "1", "0", "0", "100.0%", "0", "0"]
    assert rows["EP505"] == ["1", "0", "0", "0", "0", "-", "0", "1"]
    assert rows["EP602"] == ["0", "0", "0", "0", "0", "-", "1", "0"]  # no longer reported
    assert rows["demo"] == ["2", "1", "1", "0", "0", "100.0%", "1", "1"]
    assert main([*argv, "--labels", str(labels), "--list", "unlabeled"]) == 0
    listing = capsys.readouterr().out
    assert ">>    4 " in listing and '"rule": "EP505"' in listing and '"verdict": ""' in listing
