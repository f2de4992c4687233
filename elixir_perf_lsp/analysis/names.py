"""What a name means at a call site: Kernel's function, or something that shadows it.

A rule that rewrites `length(x) == 0` into `x == []` assumes `Kernel.length/1`. A
module with `import Kernel, except: [length: 1]` and its own `def length/1` (a
string length, say) breaks that assumption, and the rewrite would change
behaviour. Unqualified calls resolve, in Elixir, to a local definition or an
import; Kernel is an import like any other, so it can be excluded or replaced.
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.nodes import (
    DEF_KEYWORDS,
    Definition,
    ancestors,
    call_args,
    call_name,
    descendants,
    do_block,
    enclosing_definition,
    int_value,
    keyword_value,
    operator,
    pipe_source,
    text,
)
from elixir_perf_lsp.syntax import Node

_MODULE_DEFINERS = frozenset({"defmodule", "defimpl", "defprotocol"})
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
    return not _shadowed(_enclosing_scope(site), site, name, arity)


def _enclosing_scope(node: Node) -> Node:
    """The module body (or the file, for scripts) whose definitions and imports apply."""
    root = node
    for ancestor in ancestors(node):
        root = ancestor
        if ancestor.type == "call" and call_name(ancestor) in {(None, m) for m in _MODULE_DEFINERS}:
            return ancestor
    return root


def _shadowed(scope: Node, call: Node, name: str, arity: int) -> bool:
    """Definitions sit at the module body's top level; imports there or, being
    lexical, anywhere in the enclosing definition."""
    body = do_block(scope) if scope.type == "call" else scope
    forms = list(body.named_children) if body is not None else []
    definition = enclosing_definition(call)
    if definition is not None and definition.body is not None:
        forms.extend(n for n in descendants(definition.body) if n.type == "call")
    for form in forms:
        if form.type != "call":
            continue
        module, callee = call_name(form)
        if module is not None:
            continue
        if callee in _DEFINERS and _defines(form, name, arity):
            return True
        if callee == "import" and _import_replaces(form, name, arity):
            return True
    return False


def _defines(call: Node, name: str, arity: int) -> bool:
    definition = Definition(call)
    if definition.name != name:
        return False
    required = sum(1 for p in definition.params if not _has_default(p))
    return required <= arity <= len(definition.params)


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
            key = pair.child_by_field_name("key")
            val = pair.child_by_field_name("value")
            if key is None or val is None:
                continue
            if text(key).rstrip().rstrip(":").strip('"') == name and int_value(val) == arity:
                return True
    return False
