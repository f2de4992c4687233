"""The session-wide BEAM run: every case compiled and exercised by one `elixir` process."""

from __future__ import annotations

import shutil
from collections import defaultdict

import pytest

from .cases import Report, all_cases, judge, known_failure, run_harness

_REPORT: list[Report] = []


@pytest.fixture(scope="session")
def beam_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    if shutil.which("elixir") is None:
        pytest.skip("`elixir` is not on PATH: the BEAM verification needs a real Elixir")
    report = run_harness(all_cases(), tmp_path_factory.mktemp("beam"))
    _REPORT.append(report)
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per rule: how many fixes were verified on the BEAM, and how."""
    if not _REPORT:
        return
    report = _REPORT[0]
    per_rule: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in all_cases():
        verdict = judge(case, report)
        row = report.results.get(case.id, {})
        counts = per_rule[case.rule]
        counts[f"{case.origin}s"] += 1
        known = verdict.outcome == "fail" and (case.xfail or known_failure(case))
        counts["xfail" if known else verdict.outcome] += 1
        counts["calls"] += int(row.get("calls") or 0)
        counts["violations"] += int(row.get("violations") or 0)
    write = terminalreporter.write_line
    terminalreporter.section(
        f"BEAM fix verification (Elixir {report.elixir} / OTP {report.otp}, {report.seconds:.1f} s)"
    )
    for code in sorted(per_rule):
        c = per_rule[code]
        write(
            f"{code}: examples={c['examples']} fixtures={c['fixtures']} pass={c['pass']} "
            f"known-bad={c['xfail']} fail={c['fail']} skip={c['skip']} calls={c['calls']} "
            f"violations={c['violations']}"
        )
