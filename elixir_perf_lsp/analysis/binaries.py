"""Reading binary-building expressions: `<>` chains, interpolated strings, binary matches.

Iterative where depth is unbounded: a 10k-long `a <> b <> …` chain nests 10k
deep (`<>` is right-associative), so nothing here recurses over it.
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.nodes import (
    call_args,
    call_name,
    descendants,
    do_block,
    operator,
    pipe_source,
    same_node,
    text,
)
from elixir_perf_lsp.engine.model import Edit
from elixir_perf_lsp.syntax import Node

# Type specifiers that make a bitstring segment take the rest of a binary.
_WHOLE_BINARY_TYPES = frozenset({"binary", "bytes", "bitstring", "bits"})


def is_concat(node: Node | None) -> bool:
    return node is not None and node.type == "binary_operator" and operator(node) == "<>"


def _paren_inner(node: Node) -> Node | None:
    """`x` for a parenthesised `(x)` holding one expression."""
    if node.type == "block" and node.named_child_count == 1:
        return node.named_children[0]
    return None


def is_chain_top(node: Node) -> bool:
    """Whether `node` is not itself an operand of a `<>` (through one pair of parentheses).

    One parent lookup: prefer this to `concat_top` in checks that run on every
    `<>` of a chain.
    """
    parent = node.parent
    if parent is not None and parent.type == "block" and parent.named_child_count == 1:
        parent = parent.parent  # `(a <> b) <> c`
    return not is_concat(parent)


def concat_top(node: Node) -> Node:
    """The outermost `<>` of the chain `node` belongs to (through parentheses).

    Costs O(depth²): tree-sitter finds a parent by descending from the root.
    """
    top = node
    current = node
    while current.parent is not None:
        parent = current.parent
        if is_concat(parent):
            top = current = parent
            continue
        if parent.type == "block" and parent.named_child_count == 1:
            current = parent  # `(a <> b) <> c`: keep climbing, but only a `<>` is a top
            continue
        break
    return top


def concat_operands(node: Node) -> list[Node]:
    """The operands of a `<>` chain, left to right, parenthesised sub-chains flattened.

    `a <> (b <> c) <> d` → [a, b, c, d]. A node that is no chain is its own operand.
    """
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        inner = _paren_inner(current)
        if inner is not None and is_concat(inner):
            current = inner
        if is_concat(current):
            left = current.child_by_field_name("left")
            right = current.child_by_field_name("right")
            if left is None or right is None:
                out.append(current)
                continue
            stack.append(right)
            stack.append(left)
            continue
        out.append(current)
    return out


def is_plain_string(node: Node) -> bool:
    """A string literal without interpolation (its value is known at compile time)."""
    return node.type == "string" and not any(c.type == "interpolation" for c in node.named_children)


def string_pieces(node: Node) -> list[Node]:
    """The content pieces of a string: quoted_content, escape_sequence and interpolation."""
    return [
        c
        for c in node.named_children
        if c.type in ("quoted_content", "escape_sequence", "interpolation")
    ]


def interpolated_name(piece: Node) -> str | None:
    """For `#{name}`, the variable's name."""
    if piece.type != "interpolation":
        return None
    inner = [c for c in piece.named_children if c.type != "comment"]
    if len(inner) == 1 and inner[0].type == "identifier":
        return text(inner[0])
    return None


def whole_binary_segment(segment: Node) -> str | None:
    """For a bitstring segment `name::binary` (or bytes/bits/bitstring), the name."""
    if segment.type != "binary_operator" or operator(segment) != "::":
        return None
    left = segment.child_by_field_name("left")
    right = segment.child_by_field_name("right")
    if left is None or right is None or left.type != "identifier":
        return None
    if right.type == "identifier" and text(right) in _WHOLE_BINARY_TYPES:
        return text(left)
    return None


