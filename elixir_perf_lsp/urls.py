"""Where users read about a rule."""

from __future__ import annotations

DOCS_BASE = "https://github.com/elixir-perf-lsp/elixir-perf-lsp/blob/main/docs/rules"


def rule_url(name: str) -> str:
    return f"{DOCS_BASE}/{name}.md"
