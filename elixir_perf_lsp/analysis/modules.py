"""Module-level facts: the module around a node, its attributes, and where to
insert a new attribute above a function.
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.nodes import (
    Definition,
    as_definition,
    call_name,
    do_block,
    operator,
    text,
)
from elixir_perf_lsp.positions import indent_before, line_start
from elixir_perf_lsp.syntax import Node

_MODULE_DEFINERS = frozenset({"defmodule", "defimpl"})


# Attributes that belong to the definition below them.
_ATTACHED_ATTRIBUTES = frozenset(
    {"doc", "spec", "impl", "deprecated", "since", "dialyzer", "decorate", "compile"}
)


def _defines_module(node: Node) -> bool:
    if node.type != "call":
        return False
    module, name = call_name(node)
    return module is None and name in _MODULE_DEFINERS


def enclosing_module(node: Node) -> Node | None:
    current = node.parent
    while current is not None:
        if _defines_module(current):
            return current
        current = current.parent
    return None


def attribute_name(node: Node) -> str | None:
    """`name` for `@name` and `@name value`."""
    if node.type != "unary_operator" or operator(node) != "@":
        return None
    operand = node.child_by_field_name("operand")
    if operand is None:
        return None
    if operand.type == "identifier":
        return text(operand)
    if operand.type == "call":
        target = operand.child_by_field_name("target")
        if target is not None and target.type == "identifier":
            return text(target)
    return None


def module_attributes(module: Node) -> set[str]:
    """Every attribute name written or read in `module`, nested modules excluded."""
    names: set[str] = set()
    block = do_block(module)
    if block is None:
        return names
    stack = list(block.named_children)
    while stack:
        node = stack.pop()
        if _defines_module(node):
            continue
        name = attribute_name(node)
        if name is not None:
            names.add(name)
        stack.extend(node.named_children)
    return names


def attribute_value(module: Node, name: str) -> Node | None:
    """The value of `@name value` written directly in `module`'s body."""
    block = do_block(module)
    if block is None:
        return None
    for child in block.named_children:
        if attribute_name(child) != name:
            continue
        operand = child.child_by_field_name("operand")
        if operand is None or operand.type != "call":
            continue
        args = [c for c in operand.named_children if c.type == "arguments"]
        if args and args[0].named_child_count == 1:
            return args[0].named_children[0]
    return None


def function_definition(node: Node) -> Definition | None:
    """The `def`/`defp` clause whose body holds `node`, if it sits in a module."""
    current = node.parent
    while current is not None:
        definition = as_definition(current)
        if definition is not None:
            if definition.kind not in ("def", "defp") or definition.body is None:
                return None
            body = definition.body
            if body.start_byte <= node.start_byte and node.end_byte <= body.end_byte:
                return definition
            return None
        current = current.parent
    return None


def insertion_point(definition: Definition, source: bytes) -> tuple[int, str] | None:
    """(offset, indentation) to insert a module attribute above `definition`.

    Above the first clause of the function's clause group and above the
    `@doc`/`@spec`/`@impl` attributes and comments that belong to it, at the
    def's indentation. None when the def is not directly in a module body or
    does not start its line.
    """
    call = definition.call
    parent = call.parent
    if parent is None or parent.type != "do_block":
        return None
    owner = parent.parent
    if owner is None or not _defines_module(owner):
        return None
    top = call
    sibling = call.prev_named_sibling
    while sibling is not None:
        other = as_definition(sibling)
        same_function = (
            other is not None and other.name == definition.name and other.kind == definition.kind
        )
        attached = attribute_name(sibling) in _ATTACHED_ATTRIBUTES or (
            sibling.type == "comment" and sibling.end_point[0] + 1 == top.start_point[0]
        )
        if not (same_function or attached):
            break
        top = sibling
        sibling = sibling.prev_named_sibling
    indent = indent_before(source, top.start_byte)
    if indent is None:
        return None
    return line_start(source, top.start_byte), indent
