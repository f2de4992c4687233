"""The pre-commit hook in `.pre-commit-hooks.yaml`, run by pre-commit itself.

The hook repository is a throwaway git repository holding this checkout's package
and hook file (uncommitted edits included), so pre-commit clones it, builds a
`language: python` environment with `pip install .` (dependencies come from the
package index) and runs the hook's `entry` on a throwaway project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARD = "defmodule A do\n  def f(items) when length(items) == 0, do: :empty\nend\n"
FIXED = "defmodule A do\n  def f([]), do: :empty\nend\n"
# EP601 has no fix: the hook must fail and leave the file alone.
UNFIXABLE = "defmodule C do\n  def save(xs), do: Enum.each(xs, fn x -> Repo.insert!(x) end)\nend\n"

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
    pytest.mark.skipif(
        subprocess.run(
            [sys.executable, "-c", "import pre_commit"], capture_output=True, check=False
        ).returncode
        != 0,
        reason="needs pre-commit (pip install -e '.[test]')",
    ),
]


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        [
            "git",
            "-c",
            "user.name=elixir-perf-lsp tests",
            "-c",
            "user.email=tests@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository with this checkout's hook file and package, committed."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(
        ROOT / "elixir_perf_lsp",
        repo / "elixir_perf_lsp",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "hook repo", cwd=repo)
    return repo, git("rev-parse", "HEAD", cwd=repo)


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(home)
    env["PRE_COMMIT_COLOR"] = "never"
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_hook_fixes_elixir_files_and_fails_on_what_is_left(
    hook_repo: tuple[Path, str], tmp_path: Path
) -> None:
    repo, rev = hook_repo
    project = tmp_path / "project"
    (project / "lib").mkdir(parents=True)
    (project / "deps" / "dep" / "lib").mkdir(parents=True)
    (project / "lib" / "a.ex").write_text(GUARD)
    (project / "test_helper.exs").write_text(GUARD)
    (project / "deps" / "dep" / "lib" / "d.ex").write_text(GUARD)
    (project / "notes.txt").write_text(GUARD)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: elixir-perf-lsp\n"
    )
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    home = tmp_path / "pre-commit-home"

    first = pre_commit(project, home, "run", "--all-files")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert "elixir-perf-lsp" in output and "Failed" in output
    assert "files were modified by this hook" in output
    assert (project / "lib" / "a.ex").read_text() == FIXED
    assert (project / "test_helper.exs").read_text() == FIXED
    # deps/ is never touched, nor files that are not Elixir.
    assert (project / "deps" / "dep" / "lib" / "d.ex").read_text() == GUARD
    assert (project / "notes.txt").read_text() == GUARD

    git("add", "-A", cwd=project)
    second = pre_commit(project, home, "run", "--all-files")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout

    (project / "lib" / "c.ex").write_text(UNFIXABLE)
    git("add", "-A", cwd=project)
    third = pre_commit(project, home, "run", "--files", "lib/c.ex")
    assert third.returncode == 1, third.stdout + third.stderr
    assert "lib/c.ex:2:" in third.stdout and "EP601" in third.stdout
    assert "files were modified" not in third.stdout
    assert (project / "lib" / "c.ex").read_text() == UNFIXABLE
