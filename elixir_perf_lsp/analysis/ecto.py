"""Recognising Ecto repository calls and the loops that repeat them (EP601-EP603, EP701)."""

from __future__ import annotations

import re

from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.analysis.loops import Loop, enclosing_loop
from elixir_perf_lsp.analysis.nodes import (
    Definition,
    as_definition,
    call_name,
    capture_of,
    clauses_of,
    descendants,
    effective_args,
    operator,
)
from elixir_perf_lsp.analysis.shapes import is_small
from elixir_perf_lsp.syntax import Node

_REPO = re.compile(r"(?:[A-Z][A-Za-z0-9_]*\.)*Repo")
_BATCHING = frozenset({"chunk_every", "chunk_by", "chunk_while", "chunk_every!"})


def is_repo_module(name: str) -> bool:
    """`Repo`, `MyApp.Repo`: how the Ecto rules recognise a repository module."""
    return _REPO.fullmatch(name) is not None


def repo_call(call: Node) -> tuple[str, str] | None:
    """(repo alias, function) when `call` is `Repo.f`/`MyApp.Repo.f` (with or without args)."""
    module, name = call_name(call)
    if module is None or not _REPO.fullmatch(module):
        return None
    return module, name


def per_element_loop(node: Node) -> Loop | None:
    """The loop running `node` once per element of a collection, if any.

    Recursion counts only when the function destructures a list (`[h | t]`) and
    does not `receive`; loops over `chunk_every` batches do not count.
    """
    loop = enclosing_loop(node)
    if loop is None:
        return None
    # Judged once per loop: every query inside the same loop asks again.
    counts = memo.per_node(f"per_element:{loop.kind}", loop.node, lambda _: _runs_per_element(loop))
    return loop if counts else None


def _runs_per_element(loop: Loop) -> bool:
    if loop.kind == "recursion":
        definition = as_definition(loop.node)
        if definition is None:
            return False
        walked = [
            index
            for index, p in enumerate(definition.params)
            if any(d.type == "binary_operator" and operator(d) == "|" for d in (p, *descendants(p)))
        ]
        receives = any(
            d.type == "call" and call_name(d) == (None, "receive") for d in descendants(loop.body)
        )
        return (
            bool(walked) and not receives and not any(_small_default(definition, i) for i in walked)
        )
    sources: list[Node] = []
    if loop.kind == "iterator":
        args = effective_args(loop.node)
        sources = args[:1]
    else:
        sources = [
            generated
            for arguments in loop.node.named_children
            if arguments.type == "arguments"
            for clause in arguments.named_children
            if clause.type == "binary_operator" and operator(clause) == "<-"
            if (generated := clause.child_by_field_name("right")) is not None
        ]
    if any(is_small(source) for source in sources):
        return False  # a handful of queries over a fixed list is not an N+1
    for source in sources:
        for d in (source, *descendants(source)):
            if d.type == "call" and call_name(d)[1] in _BATCHING:
                return False
    return True


def _small_default(definition: Definition, index: int) -> bool:
    """`defp retry(x, opts \\\\ [{5, 8}, {4, 5}])`: the list walked has a small literal
    default, so the recursion runs a handful of times."""
    for clause in clauses_of(definition):
        if index < len(clause.params):
            param = clause.params[index]
            if param.type == "binary_operator" and operator(param) == "\\\\":
                default = param.child_by_field_name("right")
                if default is not None and is_small(default):
                    return True
    return False


def report_node(call: Node) -> Node:
    """The capture `&Repo.insert/1` as a whole, else the call."""
    capture = capture_of(call)
    return capture[0] if capture is not None else call
