"""Pipelines read as sequences of steps, whatever their spelling.

`xs |> Enum.filter(f) |> Enum.map(g)`, `Enum.map(Enum.filter(xs, f), g)` and
`Enum.filter(xs, f) |> Enum.map(g)` are the same two steps: a `Step` is one call
with the value flowing into it (`input`: the left of `|>`, or the first argument)
and the expression whose value it produces (`node`: the `|>` operator, or the
call). Rules match the last step of a pair with their query and walk back with
`previous_step`; `pair_edit` rewrites exactly the two steps and keeps the rest
of the pipeline as it was.

Also here, because the rules over pipelines need them: reading the function
handed to a step (`read_function`: `fn x -> … end`, `&(&1 > 1)`, `& &1.name`,
`&valid?/1`, a variable), writing its body applied to a variable
(`apply_function`), a conservative "free of side effects" test
(`looks_pure`), and where a rewritten expression needs parentheses.

Everything is iterative: pipelines and expressions can be arbitrarily deep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from elixir_perf_lsp.analysis.names import reaches_kernel
from elixir_perf_lsp.analysis.nodes import (
    arguments_node,
    call_args,
    call_name,
    descendants,
    do_block,
    int_value,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.engine.model import Edit
from elixir_perf_lsp.syntax import Node

# --- steps -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One call in a pipeline, with the value flowing into it."""

    node: Node  # the expression whose value this step produces: the `|>` operator or the call
    call: Node  # the call (a bare identifier for `xs |> hd`)
    module: str | None
    name: str
    input: Node | None  # the value flowing in: left of `|>`, or the first argument
    args: tuple[Node, ...]  # the other arguments, as written
    piped: bool

    @property
    def arity(self) -> int:
        """Arity of the function called, counting the value flowing in."""
        return len(self.args) + (1 if self.input is not None else 0)

    def is_call(self, module: str | None, *names: str, arity: int | None = None) -> bool:
        """`module` None means Kernel's unqualified function, checked against local
        definitions and imports that replace it."""
        if self.module != module or self.name not in names:
            return False
        if arity is not None and self.arity != arity:
            return False
        return module is not None or reaches_kernel(self.call, self.name, self.arity)

    @property
    def span(self) -> tuple[int, int]:
        return self.node.start_byte, self.node.end_byte


def read_step(node: Node) -> Step | None:
    """The step `node` (a `|>` operator or a call, parentheses stripped) computes.

    A call that is itself the right operand of `|>` is read through its pipe:
    use `step_of_call` when starting from a call matched by a query.
    """
    node = strip_parens(node)
    if node.type == "binary_operator" and operator(node) == "|>":
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return None
        if right.type == "identifier":
            return Step(node, right, None, text(right), left, (), True)
        if right.type != "call" or do_block(right) is not None:
            return None
        module, name = call_name(right)
        if not name:
            return None
        return Step(node, right, module, name, left, tuple(call_args(right)), True)
    if node.type == "call":
        if do_block(node) is not None or _is_piped_into(node):
            return None
        module, name = call_name(node)
        if not name:
            return None
        args = call_args(node)
        return Step(node, node, module, name, args[0] if args else None, tuple(args[1:]), False)
    return None


def _is_piped_into(call: Node) -> bool:
    parent = call.parent
    return (
        parent is not None
        and parent.type == "binary_operator"
        and operator(parent) == "|>"
        and same_node(parent.child_by_field_name("right"), call)
    )


def step_of_call(call: Node) -> Step | None:
    """The step a call performs, whether it is piped into or called with its input."""
    if _is_piped_into(call):
        parent = call.parent
        return read_step(parent) if parent is not None else None
    return read_step(call)


def previous_step(step: Step) -> Step | None:
    """The step whose value flows into `step`, if its input is a step."""
    return read_step(step.input) if step.input is not None else None


def consumer_step(step: Step) -> Step | None:
    """The step `step`'s value flows into, if any (through parentheses)."""
    node = step.node
    parent = node.parent
    while parent is not None and parent.type == "block" and parent.named_child_count == 1:
        node, parent = parent, parent.parent
    if parent is None:
        return None
    if parent.type == "binary_operator" and operator(parent) == "|>":
        if same_node(parent.child_by_field_name("left"), node):
            return read_step(parent)
        return None
    if parent.type == "arguments" and parent.parent is not None and parent.parent.type == "call":
        call = parent.parent
        first = parent.named_children[0] if parent.named_child_count else None
        if same_node(first, node) and not _is_piped_into(call):
            return read_step(call)
    return None


def pipeline(node: Node) -> list[Step]:
    """Every step of the pipeline whose value `node` is, first to last."""
    steps: list[Step] = []
    step = read_step(node)
    while step is not None:
        steps.append(step)
        step = previous_step(step)
    steps.reverse()
    return steps


