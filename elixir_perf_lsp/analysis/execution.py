"""When a piece of code runs: on every call, once at compile time, or in dev/ops tooling.

Performance rules price a construct by how often it runs. A module body, an
attribute value or a macro body outside `quote` runs once, when the module is
compiled; a mix task or a migration runs when someone types a command. Cost
there is not worth a finding, however large the input.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.analysis.nodes import (
    call_args,
    call_name,
    calls_above,
    definition_name,
    do_block,
    text,
)
from elixir_perf_lsp.syntax import Node, Query, compile_query, iter_matches


class Runs(enum.Enum):
    PER_CALL = "per call"
    COMPILE_TIME = "at compile time"
    TOOLING = "in dev/ops tooling"


@dataclass(frozen=True)
class Placement:
    runs: Runs
    # Inside an ExUnit test module (`use ExUnit.Case` and friends).
    in_test: bool = False


# A guard defined with `defguard` is expanded into its callers' heads: it runs per call.
_RUNTIME_DEFS = frozenset({"def", "defp", "defguard", "defguardp"})
_MACRO_DEFS = frozenset({"defmacro", "defmacrop"})
_MODULE_DEFINERS = frozenset({"defmodule", "defimpl", "defprotocol"})
_UNQUOTES = frozenset({"unquote", "unquote_splicing"})
# `use X` in a module body that marks the whole module as tooling or tests.
_TOOLING_USES = frozenset({"Mix.Task", "Ecto.Migration", "Mix.Tasks.Compile", "Mix.Project"})
_TEST_USES = frozenset({"ExUnit.Case", "ExUnit.CaseTemplate"})
_TOOLING_MODULE_PREFIXES = ("Mix.Tasks.",)
# Block-taking macros whose block runs where they stand (control flow) or holds
# only declarations (schemas, routers, test groups). Any other macro given a
# `do` block or a `fn` — `test`, Plug.Router's `get`, Absinthe's `resolve` —
# turns it into a function body: it runs per call.
_TRANSPARENT_BLOCKS = frozenset(
    {
        "if",
        "unless",
        "case",
        "cond",
        "with",
        "for",
        "try",
        "receive",
        "schema",
        "embedded_schema",
        "embeds_one",
        "embeds_many",
        "pipeline",
        "scope",
        "live_session",
        "describe",
        "object",
        "input_object",
        "interface",
        "union",
        "enum",
    }
)


def placement(node: Node) -> Placement:
    """Where `node` runs, read from its ancestors (definitions, `quote`, modules).

    A private function that only macros or the module body call (outside `quote`),
    such as `defp build_match(route)` used by `__before_compile__`, runs while the
    caller compiles: it counts as compile-time code. A call from a `def`, from
    code inside `quote` or from an unknown block macro is a runtime use; helpers
    of helpers are followed to a fixed point.
    """
    runs: Runs | None = None
    private: str | None = None  # the `defp` that made `runs` per call
    in_unquote = False
    in_test = False
    via_fn = False
    # Only calls and `fn`s matter here; runs of other nodes are skipped (memo.hop).
    step = memo.hop("call_or_fn_above", node, _is_call_or_fn)
    while step is not None:
        ancestor, child = step
        step = memo.hop("call_or_fn_above", ancestor, _is_call_or_fn)
        if ancestor.type == "anonymous_function":
            via_fn = True
        elif ancestor.type == "call":
            module, name = call_name(ancestor)
            block_macro = child.type == "do_block" or (via_fn and child.type == "arguments")
            via_fn = False
            if module is None and name in _UNQUOTES:
                in_unquote = True
            elif module is None and name == "quote" and runs is None:
                if in_unquote:
                    in_unquote = False  # `unquote` runs where the `quote` is evaluated
                else:
                    runs = Runs.PER_CALL  # generated code runs in its caller's functions
            elif module is None and name in _MODULE_DEFINERS:
                kind = memo.per_node("module-kind", ancestor, _module_kind)
                if kind == "tooling":
                    return Placement(Runs.TOOLING)
                in_test = in_test or kind == "test"
                if runs is None:
                    runs = Runs.COMPILE_TIME  # the module body itself
                elif private is not None:
                    if private in memo.per_node("helpers", ancestor, _compile_time_helpers):
                        runs = Runs.COMPILE_TIME
                    private = None
            elif in_unquote:
                pass  # code spliced by `unquote` runs when its `quote` is evaluated
            elif module is None and name in _RUNTIME_DEFS and runs is None:
                runs = Runs.PER_CALL  # heads and guards run per call too
                if name == "defp":
                    private = definition_name(ancestor)
            elif module is None and name in _MACRO_DEFS and runs is None:
                runs = Runs.COMPILE_TIME
            elif block_macro and module is None and name not in _TRANSPARENT_BLOCKS:
                runs = runs or Runs.PER_CALL
    return Placement(runs or Runs.PER_CALL, in_test)


def _is_call_or_fn(node: Node) -> bool:
    return node.type == "call" or node.type == "anonymous_function"


def _module_kind(module: Node) -> str:
    """ "tooling" for mix tasks and migrations, "test" for ExUnit modules, else ""."""
    args = call_args(module)
    if args and any(text(args[0]).startswith(p) for p in _TOOLING_MODULE_PREFIXES):
        return "tooling"
    block = do_block(module)
    if block is None:
        return ""
    for form in block.named_children:
        if form.type != "call" or call_name(form) != (None, "use"):
            continue
        used = call_args(form)
        if not used:
            continue
        name = text(used[0])
        if name in _TOOLING_USES:
            return "tooling"
        if name in _TEST_USES:
            return "test"
    return ""


@cache
def _local_reference_query() -> Query:
    return compile_query(
        """
