"""When a piece of code runs: on every call, once at compile time, or in dev/ops tooling.

Performance rules price a construct by how often it runs. A module body, an
attribute value or a macro body outside `quote` runs once, when the module is
compiled; a mix task or a migration runs when someone types a command. Cost
there is not worth a finding, however large the input.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from elixir_perf_lsp.analysis.nodes import ancestors, call_args, call_name, do_block, text
from elixir_perf_lsp.syntax import Node


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
    """Where `node` runs, read from its ancestors (definitions, `quote`, modules)."""
    runs: Runs | None = None
    in_unquote = False
    in_test = False
    via_fn = False
    child = node
    for ancestor in ancestors(node):
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
            elif in_unquote:
                pass  # code spliced by `unquote` runs when its `quote` is evaluated
            elif module is None and name in _RUNTIME_DEFS and runs is None:
                runs = Runs.PER_CALL  # heads and guards run per call too
            elif module is None and name in _MACRO_DEFS and runs is None:
                runs = Runs.COMPILE_TIME
            elif module is None and name in _MODULE_DEFINERS:
                kind = _module_kind(ancestor)
                if kind == "tooling":
                    return Placement(Runs.TOOLING)
                in_test = in_test or kind == "test"
                if runs is None:
                    runs = Runs.COMPILE_TIME  # the module body itself
            elif block_macro and module is None and name not in _TRANSPARENT_BLOCKS:
                runs = runs or Runs.PER_CALL
        child = ancestor
    return Placement(runs or Runs.PER_CALL, in_test)


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
