from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def every_rule_in_tmp_projects(tmp_path: Path) -> None:
    """Tests lint their own snippets with every rule, opt-in ones included, as a
    project would with `select = ["ALL"]`; a test that writes its own config
    replaces this one. `test_default_set.py` checks the defaults themselves."""
    (tmp_path / ".elixir-perf.toml").write_text('select = ["ALL"]\n')


@pytest.fixture
def examples_dir() -> Path:
    return ROOT / "examples"


def pytest_report_header() -> str:
    return f"python: {sys.executable}"
