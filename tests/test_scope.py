"""The scope model: where a variable was bound, and what stays the same in a loop.

Each case marks the use with ``name`` and, when there is one, the binding with
`$name$`; the markers are removed before parsing.
"""

from __future__ import annotations

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis.loops import enclosing_loop
from elixir_perf_lsp.analysis.nodes import descendants, text
from elixir_perf_lsp.analysis.scope import (
    binding_of,
    bound_value,
    captured_variables,
    is_binding,
    is_loop_invariant,
    leaked_bindings,
    pattern_bindings,
    root_variable,
    variables,
)
from elixir_perf_lsp.syntax import Node


def _parse(marked: str) -> tuple[Node, int | None, int | None]:
    """Root node, byte offset of the `use` and of the $binding$ (markers removed)."""
    use = binding = None
    out = []
    offset = 0
    for ch in marked:
        if ch == "`":
            use = offset if use is None else use
        elif ch == "$":
            binding = offset if binding is None else binding
        else:
            out.append(ch)
            offset += len(ch.encode())
    source = "".join(out).encode()
    tree = syntax.parse(source)
    assert not tree.root_node.has_error, source.decode()
    return tree.root_node, use, binding


def _identifier_at(root: Node, offset: int) -> Node:
    for node in descendants(root):
        if node.type == "identifier" and node.start_byte == offset:
            return node
    raise AssertionError(f"no identifier at {offset}")


def resolve(marked: str) -> tuple[Node | None, int | None]:
    root, use, binding = _parse(marked)
    assert use is not None
    found = binding_of(_identifier_at(root, use))
    return found, binding


def assert_binds(marked: str) -> None:
    found, expected = resolve(marked)
    assert expected is not None
    assert found is not None, "unresolved"
    assert found.start_byte == expected


def assert_unresolved(marked: str) -> None:
    found, _ = resolve(marked)
    assert found is None, f"resolved to {text(found)} at {found.start_byte}"


# --- binding_of: where a variable comes from -----------------------------------


@pytest.mark.parametrize(
    "marked",
    [
        "def f($x$), do: `x`",
        "def f($x$) do\n  y = 1\n  `x` + y\nend",
        "def f(%{a: [$x$ | t]}), do: `x`",
        "def f({_, $y$}), do: `y`",
        "def f(%{} = $m$), do: `m`",
        "def f($m$ = %{}), do: `m`",
        "def f($x$) when is_list(`x`), do: x",
        "def f($x$ \\\\ []), do: `x`",
        "def f($a$, b) do\n  `a`\nend",
    ],
)
def test_resolves_function_parameters(marked: str) -> None:
    assert_binds(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "def f do\n  $x$ = 1\n  `x`\nend",
        "def f do\n  {:ok, $x$} = g()\n  `x`\nend",
        "def f do\n  [$h$ | _] = g()\n  `h`\nend",
        "def f do\n  %{key: %{inner: $v$}} = g()\n  `v`\nend",
        'def f do\n  "pre" <> $rest$ = g()\n  `rest`\nend',
        "def f do\n  <<$c$::8, _::binary>> = g()\n  `c`\nend",
        "def f do\n  $r$ = s = g()\n  `r`\nend",
        "def f do\n  r = $s$ = g()\n  `s`\nend",
        "def f do\n  IO.inspect($w$ = g())\n  `w`\nend",
        "def f do\n  ($x$ = 1; `x` + 1)\nend",
    ],
)
def test_resolves_match_bindings_for_later_statements(marked: str) -> None:
    assert_binds(marked)


def test_a_later_match_shadows_an_earlier_one() -> None:
    assert_binds("def f(x) do\n  $x$ = x + 1\n  `x`\nend")


def test_the_right_side_of_a_match_reads_the_previous_binding() -> None:
    assert_binds("def f($x$) do\n  x = `x` + 1\n  x\nend")


def test_a_pinned_variable_is_a_use_of_the_outer_binding() -> None:
    assert_binds("def f($x$) do\n  {:ok, ^`x`} = g()\nend")
    root, use, _ = _parse("def f(x) do\n  {:ok, ^`x`} = g()\nend")
    assert use is not None
    assert not is_binding(_identifier_at(root, use))


