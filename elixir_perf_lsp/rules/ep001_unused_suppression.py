"""## What it does
Flags `# elixir-perf:disable-…` comments that silence nothing, and suppressions
that name a rule code that does not exist.

## Why is this bad?
Suppressions outlive the code they were written for. A comment that no longer
silences anything hides nothing today but will silently swallow a real finding
tomorrow, and an unknown code is usually a typo that silences nothing at all.
Like ruff's unused-`noqa` check, this keeps them from piling up.

Measured: no runtime cost; this rule is about keeping suppressions honest.

## Example
```elixir
# elixir-perf:disable-for-next-line EP101
def f([]), do: :empty
```

Use instead:
```elixir
def f([]), do: :empty
```

## Fix safety
Removing a suppression that silences nothing changes no finding and no code
behaviour: **safe**. A suppression with unknown codes or only partly unused
codes is reported without a fix, since what was meant is a human's call.
The engine computes this rule itself after all other rules ran; suppressions
for rules that are not selected are never reported as unused.

## References
- [ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
"""

from __future__ import annotations

from elixir_perf_lsp.engine.prelude import *


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    return iter(())  # computed by the engine from suppression bookkeeping


RULE = Rule(
    code="EP001",
    name="unused-suppression",
    summary="a suppression comment that silences nothing",
    severity=Severity.HINT,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__ or "",
    cost="none at runtime; stale suppressions hide future findings.",
    query="",
    check=check,
    bad=(
        Example(
            "# elixir-perf:disable-for-next-line\ndef f([]), do: :empty\n",
            "def f([]), do: :empty\n",
        ),
        Example(
            "x = items == []  # elixir-perf:disable-for-this-line\n",
            "x = items == []\n",
        ),
        Example("# elixir-perf:disable-for-next-line EP999\nx = 1\n"),
    ),
    ok=(
        Example("# elixir-perf:disable-for-next-line EP102\nx = length(items) == 0\n"),
        Example("# an ordinary comment\nx = 1\n"),
    ),
)
