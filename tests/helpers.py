"""Small helpers shared by the unit tests."""

from __future__ import annotations

from elixir_perf_lsp.engine import Finding, Options, Target, analyze
from elixir_perf_lsp.engine.fixes import fix_all
from elixir_perf_lsp.engine.options import RuleSelection


def findings(
    source: str,
    code: str | None = None,
    target: Target | None = None,
) -> list[Finding]:
    options = Options(
        selection=RuleSelection(select=(code,) if code else ("EP",)),
        target=target or Target(),
    )
    return analyze(source.encode(), options=options).findings


def fixed(
    source: str, code: str | None = None, unsafe: bool = False, target: Target | None = None
) -> str:
    def run(data: bytes) -> list[Finding]:
        return findings(data.decode(), code, target)

    out, _count = fix_all(source.encode(), run, unsafe=unsafe)
    return out.decode()
