"""The one shared notion of "inside a loop", and of loop accumulators.

A node is inside a loop when it runs once per element of something:
- the body of a function passed to an `Enum`/`Stream`/`List.fold*`/`Map`/
  `Keyword`/`Task.async_stream`/`:lists` iterator (anonymous `fn` or `&` capture);
- the body (or filters) of a `for` comprehension, `reduce:` included;
- the body of a function clause that calls itself (recursion).
Every rule that asks "is this repeated?" uses `enclosing_loop`.
"""

from __future__ import annotations

from dataclasses import dataclass

from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.analysis.nodes import (
    Definition,
    ancestors,
    as_definition,
    call_args,
    call_name,
    calls_itself,
    contains,
    do_block,
    effective_args,
    identifiers_named,
    keyword_value,
    operator,
    same_node,
    text,
)
from elixir_perf_lsp.syntax import Node

_ITERATOR_MODULES = frozenset({"Enum", "Stream", "Map", "Keyword", "MapSet", "List"})
_ITERATOR_CALLS = frozenset(
    {
        ("Task", "async_stream"),
        ("Task.Supervisor", "async_stream"),
        ("Task.Supervisor", "async_stream_nolink"),
        ("Flow", "map"),
        (":lists", "foldl"),
        (":lists", "foldr"),
        (":lists", "map"),
        (":lists", "foreach"),
        (":lists", "filter"),
        (":maps", "fold"),
        (":maps", "map"),
    }
)
# Functions of these modules that take a function but call it at most once.
_NOT_ITERATING = frozenset(
    {
        ("Map", "update"),
        ("Map", "update!"),
        ("Map", "get_lazy"),
        ("Map", "put_new_lazy"),
        ("Map", "get_and_update"),
        ("Map", "get_and_update!"),
        ("Keyword", "update"),
        ("Keyword", "update!"),
        ("Keyword", "get_lazy"),
        ("Keyword", "put_new_lazy"),
        ("List", "update_at"),
    }
)
_REDUCERS = frozenset(
    {
        ("Enum", "reduce"),
        ("Enum", "reduce_while"),
        ("Enum", "map_reduce"),
        ("Enum", "flat_map_reduce"),
        ("Enum", "scan"),
        ("Stream", "transform"),
        ("List", "foldl"),
        ("List", "foldr"),
        (":lists", "foldl"),
        (":lists", "foldr"),
    }
)


@dataclass(frozen=True)
class Loop:
    kind: str  # "iterator", "for" or "recursion"
    node: Node  # the iterator call, the `for` call, or the recursive def
    body: Node  # what runs per element


def is_iterator_call(call: Node) -> bool:
    module, name = call_name(call)
    if (module, name) in _ITERATOR_CALLS:
        return True
    return module in _ITERATOR_MODULES and (module, name) not in _NOT_ITERATING


def _function_argument_of(fn: Node) -> Node | None:
    """The call that receives `fn` (a `fn` or `&` capture) as an argument."""
    parent = fn.parent
    if parent is None:
        return None
    if parent.type == "arguments" and parent.parent is not None and parent.parent.type == "call":
        return parent.parent
    return None


def enclosing_loop(node: Node) -> Loop | None:
    """The innermost loop whose per-element body contains `node`."""
    # Only the kinds `_loop_at` can answer for are visited: runs of other nodes
    # (a long `and` chain) are skipped in one memoized step.
    step = memo.hop("loop_candidate", node, _may_loop)
    while step is not None:
        current, child = step
        loop = _loop_at(current, child, node)
        if loop is not None:
            return loop
        step = memo.hop("loop_candidate", current, _may_loop)
    return None


def _may_loop(node: Node) -> bool:
    """Whether `_loop_at` can find a loop at `node` (it answers None for the rest)."""
    kind = node.type
    return kind in _LOOP_KINDS or (kind == "unary_operator" and operator(node) == "&")


_LOOP_KINDS = frozenset({"anonymous_function", "arguments", "call"})


def enclosing_loops(node: Node) -> list[Loop]:
    """Every loop around `node`, innermost first."""
    loops: list[Loop] = []
    current: Node | None = node
    while current is not None:
        loop = enclosing_loop(current)
        if loop is None:
            break
        loops.append(loop)
        current = loop.node
    return loops


def _loop_at(current: Node, child: Node, origin: Node) -> Loop | None:
    """The loop `current` makes around `origin`, reached through its child `child`."""
    if current.type == "anonymous_function" or (
        current.type == "unary_operator" and operator(current) == "&"
    ):
        call = _function_argument_of(current)
        if call is not None and is_iterator_call(call):
            return Loop("iterator", call, current)
        return None
    if current.type == "arguments" and _is_for(current.parent):
        return _for_clause_loop(current, child, origin)
    if current.type == "call":
        if _is_for(current):
            block = do_block(current)
            if block is not None and same_node(block, child):
                return Loop("for", current, block)
            return None
        definition = as_definition(current)
        if (
            definition is not None
            and definition.body is not None
            and contains(definition.body, origin)
            and calls_itself(definition)
        ):
            return Loop("recursion", current, definition.body)
    return None


