"""## What it does
Flags a `<>` chain passed straight to a function that accepts iodata:
`IO.puts/1,2`, `IO.write/1,2`, `IO.binwrite/1,2`, `File.write/2,3`,
`File.write!/2,3`, `:gen_tcp.send/2`, `Plug.Conn.send_resp/3` and
`Plug.Conn.resp/3` (also unqualified where `Plug.Conn` is imported, and as
`Conn.…` where it is aliased). A chain of string literals only is folded by the
compiler and is not flagged.

## Why is this bad?
`a <> b <> c` allocates a new binary and copies every part into it, only for the
writer to hand the bytes on. These functions take iodata, a (nested) list of
binaries, and write the parts as they are, without the intermediate copy. The
gain grows with the size of the parts; for short strings it is within noise.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
IO.puts("user " <> name <> " logged in")
```

Use instead:
```elixir
IO.puts(["user ", name, " logged in"])
```

## Fix safety
The fix replaces the chain with the list of its operands, in order. For every
input where `<>` does not raise (every operand a binary) the list holds the same
bytes in the same order, and the sink writes exactly those bytes.

- `IO.puts`, `IO.binwrite`, `File.write`, `File.write!` and `:gen_tcp.send`:
  **safe**. `IO.puts` already wraps its argument in a list, so the device sees
  the same kind of data either way. Checked on the BEAM: identical bytes and
  results for ASCII, multi-byte UTF-8, UTF-8 sequences split across operands,
  invalid UTF-8 and empty parts, on standard output and error, files opened
  with and without `:utf8`, `File.write` with `:append` and `:utf8`,
  `StringIO`, and binary- and list-mode sockets.
- `IO.write`: **unsafe**. On standard output a binary is written unchecked but a
  list is validated as UTF-8 chardata: `IO.write(<<255>> <> "a")` writes the
  bytes, `IO.write([<<255>>, "a"])` raises `ArgumentError`.
- `Plug.Conn.send_resp/resp`: **unsafe**. The bytes sent are the same, but
  `resp/3` stores the body as given in `conn.resp_body`, so `before_send`
  callbacks and later code see a list where they saw a binary (`byte_size/1`
  raises on it, hashes differ).

Operands that are not binaries made `<>` raise; a list may accept them (a
charlist, a byte value). Those inputs raised before, so they do not count.

## References
- [IO data](https://hexdocs.pm/elixir/IO.html#module-io-data)
- [Plug.Conn.send_resp/3](https://hexdocs.pm/plug/Plug.Conn.html#send_resp/3)
"""

from __future__ import annotations

import re

from elixir_perf_lsp.analysis.binaries import concat_operands, is_chain_top, is_plain_string
from elixir_perf_lsp.analysis.nodes import (
    call_name,
    effective_args,
    operator,
    same_node,
    shorten,
    text,
)
from elixir_perf_lsp.engine.prelude import *

COST = 'three 64 KiB fields written to a raw file: 44 µs per write with `a <> "," <> b <> …` vs 3.1 µs with the iodata list (6–14× across runs); with 16 B–1 KiB fields no consistent gain (0.5–1.35×), and through a non-raw (IO-server) device none (0.64–1.03×).'

QUERY = """
(binary_operator operator: "<>") @concat
"""

# (module, function) → (position of the data among the effective arguments, or -1 for
# the last one; arities accepted; applicability).
_SINKS: dict[tuple[str | None, str], tuple[int, frozenset[int], Applicability]] = {
    ("IO", "puts"): (-1, frozenset({1, 2}), Applicability.SAFE),
    ("IO", "binwrite"): (-1, frozenset({1, 2}), Applicability.SAFE),
    ("IO", "write"): (-1, frozenset({1, 2}), Applicability.UNSAFE),
    ("File", "write"): (1, frozenset({2, 3}), Applicability.SAFE),
    ("File", "write!"): (1, frozenset({2, 3}), Applicability.SAFE),
    (":gen_tcp", "send"): (1, frozenset({2}), Applicability.SAFE),
    ("Plug.Conn", "send_resp"): (2, frozenset({3}), Applicability.UNSAFE),
    ("Plug.Conn", "resp"): (2, frozenset({3}), Applicability.UNSAFE),
}

