"""Whether a value comes from outside the program: request params, event payloads,
decoded JSON.

Turning such a value into an atom lets any client fill the atom table. Most atoms
built at runtime come from values the program itself bounds (field names, module
names, configuration); a finding there is not worth acting on. This module
answers the narrower question "is this plausibly client-controlled?" from what the
code says: the parameter conventions of Phoenix, LiveView and channels,
string-keyed map patterns (the shape of decoded params and JSON), and calls that
decode input.
"""

from __future__ import annotations

import re

from elixir_perf_lsp.analysis.nodes import (
    Definition,
    ancestors,
    as_definition,
    call_name,
    contains,
    effective_args,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.scope import binding_of, bound_value, field_receiver, is_field_access
from elixir_perf_lsp.syntax import Node

# Parameter names that, by Phoenix convention, hold what a client sent.
_INPUT_NAME = re.compile(r"^(params|payload|body|query|attrs|(\w+_)(params|payload|attrs))$")
# Callbacks whose n-th parameter (0-based) is the client's data.
_INPUT_PARAMETER = {
    "handle_event": 1,  # LiveView: handle_event(event, params, socket)
    "handle_params": 0,  # LiveView: handle_params(params, uri, socket)
    "mount": 0,  # LiveView: mount(params, session, socket)
    "handle_in": 1,  # channels: handle_in(event, payload, socket)
    "join": 1,  # channels: join(topic, payload, socket)
}
_CONN_INPUTS = frozenset(
    {"params", "body_params", "query_params", "path_params", "req_headers", "cookies"}
)
_DECODERS = frozenset(
    {
        ("Jason", "decode"),
        ("Jason", "decode!"),
        ("Poison", "decode"),
        ("Poison", "decode!"),
        ("JSON", "decode"),
        ("JSON", "decode!"),
        ("URI", "decode_query"),
        ("Plug.Conn.Query", "decode"),
        ("Plug.Conn", "read_body"),
        (None, "read_body"),  # `import Plug.Conn`, as controllers and plugs do
    }
)
# Calls that pass their input's content through (so `String.downcase(params["x"])`
# is still the client's text); anything else ends the trail.
_TRANSPARENT = frozenset(
    {
        ("String", "downcase"),
        ("String", "upcase"),
        ("String", "trim"),
        ("String", "replace"),
        ("String", "split"),
        ("Map", "get"),
        ("Map", "fetch!"),
        ("Map", "keys"),
        ("Map", "to_list"),
        ("Keyword", "get"),
        ("Access", "get"),
        ("Enum", "map"),
        ("Enum", "into"),
        ("Map", "new"),
        ("Enum", "at"),
        ("List", "first"),
        (None, "to_string"),
        (None, "hd"),
    }
)
_ITERATING = frozenset(
    {("Enum", "map"), ("Enum", "each"), ("Enum", "into"), ("Map", "new"), ("Enum", "reduce")}
)
_MAX_HOPS = 12


def from_client(value: Node) -> bool:
    """Whether `value` plausibly carries client-controlled text."""
    todo = [value]
    seen: set[int] = set()
    for _ in range(_MAX_HOPS):
        if not todo:
            return False
        node = strip_parens(todo.pop())
        if node.id in seen:
            continue
        seen.add(node.id)
        verdict = _step(node, todo)
        if verdict:
            return True
    return False


def _step(node: Node, todo: list[Node]) -> bool:
    """True when `node` is client input; else queue what it is made of."""
    kind = node.type
    if kind == "identifier":
        return _identifier(node, todo)
    if kind in ("string", "quoted_atom", "quoted_keyword"):
        todo.extend(
            c.named_children[0]
            for c in node.named_children
            if c.type == "interpolation" and c.named_children
        )
        return False
    if kind == "binary_operator" and operator(node) in ("<>", "|>"):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator(node) == "|>" and right is not None and right.type == "call":
            return _call(right, todo)
        todo.extend(n for n in (left, right) if n is not None)
        return False
    if kind == "access_call":
        todo.extend(node.named_children[:1])
        return False
    if is_field_access(node):
        receiver = field_receiver(node)
        if receiver is not None and text(receiver) == "conn":
            return text(node).rsplit(".", 1)[-1] in _CONN_INPUTS
        if receiver is not None:
            todo.append(receiver)
        return False
    if kind == "call":
        return _call(node, todo)
    return False


def _call(call: Node, todo: list[Node]) -> bool:
    name = call_name(call)
    if name in _DECODERS:
        return True
    if name in _TRANSPARENT:
        todo.extend(effective_args(call)[:1])
    return False


def _identifier(ident: Node, todo: list[Node]) -> bool:
    binding = binding_of(ident)
    if binding is None:
        return False
    value = bound_value(binding)
    if value is not None:
        todo.append(value)
        return False
    matched = _destructured_from(binding)
    if matched is not None:
        return call_name(matched) in _DECODERS
    return _bound_to_input(binding, todo)


def _destructured_from(binding: Node) -> Node | None:
    """For `{:ok, body, conn} = read_body(conn)`, the call `body` was matched from."""
    child = binding
    for ancestor in ancestors(binding):
        if ancestor.type == "binary_operator" and operator(ancestor) == "=":
            if not same_node(ancestor.child_by_field_name("left"), child):
                return None
            value = ancestor.child_by_field_name("right")
            value = strip_parens(value) if value is not None else None
            return value if value is not None and value.type == "call" else None
        if ancestor.type not in ("tuple", "list"):
            return None
        child = ancestor
    return None


def _bound_to_input(binding: Node, todo: list[Node]) -> bool:
    """A parameter (or part of one) of a function or `fn` that receives input."""
    if _INPUT_NAME.match(text(binding)):
        return True
    if _in_string_keyed_pattern(binding):
        return True
    for ancestor in ancestors(binding):
        definition = as_definition(ancestor)
        if definition is not None:
            return _input_parameter(definition, binding)
        if ancestor.type == "anonymous_function":
            # `Map.new(params, fn {key, value} -> … end)`: the element of client data.
            owner = ancestor.parent.parent if ancestor.parent is not None else None
            if owner is not None and owner.type == "call" and call_name(owner) in _ITERATING:
                todo.extend(effective_args(owner)[:1])
            return False
    return False


def _input_parameter(definition: Definition, binding: Node) -> bool:
    params = definition.params
    index = next(
        (i for i, p in enumerate(params) if contains(p, binding)),
        None,
    )
    if index is None:
        return False
    return _INPUT_PARAMETER.get(definition.name) == index


def _in_string_keyed_pattern(binding: Node) -> bool:
    """`%{"tag" => tag}`: decoded params and JSON have string keys."""
    child = binding
    for ancestor in ancestors(binding):
        if ancestor.type == "binary_operator" and operator(ancestor) == "=>":
            key = ancestor.child_by_field_name("left")
            return (
                key is not None
                and key.type == "string"
                and same_node(ancestor.child_by_field_name("right"), child)
            )
        if ancestor.type not in ("map_content", "map", "binary_operator", "tuple", "list"):
            return False
        child = ancestor
    return False
