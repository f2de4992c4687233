"""Where an Elixir variable was bound, and whether an expression changes inside a loop.

A small, lexical model of Elixir's scoping rules (checked against Elixir 1.14):

- `pattern = expr` binds every variable of the pattern (nested tuples, lists,
  maps, `[h | t]`, `"p" <> rest`, `a = b` sub-patterns), for the statements that
  follow it. `r = s = v` binds both. A pin `^x` is a use, never a binding.
- Bindings made inside a function call's arguments are visible after the call
  (`IO.inspect(x = 1); x`), but not in the call's other arguments.
- Function heads (`def`/`defp`/`defmacro(p)` parameters, default values excluded)
  bind for the guard and the body; nothing outside a `def` is visible inside it.
- `fn`, `case`, `receive`, `try` (`rescue e in X`, `catch k, v`, `else`) and
  `with … else` clause heads are patterns binding for that clause only. `cond`
  clause heads and `receive … after` heads are expressions; a binding in them is
  visible in that clause's body.
- `for` generators (`x <- xs`, `{k, v} <- map`, `<<c <- bin>>`) and `for`/`with`
  `pat = expr` clauses bind for the following clauses and the body (not `with`'s
  `else`, not `into:`/`reduce:`).
- The subject of `case`/`if`/`unless`/`cond`… (`case x = f() do`) binds for the
  whole construct and after it; bindings inside their bodies, inside `fn` and
  inside `for`/`with` never leak out.
- ExUnit `test "…", %{conn: conn} do` and `setup %{…} do` contexts are patterns.

Anything the model does not understand resolves to `None` ("unknown"), and
callers treat unknown as "may vary": rules built on this stay quiet rather than
guess. All walks are iterative.
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.analysis.loops import Loop
from elixir_perf_lsp.analysis.nodes import (
    DEF_KEYWORDS,
    Definition,
    as_definition,
    call_args,
    call_name,
    clauses_of,
    contains,
    descendants,
    effective_args,
    operator,
    pair_key,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.syntax import Node

# Identifiers that are never variables.
_SPECIAL = frozenset({"_", "__MODULE__", "__ENV__", "__CALLER__", "__DIR__", "__STACKTRACE__"})
# Nodes whose named children are statements evaluated in order.
_SEQUENCES = frozenset({"source", "body", "block", "do_block", "else_block", "after_block"})
_CLAUSE_BLOCKS = frozenset({"else_block", "after_block", "rescue_block", "catch_block"})
# Nodes a pattern is made of (an identifier below them is still in the pattern).
_PATTERN_CONTAINERS = frozenset(
    {"tuple", "list", "map", "map_content", "keywords", "pair", "struct", "bitstring", "block"}
)
_PATTERN_OPERATORS = frozenset({"|", "<>", "++"})
# Operators whose left operand only is a pattern.
_LEFT_PATTERN_OPERATORS = frozenset({"when", "::", "\\\\", "in"})
_BLOCK_KEYS = frozenset({"do", "else", "after", "rescue", "catch"})
_SEQUENTIAL_CALLS = frozenset({"for", "with"})
_NON_LEAKING_CALLS = frozenset({"for", "with", "quote", "fn"})
_LITERALS = frozenset({"atom", "integer", "float", "boolean", "nil", "char", "quoted_atom"})


# --- patterns ------------------------------------------------------------------


def pattern_bindings(pattern: Node) -> list[Node]:
    """The identifier nodes a pattern binds, in source order.

    Pins (`^x`), module attributes, binary size/type specifiers (`::` right),
    default values (`\\\\` right), guards and `rescue … in` exception lists are
    not bindings.
    """
    out: list[Node] = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "identifier":
            if text(node) not in _SPECIAL:
                out.append(node)
            continue
        if kind == "unary_operator" and operator(node) in ("^", "@"):
            continue
        if kind == "binary_operator" and operator(node) in _LEFT_PATTERN_OPERATORS:
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append(left)
            continue
        if kind in ("call", "dot", "anonymous_function"):
            continue
        stack.extend(reversed(node.named_children))
    return out


def _has_block_keyword(call: Node) -> bool:
    for arg in call_args(call):
        if arg.type == "keywords":
            for pair in arg.named_children:
                if pair_key(pair) in _BLOCK_KEYS:
                    return True
    return False


def _is_def_head(call: Node) -> bool:
    """Whether `call` is the `name(params)` head of a def (with or without a guard)."""
    holder = call.parent
    if holder is not None and holder.type == "binary_operator" and operator(holder) == "when":
        if not same_node(holder.child_by_field_name("left"), call):
            return False
        holder = holder.parent
    if holder is None or holder.type != "arguments" or holder.parent is None:
        return False
    definition = as_definition(holder.parent)
    return definition is not None and same_node(definition.head, call)


def _expression_headed(clause: Node) -> bool:
    """`cond` clauses and `receive … after` clauses have expressions, not patterns, as heads."""
    block = clause.parent
    if block is None:
        return False
    if block.type == "after_block":
        return True
    return (
        block.type == "do_block"
        and block.parent is not None
        and call_name(block.parent) == (None, "cond")
    )


def _clause_head(clause: Node) -> tuple[Node | None, Node | None]:
    """(patterns, guard) of a stab clause."""
    left = clause.child_by_field_name("left")
    if left is not None and left.type == "binary_operator" and operator(left) == "when":
        return left.child_by_field_name("left"), left.child_by_field_name("right")
    return left, None


def _context_patterns(call: Node) -> list[Node]:
    """The pattern arguments of ExUnit's `test "…", ctx do` and `setup ctx do`."""
    module, name = call_name(call)
    if module is not None or name not in ("test", "setup", "setup_all"):
        return []
    if not any(c.type == "do_block" for c in call.named_children) and not _has_block_keyword(call):
        return []
    args = [a for a in call_args(call) if a.type != "keywords"]
    if name == "test" and len(args) >= 2:
        return args[1:2]
    if name in ("setup", "setup_all") and args:
        return args[:1]
    return []


