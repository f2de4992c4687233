"""Pipelines read as sequences of steps, whatever their spelling.

`xs |> Enum.filter(f) |> Enum.map(g)`, `Enum.map(Enum.filter(xs, f), g)` and
`Enum.filter(xs, f) |> Enum.map(g)` are the same two steps: a `Step` is one call
with the value flowing into it (`input`: the left of `|>`, or the first argument)
and the expression whose value it produces (`node`: the `|>` operator, or the
call). Rules match the last step of a pair with their query and walk back with
`previous_step`; `pair_edit` rewrites exactly the two steps and keeps the rest
of the pipeline as it was.

The functions handed to a step are read in `functions.py`, whether they have
side effects in `purity.py`, and where rewritten code needs parentheses in
`grouping.py`.

Everything is iterative: pipelines and expressions can be arbitrarily deep.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from elixir_perf_lsp.analysis.names import reaches_kernel
from elixir_perf_lsp.analysis.nodes import (
    call_args,
    call_name,
    do_block,
    is_piped_into,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.engine.model import Edit
from elixir_perf_lsp.syntax import Captures, Node


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
        if do_block(node) is not None or is_piped_into(node):
            return None
        module, name = call_name(node)
        if not name:
            return None
        args = call_args(node)
        return Step(node, node, module, name, args[0] if args else None, tuple(args[1:]), False)
    return None


def step_query(*functions: str) -> str:
    """A rule's query for a step calling any of `functions`, in every spelling.

    `"Enum.map"` matches `Enum.map(xs, f)` and `xs |> Enum.map(f)`; a bare name
    (`"hd"`) also matches `xs |> hd`. `matched_step` reads the step back.
    """
    remote: dict[str, list[str]] = {}
    local: list[str] = []
    for function in functions:
        module, _, name = function.rpartition(".")
        if module:
            remote.setdefault(module, []).append(name)
        else:
            local.append(name)
    patterns = [
        "(call target: (dot left: (alias) @module right: (identifier) @function)"
        f' (#eq? @module "{module}") (#any-of? @function {_quoted(names)})) @call'
        for module, names in remote.items()
    ]
    if local:
        patterns += [
            f"(call target: (identifier) @function (#any-of? @function {_quoted(local)})) @call",
            f'(binary_operator operator: "|>" right: (identifier) @bare'
            f" (#any-of? @bare {_quoted(local)})) @pipe",
        ]
    return "\n".join(patterns) + "\n"


def _quoted(names: list[str]) -> str:
    return " ".join(f'"{name}"' for name in names)


def matched_step(captures: Captures) -> Step | None:
    """The step a `step_query` match stands for."""
    return step_of_call(captures["bare"][0] if "bare" in captures else captures["call"][0])


def step_of_call(call: Node) -> Step | None:
    """The step a call performs, whether it is piped into or called with its input."""
    if is_piped_into(call):
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
        if same_node(first, node) and not is_piped_into(call):
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