def chained(first: Step, second: Step) -> bool:
    """Whether `second` is piped straight from a piped `first`: `xs |> first() |> second()`."""
    return (
        first.piped
        and second.piped
        and second.input is not None
        and same_node(second.input, first.node)
    )


def pair_span(first: Step, second: Step) -> tuple[int, int]:
    """What a finding about two consecutive steps underlines.

    `xs |> Enum.filter(f) |> Enum.map(g)` → `Enum.filter(f) |> Enum.map(g)`;
    the nested and mixed spellings → the whole expression.
    """
    if chained(first, second):
        return first.call.start_byte, second.node.end_byte
    return second.node.start_byte, second.node.end_byte


def pair_edit(first: Step, second: Step, call: str, args: Iterable[str]) -> Edit:
    """Replace two consecutive steps with one call `call(args…)`, keeping the rest.

    When both steps are `chained` the pipe into the first stays (`xs |> call(args)`);
    otherwise the input of the first step becomes the first argument.
    """
    rest = list(args)
    if chained(first, second):
        return Edit(first.call.start_byte, second.node.end_byte, f"{call}({', '.join(rest)})")
    assert first.input is not None
    subject = text(first.input)
    return Edit(
        second.node.start_byte, second.node.end_byte, f"{call}({', '.join([subject, *rest])})"
    )


def sigil_name(node: Node) -> str | None:
    """`w` for `~w(a b)`; None when `node` is not a sigil."""
    if node.type != "sigil":
        return None
    for child in node.children:
        if child.type == "sigil_name":
            return text(child)
    return None


# --- functions handed to a step ----------------------------------------------

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


# --- side effects ------------------------------------------------------------

# Calls read as free of side effects and of outside state. Higher-order functions
# are left out on purpose: the function they call could do anything.
_KERNEL_PURE = frozenset(
    {
        "abs",
        "binary_part",
        "bit_size",
        "byte_size",
        "case",
        "ceil",
        "cond",
        "div",
        "elem",
        "floor",
        "hd",
        "if",
        "inspect",
        "is_atom",
        "is_binary",
        "is_bitstring",
        "is_boolean",
        "is_exception",
        "is_float",
        "is_function",
        "is_integer",
        "is_list",
        "is_map",
        "is_map_key",
        "is_nil",
        "is_number",
        "is_struct",
        "is_tuple",
        "length",
        "map_size",
        "match?",
        "max",
        "min",
        "not",
        "put_elem",
        "rem",
        "round",
        "tl",
        "to_string",
        "trunc",
        "tuple_size",
        "unless",
    }
)
_PURE_FUNCTIONS: dict[str, frozenset[str]] = {
    "String": frozenset(
        {
            "at",
            "capitalize",
            "codepoints",
            "contains?",
            "downcase",
            "duplicate",
            "ends_with?",
            "first",
            "graphemes",
            "last",
            "length",
            "pad_leading",
            "pad_trailing",
            "reverse",
            "slice",
            "split",
            "starts_with?",
            "to_atom",
            "to_existing_atom",
            "to_float",
            "to_integer",
            "trim",
            "trim_leading",
            "trim_trailing",
            "upcase",
        }
    ),
    "Map": frozenset(
        {
            "delete",
            "drop",
            "fetch",
            "fetch!",
            "from_struct",
            "get",
            "has_key?",
            "keys",
            "merge",
            "pop",
            "put",
            "put_new",
            "take",
            "to_list",
            "values",
        }
    ),
    "Keyword": frozenset(
        {"delete", "drop", "fetch", "fetch!", "get", "has_key?", "keys", "put", "take", "values"}
    ),
    "List": frozenset({"first", "flatten", "last", "to_tuple", "wrap"}),
    "Tuple": frozenset({"append", "delete_at", "duplicate", "insert_at", "to_list"}),
    "Integer": frozenset(
        {"digits", "floor_div", "gcd", "is_even", "is_odd", "mod", "parse", "pow", "to_string"}
    ),
    "Float": frozenset({"ceil", "floor", "parse", "round", "to_string"}),
    "Atom": frozenset({"to_string"}),
    "MapSet": frozenset({"member?", "size", "to_list"}),
    "Enum": frozenset(
        {"at", "count", "empty?", "join", "max", "member?", "min", "reverse", "sort", "sum", "uniq"}
    ),
}
# Enum functions in `_PURE_FUNCTIONS` become higher-order past these arities.
_ENUM_MAX_ARITY = {"count": 1, "max": 1, "min": 1, "sort": 1, "uniq": 1, "join": 2, "at": 3}


