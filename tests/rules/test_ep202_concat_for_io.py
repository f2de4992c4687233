"""EP202 concat-for-io: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from tests.helpers import findings, fixed

CODE = "EP202"


safe_fix = partial(fixed, code=CODE)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('IO.puts("a" <> b)\n', 'IO.puts(["a", b])\n'),
        ('IO.puts(:stderr, "a" <> b)\n', 'IO.puts(:stderr, ["a", b])\n'),
        ("IO.binwrite(dev, a <> b <> c)\n", "IO.binwrite(dev, [a, b, c])\n"),
        ("File.write(path, a <> b)\n", "File.write(path, [a, b])\n"),
        ("File.write!(path, a <> b, [:append])\n", "File.write!(path, [a, b], [:append])\n"),
        (":gen_tcp.send(sock, a <> b)\n", ":gen_tcp.send(sock, [a, b])\n"),
        ('"a" <> b |> IO.puts()\n', '["a", b] |> IO.puts()\n'),
        ("(a <> b) <> (c <> d) |> IO.binwrite()\n", "[a, b, c, d] |> IO.binwrite()\n"),
        (
            'IO.puts("#{n} items: " <> Enum.join(items, ", "))\n',
            'IO.puts(["#{n} items: ", Enum.join(items, ", ")])\n',
        ),
        ("IO.puts(a <> (b |> String.trim()))\n", "IO.puts([a, (b |> String.trim())])\n"),
    ],
)
def test_safe_fix_passes_the_parts_as_an_iodata_list(source: str, expected: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is not None and finding.fix.is_safe
    assert safe_fix(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        'IO.write("a" <> b)\n',
        'IO.write(:stdio, "a" <> b)\n',
        'Plug.Conn.send_resp(conn, 200, "a" <> b)\n',
        'Plug.Conn.resp(conn, 200, "a" <> b)\n',
        'import Plug.Conn\nsend_resp(conn, 200, "a" <> b)\n',
        'use MyAppWeb, :controller\ndef index(conn, _), do: send_resp(conn, 200, "a" <> b)\n',
        'alias Plug.Conn\nConn.send_resp(conn, 200, "a" <> b)\n',
        'import Plug.Conn\nconn |> resp(200, "a" <> b)\n',
    ],
)
def test_fix_is_unsafe_for_io_write_and_plug(source: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is not None and not finding.fix.is_safe
    assert fixed(source, CODE) == source
    assert '["a", b]' in fixed(source, CODE, unsafe=True)


@pytest.mark.parametrize(
    "source",
    [
        # only literals: folded at compile time
        'IO.puts("a" <> "b" <> "c")\n',
        # the chain is not the data argument
        'File.write!(dir <> "/out", data)\n',
        'IO.puts(dev <> "x", data)\n',
        ':gen_tcp.send(a <> b, "x")\n',
        # not a sink, or not straight to it
        'Logger.info("a" <> b)\n',
        'msg = "a" <> b\nIO.puts(msg)\n',
        'IO.puts(String.upcase("a" <> b))\n',
        'IO.inspect("a" <> b)\n',
        # unqualified send_resp without Plug.Conn imported: may be a local function
        'send_resp(conn, 200, "a" <> b)\n',
        'Conn.send_resp(conn, 200, "a" <> b)\n',
        # already iodata
        'IO.puts(["a", b])\n',
        # wrong arity
        'IO.puts(:stderr, "a" <> b, :extra)\n',
    ],
)
def test_does_not_report(source: str) -> None:
    assert findings(source, CODE) == []


def test_fixed_code_is_not_reported_again() -> None:
    source = 'IO.puts("user " <> name <> "!")\n'
    assert findings(safe_fix(source), CODE) == []


def test_handles_a_very_long_chain_without_recursion() -> None:
    chain = " <> ".join(f"x{i}" for i in range(3000))
    source = f"IO.puts({chain})\n"
    [finding] = findings(source, CODE)
    assert finding.fix is not None
    assert finding.fix.edits[0].content.count(", ") == 2999
