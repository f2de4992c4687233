"""What an analysis is asked to do: which rules, at which severity, for which versions."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from elixir_perf_lsp.engine.model import Severity


@dataclass(frozen=True)
class Target:
    """The Elixir and OTP versions the code must run on; None means unknown."""

    elixir: tuple[int, int] | None = None
    otp: int | None = None

    def elixir_at_least(self, major: int, minor: int) -> bool:
        return self.elixir is not None and self.elixir >= (major, minor)

    def otp_at_least(self, release: int) -> bool:
        return self.otp is not None and self.otp >= release

    def describe(self) -> str:
        elixir = ".".join(map(str, self.elixir)) if self.elixir else "unknown"
        otp = str(self.otp) if self.otp is not None else "unknown"
        return f"Elixir {elixir}, OTP {otp}"


@dataclass(frozen=True)
class RuleSelection:
    """ruff's selection model over code prefixes: the most specific prefix wins.

    `EP1` selects EP101..EP199; `ignore = ["EP1"]` with `select = ["EP101"]`
    keeps EP101 because its select prefix is longer.
    """

    select: tuple[str, ...] = ("EP",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    # Rules outside the default set: enabled only when selected by their exact
    # code or by `ALL` (like clippy's pedantic lints), never by a prefix such as
    # `EP` or `EP5`.
    opt_in: frozenset[str] = frozenset()

    def enables(self, code: str) -> bool:
        selectors = (*self.select, *self.extend_select)
        chosen = _longest_prefix(code, selectors)
        if chosen < 0:
            return False
        named = chosen == len(code) or ALL in (s.upper() for s in selectors)
        if code in self.opt_in and not named:
            return False
        return chosen > _longest_prefix(code, self.ignore)


# Every rule, opt-in ones included (ruff's `ALL`), with the least specificity:
# `select = ["ALL"]` plus `ignore = ["EP5"]` drops the EP5 rules.
ALL = "ALL"


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    best = -1
    for prefix in prefixes:
        if prefix.upper() == ALL:
            best = max(best, 0)
        elif code.startswith(prefix.upper()):
            best = max(best, len(prefix))
    return best


class FileRole(enum.Enum):
    """What a file is for, which decides which findings are worth showing in it."""

    SOURCE = "source"
    # Tests: only asymptotic (warning) rules, and assertions are never rewritten.
    TEST = "test"
    # mix.exs, config, migrations, mix tasks, release scripts: run by hand, once.
    TOOLING = "tooling"


@dataclass(frozen=True)
class Options:
    selection: RuleSelection = RuleSelection()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    target: Target = Target()
    role: FileRole = FileRole.SOURCE
    # The project's own macros whose arguments are not plain Elixir (query DSLs).
    dsl_macros: tuple[str, ...] = ()