_ALIASED_CONN = re.compile(rb"^\s*alias\s+Plug\.Conn\s*$", re.MULTILINE)
_IMPORTED_CONN = re.compile(
    rb"^\s*(?:import\s+Plug\.Conn\b|use\s+(?:Plug\.Router|Plug\.Builder|Phoenix\.Controller)\b"
    rb"|use\s+[A-Z][\w.]*Web\s*,\s*:(?:controller|router)\b)",
    re.MULTILINE,
)


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    chain = captures["concat"][0]
    if not is_chain_top(chain):
        return
    call = _receiving_call(chain)
    if call is None:
        return
    sink = _sink(call, ctx)
    if sink is None:
        return
    name, (position, arities, applicability) = sink
    # A comment between arguments (one --add-suppressions put there) is no argument.
    # The fix replaces the chain alone, so no comment is lost.
    args = [a for a in effective_args(call) if a.type != "comment"]
    if len(args) not in arities:
        return
    data = args[position]
    if not same_node(data, chain):
        return
    operands = concat_operands(chain)
    if all(is_plain_string(o) for o in operands):
        return  # folded into one literal at compile time
    listed = "[" + ", ".join(text(o) for o in operands) + "]"
    message = (
        f"`{name}` receives `{shorten(text(chain))}`, a binary built only to be written; "
        f"pass the parts as iodata instead: `{shorten(listed)}`"
    )
    why = "" if applicability is Applicability.SAFE else " (the sink may treat a list differently)"
    fix = Fix(
        f"Pass the parts as an iodata list{why}",
        applicability,
        (Edit(chain.start_byte, chain.end_byte, listed),),
    )
    yield Violation(chain, message, fix)


def _receiving_call(chain: Node) -> Node | None:
    """The call `chain` is an argument of, directly or piped into."""
    parent = chain.parent
    if parent is None:
        return None
    if parent.type == "arguments" and parent.parent is not None and parent.parent.type == "call":
        return parent.parent
    if (
        parent.type == "binary_operator"
        and operator(parent) == "|>"
        and same_node(parent.child_by_field_name("left"), chain)
    ):
        right = parent.child_by_field_name("right")
        if right is not None and right.type == "call":
            return right
    return None


def _sink(call: Node, ctx: Context) -> tuple[str, tuple[int, frozenset[int], Applicability]] | None:
    module, function = call_name(call)
    imported = module is None and function in ("send_resp", "resp")
    if (imported and _IMPORTED_CONN.search(ctx.source)) or (
        module == "Conn" and _ALIASED_CONN.search(ctx.source)
    ):
        module = "Plug.Conn"
    entry = _SINKS.get((module, function))
    if entry is None:
        return None
    return f"{module}.{function}", entry


RULE = Rule(
    code="EP202",
    precision="1 of 14 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="concat-for-io",
    summary="`<>` chain built only to be written: pass iodata instead",
    severity=Severity.HINT,
    fix_availability=FixAvailability.ALWAYS,
    doc=__doc__,
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            'IO.puts("user " <> name <> " logged in")\n',
            'IO.puts(["user ", name, " logged in"])\n',
        ),
        Example(
            'File.write!(path, header <> "\\n" <> body, [:append])\n',
            'File.write!(path, [header, "\\n", body], [:append])\n',
        ),
        Example(
            ":gen_tcp.send(socket, header <> payload)\n",
            ":gen_tcp.send(socket, [header, payload])\n",
            inputs=(
                # a connected socket (the listener is kept by the evaluating process)
                "(fn -> {:ok, l} = :gen_tcp.listen(0, [:binary, active: false]);"
                " {:ok, p} = :inet.port(l);"
                " {:ok, s} = :gen_tcp.connect({127, 0, 0, 1}, p, [:binary, active: false]);"
                ' [[s, "len:", "abc"], [s, "", <<255, 0>>], [s, "é", ""]] end).()',
            ),
        ),
        Example(
            'prefix <> (line <> "\\n") |> IO.binwrite()\n',
            '[prefix, line, "\\n"] |> IO.binwrite()\n',
        ),
        Example(
            'IO.write("error: " <> reason)\n',
            'IO.write(["error: ", reason])\n',
            unsafe=True,
        ),
        Example(
            'conn |> Plug.Conn.send_resp(200, "<h1>" <> title <> "</h1>")\n',
            'conn |> Plug.Conn.send_resp(200, ["<h1>", title, "</h1>"])\n',
            unsafe=True,
        ),
    ),
    ok=(
        Example('IO.puts(["user ", name, " logged in"])\n'),
        Example('IO.puts("a" <> "b")\n'),
        Example('File.write!(dir <> "/out.txt", data)\n'),
        Example('message = "user " <> name\nLogger.info(message)\n'),
        Example('send_resp(conn, 200, "a" <> b)\n'),
    ),
)
