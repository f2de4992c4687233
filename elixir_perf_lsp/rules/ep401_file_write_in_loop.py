"""## What it does
Flags `File.write/2,3` and `File.write!/2,3` inside a loop body (an `Enum`/
`Stream` callback, a `for` body, a recursive clause) when they append
(`[:append]`) or write to a path that does not change between iterations.

Across functions: a loop calling a project function that appends to a file with
`File.write(!)/3` and `[:append]` (itself or through further calls) is reported
at the call, with the write as related information.

## Why is this bad?
Each call opens the file, writes, and closes it again: a system call round trip
and a file-server process per element. Opening the file once, or building the
whole content as iodata and writing it once, removes that per-element cost.
Writing the same path without `:append` also truncates it each time, so only the
last iteration's data survives.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.each(lines, fn line -> File.write!(path, line, [:append]) end)
```

Use instead:
```elixir
File.open!(path, [:append, :binary], fn file ->
  Enum.each(lines, fn line -> IO.binwrite(file, line) end)
end)
```
or, when the data fits in memory, `File.write!(path, lines, [:append])` (a list
of binaries is iodata).

## Fix safety
Offered only for `Enum.each` whose callback is exactly the write
(`fn x -> File.write!(path, data, [:append]) end` or
`&File.write!(path, &1, [:append])`), with modes `[:append]` or
`[:append, :binary]` and a path that cannot change between iterations. The file
is then opened once with `File.open!/3` in `[:append, :binary]` mode and each
element written with `IO.binwrite/2`, which writes the same bytes as
`File.write` (a file opened without `:utf8` takes raw bytes; `IO.write/2` there
would mangle or reject non-Latin-1 text). The fix is **unsafe**: the file is
created even when the list is empty; a failing open now raises before the first
element (`File.write/3` returned `{:error, _}` and went on); a failing write
returns `{:error, _}` from `IO.binwrite/2` and is ignored instead of raising
(`File.write!`); and the path is evaluated once, before the enumerable.
Other shapes (`for`, recursion, other modes) are reported without a fix.

## References
- [File.open!/3](https://hexdocs.pm/elixir/File.html#open!/3)
- [IO.binwrite/2](https://hexdocs.pm/elixir/IO.html#binwrite/2)
- [Erlang efficiency guide: I/O](https://www.erlang.org/doc/system/profiling.html)
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.loops import Loop, enclosing_loop
from elixir_perf_lsp.analysis.nodes import (
    call_args,
    call_name,
    descendants,
    enclosing_definition,
    operator,
    pipe_source,
    same_node,
    text,
)
from elixir_perf_lsp.engine.prelude import *

COST = "appending 10k lines with one `File.write!(p, line, [:append])` each took 619 ms vs 61 ms with one `File.open!` + `IO.binwrite/2` and 0.70 ms with one `File.write!/2` of the iodata."

QUERY = """
(call
  target: (dot
    left: (alias) @mod (#eq? @mod "File")
    right: (identifier) @fn (#any-of? @fn "write" "write!"))) @write
"""

_PURE_MODULES = frozenset({"Path", "String"})
_FIXABLE_MODES = (frozenset({":append"}), frozenset({":append", ":binary"}))


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    call = captures["write"][0]
    name = f"File.{call_name(call)[1]}"
    loop = enclosing_loop(call)
    if loop is None:
        return
    piped = pipe_source(call)
    args = [piped, *call_args(call)] if piped is not None else call_args(call)
    if not 2 <= len(args) <= 3:
        return
    path, data = args[0], args[1]
    modes = _literal_modes(args[2]) if len(args) == 3 else frozenset()
    invariant = _invariant(path, loop)
    appends = modes is not None and ":append" in modes
    if appends:
        message = (
            f"`{name}` with `:append` in a loop opens and closes the file once per element; "
            "open it once (`File.open!/3` + `IO.binwrite/2`) or write the whole iodata once"
        )
    elif invariant:
        message = (
            f"`{name}` in a loop reopens and truncates `{text(path)}` on every iteration, "
            "keeping only the last write; build the content and write it once"
        )
    else:
        return
    fix = None
    if appends and invariant and piped is None and modes in _FIXABLE_MODES:
        fix = _fix(call, path, data, loop, ctx)
    yield Violation(call, message, fix)


def _literal_modes(node: Node) -> frozenset[str] | None:
    if node.type != "list" or not all(c.type == "atom" for c in node.named_children):
        return None
    return frozenset(text(c) for c in node.named_children)


def _bound_names(loop: Loop) -> set[str]:
    """Names that may take a new value on each iteration of `loop`."""
    names: set[str] = set()
    holders: list[Node] = []
    if loop.kind == "recursion":
        definition = enclosing_definition(loop.body)
        if definition is not None:
            holders.extend(definition.params)
    for node in descendants(loop.node):
        binds = node.type == "stab_clause" or (
            node.type == "binary_operator" and operator(node) in ("=", "<-")
        )
        left = node.child_by_field_name("left") if binds else None
        if left is not None:
            holders.append(left)
    for holder in holders:
        for node in (holder, *descendants(holder)):
            if node.type == "identifier":
                names.add(text(node))
    return names


def _invariant(path: Node, loop: Loop) -> bool:
    """Whether `path` is provably the same value on every iteration."""
    bound = _bound_names(loop)
    for node in (path, *descendants(path)):
        if node.type == "unary_operator" and operator(node) == "&":
            return False
        if node.type == "call":
            target = node.child_by_field_name("target")
            if target is None or target.type != "dot":
                return False
            left = target.child_by_field_name("left")
            field_access = (
                left is not None
                and left.type == "identifier"
                and not any(c.type == "arguments" for c in node.named_children)
            )
            if not field_access and (left is None or text(left) not in _PURE_MODULES):
                return False
        if node.type == "identifier" and text(node) in bound:
            parent = node.parent
            is_field = (
                parent is not None
                and parent.type == "dot"
                and same_node(parent.child_by_field_name("right"), node)
            )
            if not is_field:
                return False
    return True


def _fix(call: Node, path: Node, data: Node, loop: Loop, ctx: Context) -> Fix | None:
    each = loop.node
    if loop.kind != "iterator" or call_name(each) != ("Enum", "each"):
        return None
    body = loop.body
    if body.type == "anonymous_function":
        clauses = [c for c in body.named_children if c.type == "stab_clause"]
        if len(clauses) != 1:
            return None
        right = clauses[0].child_by_field_name("right")
        statements = [c for c in right.named_children if c.type != "comment"] if right else []
        if len(statements) != 1 or not same_node(statements[0], call):
            return None
    elif not same_node(body.child_by_field_name("operand"), call):
        return None
    expression = each.parent if pipe_source(each) is not None else each
    if expression is None:
        return None
    scope = enclosing_definition(expression)
    names = {
        text(n)
        for n in descendants(scope.call if scope is not None else expression)
        if n.type == "identifier"
    }
    file = "file"
    k = 2
    while file in names:
        file, k = f"file_{k}", k + 1
    start, end = expression.start_byte, expression.end_byte
    inner = (
        ctx.span_text(start, call.start_byte)
        + f"IO.binwrite({file}, {text(data)})"
        + ctx.span_text(call.end_byte, end)
    )
    head = f"File.open!({text(path)}, [:append, :binary], fn {file} ->"
    if "\n" not in inner:
        replacement = f"{head} {inner} end)"
    else:
        if any(
            n.type in ("string", "charlist", "sigil") and "\n" in text(n)
            for n in descendants(expression)
        ):
            return None  # re-indenting would change a multi-line literal
        indent = ctx.line_indent(start)
        body_text = inner.replace("\n", "\n  ")
        replacement = f"{head}\n{indent}  {body_text}\n{indent}end)"
    return Fix(
        "Open the file once and write each element with `IO.binwrite/2`",
        Applicability.UNSAFE,
        (Edit(start, end, replacement),),
    )


RULE = Rule(
    code="EP401",
    precision="0 of 1 findings worth changing on the 17 projects of `benchmarks/precision`, 1 wrong (2026-12-06).",
    default=False,
    name="file-write-in-loop",
    summary="`File.write` appending, or rewriting the same file, once per element",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__,
    cost=COST,
    query=QUERY,
    check=check,
    effect="file_append",
    through_call_advice=(
        "the file is opened and closed per element; open it once (`File.open!/3` + `IO.binwrite/2`) or build the iodata and write it once"
    ),
    bad=(
        Example(
            "Enum.each(lines, fn line -> File.write!(path, line, [:append]) end)\n",
            "File.open!(path, [:append, :binary], fn file -> "
            "Enum.each(lines, fn line -> IO.binwrite(file, line) end) end)\n",
            unsafe=True,
        ),
        Example(
            "def export(rows, out) do\n"
            "  rows\n"
            "  |> Enum.map(&format_row/1)\n"
            "  |> Enum.each(&File.write!(out, &1, [:append]))\n"
            "end\n",
            "def export(rows, out) do\n"
            "  File.open!(out, [:append, :binary], fn file ->\n"
            "    rows\n"
            "    |> Enum.map(&format_row/1)\n"
            "    |> Enum.each(&IO.binwrite(file, &1))\n"
            "  end)\n"
            "end\n",
            unsafe=True,
        ),
        Example(
            'for user <- users do\n  File.write("audit.log", [user.name, "\\n"], [:append])\nend\n',
        ),
        Example(
            'Enum.each(items, fn item -> File.write!("state.json", encode(item)) end)\n',
        ),
    ),
    ok=(
        Example('File.write!(path, Enum.map(lines, &[&1, "\\n"]), [:append])\n'),
        Example('Enum.each(users, fn u -> File.write!("out/#{u.id}.txt", u.bio) end)\n'),
        Example("Enum.each(files, fn {path, data} -> File.write!(path, data) end)\n"),
    ),
)