(call target: (identifier) @name)
(unary_operator operator: "&" operand: (binary_operator left: (identifier) @name))
(binary_operator operator: "|>" right: (identifier) @name)
"""
    )


def _compile_time_helpers(module: Node) -> frozenset[str]:
    body = do_block(module)
    if body is None:
        return frozenset()
    private = {
        name
        for form in body.named_children
        if form.type == "call"
        and call_name(form) == (None, "defp")
        and (name := definition_name(form))
    }
    if not private:
        return frozenset()
    # For each private function, who calls it: "runtime", "compile" or another defp.
    callers: dict[str, set[str]] = {name: set() for name in private}
    for _index, captures in iter_matches(_local_reference_query(), body):
        for ident in captures.get("name", ()):
            name = text(ident)
            if name in private:
                owner = _reference_owner(ident)
                if owner is not None and owner != name:
                    callers[name].add(owner)
    helpers = {name for name, owners in callers.items() if owners and "runtime" not in owners}
    changed = True
    while changed:
        changed = False
        for name in list(helpers):
            if any(o not in ("compile", *helpers) for o in callers[name]):
                helpers.discard(name)
                changed = True
    return frozenset(helpers)


def _reference_owner(ident: Node) -> str | None:
    """ "runtime", "compile", a defp's name, or None for the defp's own head."""
    for ancestor, child in calls_above(ident):
        if ancestor.type == "call":
            module, name = call_name(ancestor)
            if module is None and name == "quote":
                return "runtime"
            if module is None and name in _RUNTIME_DEFS:
                if name != "defp":
                    return "runtime"
                args = call_args(ancestor)
                if args and args[0].start_byte <= ident.start_byte < args[0].end_byte:
                    return None if _defines(args[0], ident) else "runtime"
                return definition_name(ancestor) or "runtime"
            if module is None and name in _MACRO_DEFS:
                return "compile"
            if module is None and name in _MODULE_DEFINERS:
                return "compile"
            if child.type == "do_block" and module is None and name not in _TRANSPARENT_BLOCKS:
                return "runtime"
    return "compile"


def _defines(head: Node, ident: Node) -> bool:
    """Whether `ident` is the name in a definition head (`name(...)` or `name(...) when`)."""
    if head.type == "binary_operator":
        left = head.child_by_field_name("left")
        head = left if left is not None else head
    target = head.child_by_field_name("target") if head.type == "call" else head
    return target is not None and target.id == ident.id