def _is_generator(arrow: Node) -> bool:
    holder = arrow.parent
    if holder is not None and holder.type == "bitstring":
        holder = holder.parent
    return (
        holder is not None
        and holder.type == "arguments"
        and holder.parent is not None
        and call_name(holder.parent)[0] is None
        and call_name(holder.parent)[1] in _SEQUENTIAL_CALLS
    )


def _pattern_root(ident: Node) -> Node | None:
    """The whole pattern `ident` sits in, if it sits in one."""
    child, node = ident, memo.parent(ident)
    while node is not None:
        kind = node.type
        if kind == "binary_operator":
            op = operator(node)
            is_left = same_node(node.child_by_field_name("left"), child)
            if op == "=":
                if is_left:
                    return child
            elif op == "<-":
                return child if is_left and _is_generator(node) else None
            elif op in _LEFT_PATTERN_OPERATORS:
                if not is_left:
                    return None
            elif op not in _PATTERN_OPERATORS:
                return None
        elif kind == "arguments":
            owner = memo.parent(node)
            if owner is not None and owner.type == "binary_operator" and operator(owner) == "when":
                owner = memo.parent(owner)
            if owner is not None and owner.type == "stab_clause":
                return node if not _expression_headed(owner) else None
            call = memo.parent(node)
            if call is not None and call.type == "call":
                if _is_def_head(call):
                    return node
                if any(same_node(p, child) for p in _context_patterns(call)):
                    return child
            return None
        elif kind not in _PATTERN_CONTAINERS:
            return None
        child, node = node, memo.parent(node)
    return None


def is_binding(ident: Node) -> bool:
    """Whether this identifier occurrence binds a variable (rather than reading one)."""
    if ident.type != "identifier" or text(ident) in _SPECIAL:
        return False
    root = _pattern_root(ident)
    return root is not None and any(same_node(b, ident) for b in pattern_bindings(root))


# --- what an expression binds for the code after it ------------------------------


def leaked_bindings(expr: Node) -> list[Node]:
    """Variables `expr` binds that stay bound after it (in source order).

    `x = …`, matches inside call arguments and the subject of `case`/`if` leak;
    anything inside `fn`, `&`, do-blocks, clause bodies, `for` and `with` does not.
    """
    out: list[Node] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("anonymous_function", "do_block", "stab_clause") or kind in _CLAUSE_BLOCKS:
            continue
        if kind == "unary_operator" and operator(node) in ("&", "^", "@"):
            continue
        if kind == "call":
            module, name = call_name(node)
            if module is None and (name in _NON_LEAKING_CALLS or name in DEF_KEYWORDS):
                continue
        if kind == "pair" and pair_key(node) in _BLOCK_KEYS:
            continue
        if kind == "binary_operator" and operator(node) == "=":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if right is not None:
                stack.append(right)
            if left is not None:
                out.extend(pattern_bindings(left))
            continue
        stack.extend(reversed(node.named_children))
    return sorted(out, key=lambda n: n.start_byte)