def is_binary_pattern(node: Node) -> bool:
    """A pattern that takes a binary apart: `<<…>>` or `"prefix" <> rest`.

    `""` alone is not one: it compiles to an equality test and leaves the binary
    alone (measured: no slowdown when an appended accumulator is compared with it).
    """
    inner = _paren_inner(node)
    node = inner if inner is not None else node
    if node.type == "bitstring":
        return True
    return is_concat(node)


def _pattern_side(match: Node, name: str, both_sides: bool) -> Node | None:
    """For `pattern = name` (or, in a head, `name = pattern`), the binary pattern.

    In a body `name = <<…>>` builds a binary and rebinds `name`: no match.
    """
    if match.type != "binary_operator" or operator(match) != "=":
        return None
    left = match.child_by_field_name("left")
    right = match.child_by_field_name("right")
    if left is None or right is None:
        return None
    if right.type == "identifier" and text(right) == name and is_binary_pattern(left):
        return left
    if both_sides and left.type == "identifier" and text(left) == name and is_binary_pattern(right):
        return right
    return None


def head_binary_match(param: Node, name: str) -> Node | None:
    """For a head parameter `<<…>> = name` or `name = <<…>>`, the binary pattern."""
    return _pattern_side(param, name, both_sides=True)


def binary_matches_of(name: str, scope: Node) -> list[Node]:
    """Patterns inside the body `scope` that match the variable `name` as a binary.

    Recognised: `<<…>> = name`, `"prefix" <> _ = name`, `case name do <<…>> -> … end`
    and `match?(<<…>>, name)`. Each makes the runtime open a match context on the
    binary, which ends in-place appends to it.
    """
    found: list[Node] = []
    for node in (scope, *descendants(scope)):
        pattern = _pattern_side(node, name, both_sides=False)
        if pattern is not None:
            found.append(pattern)
            continue
        if node.type != "call":
            continue
        module, fun = call_name(node)
        args = call_args(node)
        if (module, fun) == (None, "match?") and len(args) == 2:
            subject = args[1]
            if (
                subject.type == "identifier"
                and text(subject) == name
                and is_binary_pattern(args[0])
            ):
                found.append(args[0])
        elif (module, fun) == (None, "case") and len(args) == 1:
            subject = args[0]
            block = do_block(node)
            if block is None or subject.type != "identifier" or text(subject) != name:
                continue
            for clause in block.named_children:
                pattern = _case_pattern(clause)
                if pattern is not None and is_binary_pattern(pattern):
                    found.append(pattern)
    return found


def _case_pattern(clause: Node) -> Node | None:
    if clause.type != "stab_clause":
        return None
    left = clause.child_by_field_name("left")
    if left is not None and left.type == "binary_operator" and operator(left) == "when":
        left = left.child_by_field_name("left")
    if left is None or left.type != "arguments" or left.named_child_count != 1:
        return None
    return left.named_children[0]


# --- rewriting ---------------------------------------------------------------

_PIPE_OK_PARENTS = frozenset(
    {"body", "block", "do_block", "else_block", "arguments", "source", "pair", "list", "tuple"}
)


def wrap_result(result: Node, function: str) -> list[Edit] | None:
    """Edits that pass the value of `result` (a call or a `for`) through `function`.

    `Enum.reduce(…)` → `function(Enum.reduce(…))`; when `result` is the right end
    of a pipe, ` |> function()` is appended to that pipe instead. None when the
    pipe sits where appending would change what the new call applies to.
    """
    pipe = result.parent if pipe_source(result) is not None else None
    if pipe is None:
        return [
            Edit(result.start_byte, result.start_byte, f"{function}("),
            Edit(result.end_byte, result.end_byte, ")"),
        ]
    parent = pipe.parent
    if parent is None:
        return None
    ok = parent.type in _PIPE_OK_PARENTS or (
        parent.type == "binary_operator"
        and (
            (operator(parent) == "|>" and same_node(parent.child_by_field_name("left"), pipe))
            or (operator(parent) == "=" and same_node(parent.child_by_field_name("right"), pipe))
        )
    )
    if not ok:
        return None
    return [Edit(pipe.end_byte, pipe.end_byte, f" |> {function}()")]