def test_a_pinned_variable_in_a_clause_head_reads_the_outer_binding() -> None:
    assert_binds(
        "def f($id$, xs) do\n  Enum.find(xs, fn %{id: ^`id`} -> true; _ -> false end)\nend"
    )


def test_fn_parameters_shadow_outer_variables() -> None:
    assert_binds("def f(x) do\n  Enum.map(x, fn $x$ -> `x` end)\nend")


def test_fn_bodies_see_outer_variables() -> None:
    assert_binds("def f($y$, xs) do\n  Enum.map(xs, fn x -> x + `y` end)\nend")


def test_bindings_inside_a_fn_do_not_leak_out() -> None:
    assert_binds("def f($y$) do\n  g(fn -> y = 2 end)\n  `y`\nend")


def test_bindings_inside_case_bodies_do_not_leak_out() -> None:
    assert_binds("def f($y$, v) do\n  case v do\n    x -> y = x\n  end\n  `y`\nend")


def test_bindings_inside_if_bodies_do_not_leak_out() -> None:
    assert_binds("def f($y$, c) do\n  if c, do: y = 1\n  if c do\n    y = 2\n  end\n  `y`\nend")


def test_the_subject_of_case_and_if_binds_for_the_construct_and_after() -> None:
    assert_binds("def f(v) do\n  case $z$ = v do\n    _ -> `z`\n  end\nend")
    assert_binds("def f(v) do\n  case $z$ = v do\n    _ -> :ok\n  end\n  `z`\nend")
    assert_binds("def f(v) do\n  if $y$ = v, do: `y`\nend")
    assert_binds("def f(v) do\n  if $y$ = v do\n    :ok\n  else\n    `y`\n  end\nend")


def test_case_clause_patterns_bind_for_their_guard_and_body_only() -> None:
    assert_binds("def f(v) do\n  case v do\n    {:a, $b$} when `b` > 0 -> b\n  end\nend")
    assert_binds("def f(v) do\n  case v do\n    {:a, $b$} -> `b`\n  end\nend")
    assert_binds("def f($b$, v) do\n  case v do\n    {:a, b} -> b\n    _ -> `b`\n  end\nend")


def test_receive_patterns_bind_but_after_heads_are_expressions() -> None:
    assert_binds("def f do\n  receive do\n    {:msg, $m$} -> `m`\n  end\nend")
    assert_binds(
        "def f($timeout$) do\n  receive do\n    _ -> :ok\n  after\n    `timeout` -> :late\n  end\nend"
    )


def test_cond_heads_are_expressions_whose_bindings_reach_their_body() -> None:
    assert_binds("def f(v) do\n  cond do\n    ($m$ = v) > 1 -> `m`\n    true -> 0\n  end\nend")


def test_try_rescue_catch_and_else_clauses_bind() -> None:
    source = "def f do\n  try do\n    g()\n  rescue\n    $e$ in [ArgumentError] -> `e`\n  end\nend"
    assert_binds(source)
    assert_binds("def f do\n  try do\n    g()\n  catch\n    k, $v$ -> `v`\n  end\nend")
    assert_binds("def f do\n  try do\n    g()\n  else\n    $q$ -> `q`\n  end\nend")


def test_for_generators_bind_for_later_clauses_and_the_body() -> None:
    assert_binds("def f(m) do\n  for {$k$, v} <- m, do: `k`\nend")
    assert_binds("def f(m) do\n  for {k, $v$} <- m do\n    `v`\n  end\nend")
    assert_binds("def f(xs) do\n  for $x$ <- xs, y <- `x`.children, do: y\nend")
    assert_binds("def f(xs) do\n  for x <- xs, $y$ = x * 2, `y` > 2, do: y\nend")
    assert_binds("def f(bin) do\n  for <<$c$ <- bin>>, do: `c`\nend")


def test_for_generators_do_not_leak_out_or_reach_into() -> None:
    assert_binds("def f($x$, xs) do\n  for x <- xs, do: x\n  `x`\nend")
    assert_binds("def f($acc$, xs) do\n  for x <- xs, into: `acc`, do: x\nend")


