"""Suppression comments: their format, what they silence, and EP001 (unused ones).

Credo's shape with our prefix (architecture §3.5):

    # elixir-perf:disable-for-next-line [CODE ...] [-- reason]
    foo()  # elixir-perf:disable-for-this-line [CODE ...] [-- reason]
    # elixir-perf:disable-for-this-file [CODE ...] [-- reason]
    # elixir-perf:disable [CODE ...] [-- reason]
    ...
    # elixir-perf:enable [CODE ...] [-- reason]

No codes means every rule; codes may also be rule names, separated by spaces or
commas. The codes end at ` -- ` (what follows is the reason, for people) or at a
further `#`. A range runs from its `disable` comment to the first `enable` that
names one of its codes (a bare `enable` ends every open range; a range opened by a
bare `disable` ends only at a bare `enable`), or to the end of the file when none
does, like ESLint's `eslint-disable` block comments.

The engine owns all of this, EP001's metadata included: it computes EP001 itself
after every other rule, so no rule module is needed to analyse a file (§4).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from elixir_perf_lsp import positions
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    Severity,
)
from elixir_perf_lsp.engine.options import Options
from elixir_perf_lsp.engine.registry import all_rules, find_rule
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.positions import decode
from elixir_perf_lsp.syntax import Captures, Node, comment_spans

PREFIX = "elixir-perf:"
Scope = Literal["next-line", "this-line", "this-file", "range"]
_DIRECTIVE = re.compile(
    r"#\s*elixir-perf:(?P<kind>disable-for-(?:next-line|this-line|this-file)\b"
    r"|disable(?![\w-])|enable(?![\w-]))(?P<rest>.*)"
)
_REASON = re.compile(r"(?:^|\s)--(?:\s|$)")
_ALL = ""  # the key of a range that silences every rule


def directive(scope: Scope, codes: Iterable[str] = (), reason: str = "") -> str:
    """The text of a suppression comment, as code actions, docs and
    `check --add-suppressions` write it; `scope` "range" opens a range."""
    keyword = "disable" if scope == "range" else f"disable-for-{scope}"
    parts = [f"# {PREFIX}{keyword}", *codes]
    if reason:
        parts += ["--", reason]
    return " ".join(parts)


def enable_directive(codes: Iterable[str] = (), reason: str = "") -> str:
    """The comment that ends a range opened by `directive("range", codes)`."""
    parts = [f"# {PREFIX}enable", *codes]
    if reason:
        parts += ["--", reason]
    return " ".join(parts)


@dataclass(eq=False)  # identity: two identical comments are two suppressions
class Suppression:
    scope: Scope
    line: int  # the row it silences (tree-sitter rows) for the line scopes; else -1
    codes: frozenset[str]  # empty: all rules
    start: int  # byte span of the comment
    end: int
    reason: str = ""
    # A range: per code key (`_ALL` for a bare `disable`), the bytes it silences,
    # from the comment to the `enable` that ended it (or the end of the file), and
    # that `enable`.
    region: dict[str, tuple[int, int]] = field(default_factory=dict)
    closed_by: dict[str, Enable] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # codes of the findings it silenced

    def matches(self, code: str, name: str) -> bool:
        return not self.codes or code in self.codes or name in self.codes

    def covers(self, code: str, name: str, line: int, offset: int) -> bool:
        if not self.matches(code, name):
            return False
        if self.scope == "this-file":
            return True
        if self.scope != "range":
            return self.line == line
        keys = [_ALL] if not self.codes else [c for c in self.codes if c in (code, name)]
        return any(self.region[k][0] <= offset < self.region[k][1] for k in keys)


@dataclass(eq=False)
class Enable:
    """An `enable` comment, and the ranges it ended (none: it does nothing)."""

    codes: frozenset[str]
    start: int
    end: int
    closed: list[Suppression] = field(default_factory=list)


@dataclass
class Suppressions:
    """A file's suppression comments, in source order."""

    disables: list[Suppression] = field(default_factory=list)
    enables: list[Enable] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.disables or self.enables)

    def __iter__(self) -> Iterator[Suppression]:
        return iter(self.disables)

    def silence(self, code: str, name: str, line: int, offset: int) -> bool:
        """Whether a finding at `offset` (on `line`) is suppressed; marks what silenced it."""
        hit = False
        for s in self.disables:
            if s.covers(code, name, line, offset):
                s.used.add(code)
                hit = True
        return hit


