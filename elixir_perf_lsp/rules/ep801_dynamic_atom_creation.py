"""## What it does
Flags atoms created from runtime data that is not known to come from a client:
`String.to_atom/1`, `List.to_atom/1`, `:erlang.binary_to_atom/1,2` and
`:erlang.list_to_atom/1` on anything but a literal (also piped, and as a capture
like `&String.to_atom/1`), and atom literals or keyword keys with interpolation
(`:"user_#{id}"`, `["#{k}": v]`), and JSON decoded with `keys: :atoms` (Jason,
Poison: `String.to_atom/1` on every key; `keys: :atoms!` is fine, reported without
a fix). Values that come from request params, event
payloads or decoded JSON are EP803's (atom-from-client-input, in the default
set); this rule is the opt-in, pedantic rest, like Credo's `UnsafeToAtom`.

Measured on 14 real projects (`benchmarks/precision/`), almost every such atom
was built from a value the program bounds itself (field and module names,
configuration): worth changing in about 8 % of findings, hence opt-in.

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
def field(name), do: Map.fetch!(fields(), String.to_atom(name))
```

Use instead:
```elixir
def field(name), do: Map.fetch!(fields(), String.to_existing_atom(name))
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
Interpolated keyword keys and single-quoted atoms are reported without a fix.

## References
- [String.to_existing_atom/1](https://hexdocs.pm/elixir/String.html#to_existing_atom/1)
- [Erlang efficiency guide: atoms are not garbage-collected](https://www.erlang.org/doc/system/commoncaveats.html)
- [Credo.Check.Warning.UnsafeToAtom](https://hexdocs.pm/credo/Credo.Check.Warning.UnsafeToAtom.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.atoms import QUERY, atom_creations
from elixir_perf_lsp.analysis.inputs import from_client
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures

COST = "100k `String.to_atom/1` calls on distinct strings added 100,000 atoms (3.8 MiB, 9.5% of the default limit of 1,048,576) that stayed after garbage-collecting every process; `String.to_existing_atom/1` added none. Decoding 10,000 JSON bodies of 10 new keys each with Jason's `keys: :atoms` added 100,000 atoms; `keys: :atoms!` added none."

MESSAGE_TAIL = "creates a new atom for every distinct value, and atoms are never garbage-collected"


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    for creation in atom_creations(captures):
        if creation.value is not None and from_client(creation.value):
            continue  # client input: EP803's finding
        message = f"`{creation.subject}` {MESSAGE_TAIL}; {creation.advice}"
        yield Violation(creation.node, message, creation.fix)


RULE = Rule(
    code="EP801",
    precision="1 of 169 findings worth changing on the 17 projects of `benchmarks/precision`, 13 wrong (2026-12-06).",
    name="dynamic-atom-creation",
    summary="Atom created from runtime data (not known to be client input): never collected",
    severity=Severity.WARNING,
    # A leak, not a cost that grows per call: test code creating atoms is harmless.
    in_tests=False,
    default=False,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "def field(name), do: Map.fetch!(fields(), String.to_atom(name))\n",
            "def field(name), do: Map.fetch!(fields(), String.to_existing_atom(name))\n",
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
        Example("def load(path), do: path |> File.read!() |> Jason.decode!(keys: :atoms)\n"),
    ),
    ok=(
        Example('def default, do: String.to_atom("ready")\n'),
        # client input is EP803's
        Example('def handle(%{"status" => status}), do: update(String.to_atom(status))\n'),
        Example("def status(s), do: String.to_existing_atom(s)\n"),
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
