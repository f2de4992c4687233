"""## What it does
Flags two ways of building a binary that make the runtime copy all of it on
every iteration of a reduce, a `for … reduce:` or a recursive function:

- prepending to the accumulator: `x <> acc` (the accumulator anywhere but first
  in the `<>` chain, also `"#{x}#{acc}"` and `<<x, acc::binary>>`), when the
  result becomes the next accumulator;
- appending to the accumulator (`acc <> x`) while also matching it as a binary
  in the same iteration (`<<c, _::binary>> = acc`, `case acc do "a" <> _ -> …`,
  `match?(<<…>>, acc)`, or a `<<…>>` pattern on the accumulator in the head of
  the recursive function);
- prepending to what a body-recursive function returns: `<<c>> <> f(rest)`,
  `h <> sep <> join(t)`, `"#{x}#{f(rest)}"`, `<<c, f(rest)::binary>>` returned by
  `f`, when `rest` is the rest of the input the head takes one element from
  (`<<c, rest::binary>>`, `[h | t]`).

Appending alone (`acc <> x`) is not flagged: the runtime grows the binary in
place, and in our measurements it was the fastest way to build one. Matching
the *input* while appending to the accumulator
(`defp parse(<<c, rest::binary>>, acc), do: parse(rest, acc <> <<c>>)`) is the
idiomatic parser shape and is not flagged either. Nor is body recursion over a
sub-term (`"list(#{type(t)})"` for `{:array, t}`: as deep as the nesting) or after
a literal prefix only (`"-" <> f(digits)` for `"-" <> digits`: one level, unless
another clause of `f` walks the input, as an escaper's `<<?", rest::binary>>` clause
beside `<<c, rest::binary>>`), nor
`f(left) <> f(right)`, where the first result is appended to in place.

## Why is this bad?
A binary can only grow at its end without copying, and only while nothing else
looks into it. `x <> acc` allocates a new binary and copies all of `acc` into it,
every iteration: building n pieces costs O(n²). Matching the accumulator opens a
match context on it; the runtime then no longer appends in place, and the next
`acc <> x` copies it whole, so the loop is quadratic again. In body recursion each
level copies everything the deeper levels returned: n levels copy n²/2 bytes.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.reduce(names, "", fn name, acc -> name <> "," <> acc end)
```

Use instead:
```elixir
IO.iodata_to_binary(Enum.reduce(names, "", fn name, acc -> [name, ",", acc] end))
```

## Fix safety
The prepend fix collects iodata instead of a binary and converts it once at the
end with `IO.iodata_to_binary/1`. It is offered only when that is provable: an
`Enum.reduce/3` or a `for … reduce:` with one clause, a string literal as the
initial value, an accumulator that is read nowhere else, and every returned
value a `<>` chain using the accumulator once, the accumulator itself, or a
binary not built from it (`Enum.reduce(xs, "", &(&1 <> &2))` becomes
`&[&1, &2]` likewise). The resulting binary is the same, bytes in the same
order. The fix is **unsafe** nonetheless, as the catalogue requires: while the
loop runs the accumulator is a list, and the rewrite changes which inputs fail
and when (an element that is not a binary made `<>` raise at that element;
iodata accepts byte values and charlists, or fails only in
`IO.iodata_to_binary/1` after every side effect of the loop has run). Recursive
functions are reported without a fix, since their base clause must convert too
(body recursion likewise: `[c | f(rest)]` with `[]` in the base clause and one
`IO.iodata_to_binary/1` at the top, or an accumulator appended to);
so are interpolations and `<<…>>` constructions. Binary matches on the
accumulator are reported without a fix: what to test instead depends on the
code (`byte_size/1` and `String.starts_with?/2` leave in-place appends alone).

## References
- [Erlang efficiency guide: constructing and matching binaries](https://www.erlang.org/doc/system/binaryhandling.html)
- [IO.iodata_to_binary/1](https://hexdocs.pm/elixir/IO.html#iodata_to_binary/1)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from elixir_perf_lsp.analysis.binaries import (
    binary_matches_of,
    concat_operands,
    head_binary_match,
    interpolated_name,
    is_binary_pattern,
    is_chain_top,
    is_concat,
    string_pieces,
    whole_binary_segment,
    wrap_result,
)
from elixir_perf_lsp.analysis.loops import Accumulator, accumulator_of, enclosing_loops
from elixir_perf_lsp.analysis.nodes import (
    Definition,
    call_args,
    call_name,
    clauses_of,
    contains,
    descendants,
    effective_args,
    enclosing_definition,
    identifiers_named,
    operator,
    same_node,
    strip_parens,
    tail_expressions,
    text,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = 'building a binary from 100k short strings with `x <> "," <> acc` took 7.6 s vs 2.7 ms collecting iodata and flattening once (10k: 81 ms vs 0.38 ms); appending while matching the accumulator every step took 28.6 s at 100k; body recursion `<<c + 1>> <> f(rest)` over a 10k-byte binary took 29 ms vs 0.17 ms appending to an accumulator (174×; 100k bytes: 6.75 s vs 1.9 ms), and a hand-written `h <> "," <> join(t)` over 10k strings 299 ms vs 0.61 ms for `Enum.join/2`.'

QUERY = """
(binary_operator operator: "<>") @concat
(string (interpolation)) @interpolated
(bitstring) @bitstring
"""

# Reducers whose function is called as fun.(element, acc): a capture's `&2` is the accumulator.
_CAPTURE_REDUCERS = frozenset(
    {
        ("Enum", "reduce"),
        ("Enum", "scan"),
        ("List", "foldl"),
        ("List", "foldr"),
        (":lists", "foldl"),
        (":lists", "foldr"),
    }
)


@dataclass(frozen=True)
class _Growth:
    """How the value being built becomes the next accumulator."""

    name: str
    kind: str  # "reduce", "for", "recursion" or "capture"
    scope: Node | None  # the per-iteration body where a binary match would run
    heads: tuple[Node, ...]  # head parameters in the accumulator's position (recursion)
    acc: Accumulator | None
    loop_call: Node | None  # the reducer call (capture form)
    # Recursion whose head takes the value apart (`<<?_, t::binary>>`, `"#" <> t`):
    # `t` is the rest of the input being re-prefixed, not an accumulator.
    rebuilt_input: bool = False


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if "concat" in captures:
        node = captures["concat"][0]
        if _inside_concat(node):
            return  # only the outermost `<>` of a chain speaks for it
        parts = [(_operand_name(op), op) for op in concat_operands(node)]
    elif "interpolated" in captures:
        node = captures["interpolated"][0]
        if _inside_concat(node):
            return
        parts = [(interpolated_name(p), p) for p in string_pieces(node)]
    else:
        node = captures["bitstring"][0]
        if _inside_concat(node):
            return
        parts = [(whole_binary_segment(s), s) for s in node.named_children]
    candidates = _candidate_names(node)
    grows_accumulator = False
    for position, (name, operand) in enumerate(parts):
        if name is None or name not in candidates:
            continue
        growth = _growth(node, operand, name)
        if growth is None:
            continue
        if position > 0:
            yield _prepend(node, growth, ctx)
            return
        grows_accumulator = True
        yield from _matched_while_appending(node, growth)
    if not grows_accumulator:
        yield from _body_recursive_prepend(node, [operand for _name, operand in parts])


def _operand_name(operand: Node) -> str | None:
    operand = strip_parens(operand)
    if operand.type == "identifier":
        return text(operand)
    if operand.type == "unary_operator" and operator(operand) == "&":
        return text(operand)  # `&2` in a capture
    return None


def _inside_concat(node: Node) -> bool:
    return not is_chain_top(node)


def _candidate_names(built: Node) -> set[str]:
    """Names that could be the accumulator `built` becomes: one cheap look at its context.

    Walking up from every operand would cost O(depth²) each (tree-sitter finds a
    parent by descending from the root); a 3,000-operand chain must stay fast.
    """
    parent = built.parent
    if parent is None:
        return set()
    if parent.type == "unary_operator" and operator(parent) == "&":
        return {"&2"}
    names: set[str] = set()
    if parent.type == "arguments":
        definition = enclosing_definition(built)
        if definition is not None:
            for param in definition.params:
                names.update(text(i) for i in _identifiers(param))
    clause = _clause_of(built)
    if clause is not None:
        head = clause.child_by_field_name("left")
        if head is not None and head.type == "binary_operator" and operator(head) == "when":
            head = head.child_by_field_name("left")
        params = list(head.named_children) if head is not None and head.type == "arguments" else []
        if params and params[-1].type == "identifier":
            names.add(text(params[-1]))
    return names


def _identifiers(node: Node) -> list[Node]:
    """Every identifier in `node`, itself included."""
    found = [node] if node.type == "identifier" else []
    found.extend(d for d in descendants(node) if d.type == "identifier")
    return found


# --- is the built value the next accumulator? ---------------------------------


def _growth(built: Node, operand: Node, name: str) -> _Growth | None:
    if name.startswith("&"):
        return _capture_growth(built, name)
    identifier = strip_parens(operand)
    if built.type == "string":
        identifier = next((c for c in operand.named_children if c.type == "identifier"), operand)
    elif built.type == "bitstring":
        left = operand.child_by_field_name("left")
        identifier = left if left is not None else operand
    acc = accumulator_of(identifier) if identifier.type == "identifier" else None
    if acc is not None and acc.kind in ("reduce", "for"):
        clause = _clause_of(identifier)
        body = clause.child_by_field_name("right") if clause is not None else None
        if body is None or not _returned(built, body):
            return None
        return _Growth(name, acc.kind, body, (), acc, None)
    return _recursive_growth(built, name)


def _clause_of(node: Node) -> Node | None:
    """The innermost `fn` clause or `for … reduce:` clause holding `node`."""
    current = node.parent
    while current is not None:
        if current.type == "stab_clause":
            owner = current.parent
            if owner is not None and owner.type == "anonymous_function":
                return current
            if (
                owner is not None
                and owner.type == "do_block"
                and owner.parent is not None
                and call_name(owner.parent) == (None, "for")
            ):
                return current
        current = current.parent
    return None


def _returned(built: Node, body: Node) -> bool:
    """Whether `built` is what the clause returns (or the accumulator slot of a returned tuple)."""
    for tail in tail_expressions(body):
        tail = strip_parens(tail)
        if same_node(tail, built):
            return True
        if tail.type == "tuple" and tail.named_child_count == 2:
            last = strip_parens(tail.named_children[-1])
            if same_node(last, built):
                return True
    return False


def _recursive_growth(built: Node, name: str) -> _Growth | None:
    """`built` passed straight back, in the accumulator's position, to the function it is in."""
    holder = built.parent
    if holder is None or holder.type != "arguments" or holder.parent is None:
        return None
    call = holder.parent
    definition = enclosing_definition(call)
    if (
        call.type != "call"
        or definition is None
        or call_name(call) != (None, definition.name)
        or not _within(call, definition.body)
    ):
        return None
    args = call_args(call)
    if len(args) != len(definition.params):
        return None
    index = next(i for i, a in enumerate(args) if same_node(a, built))
    if not identifiers_named(definition.params[index], name):
        return None
    heads = tuple(_clause_params_at(definition, index))
    own = strip_parens(definition.params[index])
    rebuilt_input = not (own.type == "identifier" and text(own) == name)
    return _Growth(name, "recursion", definition.body, heads, None, None, rebuilt_input)


