"""Suppression comments, Credo's shape with our prefix.

    # elixir-perf:disable-for-next-line [CODE ...]
    foo()  # elixir-perf:disable-for-this-line [CODE ...]
    # elixir-perf:disable-for-this-file [CODE ...]

No codes means every rule. Codes may also be rule names. Text after ` -- ` is
the reason, for people: it names no code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from elixir_perf_lsp.positions import decode
from elixir_perf_lsp.syntax import Node, comment_spans

# Where the codes end and the reason begins.
_REASON = re.compile(r"\s--(?:\s|$)")
_DIRECTIVE = re.compile(
    r"#\s*elixir-perf:disable-for-(?P<scope>next-line|this-line|this-file)\b(?P<codes>[^#]*)"
)


@dataclass
class Suppression:
    scope: str
    line: int  # the line it silences (tree-sitter rows); -1 for the whole file
    codes: frozenset[str]  # empty: all rules
    start: int  # byte span of the comment, for reporting unused ones
    end: int
    used: set[str] = field(default_factory=set)

    def covers(self, code: str, name: str) -> bool:
        return not self.codes or code in self.codes or name in self.codes


def find_suppressions(source: bytes, root: Node) -> list[Suppression]:
    if b"elixir-perf:" not in source:
        return []
    found: list[Suppression] = []
    for start, end in comment_spans(root):
        match = _DIRECTIVE.search(decode(source[start:end]))
        if match is None:
            continue
        scope = match["scope"]
        named = _REASON.split(match["codes"], maxsplit=1)[0]
        codes = frozenset(c.strip(",") for c in named.split() if c.strip(","))
        row = source.count(b"\n", 0, start)  # tree-sitter rows, as findings use
        line = {"next-line": row + 1, "this-line": row, "this-file": -1}[scope]
        found.append(Suppression(scope, line, codes, start, end))
    return found


def suppressed(suppressions: list[Suppression], code: str, name: str, line: int) -> bool:
    hit = False
    for s in suppressions:
        if (s.line == -1 or s.line == line) and s.covers(code, name):
            s.used.add(code)
            hit = True
    return hit


def directive(scope: str, codes: Sequence[str], reason: str = "") -> str:
    """The comment text that suppresses `codes` (`scope`: next-line, this-line,
    this-file), with ` -- reason` when one is given."""
    text = f"# elixir-perf:disable-for-{scope} {' '.join(codes)}".rstrip()
    return f"{text} -- {reason}" if reason else text
