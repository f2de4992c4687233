"""Reading tree-sitter query source without compiling it.

Compiling a query costs milliseconds per pattern on the Elixir grammar, and a
fixed ~7 ms per `Query` object, so the engine compiles only the rules that can
match a file. Which can is read from the query text: a pattern whose required
capture must equal `"Repo"` cannot match a file without the bytes `Repo`.

Only what a match *requires* counts. A predicate on a capture that may be absent
(under `?`, `*` or an alternation) holds vacuously, so it requires nothing; the
same for an anonymous node (`"++"`) there. `tests/test_prefilter.py` checks the
splitting against tree-sitter's own pattern count and that every rule's examples
still fire with the filter on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# One alternative set per requirement: a match needs one of its strings in the source.
Requirement = frozenset[bytes]


@dataclass
class _Expr:
    start: int
    end: int = 0
    kind: str = ""  # "group", "alternation", "string", "predicate", "other"
    text: str = ""  # the literal of a string
    quantifier: str = ""
    captures: list[str] = field(default_factory=list)
    children: list[_Expr] = field(default_factory=list)
    args: list[tuple[str, str]] = field(default_factory=list)  # predicate: ("@", name)/('"', text)


_TOKEN = re.compile(
    r"""
    (?P<space>\s+|;[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<open>[(\[])
  | (?P<close>[)\]])
  | (?P<capture>@[\w.\-]+)
  | (?P<quant>[?*+])
  | (?P<predicate>\#[\w\-]+[?!])
  | (?P<word>[\w.\-]+:?|!\w+|\.)
    """,
    re.VERBOSE,
)


class QuerySyntaxError(ValueError):
    pass


def _tokens(source: str) -> list[tuple[str, str, int]]:
    out = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            raise QuerySyntaxError(f"cannot read query at byte {pos}: {source[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        if kind != "space":
            out.append((kind, m.group(), pos))
        pos = m.end()
    return out


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokens(source)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        if self.i >= len(self.tokens):
            raise QuerySyntaxError("query ends inside a pattern")
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expression(self) -> _Expr:
        kind, text, pos = self.take()
        expr = _Expr(pos)
        if kind == "open" and (nxt := self.peek()) is not None and nxt[0] == "predicate":
            expr.kind = "predicate"
            expr.text = self.take()[1]
            while (arg := self.take())[0] != "close":
                if arg[0] == "capture":
                    expr.args.append(("@", arg[1][1:]))
                elif arg[0] == "string":
                    expr.args.append(('"', arg[1]))
                else:
                    expr.args.append(("?", arg[1]))
        elif kind == "open":
            expr.kind = "group" if text == "(" else "alternation"
            while (token := self.peek()) is not None and token[0] != "close":
                if token[0] == "word" and token[1].endswith(":"):
                    self.take()  # a field name: the next expression is its value
                    continue
                expr.children.append(self.expression())
            if token is None:
                raise QuerySyntaxError(f"unclosed {text!r} at byte {pos}")
            self.take()
        elif kind == "string":
            expr.kind = "string"
            expr.text = text
        elif kind in ("word", "capture"):
            expr.kind = "other"
            if kind == "capture":
                expr.captures.append(text[1:])
        else:
            raise QuerySyntaxError(f"unexpected {text!r} at byte {pos}")
        while (suffix := self.peek()) is not None and suffix[0] in ("quant", "capture"):
            self.take()
            if suffix[0] == "quant":
                expr.quantifier += suffix[1]
            else:
                expr.captures.append(suffix[1][1:])
        expr.end = self.tokens[self.i - 1][2] + len(self.tokens[self.i - 1][1])
        return expr


def _top_level(source: str) -> list[_Expr]:
    reader = _Reader(source)
    out = []
    while reader.peek() is not None:
        out.append(reader.expression())
    return out


def split_patterns(source: str) -> list[str]:
    """The top-level patterns of `source`, in order (tree-sitter's pattern indices)."""
    return [source[e.start : e.end] for e in _top_level(source)]


def _literal(quoted: str) -> bytes | None:
    """The bytes a query string stands for; None when it holds escapes (not worth reading)."""
    body = quoted[1:-1]
    return None if "\\" in body or not body else body.encode()


# `#match?` regexes that are a literal, perhaps anchored: "Repo$", "^Repo$".
_PLAIN_REGEX = re.compile(r"\^?([\w.]+)\$?")


def _walk(expr: _Expr, optional: bool, found: _Found) -> None:
    optional = optional or any(q in expr.quantifier for q in "?*")
    for name in expr.captures:
        (found.optional if optional else found.required).add(name)
    # An anonymous node ("++", "when"): its text is the literal itself (but a
    # token with a space in it, "not in", may be spelt with other blanks). Error
    # recovery can insert one as a zero-width MISSING node; findings there are
    # dropped anyway (broken regions, engine/analyze.py `_clean`).
    lit = _literal(expr.text) if expr.kind == "string" and not optional else None
    if lit is not None and not any(ch.isspace() for ch in expr.text):
        found.requirements.append(frozenset({lit}))
    if expr.kind == "predicate":
        found.predicates.append(expr)
    for child in expr.children:
        _walk(child, optional or expr.kind == "alternation", found)


@dataclass
class _Found:
    required: set[str] = field(default_factory=set)
    optional: set[str] = field(default_factory=set)
    predicates: list[_Expr] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)


def _predicate_requirement(pred: _Expr, found: _Found) -> Requirement | None:
    if len(pred.args) < 2 or pred.args[0][0] != "@":
        return None
    capture = pred.args[0][1]
    if capture not in found.required or capture in found.optional:
        return None
    rest = pred.args[1:]
    if any(kind != '"' for kind, _ in rest):
        return None
    literals = [_literal(text) for _, text in rest]
    if any(lit is None for lit in literals):
        return None
    if (pred.text == "#eq?" and len(literals) == 1) or pred.text == "#any-of?":
        return frozenset(lit for lit in literals if lit is not None)
    if pred.text == "#match?" and len(literals) == 1:
        plain = _PLAIN_REGEX.fullmatch(rest[0][1][1:-1])
        if plain is not None and "." not in plain.group(1):
            return frozenset({plain.group(1).encode()})
    return None


def pattern_requirements(pattern: str) -> tuple[Requirement, ...]:
    """What the source must contain for `pattern` to match: each set, one of its members."""
    found = _Found()
    for expr in _top_level(pattern):
        _walk(expr, False, found)
    out = list(found.requirements)
    for pred in found.predicates:
        requirement = _predicate_requirement(pred, found)
        if requirement is not None:
            out.append(requirement)
    return tuple(out)


@dataclass(frozen=True)
class Prefilter:
    """Whether a query can match a source, from the literals its patterns require."""

    # One entry per pattern; an empty entry means that pattern can match anything.
    patterns: tuple[tuple[Requirement, ...], ...]

    @classmethod
    def of(cls, query: str) -> Prefilter:
        return cls(tuple(pattern_requirements(p) for p in split_patterns(query)))

    def can_match(self, source: bytes) -> bool:
        return any(
            all(any(token in source for token in requirement) for requirement in needs)
            for needs in self.patterns
        )
