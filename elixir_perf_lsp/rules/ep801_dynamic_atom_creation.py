"""## What it does
Flags atoms created from runtime data: `String.to_atom/1`, `List.to_atom/1`,
`:erlang.binary_to_atom/1,2` and `:erlang.list_to_atom/1` on anything but a
literal (also piped, and as a capture like `&String.to_atom/1`), atom literals or
keyword keys with interpolation (`:"user_#{id}"`, `["#{k}": v]`), and
`Jason.decode(json, keys: :atoms)`, which makes an atom of every object key.
`Module.concat/1,2` also creates atoms but is not flagged: see
`docs/not-flagged.md`.

Like every rule, it is quiet where code runs at compile time (module bodies and
attributes, macro bodies outside `quote`, `unquote(…)`): there the set of atoms
is fixed by the source code. A value first checked against known values
(`when x in @allowed`, `if x in allowed do`) is not flagged either.

## Why is this bad?
Atoms are never garbage-collected. Every distinct string turned into an atom
stays in the atom table for the life of the node; the table has a fixed size
(1,048,576 by default) and when it is full the whole VM aborts. Fed with user
input (params, JSON keys, headers), this is a memory leak and a denial of
service.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
def handle(%{"status" => status}), do: update(String.to_atom(status))
```

Use instead:
```elixir
def handle(%{"status" => status}), do: update(String.to_existing_atom(status))
```

## Fix safety
The fix uses the `_existing_atom` variant (`String.to_existing_atom/1`,
`List.to_existing_atom/1`, `:erlang.binary_to_existing_atom`,
`:erlang.list_to_existing_atom/1`); an interpolated atom literal
`:"a#{x}"` becomes `String.to_existing_atom("a#{x}")`. These raise
`ArgumentError` when the atom does not exist yet, where the original created it
and went on: **unsafe**. The atoms you expect must exist in loaded code (be
written somewhere as literals); an explicit mapping of the allowed strings
(`%{"open" => :open}` or function clauses) is often the better fix.
Interpolated keyword keys, single-quoted atoms and `keys: :atoms` are reported
without a fix (`keys: :atoms!` is the existing-atoms variant, but Jason is not
installed where the fixes are verified).

## References
- [String.to_existing_atom/1](https://hexdocs.pm/elixir/String.html#to_existing_atom/1)
- [Erlang efficiency guide: atoms are not garbage-collected](https://www.erlang.org/doc/system/commoncaveats.html)
- [Credo.Check.Warning.UnsafeToAtom](https://hexdocs.pm/credo/Credo.Check.Warning.UnsafeToAtom.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.binaries import concat_operands, is_plain_string
from elixir_perf_lsp.analysis.nodes import (
    ancestors,
    as_definition,
    call_args,
    call_name,
    descendants,
    do_block,
    effective_args,
    keyword_value,
    operator,
    strip_parens,
    text,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "100k `String.to_atom/1` calls on distinct strings added 100,000 atoms (3.8 MiB, 9.5% of the default limit of 1,048,576) that stayed after garbage-collecting every process; `String.to_existing_atom/1` added none."

QUERY = """
(call
  target: (dot left: (_) @_ep801_module right: (identifier) @_ep801_function)
  (#any-of? @_ep801_function "to_atom" "binary_to_atom" "list_to_atom")) @call
(quoted_atom (interpolation)) @atom
(call
  target: (dot left: (alias) @_ep801_alias right: (identifier) @_ep801_name)
  (#eq? @_ep801_alias "Jason")
  (#any-of? @_ep801_name "decode" "decode!")) @ep801.other
(quoted_keyword (interpolation)) @keyword
"""

# (module, function) → (the safe variant's name, what the argument must be to be a literal)
_CONVERSIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("String", "to_atom"): ("to_existing_atom", "string"),
    ("List", "to_atom"): ("to_existing_atom", "charlist"),
    (":erlang", "binary_to_atom"): ("binary_to_existing_atom", "string"),
    (":erlang", "list_to_atom"): ("list_to_existing_atom", "charlist"),
}

_MESSAGE_TAIL = (
    "creates a new atom for every distinct value, and atoms are never garbage-collected: "
    "with outside input this fills the atom table and crashes the node"
)


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if "call" in captures:
        yield from _check_call(captures["call"][0])
    elif "ep801.other" in captures:
        call = captures["ep801.other"][0]
        if call_name(call) in (("Jason", "decode"), ("Jason", "decode!")):
            yield from _check_decode(call)
    elif "atom" in captures:
        yield from _check_atom(captures["atom"][0])
    else:
        node = captures["keyword"][0]
        message = (
            f"the keyword key `{text(node).strip()}` {_MESSAGE_TAIL}; use string keys or "
            "map the known values to atoms"
        )
        yield Violation(node, message)


def _check_call(call: Node) -> Iterator[Violation]:
    module, function = call_name(call)
    if module is None:
        return
    conversion = _CONVERSIONS.get((module, function))
    if conversion is None:
        return
    variant, literal_kind = conversion
    target = call.child_by_field_name("target")
    name_node = target.child_by_field_name("right") if target is not None else None
    if name_node is None:
        return
    capture = _capture_of(call)
    if capture is None:
        args = effective_args(call)
        if not args or _is_literal(args[0], literal_kind):
            return
        if _checked_against_known_values(args[0]):
            return
    shown = f"{module}.{function}"
    better = f"{module}.{variant}"
    subject = (
        text(capture)
        if capture is not None
        else f"{shown}({_short(text(effective_args(call)[0]))})"
    )
    message = (
        f"`{_short(subject)}` {_MESSAGE_TAIL}; use `{better}` or map the known values to atoms"
    )
    fix = Fix(
        f"Use `{better}` (raises when the atom does not exist yet)",
        Applicability.UNSAFE,
        (Edit(name_node.start_byte, name_node.end_byte, variant),),
    )
    yield Violation(capture if capture is not None else call, message, fix)


def _check_decode(call: Node) -> Iterator[Violation]:
    """`Jason.decode(json, keys: :atoms)` turns every object key into a new atom."""
    for arg in effective_args(call)[1:]:
        if arg.type != "keywords":
            continue
        value = keyword_value(arg, "keys")
        if value is not None and text(strip_parens(value)) == ":atoms":
            message = (
                f"`keys: :atoms` {_MESSAGE_TAIL} (one per distinct key in the JSON); use "
                "`keys: :atoms!` (existing atoms only) or string keys"
            )
            yield Violation(value, message)


def _capture_of(call: Node) -> Node | None:
    """For `&String.to_atom/1`, the `&` node (the call has no arguments there)."""
    if any(c.type == "arguments" for c in call.named_children):
        return None
    parent = call.parent
    if parent is None or parent.type != "binary_operator" or operator(parent) != "/":
        return None
    grand = parent.parent
    if grand is not None and grand.type == "unary_operator" and operator(grand) == "&":
        return grand
    return None


def _is_literal(node: Node, kind: str) -> bool:
    node = strip_parens(node)
    if node.type == "unary_operator" and operator(node) == "@":
        return True  # a module attribute: fixed when the module is compiled
    if kind == "charlist":
        if node.type == "charlist":
            return not any(c.type == "interpolation" for c in node.named_children)
        return node.type == "sigil" and _plain_sigil(node, ("c", "C"))
    if node.type == "sigil":
        return _plain_sigil(node, ("s", "S"))
    return all(is_plain_string(o) for o in concat_operands(node))


def _plain_sigil(node: Node, names: tuple[str, ...]) -> bool:
    name = next((c for c in node.named_children if c.type == "sigil_name"), None)
    if name is None or text(name) not in names:
        return False
    return not any(c.type == "interpolation" for c in node.named_children)


def _check_atom(atom: Node) -> Iterator[Violation]:
    source = text(atom)
    fix = None
    if source.startswith(':"') and not source.startswith(':"""'):
        replacement = f"String.to_existing_atom({source[1:]})"
        fix = Fix(
            "Use `String.to_existing_atom/1` (raises when the atom does not exist yet)",
            Applicability.UNSAFE,
            (Edit(atom.start_byte, atom.end_byte, replacement),),
        )
    message = (
        f"`{_short(source)}` {_MESSAGE_TAIL}; use `String.to_existing_atom/1` or map the "
        "known values to atoms"
    )
    yield Violation(atom, message, fix)


def _checked_against_known_values(value: Node) -> bool:
    """`x` in `when x in @allowed` or `if x in allowed do … end`: the set of atoms is
    what the check admits, not whatever the caller sends."""
    value = strip_parens(value)
    if value.type != "identifier":
        return False
    name = text(value)
    for ancestor in ancestors(value):
        definition = as_definition(ancestor)
        if definition is not None:
            return definition.guard is not None and _tests_membership(definition.guard, name)
        if ancestor.type == "call" and call_name(ancestor) == (None, "if"):
            args = call_args(ancestor)
            if args and _tests_membership(args[0], name) and _in_then_branch(ancestor, value):
                return True
    return False


def _in_then_branch(if_call: Node, node: Node) -> bool:
    args = call_args(if_call)
    if args and _within(node, args[0]):
        return False
    block = do_block(if_call)
    branches = [c for c in block.named_children if c.type == "else_block"] if block else []
    if len(args) > 1 and args[-1].type == "keywords":
        otherwise = keyword_value(args[-1], "else")
        branches += [otherwise] if otherwise is not None else []
    return not any(_within(node, b) for b in branches)


def _within(node: Node, container: Node) -> bool:
    return container.start_byte <= node.start_byte and node.end_byte <= container.end_byte


def _tests_membership(condition: Node, name: str) -> bool:
    for node in (condition, *descendants(condition)):
        if node.type == "binary_operator" and operator(node) == "in":
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier" and text(left) == name:
                return True
    return False


def _short(source: str, limit: int = 60) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


RULE = Rule(
    code="EP801",
    name="dynamic-atom-creation",
    summary="Atom created from runtime data: atoms are never garbage-collected",
    severity=Severity.WARNING,
    # A leak, not a cost that grows per call: test code creating atoms is harmless.
    in_tests=False,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            'def handle(%{"status" => status}), do: update(String.to_atom(status))\n',
            'def handle(%{"status" => status}), do: update(String.to_existing_atom(status))\n',
            unsafe=True,
        ),
        Example(
            "def keys(map), do: map |> Map.keys() |> Enum.map(&String.to_atom/1)\n",
            "def keys(map), do: map |> Map.keys() |> Enum.map(&String.to_existing_atom/1)\n",
            unsafe=True,
        ),
        Example(
            "def field(name), do: name |> to_charlist() |> List.to_atom()\n",
            "def field(name), do: name |> to_charlist() |> List.to_existing_atom()\n",
            unsafe=True,
        ),
        Example(
            'def event(kind), do: :"#{kind}_created"\n',
            'def event(kind), do: String.to_existing_atom("#{kind}_created")\n',
            unsafe=True,
        ),
        Example(
            "def decode(bin), do: :erlang.binary_to_atom(bin, :utf8)\n",
            "def decode(bin), do: :erlang.binary_to_existing_atom(bin, :utf8)\n",
            unsafe=True,
        ),
        Example('def opts(k, v), do: ["#{k}": v]\n'),
        Example("def parse(body), do: Jason.decode!(body, keys: :atoms)\n"),
    ),
    ok=(
        Example('def default, do: String.to_atom("ready")\n'),
        Example("def status(s), do: String.to_existing_atom(s)\n"),
        Example("def handler(name), do: Module.concat(MyApp.Handlers, name)\n"),
        Example("def parse(body), do: Jason.decode!(body, keys: :atoms!)\n"),
        Example(
            "defmodule Fields do\n"
            "  for name <- ~w(a b c) do\n"
            '    def unquote(:"get_#{name}")(), do: unquote(String.to_atom(name))\n'
            "  end\n"
            "end\n"
        ),
        Example("defmodule M do\n  @kinds Enum.map(~w(x y), &String.to_atom/1)\nend\n"),
        Example(
            "defmacro field(name) do\n"
            '  getter = String.to_atom("get_#{name}")\n'
            "  quote do: def(unquote(getter)(), do: 1)\n"
            "end\n"
        ),
    ),
)