def _within(node: Node, container: Node | None) -> bool:
    return container is not None and contains(container, node)


def _clause_params_at(definition: Definition, index: int) -> list[Node]:
    """Parameter `index` of every clause of the function (same name and arity) around it."""
    return [d.params[index] for d in clauses_of(definition) if index < len(d.params)]


def _capture_growth(built: Node, name: str) -> _Growth | None:
    capture = built.parent
    if capture is None or capture.type != "unary_operator" or operator(capture) != "&":
        return None
    if name != "&2":
        return None
    loops = enclosing_loops(built)
    if not loops or not same_node(loops[0].body, capture):
        return None
    if call_name(loops[0].node) not in _CAPTURE_REDUCERS:
        return None
    return _Growth(name, "capture", None, (), None, loops[0].node)


# --- body recursion -----------------------------------------------------------


def _body_recursive_prepend(built: Node, operands: list[Node]) -> Iterator[Violation]:
    """`<<c>> <> f(rest)` returned by `f`: every level copies what the deeper ones built.

    A recursive call as the *first* operand (`f(left) <> sep <> f(right)`, a tree
    walk) is left alone: its result is appended to in place.
    """
    if not operands or _local_call(operands[0]) is not None:
        return
    calls = [c for c in map(_local_call, operands[1:]) if c is not None]
    if not calls:
        return  # cheap exit before the ancestor walk below
    definition = enclosing_definition(built)
    if definition is None or not definition.name:
        return
    recursive = next(
        (c for c in calls if _calls_itself(c, definition) and _walks_on(c, definition)), None
    )
    if recursive is None or definition.body is None:
        return
    if not any(same_node(strip_parens(t), built) for t in tail_expressions(definition.body)):
        return
    name = definition.name
    message = (
        f"`{_short(text(built))}` copies everything the deeper calls of `{name}` built into a "
        f"new binary at every level of the recursion (quadratic in the result's length); "
        f"return iodata (`[prefix | {name}(…)]`) and convert it once with "
        "`IO.iodata_to_binary/1`, or pass an accumulator and append to it"
    )
    yield Violation(built, message)


