"""EP802 string-length-empty-check: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from tests.helpers import findings, fixed

CODE = "EP802"


safe_fix = partial(fixed, code=CODE)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = String.length(s) == 0\n", 'x = s == ""\n'),
        ("x = String.length(s) === 0\n", 'x = s == ""\n'),
        ("x = String.length(s) <= 0\n", 'x = s == ""\n'),
        ("x = String.length(s) < 1\n", 'x = s == ""\n'),
        ("x = 0 == String.length(s)\n", 'x = s == ""\n'),
        ("x = 1 > String.length(s)\n", 'x = s == ""\n'),
        ("x = String.length(s) != 0\n", 'x = s != ""\n'),
        ("x = String.length(s) !== 0\n", 'x = s != ""\n'),
        ("x = String.length(s) > 0\n", 'x = s != ""\n'),
        ("x = String.length(s) >= 1\n", 'x = s != ""\n'),
        ("x = 0 < String.length(s)\n", 'x = s != ""\n'),
        ("x = s |> String.length() == 0\n", 'x = s == ""\n'),
        ("x = String.length(user.name) > 0\n", 'x = user.name != ""\n'),
        ("x = String.length(opts[:sep]) == 0\n", 'x = opts[:sep] == ""\n'),
        ("x = String.length(String.trim(s)) == 0\n", 'x = String.trim(s) == ""\n'),
        ("x = String.length(a <> b) == 0\n", 'x = (a <> b) == ""\n'),
        ("x = s |> String.trim() |> String.length() > 0\n", 'x = (s |> String.trim()) != ""\n'),
        (
            "if String.length(s) == 0, do: :empty, else: :full\n",
            'if s == "", do: :empty, else: :full\n',
        ),
        (
            "Enum.filter(names, fn n -> String.length(n) > 0 end)\n",
            'Enum.filter(names, fn n -> n != "" end)\n',
        ),
        ("ok = String.length(s) > 0 and valid?(s)\n", 'ok = s != "" and valid?(s)\n'),
    ],
)
def test_replaces_the_count_with_a_comparison_to_the_empty_string(
    source: str, expected: str
) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is not None and finding.fix.is_safe
    assert safe_fix(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        'x = s == ""\n',
        "x = byte_size(s) == 0\n",
        "x = String.length(s) == 1\n",
        "x = String.length(s) > 1\n",
        "x = String.length(s) < 10\n",
        # always true or always false: not an emptiness test
        "x = String.length(s) >= 0\n",
        "x = String.length(s) < 0\n",
        # other length functions
        "x = length(list) == 0\n",
        "x = MyString.length(s) == 0\n",
        "x = String.length(s, :graphemes) == 0\n",
        # compared with something that is not a literal zero
        "x = String.length(s) == n\n",
        "x = String.length(a) == String.length(b)\n",
    ],
)
def test_does_not_report(source: str) -> None:
    assert findings(source, CODE) == []


def test_fixed_code_is_not_reported_again() -> None:
    source = "if String.length(name) > 0, do: greet(name)\n"
    assert findings(safe_fix(source), CODE) == []
