"""The layering of architecture §4, checked on the import statements themselves.

The engine and the Elixir readers below it know nothing of individual rules, of
LSP or of the front ends: rules are found by the registry at run time, by package
name, and EP001 is the engine's own (engine/suppression.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "elixir_perf_lsp"
LOWER_LAYERS = ("engine", "analysis")
# What sits above them: none of it may be imported from below, not even lazily
# inside a function or under TYPE_CHECKING.
ABOVE = (
    "elixir_perf_lsp.rules",
    "elixir_perf_lsp.server",
    "elixir_perf_lsp.commands",
    "elixir_perf_lsp.output",
    "elixir_perf_lsp.refactors",
    "elixir_perf_lsp.cli",
    "elixir_perf_lsp.checker",
    "elixir_perf_lsp.gendocs",
    "elixir_perf_lsp.ruledocs",
)


def imported_modules(path: Path) -> list[str]:
    """Every module an import statement in `path` names (`from a import b` gives `a.b`
    too, since `b` may be a module)."""
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"  # absolute imports only
            base = node.module or ""
            out += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return out


def is_above(module: str) -> bool:
    return any(module == top or module.startswith(f"{top}.") for top in ABOVE)


MODULES = sorted(p for layer in LOWER_LAYERS for p in (PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_lower_layers_import_nothing_from_above(path: Path) -> None:
    assert [m for m in imported_modules(path) if is_above(m)] == []


def test_the_check_sees_lazy_and_aliased_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n"
        "    from elixir_perf_lsp.rules.ep101_length_in_guard import RULE as R\n"
        "    from elixir_perf_lsp import server\n"
        "    import elixir_perf_lsp.output.render\n",
        encoding="utf-8",
    )
    assert [m for m in imported_modules(sample) if is_above(m)] == [
        "elixir_perf_lsp.rules.ep101_length_in_guard",
        "elixir_perf_lsp.rules.ep101_length_in_guard.RULE",
        "elixir_perf_lsp.server",
        "elixir_perf_lsp.output.render",
    ]
