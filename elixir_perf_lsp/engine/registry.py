"""All rules, discovered from the `elixir_perf_lsp.rules` package.

Discovered by name at run time: the engine imports no rule module (architecture §4),
and a new rule needs no line here.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from elixir_perf_lsp.engine.rule import Rule

RULES_PACKAGE = "elixir_perf_lsp.rules"


@cache
def all_rules() -> tuple[Rule, ...]:
    package = importlib.import_module(RULES_PACKAGE)
    found: list[Rule] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{RULES_PACKAGE}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    found.sort(key=lambda r: r.code)
    codes = [r.code for r in found]
    names = [r.name for r in found]
    if len(set(codes)) != len(codes) or len(set(names)) != len(names):
        raise RuntimeError(f"duplicate rule code or name among {codes}")
    return tuple(found)


def find_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    for rule in all_rules():
        if rule.code == key.upper() or rule.name == key.lower():
            return rule
    return None
