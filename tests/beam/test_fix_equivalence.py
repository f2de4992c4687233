"""Every fix, run on the real BEAM: before and after must agree (docs/architecture.md §3.6).

A safe fix must give the same result, exception and side effects (stdout,
stderr, files, stubbed calls, messages) for every generated input on which
the original returns. An unsafe fix must show at least one input where it
differs (printed), unless its rule is listed in UNSAFE_WITHOUT_WITNESS.
See tests/beam/README.md.
"""

from __future__ import annotations

import pytest

from .cases import Case, Report, all_cases, judge, known_failure

pytestmark = pytest.mark.beam

CASES = all_cases()


def _params() -> list[object]:
    params: list[object] = []
    for case in CASES:
        reason = case.xfail or known_failure(case)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_fix_behaves_as_labelled_on_the_beam(case: Case, beam_report: Report) -> None:
    verdict = judge(case, beam_report)
    if verdict.outcome == "fail":
        pytest.fail(
            f"{verdict.message}\n{verdict.details}\n"
            f"--- before ---\n{case.source}--- after ---\n{case.fixed}",
            pytrace=False,
        )
    # Shown with `pytest -rA` / `-s`: what was verified, and the differing inputs.
    print(f"[{case.id}] expect={case.expect}: {verdict.message}")
    if verdict.details:
        print(verdict.details)
    if verdict.outcome == "skip":
        pytest.skip(verdict.message.splitlines()[0][:300])
