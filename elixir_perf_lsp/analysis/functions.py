"""Functions handed to a pipeline step, read for rewriting, and written back.

`read_function` reads `fn x -> … end` (one clause, no guard, one expression),
`&(&1 > 1)`, `& &1.name`, `&valid?/1` and a variable; `apply_function` writes its
body applied to a variable; `fresh_name` picks a variable no one uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from elixir_perf_lsp.analysis.nodes import (
    call_name,
    descendants,
    int_value,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.syntax import Node

_NAMED_CAPTURE = re.compile(r"(?:(?:[A-Z]\w*(?:\.[A-Z]\w*)*|:\w+)\.)?[a-z_]\w*[?!]?")


@dataclass(frozen=True)
class Function:
    """A one-clause function argument, read for rewriting.

    kind: "fn" (`fn x -> body end`, one clause, no guard, one expression),
    "capture" (`&(&1 > 1)`, `& &1.name`), "named" (`&valid?/1`, `&Mod.f/1`)
    or "variable" (a function held in a variable).
    """

    node: Node
    kind: str
    params: tuple[Node, ...] = ()
    body: Node | None = None  # "fn": the body expression; "capture": the captured expression
    name: str = ""  # "named": `valid?` or `Mod.f`; "variable": the variable
    arity: int | None = None

    @property
    def param(self) -> str | None:
        """The parameter's name when the function is `fn name -> … end`."""
        if self.kind == "fn" and len(self.params) == 1 and self.params[0].type == "identifier":
            return text(self.params[0])
        return None


@dataclass(frozen=True)
class Clause:
    """The one clause of a `fn … end`."""

    head: Node | None  # `arguments`, or a `when` guard around them; None in `fn -> … end`
    body: tuple[Node, ...]  # the expressions after `->`, comments left out
    commented: bool  # whether comments stand among them

    @property
    def params(self) -> tuple[Node, ...] | None:
        """The parameters; None when the head has a guard or stranger shape."""
        if self.head is None:
            return ()
        return tuple(self.head.named_children) if self.head.type == "arguments" else None


def only_clause(node: Node) -> Clause | None:
    """The clause of `fn … end` when it has exactly one; None for anything else."""
    node = strip_parens(node)
    if node.type != "anonymous_function":
        return None
    clauses = [c for c in node.named_children if c.type == "stab_clause"]
    if len(clauses) != 1:
        return None
    right = clauses[0].child_by_field_name("right")
    exprs = [c for c in right.named_children if c.type != "comment"] if right is not None else []
    commented = right is not None and len(exprs) != right.named_child_count
    return Clause(clauses[0].child_by_field_name("left"), tuple(exprs), commented)


def read_function(node: Node) -> Function | None:
    """Read a function argument; None when it is not one of the simple shapes."""
    node = strip_parens(node)
    if node.type == "identifier":
        return Function(node, "variable", name=text(node))
    if node.type == "anonymous_function":
        clause = only_clause(node)
        params = clause.params if clause is not None else None
        if clause is None or params is None or len(clause.body) != 1 or clause.commented:
            return None
        return Function(node, "fn", params=params, body=clause.body[0], arity=len(params))
    if node.type == "unary_operator" and operator(node) == "&":
        operand = _capture_operand(node)
        if operand is None:
            return None
        if operand.type == "binary_operator" and operator(operand) == "/":
            left = operand.child_by_field_name("left")
            right = operand.child_by_field_name("right")
            arity = int_value(right) if right is not None else None
            if left is None or arity is None:
                return None
            name = text(left)
            if (left.type == "identifier" or left.type == "call") and _NAMED_CAPTURE.fullmatch(
                name
            ):
                return Function(node, "named", name=name, arity=arity)
            return None
        refs = capture_refs(node)
        if not refs:
            return None
        numbers = {int_value(r.child_by_field_name("operand") or r) for r in refs}
        if None in numbers:
            return None
        return Function(node, "capture", body=operand, arity=max(n for n in numbers if n))
    return None


def _capture_operand(capture: Node) -> Node | None:
    named = [c for c in capture.named_children if c.type != "comment"]
    return strip_parens(named[0]) if len(named) == 1 else None


def capture_refs(capture: Node) -> list[Node]:
    """The `&1`, `&2` … nodes of a capture (not those of a nested capture)."""
    out: list[Node] = []
    stack = list(capture.named_children)
    while stack:
        current = stack.pop()
        if current.type == "unary_operator" and operator(current) == "&":
            operand = current.child_by_field_name("operand")
            if operand is not None and operand.type == "integer":
                out.append(current)
            continue  # a nested capture is its own function
        stack.extend(current.named_children)
    out.sort(key=lambda n: n.start_byte)
    return out


