"""Extract a `~r` literal in a function body into a module attribute.

Not a warning: on every Elixir/OTP pair measured, a `~r` literal and a module
attribute cost the same (both literals up to OTP 27; both re-imported per
evaluation on OTP 28+). It names the regex and shares it between functions.

```elixir
def extract_emails(text), do: Regex.scan(~r/[\\w.]+@[\\w.]+/, text)
```
becomes
```elixir
@extract_emails_regex ~r/[\\w.]+@[\\w.]+/

def extract_emails(text), do: Regex.scan(@extract_emails_regex, text)
```

The sigil is moved verbatim, so the regex is the same. Not offered for
interpolated or heredoc sigils, inside `quote` (an attribute there would be read
in the caller's module), outside a `def`/`defp` directly in a module, or when the
target is Elixir < 1.19 on OTP 28+, where a function cannot read a regex from an
attribute (a compile error on 1.18.0 to 1.18.3, a `Regex.compile!/2` per read on
1.18.4). When the target versions are unknown the edit is marked unsafe for
that reason.
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.modules import (
    enclosing_module,
    function_definition,
    insertion_point,
    module_attributes,
)
from elixir_perf_lsp.analysis.nodes import ancestors, call_name, text
from elixir_perf_lsp.analysis.regex import read_sigil, regex_attribute_name, regex_attributes_work
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix
from elixir_perf_lsp.engine.options import Target
from elixir_perf_lsp.syntax import Node, Tree, error_ranges


def regex_at(tree: Tree, offset: int) -> Node | None:
    """The `~r`/`~R` sigil holding `offset`, or ending right before it."""
    root = tree.root_node
    for probe in (offset, offset - 1):
        if probe < 0 or probe > root.end_byte:
            continue
        node: Node | None = root.descendant_for_byte_range(probe, probe)
        while node is not None:
            if node.type == "sigil":
                sigil = read_sigil(node)
                return node if sigil is not None and sigil.name in ("r", "R") else None
            node = node.parent
    return None


def extract_regex(source: bytes, tree: Tree, offset: int, target: Target) -> Fix | None:
    """The edits moving the `~r` literal at `offset` into `@<function>_regex`."""
    node = regex_at(tree, offset)
    if node is None:
        return None
    sigil = read_sigil(node)
    if sigil is None or sigil.interpolated or sigil.heredoc:
        return None
    works = regex_attributes_work(target)
    if works is False:
        return None
    definition = function_definition(node)
    if definition is None:
        return None
    for ancestor in ancestors(node):
        if ancestor.id == definition.call.id:
            break
        if ancestor.type == "call" and call_name(ancestor) == (None, "quote"):
            return None
    module = enclosing_module(definition.call)
    place = insertion_point(definition, source)
    if module is None or place is None:
        return None
    # Never edit a module the parser could not read in full.
    if any(s < module.end_byte and module.start_byte < e for s, e in error_ranges(tree.root_node)):
        return None
    name = regex_attribute_name(definition.name, module_attributes(module))
    offset_at, indent = place
    literal = text(node)
    return Fix(
        f"Extract `{literal}` to `@{name}`",
        Applicability.SAFE if works else Applicability.UNSAFE,
        (
            Edit(offset_at, offset_at, f"{indent}@{name} {literal}\n\n"),
            Edit(node.start_byte, node.end_byte, f"@{name}"),
        ),
    )
