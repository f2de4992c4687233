"""What a rule is: metadata, documentation, examples, a query and a check.

A rule module builds one `Rule` named `RULE`. Its module docstring holds the
documentation in ruff's sections; its examples feed the tests, the generated docs
and hover text, so the docs cannot drift from what the rule does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Fix, FixAvailability, Severity
from elixir_perf_lsp.syntax import Captures, Node

# A rule's code says what it is about: EP<family><two digits>.
CODE_FAMILIES = {
    0: "the linter itself (suppressions)",
    1: "lists",
    2: "binaries and strings built in loops",
    3: "regular expressions",
    4: "files",
    5: "Enum pipelines and membership",
    6: "Ecto and the database",
    7: "processes and tasks",
    8: "atoms and strings",
}


@dataclass(frozen=True)
class Violation:
    """What a check yields; the engine adds code, name and severity."""

    node: Node | tuple[int, int]
    message: str
    fix: Fix | None = None
    severity: Severity | None = None

    @property
    def span(self) -> tuple[int, int]:
        if isinstance(self.node, tuple):
            return self.node
        return self.node.start_byte, self.node.end_byte


@dataclass(frozen=True)
class Example:
    """A snippet of Elixir; `fixed` is the exact text after applying every fix."""

    source: str
    fixed: str | None = None
    # Unsafe fixes are applied only when this is set, mirroring `--unsafe-fixes`.
    unsafe: bool = False
    target: tuple[tuple[int, int] | None, int | None] = (None, None)
    # Extra inputs for the BEAM harness (tests/beam/README.md): each string is an
    # Elixir expression evaluating to a list of argument lists, one per call.
    inputs: tuple[str, ...] = ()


Check = Callable[[Captures, Context], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    fix_availability: FixAvailability
    doc: str
    # tree-sitter patterns. Capture names belong to their pattern (tree-sitter
    # scopes them per match), so rules write `@call` without a prefix; patterns of
    # rules with the same query text are matched once for all of them.
    query: str
    check: Check
    cost: str = ""
    bad: tuple[Example, ...] = ()
    ok: tuple[Example, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)
    # "form": a finding depends only on the top-level form (def, module-level
    # expression) its match starts in, so incremental analysis may reuse it when
    # another form changes. "file": it looks elsewhere (module attributes, insertion
    # points above the def), so it is recomputed on every change.
    scope: Literal["form", "file"] = "form"
    # Whether this rule's warnings are worth showing in test code. Tests run on small
    # fixtures, so only cost that grows faster than the input matters there, and
    # not per-element queries or atoms: that is how tests set up and check rows.
    # Information and hint findings are never shown in tests.
    in_tests: bool = True
    # False: measured precision on real projects is below the default set's bar, so
    # the rule runs only when selected by its exact code (docs/rules/README.md).
    default: bool = True
    # An effect kind of the project index ("db_write", "db_read", "file_append"):
    # the rule also reports a loop calling a project function that performs it,
    # however deep (`project.through_calls`), with `through_call_advice` as advice.
    effect: str = ""
    through_call_advice: str = ""
    # Measured precision on real code, for the docs: "3 of 4 findings worth changing
    # on 14 projects (benchmarks/precision, 2026-12-06)".
    precision: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"EP\d{3}", self.code) or int(self.code[2]) not in CODE_FAMILIES:
            raise ValueError(f"bad rule code {self.code!r} (families: {CODE_FAMILIES})")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.name):
            raise ValueError(f"bad rule name {self.name!r}")
        if self.scope not in ("form", "file"):
            raise ValueError(f"bad rule scope {self.scope!r}")
        # The docstring says `{cost}` where the measured figure goes; it is filled
        # here so a rule module does not format its own documentation.
        if "{cost}" in self.doc and not self.cost:
            raise ValueError(f"{self.code}: the docstring says {{cost}} but no cost is given")
        object.__setattr__(self, "doc", self.doc.replace("{cost}", self.cost))

    def sections(self) -> dict[str, str]:
        """The docstring split at its `## ` headings ("Use instead:" is its own)."""
        return parse_sections(self.doc)


def parse_sections(doc: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in _dedent(doc).splitlines():
        heading = line[3:].strip() if line.startswith("## ") else None
        if heading is None and line.strip() == "Use instead:":
            heading = "Use instead:"
        if heading is not None:
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current, lines = heading, []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections


def _dedent(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