def test_for_reduce_clauses_bind_the_accumulator() -> None:
    assert_binds("def f(xs) do\n  for x <- xs, reduce: 0 do\n    $acc$ -> `acc` + x\n  end\nend")


def test_with_clauses_bind_for_later_clauses_and_the_body_but_not_else() -> None:
    assert_binds("def f(v) do\n  with {:ok, $w$} <- h(v), q = `w` + 1, do: q\nend")
    assert_binds("def f(v) do\n  with {:ok, w} <- h(v), $q$ = w + 1, do: `q`\nend")
    assert_binds("def f(v) do\n  with {:ok, $w$} <- v do\n    `w`\n  end\nend")
    source = "def f($w$, v) do\n  with {:ok, w} <- v do\n    w\n  else\n    _ -> `w`\n  end\nend"
    assert_binds(source)


def test_sibling_arguments_do_not_see_each_other() -> None:
    assert_unresolved("def f(v) do\n  {w = v, `w`}\nend")
    assert_unresolved("def f(v) do\n  g(x = v, `x`)\nend")


def test_exunit_contexts_are_patterns() -> None:
    assert_binds('test "x", %{conn: $conn$} do\n  `conn`\nend')
    assert_binds("setup %{user: $user$} do\n  `user`\nend")


def test_module_level_variables_are_not_visible_inside_def() -> None:
    assert_unresolved("defmodule M do\n  x = 1\n  def f, do: `x`\nend")


def test_variables_inside_quote_are_unresolved() -> None:
    assert_unresolved("def f(x) do\n  quote do\n    `x` + 1\n  end\nend")
    assert_unresolved("def f(x), do: quote(do: `x` + 1)")


def test_a_zero_arity_call_without_parentheses_is_unresolved() -> None:
    assert_unresolved("def f do\n  `departments`\nend")


def test_a_variable_bound_only_in_another_clause_is_unresolved() -> None:
    assert_unresolved("def f(x), do: x\ndef g, do: `x`")


def test_deep_nesting_does_not_hit_the_recursion_limit() -> None:
    depth = 3000
    source = "def f($x$) do\n" + "[" * depth + "`x`" + "]" * depth + "\nend"
    assert_binds(source)


# --- patterns and leaks --------------------------------------------------------


def _first(root: Node, kind: str) -> Node:
    return next(n for n in descendants(root) if n.type == kind)


def test_pattern_bindings_skip_pins_attributes_and_size_specifiers() -> None:
    root = syntax.parse(
        b"{^a, @b, <<len::8, data::binary-size(len)>>, _, _c, [h | t]} = v"
    ).root_node
    pattern = _first(root, "tuple")
    assert [text(n) for n in pattern_bindings(pattern)] == ["len", "data", "_c", "h", "t"]


def test_leaked_bindings_include_call_arguments_and_case_subjects_only() -> None:
    source = b"g(a = 1, fn -> b = 2 end) && case c = 3 do\n  _ -> d = 4\nend"
    root = syntax.parse(source).root_node
    statement = root.named_children[0]
    assert [text(n) for n in leaked_bindings(statement)] == ["a", "c"]


def test_variables_skip_function_names_fields_and_attributes() -> None:
    root = syntax.parse(b"foo(a.field, @attr, &bar/1, Mod.baz(b), c)").root_node
    assert [text(n) for n in variables(root)] == ["a", "b", "c"]


def test_bound_value_is_the_right_side_of_a_whole_pattern_match() -> None:
    root = syntax.parse(b"x = y = compute()\n{:ok, z} = other()").root_node
    idents = {text(n): n for n in descendants(root) if n.type == "identifier"}
    value = bound_value(idents["x"])
    assert value is not None and text(value) == "compute()"
    value = bound_value(idents["y"])
    assert value is not None and text(value) == "compute()"
    assert bound_value(idents["z"]) is None


def test_root_variable_of_field_access_chains() -> None:
    root = syntax.parse(b"a.b.c\n@x.y\nf().z").root_node
    first, second, third = root.named_children
    found = root_variable(first)
    assert found is not None and text(found) == "a"
    assert root_variable(second) is None
    assert root_variable(third) is None


# --- loop invariance -----------------------------------------------------------


