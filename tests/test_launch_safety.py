"""Starting the server inside an untrusted workspace runs none of its code (issue 20, item 5).

Editors start the server with the workspace as working directory; `python -m`
puts that directory first on `sys.path`, so a repository could plant `cattrs.py`
(imported by pygls) and have it run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Modules the server imports at start-up (its dependencies and the stdlib's own).
PLANTED = ("cattrs", "attrs", "lsprotocol", "pygls", "tree_sitter", "argparse", "json", "asyncio")


def plant(workspace: Path) -> list[Path]:
    """Modules that leave a marker file when imported; the markers they would write."""
    markers = []
    for name in PLANTED:
        marker = workspace / f"{name}.ran"
        (workspace / f"{name}.py").write_text(
            f"open({str(marker)!r}, 'w').write('imported')\nraise ImportError('planted module')\n"
        )
        markers.append(marker)
    return markers


def frame(message: dict[str, object]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


SESSION = b"".join(
    [
        frame({"id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        frame({"method": "initialized", "params": {}}),
        frame({"id": 2, "method": "shutdown"}),
        frame({"method": "exit"}),
    ]
)


def serve(command: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        command, input=SESSION, capture_output=True, cwd=cwd, timeout=60, check=False
    )


LAUNCHES = {
    "python -m (as the docs used to say)": [sys.executable, "-m", "elixir_perf_lsp", "serve"],
    "python -I -m (Python 3.10)": [sys.executable, "-I", "-m", "elixir_perf_lsp", "serve"],
    "python -P -m (Python 3.11+)": [sys.executable, "-P", "-m", "elixir_perf_lsp", "serve"],
}


@pytest.mark.parametrize("launch", LAUNCHES)
def test_a_module_planted_in_the_workspace_is_not_imported(tmp_path: Path, launch: str) -> None:
    if "-P" in LAUNCHES[launch] and sys.version_info < (3, 11):
        pytest.skip("-P is new in Python 3.11")
    markers = plant(tmp_path)
    result = serve(LAUNCHES[launch], tmp_path)
    assert b'"id": 1' in result.stdout or b'"id":1' in result.stdout, result.stderr.decode()
    assert [m.name for m in markers if m.exists()] == []
    assert result.returncode == 0, result.stderr.decode()


def test_the_check_command_does_not_import_workspace_modules_either(tmp_path: Path) -> None:
    markers = plant(tmp_path)
    (tmp_path / "a.ex").write_text("x = 1\n")
    result = subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "a.ex"],
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert [m.name for m in markers if m.exists()] == []


@pytest.mark.skipif(sys.version_info < (3, 11), reason="-P is new in Python 3.11")
def test_safe_path_flags_also_stop_a_planted_copy_of_the_package(tmp_path: Path) -> None:
    """Why the recipes say `-P`: a fake `elixir_perf_lsp/` is imported before our code runs."""
    fake = tmp_path / "elixir_perf_lsp"
    fake.mkdir()
    marker = tmp_path / "fake.ran"
    (fake / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    result = serve([sys.executable, "-P", "-m", "elixir_perf_lsp", "serve"], tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert not marker.exists()


# Every documented way to start the server with an interpreter: (file, what it says).
RECIPES = [
    REPO / "editors" / "emacs" / "README.md",
    REPO / "editors" / "emacs" / "elixir-perf-lsp.el",
    REPO / "editors" / "vscode" / "README.md",
    REPO / "editors" / "vscode" / "package.json",
    REPO / "editors" / "vscode" / "src" / "extension.ts",
    REPO / "editors" / "neovim" / "tests" / "smoke.lua",
    REPO / "README.md",
]
# `python -m elixir_perf_lsp`, `"python" "-m" "elixir_perf_lsp"`, `'-m', PYTHON_MODULE`...
_MODULE_LAUNCH = re.compile(r"""-m\b[\\"',\s]*(?:elixir_perf_lsp|PYTHON_MODULE)\b""")


@pytest.mark.parametrize("doc", RECIPES, ids=lambda p: str(p.relative_to(REPO)))
def test_documented_interpreter_launches_use_a_safe_path_flag(doc: Path) -> None:
    text = doc.read_text()
    for match in _MODULE_LAUNCH.finditer(text):
        line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())]
        if "gendocs" in line or "pip" in line:
            continue
        assert re.search(r"""-[PI]\b|safePathFlag|\{flag\}""", line), f"{doc.name}: {line.strip()}"