def _is_for(node: Node | None) -> bool:
    return node is not None and node.type == "call" and call_name(node) == (None, "for")


def _for_clause_loop(arguments: Node, child: Node, origin: Node) -> Loop | None:
    """Inside `for`'s arguments: the first generator's source and the options
    (`into:`, `reduce:`, `uniq:`) run once; filters, later generators and a `do:`
    body run per element."""
    for_call = arguments.parent
    assert for_call is not None
    if child.type == "keywords":
        body = keyword_value(child, "do")
        if body is not None and contains(body, origin):
            return Loop("for", for_call, body)
        return None
    first = next(
        (
            c
            for c in arguments.named_children
            if c.type == "binary_operator" and operator(c) == "<-"
        ),
        None,
    )
    if first is None or same_node(child, first) or child.start_byte < first.start_byte:
        return None
    return Loop("for", for_call, child)


# --- accumulators ------------------------------------------------------------


@dataclass(frozen=True)
class Accumulator:
    name: str
    kind: str  # "reduce", "for" or "recursion"
    body: Node | None  # the clause body that returns the next accumulator
    result: Node | None  # the expression whose value is the final accumulator
    initial: Node | None  # the initial value


def clause_params(clause: Node) -> list[Node]:
    """The parameters of a `fn` clause (`stab_clause`), without its guard."""
    left = clause.child_by_field_name("left")
    if left is None:
        return []
    if left.type == "binary_operator" and operator(left) == "when":
        left = left.child_by_field_name("left")
    if left is None:
        return []
    if left.type == "arguments":
        return list(left.named_children)
    return [left]


def accumulator_of(identifier: Node) -> Accumulator | None:
    """The accumulator `identifier` names, if it is one at this point."""
    name = text(identifier)
    for ancestor in ancestors(identifier):
        if ancestor.type == "stab_clause":
            owner = ancestor.parent
            if owner is not None and owner.type == "anonymous_function":
                return _reduce_accumulator(owner, ancestor, name)
            if (
                owner is not None
                and owner.type == "do_block"
                and owner.parent is not None
                and call_name(owner.parent) == (None, "for")
            ):
                return _for_accumulator(owner.parent, ancestor, name)
        definition = as_definition(ancestor)
        if definition is not None:
            return _recursive_accumulator(definition, identifier, name)
    return None


def accumulator_pattern(clause: Node) -> Node | None:
    """The accumulator parameter of a reducer clause: the last parameter of a clause of
    a `fn` passed to `Enum.reduce`-like functions, or the parameter of a `for …
    reduce:` clause; None for any other clause."""
    owner = clause.parent
    if owner is None or clause.type != "stab_clause":
        return None
    params = clause_params(clause)
    if owner.type == "anonymous_function":
        call = _function_argument_of(owner)
        if call is None or call_name(call) not in _REDUCERS or len(params) < 2:
            return None
        return params[-1]
    if owner.type == "do_block" and _is_for(owner.parent) and owner.parent is not None:
        reduces = any(
            arg.type == "keywords" and keyword_value(arg, "reduce") is not None
            for arg in call_args(owner.parent)
        )
        return params[0] if reduces and len(params) == 1 else None
    return None


def _reduce_accumulator(fn: Node, clause: Node, name: str) -> Accumulator | None:
    call = _function_argument_of(fn)
    if call is None or call_name(call) not in _REDUCERS:
        return None
    params = clause_params(clause)
    if len(params) < 2 or params[-1].type != "identifier" or text(params[-1]) != name:
        return None
    args = effective_args(call)
    single_clause = sum(1 for c in fn.named_children if c.type == "stab_clause") == 1
    fixable = call_name(call) == ("Enum", "reduce") and len(args) == 3 and single_clause
    fixable = fixable and same_node(args[2], fn)
    return Accumulator(
        name,
        "reduce",
        clause.child_by_field_name("right") if fixable else None,
        call if fixable else None,
        args[1] if fixable else None,
    )


def _for_accumulator(for_call: Node, clause: Node, name: str) -> Accumulator | None:
    params = clause_params(clause)
    if len(params) != 1 or params[0].type != "identifier" or text(params[0]) != name:
        return None
    initial = None
    for arg in call_args(for_call):
        if arg.type == "keywords":
            initial = keyword_value(arg, "reduce")
    if initial is None:
        return None
    block = clause.parent
    single_clause = block is not None and (
        sum(1 for c in block.named_children if c.type == "stab_clause") == 1
    )
    body = clause.child_by_field_name("right") if single_clause else None
    return Accumulator(name, "for", body, for_call if single_clause else None, initial)


def _recursive_accumulator(
    definition: Definition, identifier: Node, name: str
) -> Accumulator | None:
    if not any(p.type == "identifier" and text(p) == name for p in definition.params):
        return None
    # The grown value must be handed straight back to the same function.
    expression = identifier.parent
    if expression is None:
        return None
    holder = expression.parent
    if holder is None or holder.type != "arguments" or holder.parent is None:
        return None
    call = holder.parent
    if call.type != "call" or call_name(call) != (None, definition.name):
        return None
    if not identifiers_named(definition.call, name):
        return None
    return Accumulator(name, "recursion", None, None, None)
