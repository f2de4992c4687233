"""Reading Elixir constructs off tree-sitter-elixir nodes.

Iterative where depth is unbounded, so a 10k-deep nesting cannot hit Python's
recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.syntax import Node

DEF_KEYWORDS = frozenset({"def", "defp", "defmacro", "defmacrop"})
COMPARISONS = frozenset({"==", "!=", "===", "!==", ">", ">=", "<", "<="})


def text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogatepass")


def shorten(source: str, limit: int = 60) -> str:
    """`source` on one line, cut to `limit` characters, for a message."""
    flat = " ".join(source.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def operator(node: Node) -> str | None:
    """The operator of a binary_operator/unary_operator node."""
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


def call_name(call: Node) -> tuple[str | None, str]:
    """(`Module` or `:erlang_mod` or None, function name) of a call node.

    `Enum.count(x)` → ("Enum", "count"); `length(x)` → (None, "length");
    `foo.bar()` → ("foo", "bar").
    """
    target = call.child_by_field_name("target")
    if target is None:
        return None, ""
    if target.type == "dot":
        left = target.child_by_field_name("left")
        right = target.child_by_field_name("right")
        return (text(left) if left else None), (text(right) if right else "")
    return None, text(target)


def is_call(node: Node | None, module: str | None, *names: str) -> bool:
    if node is None or node.type != "call":
        return False
    mod, name = call_name(node)
    return mod == module and name in names


def arguments_node(call: Node) -> Node | None:
    for child in call.named_children:
        if child.type == "arguments":
            return child
    return None


def call_args(call: Node) -> list[Node]:
    """The explicit arguments of a call (keyword lists count as one argument)."""
    args = arguments_node(call)
    return list(args.named_children) if args is not None else []


def pipe_source(call: Node) -> Node | None:
    """For the right operand of `|>`, the expression piped in."""
    parent = call.parent
    if (
        parent is not None
        and parent.type == "binary_operator"
        and operator(parent) == "|>"
        and _same(parent.child_by_field_name("right"), call)
    ):
        return parent.child_by_field_name("left")
    return None


def effective_args(call: Node) -> list[Node]:
    """Arguments as the function receives them: a piped value comes first."""
    piped = pipe_source(call)
    args = call_args(call)
    return [piped, *args] if piped is not None else args


def do_block(call: Node) -> Node | None:
    for child in call.named_children:
        if child.type == "do_block":
            return child
    return None


def _same(a: Node | None, b: Node | None) -> bool:
    return a is not None and b is not None and a.id == b.id


def same_node(a: Node | None, b: Node | None) -> bool:
    return _same(a, b)


def contains(container: Node, node: Node) -> bool:
    """Whether `node` lies within `container`'s bytes (itself included)."""
    return container.start_byte <= node.start_byte and node.end_byte <= container.end_byte


def ancestors(node: Node) -> Iterator[Node]:
    """Innermost first, lazily; O(1) a step inside an analysis (see `memo.parent`)."""
    yield from memo.ancestors(node)


def calls_above(node: Node) -> Iterator[tuple[Node, Node]]:
    """The `call` ancestors of `node`, innermost first, each with its child on the
    way from `node`; runs of other nodes are skipped in memoized steps (`memo.hop`),
    so asking from every conjunct of a 1,000-deep `and` chain stays linear."""
    step = memo.hop("call_above", node, _is_call_node)
    while step is not None:
        yield step
        step = memo.hop("call_above", step[0], _is_call_node)


def _is_call_node(node: Node) -> bool:
    return node.type == "call"


def descendants(node: Node) -> Iterator[Node]:
    """All named descendants, pre-order, without recursion."""
    stack = list(reversed(node.named_children))
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.named_children))


def identifiers_named(node: Node, name: str) -> list[Node]:
    """Every identifier node under (and including) `node` spelled `name`."""
    found = [node] if node.type == "identifier" and text(node) == name else []
    found.extend(d for d in descendants(node) if d.type == "identifier" and text(d) == name)
    return found


def strip_parens(node: Node) -> Node:
    while node.type == "block" and node.named_child_count == 1:
        child = node.named_children[0]
        node = child
    return node