def _clause_bindings(clause: Node) -> list[Node]:
    """Bindings a `for`/`with` clause makes for the clauses after it."""
    if clause.type == "bitstring" and clause.named_child_count == 1:
        clause = clause.named_children[0]
    if clause.type == "binary_operator" and operator(clause) in ("<-", "="):
        left = clause.child_by_field_name("left")
        if left is None:
            return []
        if left.type == "binary_operator" and operator(left) == "when":
            left = left.child_by_field_name("left") or left
        return pattern_bindings(left)
    return leaked_bindings(clause)


def _last_named(nodes: list[Node], name: str) -> Node | None:
    found = [n for n in nodes if text(n) == name]
    return found[-1] if found else None


# --- resolution ------------------------------------------------------------------


def binding_of(ident: Node) -> Node | None:
    """The identifier node where the variable `ident` reads was bound.

    A binding occurrence is its own binding. Returns None when the variable is not
    bound anywhere this model understands (a zero-arity call written without
    parentheses, a variable introduced by an unknown macro, module-level code …).
    """
    if ident.type != "identifier" or text(ident) in _SPECIAL:
        return None
    if is_binding(ident):
        return ident
    name = text(ident)
    # Only ancestors `_visible_at` can answer for are visited; runs of others (a
    # long `and` chain) are skipped in one memoized step. It reads the grandchild
    # on the way up only when the child is a kind visited too (see `_may_bind`).
    previous: tuple[Node, Node] | None = None  # the last node visited, its child
    step = memo.hop("binding_candidate", ident, _may_bind)
    while step is not None:
        node, child = step
        if previous is not None and same_node(child, previous[0]):
            path = [previous[1], child]
        else:
            path = [child]
        found, stop = _visible_at(node, path, name)
        if found is not None or stop:
            return found
        previous = step
        step = memo.hop("binding_candidate", node, _may_bind)
    return None


def _may_bind(node: Node) -> bool:
    """Whether `_visible_at` can answer for `node`, or read it as the child of
    one it answers for when it needs the grandchild (a stab clause's guarded
    head, a `do:` keyword list): every other kind answers (None, False)."""
    kind = node.type
    if kind in _BINDING_KINDS or kind in _SEQUENCES:
        return True
    return kind == "binary_operator" and operator(node) == "when"


_BINDING_KINDS = frozenset({"stab_clause", "arguments", "call", "keywords", "do_block"})


def _visible_at(node: Node, path: list[Node], name: str) -> tuple[Node | None, bool]:
    """A binding of `name` that `node` makes visible to `path[-1]`, and whether to stop."""
    child = path[-1]
    kind = node.type
    if kind in _SEQUENCES and not _is_clause_like(child):
        siblings = node.named_children
        before = [s for s in siblings if s.end_byte <= child.start_byte and not _is_clause_like(s)]
        for statement in reversed(before):
            hit = _last_named(leaked_bindings(statement), name)
            if hit is not None:
                return hit, False
        return None, False
    if kind == "stab_clause":
        return _clause_visible(node, path, name), False
    if kind == "arguments" and node.parent is not None and node.parent.type == "call":
        return _arguments_visible(node.parent, node, path, name), False
    if kind == "call":
        module, fname = call_name(node)
        if module is None and fname in DEF_KEYWORDS:
            # Nothing outside a def is visible inside it.
            definition = as_definition(node)
            params: list[Node] = []
            for param in definition.params if definition is not None else []:
                params.extend(pattern_bindings(param))
            return _last_named(params, name), True
        if module is None and fname == "quote":
            return None, True  # quoted code is hygienic: its variables are not ours
        if child.type == "do_block":
            grandchild = path[-2] if len(path) >= 2 else None
            return _block_visible(node, grandchild, name), False
    return None, False


def _is_clause_like(node: Node) -> bool:
    return node.type == "stab_clause" or node.type in _CLAUSE_BLOCKS or node.type == "comment"


def _clause_visible(clause: Node, path: list[Node], name: str) -> Node | None:
    patterns, guard = _clause_head(clause)
    child = path[-1]
    left = clause.child_by_field_name("left")
    if same_node(child, left):
        # From inside the head: only the guard sees the head's bindings.
        grandchild = path[-2] if len(path) >= 2 else None
        if guard is None or not same_node(grandchild, guard):
            return None
    if patterns is None:
        return None
    if _expression_headed(clause):
        return _last_named(leaked_bindings(patterns), name)
    return _last_named(pattern_bindings(patterns), name)


