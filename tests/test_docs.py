"""Generated docs stay in step with the rules."""

from __future__ import annotations

from pathlib import Path

from elixir_perf_lsp.gendocs import stale

ROOT = Path(__file__).resolve().parent.parent


def test_generated_rule_docs_are_up_to_date() -> None:
    paths = stale(ROOT)
    assert not paths, "regenerate with `python -m elixir_perf_lsp.gendocs`: " + ", ".join(
        str(p.relative_to(ROOT)) for p in paths
    )
