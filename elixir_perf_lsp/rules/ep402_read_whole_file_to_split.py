"""## What it does
Flags `File.read!/1` whose result goes straight into `String.split/2,3` on
newlines (`"\\n"`, `"\\r\\n"`, a list of those, or `~r/\\n/`, `~r/\\r?\\n/`,
`~r/\\R/`), in either spelling: `File.read!(p) |> String.split("\\n")` or
`String.split(File.read!(p), "\\n")`. `String.split/1` (which splits on any
whitespace) is not flagged.

## Why is this bad?
The whole file is loaded as one binary and then every line becomes a list
element, all held in memory at once, before the first line is processed: memory
grows with the file. `File.stream!/1` reads and hands over one line at a time,
in constant memory (it is not faster: the gain is memory, not time).

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
path |> File.read!() |> String.split("\\n") |> Enum.count(&String.contains?(&1, "ERROR"))
```

Use instead:
```elixir
path |> File.stream!() |> Enum.count(&String.contains?(&1, "ERROR"))
```

## Fix safety
No fix. `File.stream!/1` yields lines that keep their `"\\n"` (add
`Stream.map(&String.trim_trailing(&1, "\\n"))` where that matters), a `"\\r\\n"`
file keeps its `"\\r"`, there is no trailing empty string for a final newline,
the result is a lazy stream rather than a list, and the file is read while the
stream is consumed instead of up front (it can change, or be deleted, in
between). Which of those matter depends on the code that follows.

## References
- [File.stream!/3](https://hexdocs.pm/elixir/File.html#stream!/3)
- [Stream.map/2](https://hexdocs.pm/elixir/Stream.html#map/2)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.nodes import (
    call_args,
    effective_args,
    is_call,
    operator,
    pipe_source,
    text,
)
from elixir_perf_lsp.analysis.regex import read_sigil, string_literal_value
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = 'for a 100k-line (4.6 MiB) file, `File.read! |> String.split("\\n")` peaked at 18.4 MiB above the starting point vs 0.26 MiB for `File.stream!` (1M lines, 47 MiB: 82 MiB vs 0.25 MiB); `File.stream!` took 1.5× as long (80 ms vs 54 ms).'

QUERY = """
(call
  target: (dot
    left: (alias) @ep402_mod (#eq? @ep402_mod "String")
    right: (identifier) @ep402_fn (#eq? @ep402_fn "split"))) @ep402_split
"""

_TRIMS = ("trim", "trim_trailing", "trim_leading")
_NEWLINES = frozenset({b"\n", b"\r\n"})
_NEWLINE_REGEXES = frozenset(
    {"\\n", "\\r\\n", "\\r?\\n", "\\R", "\\n|\\r\\n", "\\r\\n|\\n", "\\r\\n?|\\n"}
)


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    split = captures["ep402_split"][0]
    args = effective_args(split)
    if not 2 <= len(args) <= 3 or not _newline_pattern(args[1]):
        return
    path = _read_path(args[0])
    if path is None:
        return
    piped = pipe_source(split)
    span = split.parent if piped is not None and split.parent is not None else split
    path_text = text(path)
    message = (
        f"`File.read!/1` split into lines holds the whole file and every line in memory at "
        f"once; stream it with `File.stream!({path_text})` (its lines keep the trailing "
        '"\\n": add `Stream.map(&String.trim_trailing(&1, "\\n"))` if needed)'
    )
    yield Violation(span, message)


def _newline_pattern(node: Node) -> bool:
    value = string_literal_value(node)
    if value is not None:
        return value in _NEWLINES
    if node.type == "list":
        items = node.named_children
        return bool(items) and all(string_literal_value(c) in _NEWLINES for c in items)
    sigil = read_sigil(node)
    return (
        sigil is not None
        and sigil.name in ("r", "R")
        and not sigil.interpolated
        and sigil.raw in _NEWLINE_REGEXES
    )


def _read_path(node: Node) -> Node | None:
    """The path of `File.read!(path)` or `path |> File.read!()`, looked for
    through `String.trim/1`-style calls in between."""
    current: Node | None = node
    while current is not None:
        if current.type == "binary_operator" and operator(current) == "|>":
            right = current.child_by_field_name("right")
            left = current.child_by_field_name("left")
            if right is None or call_args(right):
                return None
            if is_call(right, "File", "read!"):
                return left
            if not is_call(right, "String", *_TRIMS):
                return None
            current = left
            continue
        args = call_args(current)
        if len(args) != 1:
            return None
        if is_call(current, "File", "read!"):
            return args[0]
        if not is_call(current, "String", *_TRIMS):
            return None
        current = args[0]
    return None


RULE = Rule(
    code="EP402",
    precision="0 of 3 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="read-whole-file-to-split",
    summary="`File.read!` split into lines instead of `File.stream!`",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.NONE,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example('lines = File.read!(path) |> String.split("\\n")\n'),
        Example('lines = String.split(File.read!("data.csv"), "\\r\\n", trim: true)\n'),
        Example("path |> File.read!() |> String.split(~r/\\r?\\n/) |> Enum.map(&parse/1)\n"),
    ),
    ok=(
        Example("words = File.read!(path) |> String.split()\n"),
        Example('fields = File.read!(path) |> String.split(",")\n'),
        Example('lines = File.stream!(path) |> Enum.map(&String.trim_trailing(&1, "\\n"))\n'),
        Example('lines = String.split(text, "\\n")\n'),
    ),
)
