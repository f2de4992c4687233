"""Atoms created at runtime: `String.to_atom/1` and friends, interpolated atom
literals and keyword keys, JSON decoded with `keys: :atoms` (EP801, EP803 split
them by where the value comes from)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from elixir_perf_lsp.analysis.binaries import concat_operands, is_plain_string
from elixir_perf_lsp.analysis.nodes import (
    ancestors,
    as_definition,
    call_args,
    call_name,
    contains,
    descendants,
    do_block,
    effective_args,
    keyword_value,
    operator,
    strip_parens,
    text,
)
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix
from elixir_perf_lsp.syntax import Captures, Node

# One pattern set for both rules; `call`, `atom` and `keyword` say which shape matched.
QUERY = """
(call
  target: (dot left: (_) @_module right: (identifier) @_function)
  (#any-of? @_function "to_atom" "binary_to_atom" "list_to_atom")) @call
(quoted_atom (interpolation)) @atom
(quoted_keyword (interpolation)) @keyword
(call
  target: (dot left: (alias) @_decoder right: (identifier) @_decode)
  (#any-of? @_decoder "Jason" "Poison")
  (#any-of? @_decode "decode" "decode!")) @decode
"""


@dataclass(frozen=True)
class AtomCreation:
    node: Node  # what to report
    # The runtime value the atom is made from (for a capture, the collection it is
    # mapped over; for an interpolated literal, the literal), or None if unknown.
    value: Node | None
    subject: str  # how the message names it
    advice: str
    fix: Fix | None


def atom_creations(captures: Captures) -> Iterator[AtomCreation]:
    if "call" in captures:
        yield from _from_call(captures["call"][0])
    elif "atom" in captures:
        yield from _from_atom(captures["atom"][0])
    elif "decode" in captures:
        yield from _from_decode(captures["decode"][0])
    elif "keyword" in captures:
        node = captures["keyword"][0]
        yield AtomCreation(
            node,
            node,
            f"the keyword key `{text(node).strip()}`",
            "use string keys or map the known values to atoms",
            None,
        )


# (module, function) → (the safe variant's name, what the argument must be to be a literal)
_CONVERSIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("String", "to_atom"): ("to_existing_atom", "string"),
    ("List", "to_atom"): ("to_existing_atom", "charlist"),
    (":erlang", "binary_to_atom"): ("binary_to_existing_atom", "string"),
    (":erlang", "list_to_atom"): ("list_to_existing_atom", "charlist"),
}


def _from_call(call: Node) -> Iterator[AtomCreation]:
    module, function = call_name(call)
    if module is None:
        return
    conversion = _CONVERSIONS.get((module, function))
    if conversion is None:
        return
    variant, literal_kind = conversion
    target = call.child_by_field_name("target")
    name_node = target.child_by_field_name("right") if target is not None else None
    if name_node is None:
        return
    capture = _capture_of(call)
    value: Node | None
    if capture is None:
        args = effective_args(call)
        if not args or _is_literal(args[0], literal_kind):
            return
        if _checked_against_known_values(args[0]):
            return
        value = args[0]
    else:
        value = _mapped_over(capture)
    shown = f"{module}.{function}"
    better = f"{module}.{variant}"
    subject = (
        text(capture)
        if capture is not None
        else f"{shown}({_short(text(effective_args(call)[0]))})"
    )
    fix = Fix(
        f"Use `{better}` (raises when the atom does not exist yet)",
        Applicability.UNSAFE,
        (Edit(name_node.start_byte, name_node.end_byte, variant),),
    )
    advice = f"use `{better}` or map the known values to atoms"
    yield AtomCreation(capture or call, value, _short(subject), advice, fix)


def _from_decode(call: Node) -> Iterator[AtomCreation]:
    """`Jason.decode!(body, keys: :atoms)`: `String.to_atom/1` on every key of `body`
    (Jason and Poison alike; `keys: :atoms!` uses `String.to_existing_atom/1`)."""
    args = effective_args(call)
    if len(args) < 2:
        return
    options = strip_parens(args[-1])
    if options.type == "list" and options.named_child_count == 1:
        options = options.named_children[0]  # `[keys: :atoms]`
    if options.type != "keywords":
        return
    keys = keyword_value(options, "keys")
    if keys is None or text(keys) != ":atoms":
        return
    module = call_name(call)[0]
    # No fix: `keys: :atoms!` raises on an unknown key, and the BEAM harness has no
    # Jason or Poison to prove what else the rewrite changes.
    advice = (
        "keep string keys (the default), or use `keys: :atoms!`, which only accepts "
        "keys that already exist as atoms"
    )
    subject = f"{module}.{call_name(call)[1]}(…, keys: :atoms)"
    yield AtomCreation(call, args[0], subject, advice, None)


def _mapped_over(capture: Node) -> Node | None:
    """For `Enum.map(keys, &String.to_atom/1)`, `keys`."""
    arguments = capture.parent
    owner = arguments.parent if arguments is not None else None
    if owner is None or owner.type != "call":
        return None
    args = effective_args(owner)
    return args[0] if args and args[0].id != capture.id else None


def _capture_of(call: Node) -> Node | None:
    """For `&String.to_atom/1`, the `&` node (the call has no arguments there)."""
    if any(c.type == "arguments" for c in call.named_children):
        return None
    parent = call.parent
    if parent is None or parent.type != "binary_operator" or operator(parent) != "/":
        return None
    grand = parent.parent
    if grand is not None and grand.type == "unary_operator" and operator(grand) == "&":
        return grand
    return None


def _is_literal(node: Node, kind: str) -> bool:
    node = strip_parens(node)
    if node.type == "unary_operator" and operator(node) == "@":
        return True  # a module attribute: fixed when the module is compiled
    if kind == "charlist":
        if node.type == "charlist":
            return not any(c.type == "interpolation" for c in node.named_children)
        return node.type == "sigil" and _plain_sigil(node, ("c", "C"))
    if node.type == "sigil":
        return _plain_sigil(node, ("s", "S"))
    return all(is_plain_string(o) for o in concat_operands(node))


def _plain_sigil(node: Node, names: tuple[str, ...]) -> bool:
    name = next((c for c in node.named_children if c.type == "sigil_name"), None)
    if name is None or text(name) not in names:
        return False
    return not any(c.type == "interpolation" for c in node.named_children)


def _from_atom(atom: Node) -> Iterator[AtomCreation]:
    source = text(atom)
    fix = None
    if source.startswith(':"') and not source.startswith(':"""'):
        replacement = f"String.to_existing_atom({source[1:]})"
        fix = Fix(
            "Use `String.to_existing_atom/1` (raises when the atom does not exist yet)",
            Applicability.UNSAFE,
            (Edit(atom.start_byte, atom.end_byte, replacement),),
        )
    advice = "use `String.to_existing_atom/1` or map the known values to atoms"
    yield AtomCreation(atom, atom, _short(source), advice, fix)


def _checked_against_known_values(value: Node) -> bool:
    """`x` in `when x in @allowed` or `if x in allowed do … end`: the set of atoms is
    what the check admits, not whatever the caller sends."""
    value = strip_parens(value)
    if value.type != "identifier":
        return False
    name = text(value)
    for ancestor in ancestors(value):
        definition = as_definition(ancestor)
        if definition is not None:
            return definition.guard is not None and _tests_membership(definition.guard, name)
        if ancestor.type == "call" and call_name(ancestor) == (None, "if"):
            args = call_args(ancestor)
            if args and _tests_membership(args[0], name) and _in_then_branch(ancestor, value):
                return True
    return False


def _in_then_branch(if_call: Node, node: Node) -> bool:
    args = call_args(if_call)
    if args and contains(args[0], node):
        return False
    block = do_block(if_call)
    branches = [c for c in block.named_children if c.type == "else_block"] if block else []
    if len(args) > 1 and args[-1].type == "keywords":
        otherwise = keyword_value(args[-1], "else")
        branches += [otherwise] if otherwise is not None else []
    return not any(contains(b, node) for b in branches)


def _tests_membership(condition: Node, name: str) -> bool:
    for node in (condition, *descendants(condition)):
        if node.type == "binary_operator" and operator(node) == "in":
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier" and text(left) == name:
                return True
    return False


def _short(source: str, limit: int = 60) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
