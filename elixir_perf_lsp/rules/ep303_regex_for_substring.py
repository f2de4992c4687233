"""## What it does
Flags `s =~ ~r/text/`, `Regex.match?(~r/text/, s)` and `String.match?(s, ~r/text/)`
where the regex is a plain piece of text: no metacharacters (escaped punctuation
such as `\\.` counts as text), no modifiers, optionally anchored with `^`/`\\A` at
the start or `\\z`/`$` at the end.

## Why is this bad?
Running the regex engine to look for a fixed string costs several times a
binary search (`:binary.match/2`, which `String.contains?/2` uses), and
`starts_with?`/`ends_with?` only compare one end of the string instead of
scanning it.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
if line =~ ~r/ERROR/, do: log(line)
```

Use instead:
```elixir
if String.contains?(line, "ERROR"), do: log(line)
```

## Fix safety
Without modifiers a regex compares bytes, as `String.contains?/2`,
`String.starts_with?/2` and `String.ends_with?/2` do, and all of them raise for a
non-binary subject (`=~`, `Regex.match?/2` and `String.match?/2` raise
`FunctionClauseError` for `nil`, atoms and charlists, as the `String` functions
do). So unanchored → `contains?`, `^`/`\\A` → `starts_with?` and `\\z` →
`ends_with?` give the same answer for every subject: **safe**. A `$` (or `\\Z`)
at the end also matches before a final newline (`"abc\\n" =~ ~r/abc$/` is true,
`String.ends_with?("abc\\n", "abc")` is false), so `ends_with?` is **unsafe**
there. Patterns anchored at both ends are left alone; a regex piped into
`Regex.match?` is reported without a fix.

## References
- [String.contains?/2](https://hexdocs.pm/elixir/String.html#contains?/2)
- [PCRE: `$` and `\\z`](https://www.pcre.org/original/doc/html/pcrepattern.html#SEC6)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from elixir_perf_lsp.analysis.nodes import call_args, call_name, operator, pipe_source, text
from elixir_perf_lsp.analysis.regex import elixir_string, read_sigil, regex_sigil_source
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = 'over 100k lines, `Regex.match?(~r/ERROR/, s)` took 1.6–2.2× as long as `String.contains?(s, "ERROR")` (78–105 ms vs 46–47 ms), a one-byte `~r/@/` 4.4× (77 ms vs 18 ms), and `~r/^GET /` 10–13× `String.starts_with?/2` (91 ms vs 6.9 ms).'

QUERY = """
(binary_operator operator: "=~" right: (sigil) @ep303_regex) @ep303_match
(call
  target: (dot
    left: (alias) @ep303_mod (#any-of? @ep303_mod "Regex" "String")
    right: (identifier) @ep303_fn (#eq? @ep303_fn "match?"))) @ep303_call
"""

_META = frozenset("\\^$.|?*+()[]{}")

# (function name, string literal) → the edits, or None when there is no fix.
MakeEdits = Callable[[str, str], "tuple[Edit, ...] | None"]


@dataclass(frozen=True)
class Literal:
    text: str
    start: bool  # anchored at the start
    end: str | None  # "\\z", "$", "\\Z" or None


def literal_pattern(source: str) -> Literal | None:
    """The fixed text a regex source matches, if it is nothing else."""
    i = 0
    start = False
    if source.startswith("^"):
        start, i = True, 1
    elif source.startswith("\\A"):
        start, i = True, 2
    chars: list[str] = []
    end: str | None = None
    while i < len(source):
        c = source[i]
        if c == "\\":
            if i + 1 >= len(source):
                return None
            n = source[i + 1]
            if n in "zZ" and i + 2 == len(source):
                end = "\\" + n
            elif n.isascii() and not n.isalnum() and n.isprintable():
                chars.append(n)
            else:
                return None
            i += 2
            continue
        if c == "$" and i + 1 == len(source):
            end = "$"
        elif c in _META:
            return None
        else:
            chars.append(c)
        i += 1
    if not chars:
        return None
    return Literal("".join(chars), start, end)


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if "ep303_match" in captures:
        match = captures["ep303_match"][0]
        regex = captures["ep303_regex"][0]
        left = match.child_by_field_name("left")
        if left is None or operator(match) != "=~":
            return
        subject: Node = left
        yield from _report(match, regex, ctx, lambda fn, lit: _replace(match, subject, fn, lit))
        return
    call = captures["ep303_call"][0]
    module = call_name(call)[0]
    piped = pipe_source(call)
    args = call_args(call)
    if module == "Regex":
        if piped is not None:
            if len(args) == 1 and piped.type == "sigil":
                yield from _report(call, piped, ctx, lambda fn, lit: None)
            return
        if len(args) != 2 or args[0].type != "sigil":
            return
        subject = args[1]
        yield from _report(call, args[0], ctx, lambda fn, lit: _replace(call, subject, fn, lit))
        return
    effective = [piped, *args] if piped is not None else args
    if len(effective) != 2 or effective[1].type != "sigil":
        return
    regex = effective[1]
    name = call.child_by_field_name("target")
    right = name.child_by_field_name("right") if name is not None else None
    if right is None:
        return

    def edits(fn: str, lit: str) -> tuple[Edit, ...]:
        assert right is not None
        return (
            Edit(right.start_byte, right.end_byte, fn),
            Edit(regex.start_byte, regex.end_byte, lit),
        )

    yield from _report(call, regex, ctx, edits)


def _replace(node: Node, subject: Node, fn: str, lit: str) -> tuple[Edit, ...]:
    return (Edit(node.start_byte, node.end_byte, f"String.{fn}({text(subject)}, {lit})"),)


def _report(
    node: Node,
    regex: Node,
    ctx: Context,
    make_edits: MakeEdits,
) -> Iterator[Violation]:
    sigil = read_sigil(regex)
    if sigil is None or sigil.name not in ("r", "R") or sigil.modifiers:
        return
    source = regex_sigil_source(sigil, ctx.target.elixir)
    literal = literal_pattern(source) if source is not None else None
    if literal is None or (literal.start and literal.end):
        return
    if literal.start:
        fn, applicability = "starts_with?", Applicability.SAFE
    elif literal.end is None:
        fn, applicability = "contains?", Applicability.SAFE
    else:
        fn = "ends_with?"
        applicability = Applicability.SAFE if literal.end == "\\z" else Applicability.UNSAFE
    lit = elixir_string(literal.text)
    message = f"`{text(regex)}` only looks for fixed text; use `String.{fn}/2` with {lit}"
    if applicability is Applicability.UNSAFE:
        message += (
            f' (unsafe: `{literal.end}` also matches before a final "\\n", `ends_with?` does not)'
        )
    edits = make_edits(fn, lit)
    fix = Fix(f"Use `String.{fn}/2`", applicability, edits) if edits else None
    if fix is None:
        message += " — no automatic fix: the regex is piped in"
    yield Violation(node, message, fix)


RULE = Rule(
    code="EP303",
    precision="0 of 7 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="regex-for-substring",
    summary="A regex with no metacharacters used to test for fixed text",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "if line =~ ~r/ERROR/, do: log(line)\n",
            'if String.contains?(line, "ERROR"), do: log(line)\n',
        ),
        Example(
            "Enum.filter(paths, &Regex.match?(~r/^lib\\//, &1))\n",
            'Enum.filter(paths, &String.starts_with?(&1, "lib/"))\n',
        ),
        Example(
            "elixir? = path |> String.match?(~r/\\.ex\\z/)\n",
            'elixir? = path |> String.ends_with?(".ex")\n',
        ),
        Example(
            "elixir? = path =~ ~r/\\.exs$/\n",
            'elixir? = String.ends_with?(path, ".exs")\n',
            unsafe=True,
        ),
    ),
    ok=(
        Example('found = line =~ "ERROR"\n'),
        Example("found = line =~ ~r/ERROR/i\n"),
        Example("found = line =~ ~r/ERR(OR)?/\n"),
        Example("same = line =~ ~r/^ERROR$/\n"),
        Example("digits = line =~ ~r/\\d+/\n"),
        Example("found = line =~ ~r/#{word}/\n"),
    ),
)