def _arguments_visible(call: Node, arguments: Node, path: list[Node], name: str) -> Node | None:
    child = path[-1]
    module, fname = call_name(call)
    if as_definition(call) is not None:
        return None
    args = list(arguments.named_children)
    index = next((i for i, a in enumerate(args) if same_node(a, child)), None)
    if index is None:
        return None
    if module is None and fname in _SEQUENTIAL_CALLS:
        if child.type == "keywords":
            pair = path[-2] if len(path) >= 2 else None
            if pair is None or pair.type != "pair" or pair_key(pair) != "do":
                return None
        return _sequential_visible(args[:index], name)
    if child.type == "keywords" and _has_block_keyword(call):
        pair = path[-2] if len(path) >= 2 else None
        if pair is not None and pair.type == "pair" and pair_key(pair) in _BLOCK_KEYS:
            return _subject_visible(call, args[:index], name)
    return None


def _sequential_visible(clauses: list[Node], name: str) -> Node | None:
    found: list[Node] = []
    for clause in clauses:
        if clause.type != "keywords":
            found.extend(_clause_bindings(clause))
    return _last_named(found, name)


def _subject_visible(call: Node, args: list[Node], name: str) -> Node | None:
    context = _context_patterns(call)
    found: list[Node] = []
    for arg in args:
        if arg.type == "keywords":
            continue
        if any(same_node(arg, c) for c in context):
            found.extend(pattern_bindings(arg))
        else:
            found.extend(leaked_bindings(arg))
    return _last_named(found, name)


def _block_visible(call: Node, grandchild: Node | None, name: str) -> Node | None:
    module, fname = call_name(call)
    args = [a for a in call_args(call) if a.type != "keywords"]
    if module is None and fname in _SEQUENTIAL_CALLS:
        if fname == "with" and grandchild is not None and grandchild.type == "else_block":
            return None
        return _sequential_visible(args, name)
    return _subject_visible(call, args, name)


# --- expressions ---------------------------------------------------------------


def variables(expr: Node) -> list[Node]:
    """Identifier nodes in `expr` that name variables (not functions, fields or attributes)."""
    out: list[Node] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "identifier":
            if text(node) not in _SPECIAL and not _names_function(node):
                out.append(node)
            continue
        if kind == "unary_operator" and operator(node) == "@":
            continue
        stack.extend(reversed(node.named_children))
    return out


def _names_function(ident: Node) -> bool:
    parent = ident.parent
    if parent is None:
        return False
    if parent.type == "call" and same_node(parent.child_by_field_name("target"), ident):
        return True
    if parent.type == "dot" and same_node(parent.child_by_field_name("right"), ident):
        return True
    if (
        parent.type == "binary_operator"
        and operator(parent) == "/"
        and parent.parent is not None
        and parent.parent.type == "unary_operator"
        and operator(parent.parent) == "&"
    ):
        return same_node(parent.child_by_field_name("left"), ident)
    return False


def is_field_access(node: Node) -> bool:
    """`a.b` without parentheses on something that is not a module alias."""
    if node.type != "call" or any(c.type in ("arguments", "do_block") for c in node.named_children):
        return False
    target = node.child_by_field_name("target")
    if target is None or target.type != "dot":
        return False
    left = target.child_by_field_name("left")
    return left is not None and left.type not in ("alias", "atom")


def field_receiver(node: Node) -> Node | None:
    """For `a.b`, the node `a`."""
    target = node.child_by_field_name("target")
    return target.child_by_field_name("left") if target is not None else None


def field_name(node: Node) -> str:
    target = node.child_by_field_name("target")
    right = target.child_by_field_name("right") if target is not None else None
    return text(right) if right is not None else ""


def simple_parts(expr: Node) -> list[Node] | None:
    """The variables of `expr` if it is built only of variables, `a.b` field access,
    module attributes and literals; None otherwise (calls, operators, …)."""
    found: list[Node] = []
    stack = [strip_parens(expr)]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "identifier":
            if text(node) in _SPECIAL:
                return None
            found.append(node)
        elif kind == "unary_operator" and operator(node) == "@":
            operand = node.child_by_field_name("operand")
            if operand is None or operand.type != "identifier":
                return None
        elif is_field_access(node):
            receiver = field_receiver(node)
            if receiver is None:
                return None
            stack.append(strip_parens(receiver))
        elif kind in _LITERALS or (kind == "string" and not _interpolates(node)):
            continue
        else:
            return None
    return found