def _local_call(operand: Node) -> Node | None:
    """The local call an operand of a chain, interpolation or `<<…>>` is made of."""
    operand = strip_parens(operand)
    if operand.type == "interpolation":
        inner = [c for c in operand.named_children if c.type != "comment"]
        operand = strip_parens(inner[0]) if len(inner) == 1 else operand
    elif operand.type == "binary_operator" and operator(operand) == "::":
        left = operand.child_by_field_name("left")
        operand = strip_parens(left) if left is not None else operand
    if operand.type != "call" or call_name(operand)[0] is not None:
        return None
    return operand


def _walks_on(call: Node, definition: Definition) -> bool:
    """Whether the call passes on the rest of a sequence the head takes one element
    from: the tail `t` of `[h | t]`, or `rest` of `<<c, rest::binary>>` (a segment
    that is not a literal before it). A literal prefix alone (`"-" <> digits`,
    `<<?-, rest::binary>>`) is consumed once, and a sub-term (`{:array, t}`) is as
    deep as the nesting: neither makes the recursion as long as the input, unless
    another clause of the function walks it (an escaper's `<<?", rest::binary>>`
    beside `<<c, rest::binary>>`)."""
    names = {text(a) for a in map(strip_parens, call_args(call)) if a.type == "identifier"}
    after_literal = False
    for param in definition.params:
        for ident in _identifiers(param):
            if text(ident) not in names:
                continue
            kind = _rest_of_sequence(ident)
            if kind == "walk":
                return True
            after_literal = after_literal or kind == "literal"
    if not after_literal:
        return False
    return any(
        _rest_of_sequence(ident) == "walk"
        for clause in clauses_of(definition)
        if clause.call.id != definition.call.id
        for param in clause.params
        for ident in _identifiers(param)
    )