def int_value(node: Node) -> int | None:
    if node.type != "integer":
        return None
    raw = text(node).replace("_", "")
    try:
        return int(raw, 0) if raw[:2].lower() in ("0x", "0o", "0b") else int(raw)
    except ValueError:
        return None


def capture_of(call: Node) -> tuple[Node, int] | None:
    """`&Repo.insert/1` around `call`: the capture as a whole and the arity it names."""
    slash = call.parent
    capture = slash.parent if slash is not None else None
    if (
        slash is None
        or capture is None
        or slash.type != "binary_operator"
        or operator(slash) != "/"
        or capture.type != "unary_operator"
        or operator(capture) != "&"
        or not same_node(slash.child_by_field_name("left"), call)
    ):
        return None
    right = slash.child_by_field_name("right")
    arity = int_value(right) if right is not None else None
    return (capture, arity) if arity is not None else None


def is_plain_variable(node: Node) -> bool:
    if node.type != "identifier":
        return False
    name = text(node)
    return not name.startswith("_") and name not in ("__MODULE__", "__ENV__", "__CALLER__")


# --- definitions -------------------------------------------------------------


class Definition:
    """A `def`/`defp`/`defmacro(p)` clause, read from its call node."""

    __slots__ = ("body", "call", "guard", "head", "kind", "name", "params")

    def __init__(self, call: Node) -> None:
        self.call = call
        self.kind = call_name(call)[1]
        args = call_args(call)
        first = args[0] if args else None
        self.guard: Node | None = None
        if first is not None and first.type == "binary_operator" and operator(first) == "when":
            self.guard = first.child_by_field_name("right")
            first = first.child_by_field_name("left")
        self.head = first
        self.name = ""
        self.params: list[Node] = []
        if first is not None and first.type == "call":
            self.name = call_name(first)[1]
            self.params = call_args(first)
        elif first is not None and first.type == "identifier":
            self.name = text(first)
        self.body: Node | None = do_block(call) or _keyword_do(args[1:] if args else [])


def _keyword_do(rest: list[Node]) -> Node | None:
    for node in rest:
        value = keyword_value(node, "do") if node.type == "keywords" else None
        if value is not None:
            return value
    return None


def as_definition(node: Node) -> Definition | None:
    if node.type != "call":
        return None
    module, name = call_name(node)
    if module is None and name in DEF_KEYWORDS:
        definition = Definition(node)
        return definition if definition.name else None
    return None


def definition_name(node: Node) -> str | None:
    """The function name a `def`-like call defines, read cheaply (no `Definition`)."""
    if node.type != "call":
        return None
    target = node.child(0)
    if target is None or target.type != "identifier" or text(target) not in DEF_KEYWORDS:
        return None
    args = arguments_node(node)
    head = args.named_children[0] if args is not None and args.named_child_count else None
    if head is not None and head.type == "binary_operator" and operator(head) == "when":
        head = head.child_by_field_name("left")
    if head is None:
        return None
    if head.type == "call":
        return call_name(head)[1]
    return text(head) if head.type == "identifier" else None


def clauses_of(definition: Definition) -> list[Definition]:
    """Every clause of `definition`'s function (same name and arity) beside it."""
    container = definition.call.parent
    if container is None:
        return [definition]
    return [
        d
        for c in container.named_children
        if definition_name(c) == definition.name
        and (d := as_definition(c)) is not None
        and len(d.params) == len(definition.params)
    ]


def enclosing_definition(node: Node) -> Definition | None:
    return memo.nearest("enclosing_definition", node, as_definition)


def calls_itself(definition: Definition) -> bool:
    """Whether the clause body calls its own function: same name and arity (`def f(x),
    do: f(x, [])` hands over to another function and is not a loop)."""
    # Asked for the same clause by several rules and for every loop inside it.
    return memo.per_node("calls_itself", definition.call, lambda _: _calls_itself(definition))