def _interpolates(node: Node) -> bool:
    return any(d.type == "interpolation" for d in descendants(node))


def root_variable(expr: Node) -> Node | None:
    """`x` for `x`, `x.a.b`; None for anything else (attributes, literals, calls)."""
    node = strip_parens(expr)
    while is_field_access(node):
        receiver = field_receiver(node)
        if receiver is None:
            return None
        node = strip_parens(receiver)
    if node.type == "identifier" and text(node) not in _SPECIAL:
        return node
    return None


def bound_value(binding: Node) -> Node | None:
    """For `x = expr` where `x` is the whole pattern, the expression `expr`."""
    parent = binding.parent
    while parent is not None and parent.type == "block" and parent.named_child_count == 1:
        binding, parent = parent, parent.parent
    if parent is None or parent.type != "binary_operator" or operator(parent) != "=":
        return None
    if not same_node(parent.child_by_field_name("left"), binding):
        return None
    value = parent.child_by_field_name("right")
    while value is not None and value.type == "binary_operator" and operator(value) == "=":
        value = value.child_by_field_name("right")
    return value


# --- loops ---------------------------------------------------------------------


def is_loop_invariant(expr: Node, loop: Loop) -> bool:
    """Whether `expr` has the same value on every iteration of `loop`.

    Conservative: only variables, `a.b` field access, module attributes and
    literals qualify (calls never do). Every variable must resolve to a binding
    outside `loop.node`; for a recursive function, a parameter also qualifies when
    every self-call of every clause passes it back unchanged in the same position.
    """
    parts = simple_parts(expr)
    if parts is None:
        return False
    for ident in parts:
        binding = binding_of(ident)
        if binding is None:
            return False
        if contains(loop.node, binding) and not (
            loop.kind == "recursion" and _passed_through(binding, loop.node)
        ):
            return False
    return True


def _param_index(binding: Node, definition: Definition) -> int | None:
    for index, param in enumerate(definition.params):
        if same_node(param, binding):
            return index
        if param.type == "binary_operator" and operator(param) == "=":
            sides = (param.child_by_field_name("left"), param.child_by_field_name("right"))
            if any(same_node(s, binding) for s in sides):
                return index
    return None


def _passed_through(binding: Node, def_call: Node) -> bool:
    """Whether the parameter `binding` is handed back unchanged by every self-call."""
    definition = as_definition(def_call)
    if definition is None:
        return False
    index = _param_index(binding, definition)
    if index is None:
        return False
    arity = len(definition.params)
    for clause in clauses_of(definition):
        if clause.body is None:
            continue
        for node in _self_references(clause):
            if node.type != "call":
                return False  # `&name/n` or a bare reference: arguments unknown
            args = effective_args(node)
            if len(args) != arity:
                continue  # another arity is another function
            arg = strip_parens(args[index])
            if arg.type != "identifier":
                return False
            arg_binding = binding_of(arg)
            if arg_binding is None or _param_index(arg_binding, clause) != index:
                return False
    return True


def _self_references(clause: Definition) -> Iterator[Node]:
    """Calls of the clause's own name in its body, and other mentions of that name."""
    assert clause.body is not None
    for node in (clause.body, *descendants(clause.body)):
        if node.type == "call" and call_name(node) == (None, clause.name):
            yield node
        elif node.type == "identifier" and text(node) == clause.name:
            parent = node.parent
            if not (
                parent is not None
                and parent.type == "call"
                and same_node(parent.child_by_field_name("target"), node)
            ):
                yield node


def captured_variables(fn: Node) -> list[tuple[Node, Node]]:
    """(use, binding) for each variable a `fn`/`&` closure reads from outside itself."""
    out: list[tuple[Node, Node]] = []
    for ident in variables(fn):
        binding = binding_of(ident)
        if binding is not None and not contains(fn, binding):
            out.append((ident, binding))
    return out


def describe_loop(loop: Loop) -> str:
    """How a message names a loop: "`Enum.map`", "a `for` comprehension", "the recursive `go/2`"."""
    if loop.kind == "for":
        return "a `for` comprehension"
    if loop.kind == "recursion":
        definition = as_definition(loop.node)
        if definition is not None:
            return f"the recursive `{definition.name}/{len(definition.params)}`"
        return "a recursive function"
    module, name = call_name(loop.node)
    return f"`{module}.{name}`" if module else f"`{name}`"