def _rest_of_sequence(ident: Node) -> str | None:
    """ "walk" for the rest after an element (`[h | t]`, `<<c, t::binary>>`), "literal"
    for the rest after a literal prefix only (`<<?-, t::binary>>`, `"-" <> t`)."""
    parent = ident.parent
    if parent is None or parent.type != "binary_operator":
        return None
    if operator(parent) == "|":
        in_list = parent.parent is not None and parent.parent.type == "list"
        right = same_node(parent.child_by_field_name("right"), ident)
        return "walk" if in_list and right else None
    if operator(parent) == "<>":
        left = parent.child_by_field_name("left")
        right = same_node(parent.child_by_field_name("right"), ident)
        return "literal" if right and left is not None and left.type == "string" else None
    pattern = parent.parent
    if whole_binary_segment(parent) != text(ident) or pattern is None:
        return None
    if pattern.type != "bitstring":
        return None
    others = [seg for seg in pattern.named_children if not same_node(seg, parent)]
    if any(not _literal_segment(seg) for seg in others):
        return "walk"
    return "literal" if others else None


def _literal_segment(segment: Node) -> bool:
    if segment.type == "binary_operator" and operator(segment) == "::":
        left = segment.child_by_field_name("left")
        segment = left if left is not None else segment
    return segment.type in ("char", "integer", "string")


def _calls_itself(call: Node, definition: Definition) -> bool:
    return call_name(call) == (None, definition.name) and len(call_args(call)) == len(
        definition.params
    )