def invariant(marked: str) -> bool:
    """Whether the expression starting at `…` is loop-invariant in its innermost loop."""
    root, use, _ = _parse(marked)
    assert use is not None
    candidates = [n for n in descendants(root) if n.start_byte == use and n.is_named]
    expr = candidates[0]  # the outermost node starting there
    loop = enclosing_loop(expr)
    assert loop is not None, "not in a loop"
    return is_loop_invariant(expr, loop)


def test_a_parameter_is_invariant_inside_an_enum_loop() -> None:
    assert invariant(
        "def f(users, departments) do\n"
        "  Enum.map(users, fn user -> Enum.find(`departments`, &(&1.id == user.dept_id)) end)\n"
        "end"
    )


def test_a_field_of_the_loop_variable_is_not_invariant() -> None:
    assert not invariant(
        "def f(users) do\n"
        "  Enum.map(users, fn user -> Enum.find(`user.roles`, &(&1.name == :admin)) end)\n"
        "end"
    )


def test_a_field_of_an_outer_variable_and_module_attributes_are_invariant() -> None:
    assert invariant("def f(xs, org) do\n  Enum.map(xs, fn x -> {x, `org.depts`} end)\nend")
    assert invariant("def f(xs) do\n  Enum.map(xs, fn x -> {x, `@limits`} end)\nend")


def test_a_variable_rebound_inside_the_loop_is_not_invariant() -> None:
    assert not invariant(
        "def f(xs, list) do\n  Enum.map(xs, fn x ->\n    list = x.children\n    `list`\n  end)\nend"
    )


def test_calls_are_never_invariant() -> None:
    assert not invariant("def f(xs, m) do\n  Enum.map(xs, fn x -> `Map.keys(m)` end)\nend")
    assert not invariant("def f(xs) do\n  Enum.map(xs, fn x -> `departments` end)\nend")


def test_for_generators_vary_and_outer_variables_do_not() -> None:
    assert not invariant("def f(xs) do\n  for x <- xs do\n    `x`\n  end\nend")
    assert invariant("def f(xs, ys) do\n  for x <- xs do\n    `ys`\n  end\nend")


def test_a_variable_of_an_outer_loop_is_invariant_in_the_inner_loop() -> None:
    assert invariant(
        "def f(orgs) do\n"
        "  Enum.map(orgs, fn org ->\n"
        "    Enum.map(org.users, fn u -> {u, `org.depts`} end)\n"
        "  end)\n"
        "end"
    )


def test_a_parameter_passed_back_unchanged_is_invariant_in_recursion() -> None:
    assert invariant(
        "defmodule M do\n"
        "  defp go([], _lookup), do: []\n"
        "  defp go([h | t], lookup) do\n"
        "    [{h, `lookup`} | go(t, lookup)]\n"
        "  end\n"
        "end"
    )


def test_a_parameter_that_changes_between_calls_is_not_invariant_in_recursion() -> None:
    assert not invariant(
        "defmodule M do\n"
        "  defp go([h | t], lookup) do\n"
        "    [{h, `lookup`} | go(t, [h | lookup])]\n"
        "  end\n"
        "end"
    )
    assert not invariant(
        "defmodule M do\n"
        "  defp go([h | t], lookup) do\n"
        "    [{h, `lookup`} | go(t, lookup)]\n"
        "  end\n"
        "  defp go([h | t], lookup, :x), do: go(t, lookup)\n"
        "  defp go(t, lookup), do: go(t, [1 | lookup])\n"
        "end"
    )


def test_a_recursive_function_referenced_as_a_capture_is_not_invariant() -> None:
    assert not invariant(
        "defmodule M do\n"
        "  def go([h | t], lookup) do\n"
        "    Enum.each(h, &go(&1, []))\n"
        "    {`lookup`, go(t, lookup)}\n"
        "  end\n"
        "end"
    )


# --- closures ------------------------------------------------------------------


def test_captured_variables_are_the_ones_bound_outside_the_closure() -> None:
    source = b"def f(a, b) do\n  c = 1\n  fn x -> d = x; {a, c, d, x} end\nend"
    root = syntax.parse(source).root_node
    fn = _first(root, "anonymous_function")
    assert [text(u) for u, _b in captured_variables(fn)] == ["a", "c"]