def identifier_names(*nodes: Node | None) -> set[str]:
    """Every identifier spelled anywhere under the given nodes."""
    names: set[str] = set()
    for node in nodes:
        if node is None:
            continue
        for current in (node, *descendants(node)):
            if current.type == "identifier":
                names.add(text(current))
    return names


def fresh_name(taken: set[str], preferred: Iterable[str] = ()) -> str:
    """A variable name not in `taken`: one of `preferred`, else `x`, `item`, … `x1`."""
    for name in (*preferred, "x", "item", "elem", "value"):
        if name not in taken:
            return name
    n = 1
    while f"x{n}" in taken:
        n += 1
    return f"x{n}"


def element_name(collection: Node) -> str | None:
    """`user` for a collection spelled `users`, `entry` for `entries`; else None."""
    if collection.type != "identifier":
        return None
    name = text(collection)
    if name.endswith("ies") and len(name) > 4:
        single = name[:-3] + "y"
    elif name.endswith("s") and not name.endswith("ss") and len(name) > 2:
        single = name[:-1]
    else:
        return None
    return single if re.fullmatch(r"[a-z]\w*", single) else None


_BINDING_OPERATORS = frozenset({"=", "<-", "^"})


def variable_refs(body: Node, name: str) -> list[Node] | None:
    """The uses of variable `name` in `body`, or None when renaming it is not plainly safe.

    Unsafe: anything that could rebind or quote it (nested functions, clauses,
    matches, `quote`).
    """
    refs: list[Node] = []
    for current in (body, *descendants(body)):
        kind = current.type
        if kind in ("anonymous_function", "stab_clause", "do_block"):
            return None
        if (
            kind in ("binary_operator", "unary_operator")
            and operator(current) in _BINDING_OPERATORS
        ):
            return None
        if kind == "call" and call_name(current) == (None, "quote"):
            return None
        if kind != "identifier" or text(current) != name:
            continue
        parent = current.parent
        if parent is not None:
            if parent.type == "dot" and same_node(parent.child_by_field_name("right"), current):
                continue  # a field or function name, `x.name`
            if parent.type == "call" and same_node(parent.child_by_field_name("target"), current):
                continue  # a local function of the same name
            if parent.type == "unary_operator" and operator(parent) == "@":
                continue  # a module attribute
        refs.append(current)
    return refs


def substitute(node: Node, replacements: Iterable[tuple[Node, str]]) -> str:
    """The text of `node` with the given descendants replaced."""
    raw = node.text or b""
    base = node.start_byte
    out: list[bytes] = []
    cursor = 0
    for target, content in sorted(replacements, key=lambda r: r[0].start_byte):
        start, end = target.start_byte - base, target.end_byte - base
        out.append(raw[cursor:start])
        out.append(content.encode("utf-8", "surrogatepass"))
        cursor = end
    out.append(raw[cursor:])
    return b"".join(out).decode("utf-8", "surrogatepass")


def apply_function(fn: Function, var: str) -> str | None:
    """The expression `fn.(var)` evaluates, written out; None if it cannot be.

    `fn x -> x * 2 end` → `var * 2`; `&(&1 > 1)` → `var > 1`; `& &1.name` →
    `var.name`; `&valid?/1` → `valid?(var)`; `f` → `f.(var)`.
    """
    if fn.arity not in (None, 1):
        return None
    if fn.kind == "named":
        return f"{fn.name}({var})"
    if fn.kind == "variable":
        return f"{fn.name}.({var})"
    if fn.kind == "capture" and fn.body is not None:
        return substitute(fn.body, [(r, var) for r in capture_refs(fn.node)])
    if fn.kind == "fn" and fn.body is not None and len(fn.params) == 1:
        param = fn.params[0]
        if param.type != "identifier":
            return None
        name = text(param)
        if name == var:
            return text(fn.body)
        uses = variable_refs(fn.body, name)
        if uses is None:
            return None
        return substitute(fn.body, [(r, var) for r in uses])
    return None


def uses_param(fn: Function) -> bool:
    """Whether applying `fn` reads its argument at all."""
    if fn.kind == "fn":
        name = fn.param
        if name is None or fn.body is None:
            return True
        uses = variable_refs(fn.body, name)
        return uses is None or bool(uses)
    return True
