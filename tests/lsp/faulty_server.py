"""The real server, with EP101 made to raise: for the fault-isolation test."""

from __future__ import annotations

import dataclasses
import importlib
import sys

from elixir_perf_lsp.engine.registry import all_rules


def main() -> int:
    analyze_module = importlib.import_module("elixir_perf_lsp.engine.analyze")
    original = analyze_module._query_for

    def explode(captures, ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    def patched(source, options, scope=None):  # type: ignore[no-untyped-def]
        combined = original(source, options, scope)
        owners = tuple(
            dataclasses.replace(r, check=explode) if r.code == "EP101" else r
            for r in combined.owners
        )
        return analyze_module._CombinedQuery(combined.query, owners)

    analyze_module._query_for = patched
    assert all_rules()
    from elixir_perf_lsp.server.app import run

    return run()


if __name__ == "__main__":
    sys.exit(main())
