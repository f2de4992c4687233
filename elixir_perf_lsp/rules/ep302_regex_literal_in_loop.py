"""## What it does
Flags a `~r` literal, or a read of a module attribute holding one, evaluated
inside a loop body (an `Enum`/`Stream` callback, a `for` body, a recursive
clause) when the target is OTP 28 or later. Silent for OTP ≤ 27 and when the
target OTP is unknown.

## Why is this bad?
Up to OTP 27 a `~r` literal is a precompiled constant: evaluating it is free.
OTP 28 made compiled patterns references that cannot live in compiled code, so
each evaluation re-imports the pattern (`:re.import/1`, Elixir ≥ 1.19) or even
recompiles it (`Regex.compile!/2`, Elixir 1.18 or OTP 28.0). Inside a loop that
happens once per element. Binding the regex to a variable before the loop
imports it once.

Measured on Elixir 1.20 / OTP 29: {cost}

## Example
```elixir
Enum.filter(lines, fn line -> line =~ ~r/^\\d+$/ end)
```

Use instead:
```elixir
regex = ~r/^\\d+$/
Enum.filter(lines, fn line -> line =~ regex end)
```

## Fix safety
The binding goes on its own line before the statement holding the outermost
enclosing `Enum`/`for` loop of the function, under a name used nowhere in the
function (`regex`, or the attribute's name; `_2`… on a clash). Evaluating a
regex literal has no side effects, so evaluating it once before the loop gives
the same regex to every iteration: **safe**. (Where the pattern is compiled at
run time, an invalid one now raises before the loop even when the loop has no
elements; every other OTP release rejects it at compile time.) No fix inside
recursive functions (the loop is the function itself: pass the regex as an
argument) or where there is no statement to bind before (`do:` one-liners).

## References
- [Elixir v1.18.4 release notes](https://github.com/elixir-lang/elixir/releases/tag/v1.18.4)
- [Erlang/OTP 28 highlights: PCRE2](https://www.erlang.org/blog/highlights-otp-28/)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.loops import Loop, enclosing_loops
from elixir_perf_lsp.analysis.nodes import Definition, contains, descendants, text
from elixir_perf_lsp.analysis.regex import (
    attribute_name,
    attribute_value,
    enclosing_module,
    function_definition,
    read_sigil,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "on Elixir 1.20.4 / OTP 29, 100k matches took 224 ms with the `~r` literal (or a regex attribute) evaluated inside the loop vs 83 ms with it bound once before (2.7×; 1.9× at 10 elements); on Elixir 1.14 / OTP 25 nothing to gain (86 ms both), which is why the rule needs a known OTP ≥ 28 target."

QUERY = """
(sigil (sigil_name) @ep302_name (#any-of? @ep302_name "r" "R")) @ep302_sigil
(unary_operator operator: "@" operand: (identifier) @ep302_attr) @ep302_read
"""

_STATEMENT_LISTS = frozenset({"do_block", "else_block", "after_block", "body"})


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if not ctx.target.otp_at_least(28):
        return
    if "ep302_sigil" in captures:
        node = captures["ep302_sigil"][0]
        sigil = read_sigil(node)
        if sigil is None or sigil.interpolated:
            return
        what, base = f"`{text(node)}`", "regex"
    else:
        node = captures["ep302_read"][0]
        name = text(captures["ep302_attr"][0])
        module = enclosing_module(node)
        value = attribute_value(module, name) if module is not None else None
        sigil = read_sigil(value) if value is not None else None
        if sigil is None or sigil.name not in ("r", "R") or sigil.interpolated:
            return
        what, base = f"`@{name}` (a regex)", name
    definition = function_definition(node)
    if definition is None or definition.body is None:
        return
    loops = [loop for loop in enclosing_loops(node) if contains(definition.call, loop.node)]
    if not loops:
        return
    message = (
        f"{what} is re-imported on every iteration on OTP {ctx.target.otp}; "
        "bind it to a variable before the loop"
    )
    fix = _fix(node, loops, definition, base, ctx)
    if fix is None and loops[0].kind == "recursion":
        message = (
            f"{what} is re-imported on every recursive call on OTP {ctx.target.otp}; "
            "build it once and pass it as an argument"
        )
    yield Violation(node, message, fix)


def _fix(
    node: Node, loops: list[Loop], definition: Definition, base: str, ctx: Context
) -> Fix | None:
    outer: Loop | None = None
    for loop in loops:
        if loop.kind == "recursion":
            break
        outer = loop
    if outer is None:
        return None
    statement = _statement(outer.node, definition)
    if statement is None:
        return None
    line_start = ctx.source.rfind(b"\n", 0, statement.start_byte) + 1
    if ctx.source[line_start : statement.start_byte].strip(b" \t"):
        return None
    indent = ctx.source[line_start : statement.start_byte].decode()
    taken = {
        text(n)
        for n in descendants(definition.call)
        if n.type == "identifier" and (n.parent is None or attribute_name(n.parent) is None)
    }
    name = base
    k = 2
    while name in taken:
        name = f"{base}_{k}"
        k += 1
    return Fix(
        f"Bind `{name} = {text(node)}` before the loop",
        Applicability.SAFE,
        (
            Edit(statement.start_byte, statement.start_byte, f"{name} = {text(node)}\n{indent}"),
            Edit(node.start_byte, node.end_byte, name),
        ),
    )


def _statement(node: Node, definition: Definition) -> Node | None:
    """The statement (a child of a block) holding `node`, inside the function body."""
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.type in _STATEMENT_LISTS:
            return current if contains(definition.call, parent) else None
        if parent.id == definition.call.id:
            return None
        current = parent
    return None


RULE = Rule(
    # Looks at module attributes and inserts above the function: not form-local.
    scope="file",
    code="EP302",
    precision="0 of 2 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="regex-literal-in-loop",
    summary="A `~r` literal re-imported on every loop iteration (OTP 28+)",
    severity=Severity.HINT,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "def numbers(lines) do\n  Enum.filter(lines, fn line -> line =~ ~r/^\\d+$/ end)\nend\n",
            "def numbers(lines) do\n"
            "  regex = ~r/^\\d+$/\n"
            "  Enum.filter(lines, fn line -> line =~ regex end)\n"
            "end\n",
            target=((1, 19), 28),
        ),
        Example(
            "defmodule Words do\n"
            "  @word_regex ~r/\\w+/u\n"
            "  def count(docs) do\n"
            "    for doc <- docs do\n"
            "      length(Regex.scan(@word_regex, doc))\n"
            "    end\n"
            "  end\n"
            "end\n",
            "defmodule Words do\n"
            "  @word_regex ~r/\\w+/u\n"
            "  def count(docs) do\n"
            "    word_regex = @word_regex\n"
            "    for doc <- docs do\n"
            "      length(Regex.scan(word_regex, doc))\n"
            "    end\n"
            "  end\n"
            "end\n",
            target=((1, 19), 29),
        ),
        Example(
            "defp trim_all([]), do: []\n\n"
            "defp trim_all([line | rest]) do\n"
            '  [String.replace(line, ~r/\\s+$/, "") | trim_all(rest)]\n'
            "end\n",
            target=(None, 28),
        ),
    ),
    ok=(
        Example(
            "def numbers(lines) do\n  Enum.filter(lines, fn line -> line =~ ~r/^\\d+$/ end)\nend\n",
            target=((1, 17), 27),
        ),
        Example(
            "def numbers(lines) do\n  Enum.filter(lines, fn line -> line =~ ~r/^\\d+$/ end)\nend\n",
        ),
        Example("def number?(line), do: line =~ ~r/^\\d+$/\n", target=((1, 19), 28)),
        Example(
            "def having(lines, w) do\n  Enum.filter(lines, fn line -> line =~ ~r/#{w}/ end)\nend\n",
            target=((1, 19), 28),
        ),
    ),
)
