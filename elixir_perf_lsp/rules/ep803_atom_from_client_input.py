"""## What it does
Flags atoms created from what a client sent: request params, LiveView and
channel event payloads, decoded JSON. `String.to_atom/1`, `List.to_atom/1`,
`:erlang.binary_to_atom/1,2`, `:erlang.list_to_atom/1` (also piped, and as a
capture mapped over the params), interpolated atom literals or keyword keys, and
`Jason.decode(…, keys: :atoms)` / `Jason.decode!` / `Poison.decode(!)` (which call
`String.to_atom/1` on every key; `keys: :atoms!` is fine), when the value comes from:

- a controller action's params (named `params` or matched with string keys), `conn.params`,
  `conn.body_params`, `conn.query_params`, `conn.path_params`;
- `handle_event/3`, `handle_params/3`, `mount/3`, `handle_in/3`, `join/3` payloads;
- a string-keyed map pattern (`%{"tag" => tag}`: the shape of decoded params and
  JSON), or a parameter named `params`, `payload`, `attrs` or `*_params`;
- `Jason.decode!/1` and other decoders, through bindings, string operations,
  `params["key"]`, `Map.get/2` and the keys and values of a map iterated over;
- the body read by `Plug.Conn.read_body/2` (`{:ok, body, conn} = read_body(conn)`).

A value first checked against known values (`when x in @allowed`,
`if x in allowed do`) is not flagged. Atoms built from anything else are
EP801's (opt-in).

## Why is this bad?
Atoms are never garbage-collected. Every distinct string turned into an atom
stays in the atom table for the life of the node; the table has a fixed size
(1,048,576 by default) and when it is full the whole VM aborts. A client that
sends new keys or values with each request fills it: a denial of service any
user can trigger.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
def handle_event("tag", %{"tag" => tag}, socket), do: {:noreply, assign(socket, tag: String.to_atom(tag))}
```

Use instead:
```elixir
def handle_event("tag", %{"tag" => tag}, socket) when tag in ~w(primary secondary),
  do: {:noreply, assign(socket, tag: String.to_existing_atom(tag))}
```

## Fix safety
The fix uses the `_existing_atom` variant; it raises `ArgumentError` when the
atom does not exist yet, where the original created it and went on: **unsafe**.
Mapping the allowed strings explicitly (`%{"primary" => :primary}` or function
clauses) is often the better fix; keep params as string-keyed maps otherwise.
`keys: :atoms` is reported without a fix: `keys: :atoms!` raises `ArgumentError`
on the first key that is not an existing atom (Jason 1.4.5 calls
`String.to_existing_atom/1`; the error is not turned into `{:error, _}` by
`Jason.decode/2`), and the BEAM harness, which has no Jason, cannot prove more.

## References
- [String.to_existing_atom/1](https://hexdocs.pm/elixir/String.html#to_existing_atom/1)
- [Erlang efficiency guide: atoms are not garbage-collected](https://www.erlang.org/doc/system/commoncaveats.html)
- [Phoenix: params are string-keyed on purpose](https://hexdocs.pm/phoenix/Phoenix.Controller.html)
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


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    for creation in atom_creations(captures):
        if creation.value is None or not from_client(creation.value):
            continue  # EP801's, if anyone's
        message = (
            f"`{creation.subject}` turns client input into atoms, which are never "
            f"garbage-collected: any client can fill the atom table and crash the node; "
            f"{creation.advice}"
        )
        yield Violation(creation.node, message, creation.fix)


RULE = Rule(
    code="EP803",
    precision="10 of 10 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    name="atom-from-client-input",
    summary="Atom created from request params or event payloads: any client can fill the atom table",
    severity=Severity.WARNING,
    # A leak, not a cost that grows per call: test code creating atoms is harmless.
    in_tests=False,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example("def event(payload), do: Jason.decode!(payload, keys: :atoms)\n"),
        Example(
            'def handle(%{"status" => status}), do: update(String.to_atom(status))\n',
            'def handle(%{"status" => status}), do: update(String.to_existing_atom(status))\n',
            unsafe=True,
            inputs=('[[%{"ep803_never_an_atom_z" => 1}]]',),
        ),
        Example(
            "def index(conn, params) do\n"
            "  filters = Map.new(params, fn {k, v} -> {String.to_atom(k), v} end)\n"
            "  json(conn, search(filters))\n"
            "end\n",
            "def index(conn, params) do\n"
            "  filters = Map.new(params, fn {k, v} -> {String.to_existing_atom(k), v} end)\n"
            "  json(conn, search(filters))\n"
            "end\n",
            unsafe=True,
            inputs=('[[nil, %{"ep803_never_an_atom_a" => 1}]]',),
        ),
        Example(
            'def handle_event("sort", %{"by" => by}, socket) do\n'
            '  {:noreply, assign(socket, sort: :"#{by}_asc")}\n'
            "end\n",
            'def handle_event("sort", %{"by" => by}, socket) do\n'
            '  {:noreply, assign(socket, sort: String.to_existing_atom("#{by}_asc"))}\n'
            "end\n",
            unsafe=True,
            inputs=('[["sort", %{"by" => "ep803_never_an_atom_b"}, nil]]',),
        ),
        Example(
            'def show(conn, _), do: render(conn, String.to_atom(conn.params["format"]))\n',
            'def show(conn, _), do: render(conn, String.to_existing_atom(conn.params["format"]))\n',
            unsafe=True,
            inputs=('[[%{params: %{"format" => "ep803_never_an_atom_c"}}, nil]]',),
        ),
        Example(
            "def decode(body), do: body |> Jason.decode!() |> Map.keys() |> Enum.map(&String.to_atom/1)\n",
            "def decode(body), do: body |> Jason.decode!() |> Map.keys() |> Enum.map(&String.to_existing_atom/1)\n",
            unsafe=True,
            inputs=('[[%{"ep803_never_an_atom_d" => 1}]]',),
        ),
    ),
    ok=(
        Example("def field(name), do: String.to_atom(name)\n"),
        Example("def event(payload), do: Jason.decode!(payload, keys: :atoms!)\n"),
        Example('def handle(%{"status" => s}) when s in ~w(open closed), do: String.to_atom(s)\n'),
        Example(
            'def handle_event("pick", %{"id" => id}, socket), do: {:noreply, assign(socket, id: id)}\n'
        ),
        Example('def handle(%{"status" => status}), do: String.to_existing_atom(status)\n'),
    ),
)
