"""## What it does
Flags `Regex.compile!/1,2` and `Regex.compile/1,2` with a constant string
pattern (and constant options) inside a `def`/`defp` body, and `:re.compile/1,2`
and `:re.run/2,3` with a constant pattern.

## Why is this bad?
These compile the pattern again on every call. On OTP ≤ 27 a `~r` literal is
compiled once, when the module is compiled, and stored as a literal.

Not reported when the target is OTP 28 or newer: there a `~r` literal or a regex
attribute is rebuilt on every evaluation as well, and we measured no gain on
Elixir 1.20.4 / OTP 29 (`Regex.compile!` per call vs `@attr ~r`: 1.76 µs vs
1.56 µs per call, and 203 ms vs 239 ms for 100k calls; `:re.run` with a string
was even faster than with a precompiled pattern). With an unknown target the
rule still reports, since most deployed code runs on OTP ≤ 27.

Measured: {cost}

## Example
```elixir
def extract_emails(text) do
  Regex.scan(Regex.compile!("[\\\\w.]+@[\\\\w.]+", "i"), text)
end
```

Use instead:
```elixir
@extract_emails_regex ~r/[\\w.]+@[\\w.]+/i

def extract_emails(text) do
  Regex.scan(@extract_emails_regex, text)
end
```

## Fix safety
`Regex.compile!("…", "opts")` becomes a `~r` literal with exactly the same
`Regex.source/1` and `Regex.opts/1`: string escapes are translated (`"\\\\d"` is
`\\d`, `"\\n"` a raw newline, `"\\d"` the DEL character), the delimiter is one that
does not occur in the pattern, and on Elixir ≤ 1.15, where `~r` itself turns
`\\n`, `\\t`… into raw characters, `~R` is used when needed. The literal goes into a
module attribute named after the function (`@extract_emails_regex`, `_2` on a
clash), inserted above the function's `@doc`/`@spec`. Where attributes cannot
hold a regex (Elixir < 1.19 on OTP 28+: a compile error on 1.18.0 to 1.18.3, a
`Regex.compile!/2` per read on 1.18.4), or the target versions are unknown, the
`~r` literal is inlined instead, which compiles on every version. The result is
the same regex for every input: **safe**. A pattern that cannot compile raised
on every call before and would fail the build after, so no fix is offered unless
the pattern is certainly valid (checked with Python's `re`, which agrees with
PCRE on common syntax and is stricter elsewhere).
No fix for `Regex.compile/1,2` (its `{:ok, regex}`/`{:error, _}` result), list
options (`Regex.opts/1` would change from a list to a string), patterns with no
exact `~r` spelling, and `:re` calls (their results differ from `Regex`'s, and a
precompiled `:re` pattern is tied to the OTP release that built it).

## References
- [Regex: precompilation](https://hexdocs.pm/elixir/Regex.html#module-precompilation)
- [Elixir v1.18.4 release notes (regexes in module attributes on OTP 28)](https://github.com/elixir-lang/elixir/releases/tag/v1.18.4)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from elixir_perf_lsp.analysis.nodes import call_args, call_name, pipe_source, text
from elixir_perf_lsp.analysis.regex import (
    enclosing_module,
    function_definition,
    insertion_point,
    module_attributes,
    regex_attribute_name,
    regex_attributes_work,
    render_regex_sigil,
    string_literal_value,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = 'per call, `Regex.compile!/1` of a constant pattern took 1.70 µs vs 0.67 µs with a `@attr ~r` (2.1–2.6×); `:re.run(s, "pattern")` took 1.17 µs vs 0.47 µs with a precompiled pattern.'

QUERY = """
(call
  target: (dot
    left: (alias) @ep301_mod (#eq? @ep301_mod "Regex")
    right: (identifier) @ep301_fn (#any-of? @ep301_fn "compile!" "compile"))) @ep301_regex
(call
  target: (dot
    left: (atom) @ep301_emod (#eq? @ep301_emod ":re")
    right: (identifier) @ep301_efn (#any-of? @ep301_efn "compile" "run"))) @ep301_re
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if ctx.target.otp_at_least(28):
        # Measured on Elixir 1.20 / OTP 29: a `~r` literal or attribute is rebuilt on
        # every evaluation there too, so no rewrite is faster (0.85-1.13x).
        return
    if "ep301_regex" in captures:
        yield from _check_regex(captures["ep301_regex"][0], ctx)
    elif "ep301_re" in captures:
        yield from _check_re(captures["ep301_re"][0])


def _constant(node: Node) -> bool:
    if string_literal_value(node) is not None:
        return True
    if node.type == "charlist":
        start = node.child_by_field_name("quoted_start")
        return (
            start is not None
            and text(start) == "'"
            and not any(c.type == "interpolation" for c in node.named_children)
        )
    return False


def _literal_options(node: Node) -> bool:
    if string_literal_value(node) is not None:
        return True
    return node.type == "list" and all(c.type == "atom" for c in node.named_children)


def _check_regex(call: Node, ctx: Context) -> Iterator[Violation]:
    name = call_name(call)[1]
    piped = pipe_source(call)
    args = [piped, *call_args(call)] if piped is not None else call_args(call)
    if not 1 <= len(args) <= 2 or string_literal_value(args[0]) is None:
        return
    if len(args) == 2 and not _literal_options(args[1]):
        return
    definition = function_definition(call)
    if definition is None:
        return
    head = f"`Regex.{name}/{len(args)}` compiles a constant pattern on every call"
    if name == "compile":
        yield Violation(
            call,
            f"{head}; use a `~r` literal (`{{:ok, ~r/…/}}` where the tuple is needed) — "
            "no automatic fix: the `{:error, _}` branch would change",
        )
        return
    pattern = string_literal_value(args[0])
    assert pattern is not None
    options = string_literal_value(args[1]) if len(args) == 2 else b""
    if options is None:
        yield Violation(
            call,
            f"{head}; use a `~r` literal — no automatic fix: list options have no "
            "modifier spelling that keeps `Regex.opts/1`",
        )
        return
    rendered = render_regex_sigil(pattern, options.decode("latin-1"), ctx.target.elixir)
    if rendered.text is None or piped is not None:
        reason = rendered.reason or "the pattern is piped in"
        yield Violation(call, f"{head}; use a `~r` literal — no automatic fix: {reason}")
        return
    sigil = rendered.text
    # A `~r` literal is compiled with the module: an invalid pattern that raised on
    # each call would fail the whole build, and fixed code must compile.
    if not _surely_valid(pattern):
        yield Violation(
            call,
            f"{head}; use a `~r` literal once the pattern is valid — no automatic fix: "
            "the pattern does not compile (or uses syntax this check cannot verify)",
        )
        return
    applicability = Applicability.SAFE
    works = regex_attributes_work(ctx.target)
    module = enclosing_module(definition.call)
    place = insertion_point(definition, ctx.source) if works and module is not None else None
    if place is not None and module is not None:
        attribute = regex_attribute_name(definition.name, module_attributes(module))
        offset, indent = place
        fix = Fix(
            f"Hoist the regex into `@{attribute} {sigil}`",
            applicability,
            (
                Edit(offset, offset, f"{indent}@{attribute} {sigil}\n\n"),
                Edit(call.start_byte, call.end_byte, f"@{attribute}"),
            ),
        )
        yield Violation(call, f"{head}; hoist it into a module attribute `@{attribute}`", fix)
        return
    if works is False:
        why = (
            f" (inlined: on {ctx.target.describe()} a module attribute cannot hold a regex, "
            "and a `~r` literal is compiled at run time too, so this only names the "
            "pattern; compile it once outside hot loops)"
        )
    elif works is None:
        why = (
            f" (inlined rather than hoisted into a module attribute: the target "
            f"({ctx.target.describe()}) may be Elixir 1.18 on OTP 28, which cannot read "
            "regexes from attributes)"
        )
    else:
        why = ""
    fix = Fix(
        f"Replace with the literal `{sigil}`",
        applicability,
        (Edit(call.start_byte, call.end_byte, sigil),),
    )
    yield Violation(call, f"{head}; use the literal `{sigil}`{why}", fix)


def _surely_valid(pattern: bytes) -> bool:
    """Whether PCRE certainly accepts `pattern`, judged by Python's `re`.

    The two agree on common syntax; where Python rejects something PCRE accepts
    (`\\p{L}`, `\\K`, `(?|…)`), the answer is a conservative no.
    """
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


def _check_re(call: Node) -> Iterator[Violation]:
    name = call_name(call)[1]
    args = call_args(call)
    if pipe_source(call) is not None:
        return
    if name == "compile" and 1 <= len(args) <= 2 and _constant(args[0]):
        what = "`:re.compile` compiles a constant pattern on every call"
    elif name == "run" and 2 <= len(args) <= 3 and _constant(args[1]):
        what = "`:re.run` with a constant string pattern compiles it on every call"
    else:
        return
    if function_definition(call) is None:
        return
    yield Violation(
        call,
        f"{what}; use `Regex` with a `~r` literal (compiled once) — no automatic fix: "
        "`:re` results and options differ from `Regex`'s",
    )


RULE = Rule(
    # Looks at module attributes and inserts above the function: not form-local.
    scope="file",
    code="EP301",
    precision="no finding on the 17 projects of `benchmarks/precision` (1.5M lines, 2026-12-06).",
    name="regex-compile-in-function",
    summary="A constant regex compiled on every call (`Regex.compile!`, `:re.run` with a string)",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "defmodule Mail do\n"
            '  @doc "Finds addresses."\n'
            "  def extract_emails(text) do\n"
            '    Regex.scan(Regex.compile!("[\\\\w.]+@[\\\\w.]+", "i"), text)\n'
            "  end\n"
            "end\n",
            "defmodule Mail do\n"
            "  @extract_emails_regex ~r/[\\w.]+@[\\w.]+/i\n"
            "\n"
            '  @doc "Finds addresses."\n'
            "  def extract_emails(text) do\n"
            "    Regex.scan(@extract_emails_regex, text)\n"
            "  end\n"
            "end\n",
            target=((1, 14), 25),
        ),
        Example(
            "defmodule Paths do\n"
            '  def split(path), do: String.split(path, Regex.compile!("/+"))\n'
            "end\n",
            "defmodule Paths do\n  def split(path), do: String.split(path, ~r|/+|)\nend\n",
        ),
        Example(
            "defmodule Lines do\n"
            "  def count(text) do\n"
            '    length(Regex.scan(Regex.compile!("\\\\r?\\\\n"), text))\n'
            "  end\n"
            "end\n",
            "defmodule Lines do\n"
            "  def count(text) do\n"
            "    length(Regex.scan(~r/\\r?\\n/, text))\n"
            "  end\n"
            "end\n",
            target=((1, 18), None),
        ),
        Example(
            "defmodule Conf do\n"
            '  def comment?(line), do: :re.run(line, "^\\\\s*#") != :nomatch\n'
            "end\n",
        ),
    ),
    ok=(
        Example(
            'def emails(t), do: Regex.scan(Regex.compile!("[a-z]+@[a-z]+"), t)\n',
            target=((1, 20), 29),
        ),
        Example("defmodule A do\n  def m(s, p), do: Regex.match?(Regex.compile!(p), s)\nend\n"),
        Example('defmodule A do\n  @re Regex.compile!("a+")\n  def m(s), do: s =~ @re\nend\n'),
        Example(
            'defmodule A do\n  def m(s, w), do: Regex.compile!("\\\\b#{w}\\\\b") |> Regex.run(s)\nend\n'
        ),
        Example("defmodule A do\n  def m(s), do: Regex.run(~r/a+/, s)\nend\n"),
    ),
)