def find_suppressions(source: bytes, root: Node) -> Suppressions:
    found = Suppressions()
    if PREFIX.encode() not in source:
        return found
    open_ranges: dict[str, list[Suppression]] = {}
    for start, end in comment_spans(root):
        match = _DIRECTIVE.search(decode(source[start:end]))
        if match is None:
            continue
        codes, reason = _codes_and_reason(match["rest"])
        kind = match["kind"]
        if kind == "enable":
            found.enables.append(_close(open_ranges, Enable(codes, start, end)))
            continue
        if kind == "disable":
            s = Suppression("range", -1, codes, start, end, reason)
            for key in _keys(codes):
                s.region[key] = (start, len(source))
                open_ranges.setdefault(key, []).append(s)
        else:
            scope: Scope = kind.removeprefix("disable-for-")  # type: ignore[assignment]
            row = source.count(b"\n", 0, start)  # tree-sitter rows, as findings use
            line = {"next-line": row + 1, "this-line": row, "this-file": -1}[scope]
            s = Suppression(scope, line, codes, start, end, reason)
        found.disables.append(s)
    return found


def _codes_and_reason(rest: str) -> tuple[frozenset[str], str]:
    reason_at = _REASON.search(rest)
    head, reason = (rest[: reason_at.start()], rest[reason_at.end() :]) if reason_at else (rest, "")
    head = head.split("#", 1)[0]
    codes = frozenset(c for c in re.split(r"[\s,]+", head) if c)
    return codes, reason.strip()


def _keys(codes: frozenset[str]) -> list[str]:
    """Range keys: the codes as written, or `_ALL`."""
    return sorted(codes) if codes else [_ALL]


def _canonical(code: str) -> str:
    """A rule name and its code end the same range."""
    rule = find_rule(code)
    return rule.code if rule is not None else code


def _close(open_ranges: dict[str, list[Suppression]], enable: Enable) -> Enable:
    wanted = {_canonical(c) for c in enable.codes}
    for key in list(open_ranges):
        if enable.codes and (key == _ALL or _canonical(key) not in wanted):
            continue
        for s in open_ranges.pop(key):
            s.region[key] = (s.region[key][0], enable.start)
            s.closed_by[key] = enable
            if all(other is not s for other in enable.closed):
                enable.closed.append(s)
    return enable


# --- EP001: suppressions that silence nothing ----------------------------------------

UNUSED_SUPPRESSION_DOC = """## What it does
Flags `# elixir-perf:disable…` comments that silence nothing, ranges
(`disable` … `enable`) in which nothing was silenced, `enable` comments that end no
range, and suppressions that name a rule code that does not exist.

## Why is this bad?
Suppressions outlive the code they were written for. A comment that no longer
silences anything hides nothing today but will silently swallow a real finding
tomorrow, and an unknown code is usually a typo that silences nothing at all.
Like ruff's unused-`noqa` check, this keeps them from piling up.

Measured: no runtime cost; this rule is about keeping suppressions honest.

## Example
```elixir
# elixir-perf:disable-for-next-line EP101
def f([]), do: :empty
```

Use instead:
```elixir
def f([]), do: :empty
```

## Fix safety
Removing a suppression that silences nothing changes no finding and no code
behaviour: **safe**. For an unused range the `enable` that ends it goes too,
unless it also ends another range. A suppression with unknown codes or only partly
unused codes is reported without a fix, since what was meant is a human's call.
The engine computes this rule itself after all other rules ran; suppressions
for rules that are not selected are never reported as unused.

## References
- [ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
- [ESLint: reportUnusedDisableDirectives](https://eslint.org/docs/latest/use/configure/rules#report-unused-eslint-disable-comments)
"""


def _no_matches(captures: Captures, ctx: Context) -> Iterator[Violation]:
    return iter(())  # computed by the engine from the suppression bookkeeping


UNUSED_SUPPRESSION = Rule(
    code="EP001",
    name="unused-suppression",
    summary="a suppression comment that silences nothing",
    severity=Severity.HINT,
    fix_availability=FixAvailability.SOMETIMES,
    doc=UNUSED_SUPPRESSION_DOC,
    cost="none at runtime; stale suppressions hide future findings.",
    query="",
    check=_no_matches,
    bad=(
        Example(
            "# elixir-perf:disable-for-next-line\ndef f([]), do: :empty\n",
            "def f([]), do: :empty\n",
        ),
        Example(
            "x = items == []  # elixir-perf:disable-for-this-line\n",
            "x = items == []\n",
        ),
        Example("# elixir-perf:disable-for-next-line EP999\nx = 1\n"),
        Example(
            "# elixir-perf:disable -- legacy module\nx = items == []\n# elixir-perf:enable\n",
            "x = items == []\n",
        ),
        Example("x = 1\n# elixir-perf:enable\n", "x = 1\n"),
    ),
    ok=(
        Example("# elixir-perf:disable-for-next-line EP102\nx = length(items) == 0\n"),
        Example(
            "# elixir-perf:disable EP102 -- legacy module\nx = length(items) == 0\n"
            "# elixir-perf:enable EP102\n"
        ),
        Example("# an ordinary comment\nx = 1\n"),
    ),
)


