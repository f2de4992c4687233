"""What a name means at a call site: Kernel's function, or something that shadows it.

A rule that rewrites `length(x) == 0` into `x == []` assumes `Kernel.length/1`. A
module with `import Kernel, except: [length: 1]` and its own `def length/1` (a
string length, say) breaks that assumption, and the rewrite would change
behaviour. Unqualified calls resolve, in Elixir, to a local definition or an
import; Kernel is an import like any other, so it can be excluded or replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.analysis.nodes import (
    DEF_KEYWORDS,
    Definition,
    call_args,
    call_name,
    descendants,
    do_block,
    enclosing_definition,
    int_value,
    keyword_value,
    operator,
    pair_key,
    pipe_source,
    text,
)
from elixir_perf_lsp.syntax import Node

_MODULE_CALLS = frozenset((None, m) for m in ("defmodule", "defimpl", "defprotocol"))
_DEFINERS = DEF_KEYWORDS | {"defguard", "defguardp", "defdelegate"}

# Names whose local definition must re-check every finding in the file, since a
# finding elsewhere may rely on the Kernel meaning (incremental analysis reads it).
KERNEL_NAMES_RULES_ASSUME = frozenset({"length", "hd"})


def is_kernel_call(call: Node) -> bool:
    """Whether `call`, an unqualified call or `Kernel.name(...)`, reaches Kernel's function.

    Unknown answers count as "no": a rule then makes no claim and offers no fix.
    """
    module, name = call_name(call)
    if module == "Kernel":
        return True
    if module is not None:
        return False
    arity = len(call_args(call)) + (1 if pipe_source(call) is not None else 0)
    return reaches_kernel(call, name, arity)


def reaches_kernel(site: Node, name: str, arity: int) -> bool:
    """Whether an unqualified `name/arity` used at `site` (a call, or a bare name
    piped into) is Kernel's: no local definition or import replaces it."""
    scope = _enclosing_scope(site)
    if memo.per_node("names", scope, _module_names).replaces(name, arity):
        return False
    definition = enclosing_definition(site)
    if definition is None or definition.body is None:
        return True
    # Imports are lexical: one inside the enclosing function applies too.
    return not memo.per_node("names", definition.body, _lexical_names).replaces(name, arity)


@dataclass(frozen=True)
class _Names:
    """What replaces Kernel's functions in a scope."""

    defined: frozenset[tuple[str, int, int]] = frozenset()  # (name, min arity, max arity)
    imports: tuple[Node, ...] = ()

    def replaces(self, name: str, arity: int) -> bool:
        if any(n == name and low <= arity <= high for n, low, high in self.defined):
            return True
        return any(_import_replaces(node, name, arity) for node in self.imports)


def _enclosing_scope(node: Node) -> Node:
    """The module (or the file, for scripts) whose definitions and imports apply."""
    return memo.nearest("enclosing_scope", node, _scope_at) or node


def _scope_at(node: Node) -> Node | None:
    if node.type == "call" and call_name(node) in _MODULE_CALLS:
        return node
    return node if memo.parent(node) is None else None  # the file


def _module_names(scope: Node) -> _Names:
    """Definitions sit at the module body's top level, as do most imports."""
    body = do_block(scope) if scope.type == "call" else scope
    forms = [f for f in (body.named_children if body is not None else []) if f.type == "call"]
    return _names_of(forms)


def _lexical_names(body: Node) -> _Names:
    # Most bodies neither import nor define: their text says so without a walk
    # (`def` also covers defp, defmacro, defguard, defdelegate).
    spelled = body.text or b""
    if b"import" not in spelled and b"def" not in spelled:
        return _Names()
    return _names_of([n for n in descendants(body) if n.type == "call"])


def _names_of(calls: list[Node]) -> _Names:
    defined: set[tuple[str, int, int]] = set()
    imports: list[Node] = []
    for call in calls:
        module, callee = call_name(call)
        if module is not None:
            continue
        if callee in _DEFINERS:
            definition = Definition(call)
            if definition.name:
                required = sum(1 for p in definition.params if not _has_default(p))
                defined.add((definition.name, required, len(definition.params)))
        elif callee == "import":
            imports.append(call)
    return _Names(frozenset(defined), tuple(imports))


def _has_default(param: Node) -> bool:
    return param.type == "binary_operator" and operator(param) == "\\\\"


def _import_replaces(call: Node, name: str, arity: int) -> bool:
    """`import Kernel, except: [name: arity]`, `import Kernel, only: [...]` without it,
    or another module imported `only:` this name."""
    args = call_args(call)
    if not args:
        return False
    imported = text(args[0])
    options = args[1] if len(args) > 1 and args[1].type == "keywords" else None
    if options is None:
        return False
    only = keyword_value(options, "only")
    excluded = keyword_value(options, "except")
    if imported == "Kernel":
        if excluded is not None and _lists(excluded, name, arity):
            return True
        return only is not None and not _lists(only, name, arity)
    return only is not None and _lists(only, name, arity)


def _lists(value: Node, name: str, arity: int) -> bool:
    """Whether a keyword list literal like `[length: 1]` names name/arity (unknown: yes)."""
    if value.type != "list":
        return True  # `only: :functions`, an attribute, ...: cannot tell
    for item in value.named_children:
        pairs = item.named_children if item.type == "keywords" else [item]
        for pair in pairs:
            val = pair.child_by_field_name("value")
            if val is not None and pair_key(pair) == name and int_value(val) == arity:
                return True
    return False
