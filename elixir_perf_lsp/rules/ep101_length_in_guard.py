"""## What it does
Flags `length(x)` compared with a small number (up to 5: `== 3`, `> 0`, `< 2`,
`<= 1`…) in a `when` guard of a `def`, `defp`, `defmacro`, `case`, `fn` or
`receive` clause, and comparisons no length can make true (`length(x) < 0`: the
clause never matches). `length(x) >= 0` is left alone: in a guard it is the idiom
for "a proper list" (`List.improper?/1` uses it), which nothing cheaper answers.

## Why is this bad?
Elixir lists are linked lists: `length/1` walks every element, so the guard costs
O(n) on every call just to learn whether the list is empty or short. A pattern in
the clause head answers the same question by looking at one or two cells. Inside a
function that recurses over the same list, the guard runs once per element and the
function becomes quadratic.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
def process(items) when length(items) > 0 do
  Enum.sum(items)
end
```

Use instead:
```elixir
def process([_ | _] = items) do
  Enum.sum(items)
end
```

## Fix safety
The fix moves the test into the head when `x` is a plain parameter and the
comparison is a top-level `and` conjunct of the guard. Exact lengths (`== 0`,
`== 1`, `== 3`) become `[]`, `[_]`, `[_, _, _]`: these match exactly the proper
lists of that length, so the fix is **safe**. Open-ended tests (`> 0`, `>= 2`)
become `[_ | _]`, `[_, _ | _]`, which also match *improper* lists such as
`[1 | 2]`, where `length/1` raised and the clause was skipped: that fix is
**unsafe**. Note `length(x) > 1` needs two cells, `[_, _ | _]`, not `[_ | _]`.

"At most one element" (`length(x) < 2`, `<= 1`) has no single pattern: it
becomes `x == [] or tl(x) == []` in the guard, which looks at two cells. As a
top-level `and` conjunct it is **safe**: for an improper list such as `[1 | 2]`
`length/1` raised and `tl(x) == []` is false, and for a non-list both fail the
guard. Under `or` it is not offered (a raising `length/1` failed the whole guard;
the new test is merely false). A comparison that is never true is reported without
a fix: the clause needs rethinking, not rewriting.

When `x` is not a plain parameter, `length(x) == 0` becomes `x == []` inside the
guard, but only as a top-level `and` conjunct: under `or`, a raising `length/1`
fails the whole guard while `x == []` is merely false, so the other branch could
let a non-list through. Other shapes are reported without a fix.

## References
- [Patterns and guards](https://hexdocs.pm/elixir/patterns-and-guards.html)
- [Kernel.length/1](https://hexdocs.pm/elixir/Kernel.html#length/1)
"""

from __future__ import annotations