def _calls_itself(definition: Definition) -> bool:
    if definition.body is None:
        return False
    # A body that never spells the name cannot call it: no walk needed.
    if definition.name.encode() not in (definition.body.text or b""):
        return False
    arity = len(definition.params)
    for node in (definition.body, *descendants(definition.body)):
        if (
            node.type == "call"
            and call_name(node) == (None, definition.name)
            and len(effective_args(node)) == arity
        ):
            return True
    return False


def pair_key(pair: Node) -> str:
    """The atom a keyword pair's key names (`do` for `do:` and `"do":`), or ""."""
    key = pair.child_by_field_name("key")
    return text(key).strip().rstrip(":").strip('"') if key is not None else ""


def keyword_value(keywords: Node, key: str) -> Node | None:
    """The value of `key:` in a `keywords` node."""
    for pair in keywords.named_children:
        if pair_key(pair) == key:
            return pair.child_by_field_name("value")
    return None


def tail_expressions(node: Node) -> list[Node]:
    """The expressions whose value `node` returns, through if/unless/case/cond branches."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("body", "do_block", "block", "else_block"):
            children = [c for c in current.named_children if c.type != "comment"]
            if current.type == "do_block" and any(c.type == "stab_clause" for c in children):
                for clause in children:
                    if clause.type == "stab_clause":
                        body = clause.child_by_field_name("right")
                        if body is not None:
                            stack.append(body)
                continue
            if current.type == "do_block":
                children = [c for c in children if c.type not in ("else_block",)]
                for c in current.named_children:
                    if c.type == "else_block":
                        stack.append(c)
            if children:
                stack.append(children[-1])
            continue
        if current.type == "call" and call_name(current) in ((None, "if"), (None, "unless")):
            # Without an else branch the construct itself may return nil: keep it
            # as a tail so callers see a value they cannot account for.
            block = do_block(current)
            if block is not None:
                stack.append(block)
                if not any(c.type == "else_block" for c in block.named_children):
                    out.append(current)
                continue
            args = call_args(current)
            if len(args) == 2 and args[1].type == "keywords":
                for key in ("do", "else"):
                    value = keyword_value(args[1], key)
                    if value is not None:
                        stack.append(value)
                if keyword_value(args[1], "else") is None:
                    out.append(current)
                continue
        if current.type == "call" and call_name(current) in ((None, "case"), (None, "cond")):
            block = do_block(current)
            if block is not None:
                stack.append(block)
                continue
        out.append(current)
    return out


def in_guard(node: Node) -> bool:
    """Whether `node` sits in the guard (right side) of a `when`."""
    # The innermost `when` or body boundary decides; runs of other nodes (a long
    # `and` chain in the guard) are skipped in one memoized step.
    step = memo.hop("guard_boundary", node, _guard_boundary)
    if step is None:
        return False
    ancestor, child = step
    if ancestor.type == "binary_operator":  # a `when`
        return same_node(ancestor.child_by_field_name("right"), child) or in_guard(ancestor)
    return False


def _guard_boundary(node: Node) -> bool:
    if node.type == "binary_operator":
        return operator(node) == "when"
    return node.type in ("do_block", "body", "anonymous_function", "stab_clause")


def counted_operand(node: Node) -> tuple[Node, Node] | None:
    """For `length(x)`, `x |> length()`, `Enum.count(x)`… the (call, operand) pair."""
    if node.type == "binary_operator" and operator(node) == "|>":
        right = node.child_by_field_name("right")
        left = node.child_by_field_name("left")
        if right is not None and right.type == "call" and left is not None:
            return right, left
        return None
    if node.type == "call":
        args = call_args(node)
        if args:
            return node, args[0]
    return None


def sigil_name(node: Node) -> str | None:
    """`w` for `~w(a b)`; None when `node` is not a sigil."""
    if node.type != "sigil":
        return None
    for child in node.children:
        if child.type == "sigil_name":
            return text(child)
    return None


def is_piped_into(call: Node) -> bool:
    """Whether `call` is the right side of a `|>` (its first argument is piped in)."""
    parent = call.parent
    return (
        parent is not None
        and parent.type == "binary_operator"
        and operator(parent) == "|>"
        and same_node(parent.child_by_field_name("right"), call)
    )