# --- prepend -----------------------------------------------------------------


def _prepend(built: Node, growth: _Growth, ctx: Context) -> Violation:
    shown = growth.name
    if growth.rebuilt_input:
        message = (
            f"`{_short(text(built))}` copies the rest of the input `{shown}` into a new binary "
            "to pass it back to this recursive call: each such step costs the whole rest "
            "(quadratic when it repeats along the input); pass what was matched as a "
            "separate argument instead of rebuilding the binary"
        )
        return Violation(built, message)
    where = {
        "reduce": "reduce",
        "for": "`for … reduce:`",
        "recursion": "recursive call",
        "capture": "reduce",
    }[growth.kind]
    message = (
        f"`{_short(text(built))}` copies the whole accumulator `{shown}` into a new binary on "
        f"every iteration of this {where} (quadratic); collect iodata and convert once with "
        "`IO.iodata_to_binary/1`, or append instead"
    )
    fix = _fix(built, growth, ctx) if is_concat(built) else None
    return Violation(built, message, fix)


def _short(source: str, limit: int = 60) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _fix(built: Node, growth: _Growth, ctx: Context) -> Fix | None:
    if growth.kind == "capture":
        return _capture_fix(built, growth, ctx)
    acc = growth.acc
    if acc is None or acc.body is None or acc.result is None or acc.initial is None:
        return None
    if strip_parens(acc.initial).type != "string":
        return None
    clause = acc.body.parent
    if clause is None or not _acc_only_in_tail_chains(clause, acc):
        return None
    edits: list[Edit] = []
    for tail in tail_expressions(acc.body):
        tail = strip_parens(tail)
        if tail.type == "string" or (tail.type == "identifier" and text(tail) == acc.name):
            continue
        if not is_concat(tail):
            return None
        operands = concat_operands(tail)
        uses = [o for o in operands if _operand_name(o) == acc.name]
        if not uses:
            continue  # a fresh binary is iodata too
        if len(uses) != 1:
            return None
        content = "[" + ", ".join(ctx.text(o) for o in operands) + "]"
        edits.append(Edit(tail.start_byte, tail.end_byte, content))
    wrap = wrap_result(acc.result, "IO.iodata_to_binary")
    if not edits or wrap is None:
        return None
    return Fix(
        "Collect iodata and convert once with `IO.iodata_to_binary/1`",
        Applicability.UNSAFE,
        (*edits, *wrap),
    )


def _acc_only_in_tail_chains(clause: Node, acc: Accumulator) -> bool:
    """Every read of the accumulator is a returned value or an operand of a returned `<>` chain."""
    assert acc.body is not None
    allowed: set[int] = set()
    for tail in tail_expressions(acc.body):
        tail = strip_parens(tail)
        allowed.add(tail.id)
        if is_concat(tail):
            allowed.update(strip_parens(o).id for o in concat_operands(tail))
    head = clause.child_by_field_name("left")
    for use in identifiers_named(clause, acc.name):
        if head is not None and head.start_byte <= use.start_byte < head.end_byte:
            if use.parent is not None and use.parent.type == "arguments":
                continue  # the parameter itself
            return False
        if use.id not in allowed:
            return False
    return True


def _capture_fix(built: Node, growth: _Growth, ctx: Context) -> Fix | None:
    call = growth.loop_call
    capture = built.parent
    if call is None or capture is None or call_name(call) != ("Enum", "reduce"):
        return None
    args = effective_args(call)
    if len(args) != 3 or not same_node(args[2], capture):
        return None
    if strip_parens(args[1]).type != "string":
        return None
    operands = concat_operands(built)
    placeholders = [d for d in descendants(capture) if _operand_name(d) == "&2"]
    if len(placeholders) != 1:
        return None
    wrap = wrap_result(call, "IO.iodata_to_binary")
    if wrap is None:
        return None
    content = "&[" + ", ".join(ctx.text(o) for o in operands) + "]"
    return Fix(
        "Collect iodata and convert once with `IO.iodata_to_binary/1`",
        Applicability.UNSAFE,
        (Edit(capture.start_byte, capture.end_byte, content), *wrap),
    )


# --- append while matching ---------------------------------------------------