from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.analysis.lists import (
    MAX_PATTERN_CELLS,
    TIGHT_OPERANDS,
    LengthTest,
    at_least_pattern,
    exact_pattern,
    read_comparison,
)
from elixir_perf_lsp.analysis.names import is_kernel_call
from elixir_perf_lsp.analysis.nodes import (
    call_name,
    calls_itself,
    clauses_of,
    descendants,
    enclosing_definition,
    identifiers_named,
    is_plain_variable,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.engine.prelude import *

COST = "a guard `length(l) > 0` costs 127 µs per call on a 100k-element list (1.27 µs at 1k) vs 13 ns for `[_ | _]` in the head; in a recursion over the same list it is quadratic: 567 ms vs 49 µs at 30k elements, 6.4 s vs 0.17 ms at 100k. `when length(l) < 2` vs `when l == [] or tl(l) == []`: 289 µs vs 29 ns at 100k, and a recursion to the last element of a 30k list 2.6 s vs 0.29 ms; `when length(l) == 3` vs `[_, _, _]`: 244 µs vs 37 ns at 100k (second run, under load: absolute times about 2× the first)."

QUERY = """
(binary_operator operator: "when" right: (_) @guard) @when
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    when = captures["when"][0]
    guard = captures["guard"][0]
    for node in [guard, *descendants(guard)]:
        test = _length_test(node)
        if test is None:
            continue
        definition = enclosing_definition(when)
        # The guard runs on every call, also those made by the function's other clauses.
        recursive = definition is not None and any(
            calls_itself(clause) for clause in clauses_of(definition)
        )
        severity = Severity.WARNING if recursive else None
        subject = text(test.comparison)
        quadratic = "; in a recursive function this makes the recursion quadratic"
        if test.always is True:
            # `length(x) >= 0` in a guard is the idiom for "x is a proper list" (Elixir's
            # own `List.improper?/1`): nothing cheaper answers that.
            continue
        if test.always is False:
            yield Violation(test.comparison, _never_message(test), None, severity)
            continue
        if test.at_most == 1:
            operand = _operand(test)
            replacement = f"{text(operand)} == [] or tl({text(operand)}) == []" if operand else ""
            message = (
                f"`{subject}` walks the whole list on every call to learn whether it has at "
                f"most one element; `{replacement}` looks at two cells"
                + (quadratic if recursive else "")
            )
            yield Violation(test.comparison, message, _at_most_one_fix(guard, test), severity)
            continue
        pattern, applicability = _pattern(test)
        if pattern is None:
            continue
        message = f"`{subject}` walks the whole list on every call; match `{pattern}` instead" + (
            quadratic if recursive else ""
        )
        fix = _fix(when, guard, test, pattern, applicability)
        yield Violation(test.comparison, message, fix, severity)


def _never_message(test: LengthTest) -> str:
    subject = text(test.comparison)
    return f"`{subject}` is never true: a length is never negative, so this guard never passes"


def _operand(test: LengthTest) -> Node | None:
    args = test.counted.child_by_field_name("arguments") or next(
        (c for c in test.counted.named_children if c.type == "arguments"), None
    )
    if args is None or args.named_child_count != 1:
        return None
    return args.named_children[0]


def _at_most_one_fix(guard: Node, test: LengthTest) -> Fix | None:
    """`length(x) < 2` as `x == [] or tl(x) == []`: the same for every term when it is a
    top-level `and` conjunct (for an improper list `length/1` raised and `tl(x) == []`
    is false; for a non-list both fail the guard), but not under `or`, where a raising
    `length/1` failed the whole guard."""
    if operator(strip_parens(guard)) == "when":
        return None
    operand = _operand(test)
    if operand is None or _top_level_conjunct(guard, test.comparison) is None:
        return None
    if not (is_plain_variable(operand) or operand.type in TIGHT_OPERANDS):
        return None
    x = text(operand)
    alone = same_node(strip_parens(guard), test.comparison)
    replacement = f"{x} == [] or tl({x}) == []"
    if not alone:
        replacement = f"({replacement})"
    return Fix(
        f"Replace with `{x} == [] or tl({x}) == []`",
        Applicability.SAFE,
        (Edit(test.comparison.start_byte, test.comparison.end_byte, replacement),),
    )


def _length_test(node: Node) -> LengthTest | None:
    read = read_comparison(node)
    if read is None:
        return None
    operand, op, n = read
    if operand.type != "call" or call_name(operand) not in ((None, "length"), ("Kernel", "length")):
        return None
    if not is_kernel_call(operand):
        return None
    return LengthTest(node, operand, op, n)


def _pattern(test: LengthTest) -> tuple[str | None, Applicability]:
    if test.exact is not None and test.exact <= MAX_PATTERN_CELLS:
        return exact_pattern(test.exact), Applicability.SAFE
    if test.at_least is not None and 1 <= test.at_least <= MAX_PATTERN_CELLS:
        return at_least_pattern(test.at_least), Applicability.UNSAFE
    return None, Applicability.UNSAFE


def _top_level_conjunct(guard: Node, node: Node) -> Node | None:
    """The child of an `and` chain (or the guard itself) holding exactly `node`, if any."""
    current = node
    while True:
        parent = memo.parent(current)
        if parent is None:
            return None
        if same_node(current, guard) or same_node(strip_parens(guard), current):
            return guard
        if parent.type == "block" and parent.named_child_count == 1:
            current = parent
            continue
        if parent.type == "binary_operator" and operator(parent) == "and":
            if not _is_and_chain_to(guard, parent):
                return None
            return current
        return None


def _is_and_chain_to(guard: Node, node: Node) -> bool:
    """Whether `node` climbs to `guard` through `and`s and one-child blocks only.

    Remembered per node (for this guard): asked for every conjunct of a long chain,
    a walk each to the top would be quadratic."""
    if same_node(node, guard):
        return True

    def decides(ancestor: Node) -> bool | None:
        if not _chain_link(ancestor):
            return False
        return True if same_node(ancestor, guard) else None

    return memo.nearest(f"and_chain_to:{guard.id}", node, decides) or False


def _chain_link(node: Node) -> bool:
    if node.type == "block":
        return node.named_child_count == 1
    return node.type == "binary_operator" and operator(node) == "and"


def _fix(
    when: Node, guard: Node, test: LengthTest, pattern: str, applicability: Applicability
) -> Fix | None:
    if operator(strip_parens(guard)) == "when":
        return None  # several guards joined by `when` mean "or"
    conjunct = _top_level_conjunct(guard, test.comparison)
    if conjunct is None:
        return None
    operand = _operand(test)
    if operand is None:
        return None
    head = when.child_by_field_name("left")
    param = _plain_param(head, operand) if head is not None else None
    if param is not None and head is not None:
        name = text(param)
        removal = _remove_conjunct(when, guard, conjunct)
        still_used = _used_elsewhere(when, name, param, removal)
        replacement = f"{pattern} = {name}" if still_used else pattern
        where = "the function head" if head.type == "call" else "the clause head"
        return Fix(
            f"Match `{pattern}` in {where}",
            applicability,
            (Edit(param.start_byte, param.end_byte, replacement), removal),
        )
    if test.exact == 0:
        return Fix(
            f"Compare with `[]` instead: `{text(operand)} == []`",
            Applicability.SAFE,
            (Edit(test.comparison.start_byte, test.comparison.end_byte, f"{text(operand)} == []"),),
        )
    return None


def _plain_param(head: Node, operand: Node) -> Node | None:
    """The head parameter spelled like `operand`, when it is a bare variable bound once."""
    if not is_plain_variable(operand):
        return None
    name = text(operand)
    params_node = (
        head
        if head.type == "arguments"
        else next((c for c in head.named_children if c.type == "arguments"), None)
    )
    if params_node is None:
        return None
    bare = [p for p in params_node.named_children if p.type == "identifier" and text(p) == name]
    if len(bare) != 1 or len(identifiers_named(params_node, name)) != 1:
        return None
    return bare[0]


def _remove_conjunct(when: Node, guard: Node, conjunct: Node) -> Edit:
    if same_node(conjunct, guard):
        head = when.child_by_field_name("left")
        assert head is not None
        return Edit(head.end_byte, guard.end_byte, "")
    parent = conjunct.parent
    assert parent is not None
    left = parent.child_by_field_name("left")
    right = parent.child_by_field_name("right")
    assert left is not None and right is not None
    if same_node(left, conjunct):
        return Edit(conjunct.start_byte, right.start_byte, "")
    return Edit(left.end_byte, conjunct.end_byte, "")


def _used_elsewhere(when: Node, name: str, param: Node, removal: Edit) -> bool:
    clause = when.parent
    scope = clause if clause is not None else when
    # For a def the clause is its `call`; for case/fn it is the stab_clause.
    if scope.type == "arguments" and scope.parent is not None:
        scope = scope.parent
    for node in identifiers_named(scope, name):
        if same_node(node, param):
            continue
        if removal.start <= node.start_byte < removal.end:
            continue
        return True
    return False


RULE = Rule(
    code="EP101",
    precision="0 of 4 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="length-in-guard",
    summary="`length/1` compared with a small number (or never true) in a guard",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__,
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "def process(items) when length(items) == 0, do: :empty\n",
            "def process([]), do: :empty\n",
        ),
        Example(
            "def process(items) when length(items) > 0 do\n  Enum.sum(items)\nend\n",
            "def process([_ | _] = items) do\n  Enum.sum(items)\nend\n",
            unsafe=True,
        ),
        Example(
            "def pair(items) when is_list(items) and length(items) > 1, do: hd(items)\n",
            "def pair([_, _ | _] = items) when is_list(items), do: hd(items)\n",
            unsafe=True,
        ),
        Example(
            "def one(x, items) when length(items) == 1 and x > 0, do: x\n",
            "def one(x, [_]) when x > 0, do: x\n",
        ),
        Example(
            "case value do\n  list when length(list) == 2 -> list\n  _ -> nil\nend\n",
            "case value do\n  [_, _] = list -> list\n  _ -> nil\nend\n",
        ),
        Example(
            "def f(%{items: items}) when length(items) == 0, do: :none\n",
            "def f(%{items: items}) when items == [], do: :none\n",
        ),
        Example(
            "def f(a, b) when length(a) > 0 or is_atom(b), do: :ok\n",
        ),
        Example(
            "def last(items) when length(items) < 2, do: List.first(items)\n",
            "def last(items) when items == [] or tl(items) == [], do: List.first(items)\n",
            inputs=("[[[]], [[1]], [[1, 2]], [[1 | 2]], [:a], [[1, 2 | 3]]]",),
        ),
        Example(
            "def single(x, items) when is_atom(x) and length(items) <= 1, do: x\n",
            "def single(x, items) when is_atom(x) and (items == [] or tl(items) == []), do: x\n",
            inputs=("[[:a, []], [:a, [1]], [:a, [1, 2]], [:a, [1 | 2]], [1, []], [:a, %{}]]",),
        ),
        Example(
            "def triple(items) when length(items) == 3, do: List.to_tuple(items)\n",
            "def triple([_, _, _] = items), do: List.to_tuple(items)\n",
            inputs=("[[[1, 2, 3]], [[1, 2]], [[1, 2, 3, 4]], [[1, 2, 3 | 4]]]",),
        ),
        Example("def f(items) when length(items) < 0, do: :never\n"),
    ),
    ok=(
        Example("def process([_ | _] = items), do: Enum.sum(items)\n"),
        Example("def improper?(list) when is_list(list) and length(list) >= 0, do: false\n"),
        Example("def big(items) when length(items) > 10, do: :big\n"),
        Example("def f(items) do\n  if length(items) > 100, do: :big, else: :small\nend\n"),
    ),
)