def unused_suppressions(
    source: bytes,
    suppressions: Suppressions,
    options: Options,
    undecided: frozenset[str] = frozenset(),
) -> list[Finding]:
    """EP001's findings, once every other finding went through `Suppressions.silence`.

    Codes in `undecided` may have findings this analysis could not see (they come
    from other files): their suppressions, and those naming no code, count as used.
    """
    rule = UNUSED_SUPPRESSION
    known = {r.code: r for r in all_rules()} | {r.name: r for r in all_rules()}
    severity = options.severity.get(rule.code) or rule.severity
    out = []
    for s in suppressions.disables:
        unknown = sorted(c for c in s.codes if c not in known)
        enabled = [
            c
            for c in s.codes
            if c in known
            and options.selection.enables(known[c].code)
            and known[c].code not in undecided
        ]
        if not s.codes and undecided:
            continue
        unused = sorted(c for c in enabled if known[c].code not in s.used)
        where = f" {_range_words(source, s, unused)}" if s.scope == "range" else " here"
        noun = "suppression range" if s.scope == "range" else "suppression"
        if unknown:
            message = f"Unknown rule code in suppression: {', '.join(unknown)}"
        elif not s.codes and not s.used:
            message = f"Unused {noun}: no finding is silenced{where}"
        elif unused and len(unused) == len(s.codes):
            message = f"Unused {noun}: {', '.join(unused)} not reported{where}"
        elif unused:
            message = f"Partly unused {noun}: {', '.join(unused)} not reported{where}"
        else:
            continue
        fix = None
        if not unknown and (not s.codes or len(unused) == len(s.codes)):
            edits = [_comment_removal(source, s.start, s.end)]
            edits += [
                _comment_removal(source, e.start, e.end)
                for e in _unique(s.closed_by.values())
                if all(other is s for other in e.closed)
            ]
            fix = Fix("Remove the unused suppression", Applicability.SAFE, tuple(sorted(edits)))
        out.append(Finding(rule.code, rule.name, message, s.start, s.end, severity, fix))
    for e in suppressions.enables:
        if e.closed:
            continue  # one that ends a range is part of it, reported with it
        what = f"no `disable` of {', '.join(sorted(e.codes))}" if e.codes else "no `disable`"
        message = f"Unmatched `enable`: {what} is open here, so it ends nothing"
        fix = Fix(
            "Remove the unmatched enable",
            Applicability.SAFE,
            (_comment_removal(source, e.start, e.end),),
        )
        out.append(Finding(rule.code, rule.name, message, e.start, e.end, severity, fix))
    return out


def _range_words(source: bytes, s: Suppression, codes: list[str]) -> str:
    """Where the range of `codes` (all of it when none) reaches, in 1-based lines:
    "in lines 3-9", or "from line 3 to the end of the file" when no `enable` ends it."""
    first = source.count(b"\n", 0, s.start) + 1
    ends = {end for key, (_start, end) in s.region.items() if not codes or key in codes}
    if ends == {len(source)}:
        return f"from line {first} to the end of the file (no `enable`)"
    # A code no `enable` named reaches the end: its last line, not the one after it.
    last = source.count(b"\n", 0, min(max(ends), len(source.rstrip(b"\r\n")))) + 1
    return f"in lines {first}-{last}"


def _unique(enables: Iterable[Enable]) -> list[Enable]:
    out: list[Enable] = []
    for e in enables:
        if all(e is not seen for seen in out):
            out.append(e)
    return out


def _comment_removal(source: bytes, start: int, end: int) -> Edit:
    """Delete the comment; with its whole line when it stands alone."""
    line_start = positions.line_start(source, start)
    before = source[line_start:start]
    if before.strip() == b"":
        if source[end : end + 2] == b"\r\n":
            end += 2
        elif source[end : end + 1] in (b"\n", b"\r"):
            end += 1
        return Edit(line_start, end, "")
    while start > line_start and source[start - 1 : start] in (b" ", b"\t"):
        start -= 1
    return Edit(start, end, "")