def _matched_while_appending(built: Node, growth: _Growth) -> Iterator[Violation]:
    if growth.kind == "capture":
        return
    patterns: list[Node] = []
    if growth.scope is not None:
        patterns.extend(binary_matches_of(growth.name, growth.scope))
    for param in growth.heads:
        pattern = _head_pattern(param)
        if pattern is not None:
            patterns.append(pattern)
    seen: set[int] = set()
    for pattern in patterns:
        if pattern.id in seen:
            continue
        seen.add(pattern.id)
        message = (
            f"`{_short(text(pattern))}` matches the accumulator `{growth.name}` as a binary on "
            f"every iteration, so `{_short(text(built), 40)}` can no longer append in place and "
            "copies the whole binary each time (quadratic); test it with `byte_size/1` or "
            "`String.starts_with?/2`, or keep what you need in a separate variable"
        )
        yield Violation(pattern, message)


def _head_pattern(param: Node) -> Node | None:
    if is_binary_pattern(param):
        return param
    if param.type == "binary_operator" and operator(param) == "=":
        for side in ("left", "right"):
            node = param.child_by_field_name(side)
            other = param.child_by_field_name("right" if side == "left" else "left")
            if node is not None and other is not None and other.type == "identifier":
                found = head_binary_match(param, text(other))
                if found is not None:
                    return found
    return None


RULE = Rule(
    code="EP201",
    precision="0 of 19 findings worth changing on the 17 projects of `benchmarks/precision`, 5 wrong (2026-12-06).",
    default=False,
    name="binary-prepend-in-loop",
    summary="Prepending to (or matching) a binary accumulator: quadratic binary building",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "def upcase(<<c, rest::binary>>), do: <<c - 32>> <> upcase(rest)\n"
            "def upcase(<<>>), do: <<>>\n"
        ),
        Example(
            'Enum.reduce(names, "", fn name, acc -> name <> "," <> acc end)\n',
            'IO.iodata_to_binary(Enum.reduce(names, "", fn name, acc -> [name, ",", acc] end))\n',
            unsafe=True,
        ),
        Example(
            'for line <- lines, reduce: "" do\n  acc -> if line == "", do: acc, else: line <> acc\nend\n',
            'IO.iodata_to_binary(for line <- lines, reduce: "" do\n'
            '  acc -> if line == "", do: acc, else: [line, acc]\nend)\n',
            unsafe=True,
        ),
        Example(
            'chunks\n|> Enum.reduce("", &(&1 <> &2))\n|> String.upcase()\n',
            'chunks\n|> Enum.reduce("", &[&1, &2]) |> IO.iodata_to_binary()\n|> String.upcase()\n',
            unsafe=True,
        ),
        Example("defp rev(<<c::utf8, rest::binary>>, acc), do: rev(rest, <<c::utf8>> <> acc)\n"),
        Example('defp join([h | t], acc), do: join(t, "#{h},#{acc}")\n'),
        Example(
            "defp build(0, acc), do: acc\n"
            "defp build(n, acc) do\n"
            "  <<_first, _::binary>> = acc\n"
            '  build(n - 1, acc <> "x")\n'
            "end\n",
        ),
        Example(
            'Enum.reduce(words, "", fn word, acc ->\n'
            "  case acc do\n"
            '    "#" <> _ -> acc <> word\n'
            '    _ -> acc <> " " <> word\n'
            "  end\n"
            "end)\n",
        ),
    ),
    ok=(
        Example('Enum.reduce(names, "", fn name, acc -> acc <> name <> "," end)\n'),
        Example('defp type({:array, t}), do: "list(#{type(t)})"\ndefp type(t), do: inspect(t)\n'),
        Example(
            "defp parse(<<c, rest::binary>>, acc), do: parse(rest, acc <> <<c>>)\n"
            "defp parse(<<>>, acc), do: acc\n"
        ),
        Example('Enum.map(names, fn name -> "Dr. " <> name end)\n'),
        Example('Enum.reduce(names, "", fn name, acc -> IO.puts(name <> acc); acc end)\n'),
        Example(
            'Enum.reduce(words, "", fn w, acc -> if acc == "", do: w, else: acc <> " " <> w end)\n'
        ),
    ),
)
