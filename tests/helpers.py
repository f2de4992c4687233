"""Small helpers shared by the unit tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from elixir_perf_lsp import syntax
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
    # A fix must never break the parse of code that parsed.
    if not syntax.parse(source.encode()).root_node.has_error:
        assert not syntax.parse(out).root_node.has_error, out.decode()
    return out.decode()


def run_check(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`elixir-perf-lsp check ARGS` in a fresh interpreter; a hang fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "--no-progress", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )
