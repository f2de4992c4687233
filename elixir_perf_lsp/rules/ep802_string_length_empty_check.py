"""## What it does
Flags `String.length(s)` compared with 0 to test whether a string is empty, in
any spelling: `String.length(s) == 0`, `!= 0`, `> 0`, `>= 1`, `< 1`, `<= 0`,
`0 == String.length(s)`, `s |> String.length() > 0`.

## Why is this bad?
`String.length/1` counts grapheme clusters: it walks the whole string and runs
the Unicode segmentation rules on every character, only to compare the count
with zero. `s == ""` answers the same question in constant time.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
if String.length(name) > 0, do: greet(name)
```

Use instead:
```elixir
if name != "", do: greet(name)
```

## Fix safety
`String.length/1` only accepts binaries (anything else raises
`FunctionClauseError`), and a binary has zero graphemes exactly when it is
empty: every non-empty binary, invalid UTF-8 and lone combining marks included,
counts at least one (checked on the BEAM). So `s == ""` and `s != ""` give the
same answer for every input the original accepts: **safe**. (`byte_size(s) == 0`
would do too; `s == ""` reads better.) Comparisons that are always true or
false (`>= 0`, `< 0`) and other counts are left alone.

## References
- [String.length/1](https://hexdocs.pm/elixir/String.html#length/1)
- [Credo.Check.Warning.ExpensiveEmptyEnumCheck](https://hexdocs.pm/credo/Credo.Check.Warning.ExpensiveEmptyEnumCheck.html), the same idea for lists
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.lists import TIGHT_OPERANDS, read_count_comparison
from elixir_perf_lsp.analysis.nodes import call_name, text
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures

COST = '`String.length(s) == 0` took 40 µs on a 1,000-byte ASCII string (40–160 µs across runs) and 3.8 ms on a 100,000-byte one, vs 14 ns for `s == ""` at any size.'

QUERY = """
(binary_operator
  operator: _ @operator
  (#any-of? @operator "==" "!=" "===" "!==" ">" ">=" "<" "<=")) @comparison
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    comparison = captures["comparison"][0]
    read = read_count_comparison(comparison)
    if read is None or read.extra or call_name(read.call) != ("String", "length"):
        return
    test, operand = read.test, read.operand
    if test.exact == 0 or test.at_most == 0:
        relation = "=="
    elif test.at_least == 1:
        relation = "!="
    else:
        return
    subject = ctx.text(operand)
    if operand.type not in TIGHT_OPERANDS:
        subject = f"({subject})"
    replacement = f'{subject} {relation} ""'
    message = (
        f"`{_short(text(comparison))}` counts every grapheme of the string to test emptiness; "
        f"use `{_short(replacement)}`"
    )
    fix = Fix(
        f"Replace with `{_short(replacement)}`",
        Applicability.SAFE,
        (Edit(comparison.start_byte, comparison.end_byte, replacement),),
    )
    yield Violation(comparison, message, fix)


def _short(source: str, limit: int = 60) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


RULE = Rule(
    code="EP802",
    precision="1 of 4 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="string-length-empty-check",
    summary="`String.length/1` compared with 0 to test for an empty string",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.ALWAYS,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example("empty? = String.length(name) == 0\n", 'empty? = name == ""\n'),
        Example(
            "if String.length(name) > 0, do: greet(name)\n",
            'if name != "", do: greet(name)\n',
        ),
        Example("blank = 0 === String.length(s)\n", 'blank = s == ""\n'),
        Example("ok = String.length(s) >= 1\n", 'ok = s != ""\n'),
        Example(
            'present = params["q"] |> String.trim() |> String.length() != 0\n',
            'present = (params["q"] |> String.trim()) != ""\n',
        ),
    ),
    ok=(
        Example('empty? = name == ""\n'),
        Example("short? = String.length(name) < 3\n"),
        Example("single? = String.length(name) == 1\n"),
        Example("empty? = byte_size(name) == 0\n"),
        Example("always = String.length(name) >= 0\n"),
    ),
)
