"""The session-wide BEAM run: every case compiled and exercised by one `elixir` process."""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

from .cases import (
    HarnessRun,
    Report,
    all_cases,
    finish_harness,
    judge,
    known_failure,
    start_harness,
)

_REPORT: list[Report] = []
_RUNNING: list[tuple[HarnessRun, Path]] = []


def _needs_report(item: pytest.Item) -> bool:
    return "beam_report" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The BEAM tests go last, so the run overlaps the others (and the self-check's
    own small run does not compete with it for the cores)."""
    here = Path(__file__).parent
    items.sort(key=lambda item: here in item.path.parents)  # stable within each group


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the BEAM run as soon as a test will need it: the VMs then work while
    the rest of the suite runs, and `beam_report` only waits for what is left."""
    if any(_needs_report(item) for item in session.items) and shutil.which("elixir") is not None:
        workdir = Path(tempfile.mkdtemp(prefix="beam-harness-"))
        _RUNNING.append((start_harness(all_cases(), workdir), workdir))


def pytest_sessionfinish(session: pytest.Session) -> None:
    for run, workdir in _RUNNING:
        run.kill()  # a run the session never waited for (-x, a deselection)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def beam_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    if shutil.which("elixir") is None:
        pytest.skip("`elixir` is not on PATH: the BEAM verification needs a real Elixir")
    if _RUNNING:
        report = finish_harness(_RUNNING[0][0])
    else:
        report = finish_harness(start_harness(all_cases(), tmp_path_factory.mktemp("beam")))
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