def looks_pure(node: Node) -> bool:
    """Whether evaluating `node` plainly has no side effects and reads no outside state.

    Conservative: only operators, literals, variables, field access and a list of
    standard-library data functions pass; local and unknown remote calls,
    anonymous calls (`f.(x)`), `send`, I/O and time do not.
    """
    for current in (node, *descendants(node)):
        kind = current.type
        if kind == "call":
            if not _pure_call(current):
                return False
        elif kind == "unary_operator" and operator(current) == "&":
            fn = read_function(current)
            if fn is not None and fn.kind == "named" and not _pure_name(fn.name, fn.arity):
                return False
    return True


def function_looks_pure(fn: Function) -> bool:
    """`looks_pure` for a function argument: what calling it would evaluate."""
    if fn.kind == "named":
        return _pure_name(fn.name, fn.arity)
    if fn.kind in ("fn", "capture") and fn.body is not None:
        return looks_pure(fn.body)
    return False


def _pure_call(call: Node) -> bool:
    target = call.child_by_field_name("target")
    if target is None:
        return False
    module, name = call_name(call)
    if target.type == "dot":
        if target.child_by_field_name("right") is None:
            return False  # `f.(x)`
        left = target.child_by_field_name("left")
        if left is not None and left.type not in ("alias", "atom"):
            # `x.name` reads a field; `x.name()` calls a function of a module in `x`.
            return arguments_node(call) is None
    arity = len(call_args(call)) + (1 if _is_piped_into(call) else 0)
    return _pure_name(f"{module}.{name}" if module else name, arity)


def _pure_name(name: str, arity: int | None) -> bool:
    module, _, function = name.rpartition(".")
    if not module:
        return function in _KERNEL_PURE
    if module == "Kernel":
        return function in _KERNEL_PURE
    allowed = _PURE_FUNCTIONS.get(module)
    if allowed is None or function not in allowed:
        return False
    if module == "Enum":
        limit = _ENUM_MAX_ARITY.get(function, 2)
        return arity is not None and arity <= limit
    return True


# --- writing the replacement -------------------------------------------------

# Operators that bind more loosely than `|>`: a pipe as their operand needs no parentheses.
_LOOSER_THAN_PIPE = frozenset(
    {
        "<",
        ">",
        "<=",
        ">=",
        "==",
        "!=",
        "=~",
        "===",
        "!==",
        "&&",
        "&&&",
        "and",
        "||",
        "|||",
        "or",
        "=",
        "|",
        "::",
        "when",
        "<-",
        "\\\\",
    }
)
_STATEMENT_PARENTS = frozenset(
    {"source", "body", "do_block", "else_block", "after_block", "rescue_block", "catch_block"}
)


def bare_call_fits(node: Node) -> bool:
    """Whether a call without parentheses (`for x <- xs, p, do: e`) can replace `node` as is.

    True where `node` stands alone as an expression, is the value bound by `=`
    there, or is the only argument of a call with parentheses.
    """
    current = node
    parent = current.parent
    while parent is not None:
        if parent.type in _STATEMENT_PARENTS:
            return True
        if parent.type == "block" and parent.named_child_count == 1:
            return True  # already in parentheses
        if parent.type == "arguments":
            return parent.named_child_count == 1 and _has_parens(parent)
        if (
            parent.type == "binary_operator"
            and operator(parent) == "="
            and same_node(parent.child_by_field_name("right"), current)
        ):
            current, parent = parent, parent.parent
            continue
        return False
    return False


def pipe_fits(node: Node) -> bool:
    """Whether a `a |> f()` expression can replace `node` without parentheses."""
    parent = node.parent
    if parent is None:
        return True
    if parent.type == "binary_operator":
        op = operator(parent)
        if op == "|>":
            return same_node(parent.child_by_field_name("left"), node)
        return op in _LOOSER_THAN_PIPE
    return parent.type not in ("unary_operator", "dot", "access_call", "call")


def needs_grouping(expr: Node) -> bool:
    """Whether `expr`, copied into a comma-separated position, must be parenthesised.

    A call without parentheses (`valid? x`, `if a, do: b`) or with a do-block
    at the right end of the expression would swallow the commas and keywords
    that follow it. Only the right spine can reach them: whatever sits to the
    left of an operator or inside brackets is closed already.
    """
    current: Node | None = expr
    while current is not None:
        kind = current.type
        if kind == "call":
            if do_block(current) is not None:
                return True
            args = arguments_node(current)
            return args is not None and args.named_child_count > 0 and not _has_parens(args)
        if kind == "keywords":
            return True
        if kind == "binary_operator":
            current = current.child_by_field_name("right")
        elif kind == "unary_operator":
            current = current.child_by_field_name("operand")
        else:
            return False
    return False


def _has_parens(arguments: Node) -> bool:
    first = arguments.child(0)
    return first is not None and first.type == "("


def grouped(expr: Node, written: str) -> str:
    return f"({written})" if needs_grouping(expr) else written
