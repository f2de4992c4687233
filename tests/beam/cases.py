"""What the BEAM harness verifies, and how its report is judged.

Cases come from two places:

* every rule's `bad` examples that have a fix (`Example.fixed` is not None),
  safe and unsafe alike, picked up from `registry.all_rules()`;
* edge-case fixtures in `tests/beam/fixtures/*.exs` (header comments, see
  README.md).

The fixed text is what the engine produces (`tests.helpers.fixed`), not the
documented `Example.fixed`: `test_rule_examples.py` already checks that the two
agree, and here we want to run what users get.

`Example.inputs` / a fixture's `# inputs:`: each string is an Elixir expression
that evaluates to a LIST OF ARGUMENT LISTS, one per call (`"[[[1, 2 | 3]], [[]]]"`
is two calls of an arity-1 function); see README.md.

All cases go to one `elixir tests/beam/harness.exs MANIFEST OUT` run per
session; the harness writes one JSON object per case and `judge` turns it into
pass / fail / skip according to docs/architecture.md §3.6.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from elixir_perf_lsp.engine import Target
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.engine.rule import Example, Rule

from ..helpers import fixed

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "harness.exs"
FIXTURES = HERE / "fixtures"

# Unsafe fixes whose only difference is timing, concurrency or resource use,
# so no input can show a different result: the "no witness" check is waived.
# Key: rule code; value: why. Keep this list short and justified.
UNSAFE_WITHOUT_WITNESS: dict[str, str] = {
    "EP702": "bounded concurrency changes scheduling and timeouts, not results",
}

# Rule examples that fail verification today: real findings, reported to the
# rule owners. Each is a strict xfail, so the suite stays green while they
# stand and turns red (XPASS) the day a fix makes them pass: then delete the
# entry. Matched by rule code and the start of the example's source (not its
# index, which moves when examples are added). Fixtures carry `# xfail:`.
KNOWN_FAILURES: tuple[tuple[str, str, str], ...] = ()


def known_failure(case: Case) -> str | None:
    if case.origin != "example":
        return None
    return next(
        (
            why
            for code, start, why in KNOWN_FAILURES
            if case.rule == code and case.source.startswith(start)
        ),
        None,
    )


# Text that marks a snippet as touching the file system: each call then runs in
# its own temp dir and the files left there are compared byte for byte.
_FILE_MARKERS = ("File.", ":file.", "Path.", ":ram_file")

EXPECTATIONS = ("safe", "unsafe", "no-fix")


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    origin: str  # "example" or "fixture"
    expect: str  # "safe", "unsafe" or "no-fix"
    source: str
    fixed: str | None  # None: the engine crashed or the case needs no BEAM run
    inputs: tuple[str, ...] = ()
    target: Target = Target()
    xfail: str | None = None
    problem: str | None = None  # set when the case cannot be built (engine crash, bad header)
    label: str | None = None  # "safe"/"unsafe": how the engine labels the applied fix

    @property
    def files(self) -> bool:
        text = self.source + (self.fixed or "")
        return any(marker in text for marker in _FILE_MARKERS)

    @property
    def runs_on_beam(self) -> bool:
        return self.problem is None and self.fixed is not None and self.fixed != self.source


def _target(example: Example) -> Target:
    return Target(*example.target)


def _label(source: str, code: str, target: Target) -> tuple[str, str, str]:
    """(fixed with safe fixes only, fixed with unsafe fixes too, label)."""
    safe_only = fixed(source, code, unsafe=False, target=target)
    with_unsafe = fixed(source, code, unsafe=True, target=target)
    label = "safe" if safe_only == with_unsafe else "unsafe"
    return safe_only, with_unsafe, label


def example_cases(rules: tuple[Rule, ...] | None = None) -> list[Case]:
    cases: list[Case] = []
    for rule in rules if rules is not None else all_rules():
        for index, example in enumerate(rule.bad):
            if example.fixed is None:
                continue
            first = example.source.strip().splitlines()[0][:40]
            case_id = f"{rule.code}:bad[{index}]:{first}"
            expect = "unsafe" if example.unsafe else "safe"
            target = _target(example)
            try:
                if example.unsafe:
                    _safe, out, label = _label(example.source, rule.code, target)
                else:
                    out, label = fixed(example.source, rule.code, False, target), "safe"
            except Exception as exc:  # a rule crash must not hide the other cases
                cases.append(
                    Case(
                        case_id,
                        rule.code,
                        "example",
                        expect,
                        example.source,
                        None,
                        problem=f"the engine raised while fixing: {exc!r}",
                    )
                )
                continue
            cases.append(
                Case(
                    case_id,
                    rule.code,
                    "example",
                    label,  # judged by what the engine does, whatever the flag says
                    example.source,
                    out,
                    inputs=example.inputs,
                    target=target,
                    label=label,
                )
            )
    return cases


_HEADER = re.compile(r"^#\s*(rule|expect|target|inputs|xfail)\s*:\s*(.*?)\s*$")


def parse_fixture(path: Path) -> Case:
    """A fixture: `# key: value` header lines, then the snippet.

    Keys: rule (required), expect (safe | unsafe | no-fix, required),
    target (`1.18/28`, `1.18`, `/28`), inputs (repeatable), xfail (reason).
    """
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    meta: dict[str, list[str]] = {}
    body_start = 0
    for i, line in enumerate(lines):
        match = _HEADER.match(line)
        if match is None:
            if line.strip() and not line.lstrip().startswith("#"):
                body_start = i
                break
            body_start = i + 1
            continue
        meta.setdefault(match.group(1), []).append(match.group(2))
    source = "".join(lines[body_start:])
    case_id = f"fixture:{path.name}"
    rule = (meta.get("rule") or [""])[0].upper()
    expect = (meta.get("expect") or [""])[0].lower()
    base = Case(case_id, rule, "fixture", expect, source, None)
    if not re.fullmatch(r"EP\d{3}", rule) or expect not in EXPECTATIONS:
        return _replace(base, problem=f"bad header: rule={rule!r} expect={expect!r}")
    target = _parse_target((meta.get("target") or [""])[0])
    xfail = meta["xfail"][0] if meta.get("xfail") else None
    base = _replace(base, inputs=tuple(meta.get("inputs", [])), target=target, xfail=xfail)
    try:
        safe_only, with_unsafe, label = _label(source, rule, target)
    except Exception as exc:
        return _replace(base, problem=f"the engine raised while fixing: {exc!r}")
    if expect == "no-fix":
        if with_unsafe != source:
            return _replace(
                base, problem=f"expected no fix, the engine fixed it to:\n{with_unsafe}"
            )
        return base
    if expect == "safe" and safe_only == source:
        reason = "no fix at all" if with_unsafe == source else "only an unsafe fix"
        return _replace(base, problem=f"expected a safe fix, the engine offers {reason}")
    if expect == "unsafe":
        if with_unsafe == source:
            return _replace(base, problem="expected an unsafe fix, the engine offers none")
        if label == "safe":
            return _replace(
                base,
                fixed=with_unsafe,
                label=label,
                problem="expected the fix to be labelled unsafe, the engine labels it safe "
                f"(it applies without --unsafe-fixes):\n{with_unsafe}",
            )
    out = safe_only if expect == "safe" else with_unsafe
    return _replace(base, fixed=out, label=label)


def _replace(case: Case, **changes: Any) -> Case:
    return replace(case, **changes)


def _parse_target(value: str) -> Target:
    if not value:
        return Target()
    elixir_part, _, otp_part = value.partition("/")
    elixir: tuple[int, int] | None = None
    if elixir_part.strip():
        major, minor = elixir_part.strip().split(".")[:2]
        elixir = (int(major), int(minor))
    otp = int(otp_part) if otp_part.strip() else None
    return Target(elixir, otp)


def fixture_cases() -> list[Case]:
    return [parse_fixture(p) for p in sorted(FIXTURES.glob("*.ex*"))]


def all_cases() -> list[Case]:
    return example_cases() + fixture_cases()


# --------------------------------------------------------------- running ---


@dataclass
class Report:
    elixir: str
    otp: str
    seconds: float
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    stderr: str = ""

    @property
    def elixir_version(self) -> tuple[int, int]:
        major, minor = self.elixir.split(".")[:2]
        return int(major), int(minor)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def write_manifest(cases: list[Case], path: Path) -> None:
    """An Elixir list of maps, every text Base64-encoded (read by harness.exs)."""
    rows = []
    for case in cases:
        assert case.fixed is not None
        inputs = ", ".join(f'"{_b64(i)}"' for i in case.inputs)
        rows.append(
            f'  %{{id: "{_b64(case.id)}", before: "{_b64(case.source)}", '
            f'after: "{_b64(case.fixed)}", inputs: [{inputs}], '
            f"files: {'true' if case.files else 'false'}}}"
        )
    path.write_text("[\n" + ",\n".join(rows) + "\n]\n", encoding="utf-8")


@dataclass
class HarnessRun:
    """VMs started by `start_harness`; `finish_harness` waits for their report."""

    procs: list[tuple[subprocess.Popen[bytes], Path]]
    started: float

    def kill(self) -> None:
        for proc, _out in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def run_harness(cases: list[Case], workdir: Path, timeout: float = 900, jobs: int = 0) -> Report:
    """Run every runnable case and wait for the report."""
    return finish_harness(start_harness(cases, workdir, jobs), timeout)


def start_harness(cases: list[Case], workdir: Path, jobs: int = 0) -> HarnessRun:
    """Start the VMs running every runnable case; `jobs` VMs in parallel (default:
    one per core, at most 2).

    Each VM gets every `jobs`-th case; a VM is one `elixir` process compiling
    its cases' modules and writing one JSON line per case.
    """
    elixir = shutil.which("elixir")
    if elixir is None:
        raise FileNotFoundError("elixir")
    runnable = [c for c in cases if c.runs_on_beam]
    jobs = jobs or max(1, min(2, os.cpu_count() or 1))
    shards = [runnable[i::jobs] for i in range(jobs) if runnable[i::jobs]] or [[]]
    started = time.monotonic()
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []
    for index, shard in enumerate(shards):
        manifest = workdir / f"manifest{index}.exs"
        out = workdir / f"report{index}.jsonl"
        write_manifest(shard, manifest)
        # Output goes to files, not pipes: nobody reads while the VMs run in the
        # background, and a full pipe would stall them.
        with (
            out.with_suffix(".stdout").open("wb") as stdout,
            out.with_suffix(".stderr").open("wb") as stderr,
        ):
            proc = subprocess.Popen(
                [elixir, str(HARNESS), str(manifest), str(out)],
                stdout=stdout,
                stderr=stderr,
                cwd=workdir,
            )
        procs.append((proc, out))
    return HarnessRun(procs, started)


def finish_harness(run: HarnessRun, timeout: float = 900) -> Report:
    """Wait for the VMs of `run` and read their report."""
    procs, started = run.procs, run.started
    report: Report | None = None
    errors: list[str] = []
    stderr_all: list[str] = []
    for proc, out in procs:
        try:
            proc.wait(timeout=max(0.0, started + timeout - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            errors.append(f"harness timed out after {timeout} s")
        stdout = out.with_suffix(".stdout").read_text(encoding="utf-8", errors="replace")
        stderr = out.with_suffix(".stderr").read_text(encoding="utf-8", errors="replace")
        stderr_all.append(stderr)
        lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
        if proc.returncode != 0 or not lines:
            errors.append(
                f"harness exited with {proc.returncode}\n{stdout[-3000:]}\n{stderr[-6000:]}"
            )
            continue
        header = json.loads(lines[0])
        if report is None:
            report = Report(header["elixir"], header["otp"], 0.0)
        for line in lines[1:]:
            row = json.loads(line)
            case_id = base64.b64decode(row["id"]).decode("utf-8")
            row["id"] = case_id
            report.results[case_id] = row
    if report is None:
        raise RuntimeError("\n".join(errors))
    report.seconds = time.monotonic() - started
    report.stderr = "\n".join([*errors, *stderr_all])
    return report


# --------------------------------------------------------------- judging ---


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "pass", "fail", "skip"
    message: str
    details: str = ""


def _samples(row: dict[str, Any], kind: str, limit: int = 8) -> str:
    out = []
    for sample in row.get("samples", []):
        if sample["kind"] != kind:
            continue
        out.append(
            f"    {sample['call']}\n"
            f"      differs in: {', '.join(sample['differs_in'])}\n"
            f"      before: {sample['before']}\n"
            f"      after:  {sample['after']}"
        )
        if len(out) >= limit:
            break
    return "\n".join(out)


def describe(row: dict[str, Any]) -> str:
    functions = ", ".join(row.get("functions", [])) or "-"
    parts = [
        f"shape={row.get('shape')} functions={functions}",
        f"calls={row.get('calls')} before_returned={row.get('before_ok')} equal={row.get('equal')} "
        f"violations={row.get('violations')} both_raised_alike={row.get('both_raise_same')} "
        f"raise_differences={row.get('raise_diffs')} ({row.get('seconds')} s)",
    ]
    if row.get("vars"):
        parts.append("free variables (argument order): " + ", ".join(row["vars"]))
    if row.get("stubs"):
        parts.append("stubbed: " + ", ".join(row["stubs"]))
    if row.get("truncated"):
        parts.append("TRUNCATED: the case ran out of its time budget")
    return "\n".join(parts)


def judge(case: Case, report: Report | None) -> Verdict:
    if case.problem is not None:
        return Verdict("fail", case.problem)
    if case.expect == "no-fix":
        return Verdict("pass", "no fix offered, as expected")
    if not case.runs_on_beam:
        return Verdict("skip", "the engine applies no fix to this example (see test_rule_examples)")
    assert report is not None
    row = report.results.get(case.id)
    if row is None:
        return Verdict(
            "fail", "the harness produced no result for this case", report.stderr[-4000:]
        )
    newer = case.target.elixir is not None and case.target.elixir > report.elixir_version
    status = row.get("status")
    if status == "before_compile_error" or status == "before_parse_error":
        return Verdict("skip", f"the original snippet does not compile here: {row.get('error')}")
    if status != "ok":
        if newer:
            return Verdict(
                "skip",
                f"target Elixir {case.target.describe()} is newer than the installed "
                f"{report.elixir}: {status}: {row.get('error')}",
            )
        return Verdict(
            "fail",
            f"{status}: {row.get('error')}\n{row.get('warnings', '')}\nfixed text:\n{case.fixed}",
        )
    info = describe(row)
    if row.get("after_missing"):
        return Verdict(
            "fail", "the fixed code lost functions: " + ", ".join(row["after_missing"]), info
        )
    raise_diffs = _samples(row, "raise_diff")
    if case.expect == "safe":
        if row["violations"]:
            verdict = Verdict(
                "fail",
                f"a fix labelled safe changes behaviour on {row['violations']} input(s) that the "
                f"original accepts without raising:\n{_samples(row, 'violation')}",
                info,
            )
            if newer and "UndefinedFunctionError" in verdict.message:
                return Verdict("skip", f"needs Elixir {case.target.describe()}: {verdict.message}")
            return verdict
        if not row["before_ok"]:
            return Verdict(
                "skip",
                "vacuous: the original raised on every generated input, so nothing was verified "
                "(add Example.inputs)",
                info,
            )
        extra = (
            f"\ninfo: where the original raises, the fix behaves differently:\n{raise_diffs}"
            if raise_diffs
            else ""
        )
        return Verdict("pass", f"identical on {row['before_ok']} accepted inputs{extra}", info)
    # unsafe
    differing = row["violations"] + row["raise_diffs"]
    shown = "\n".join(s for s in (_samples(row, "violation"), raise_diffs) if s)
    if case.origin == "fixture" and not row["violations"]:
        return Verdict(
            "fail",
            "this fixture documents an unsafe fix, but no input the original accepts behaves "
            f"differently after it{(':' + chr(10) + shown) if shown else ''}",
            info,
        )
    if differing:
        return Verdict(
            "pass",
            f"unsafe as labelled: {row['violations']} accepted input(s) and {row['raise_diffs']} "
            f"raising input(s) behave differently:\n{shown}",
            info,
        )
    if case.rule in UNSAFE_WITHOUT_WITNESS:
        return Verdict(
            "pass", f"no differing input; unsafe because {UNSAFE_WITHOUT_WITNESS[case.rule]}", info
        )
    return Verdict(
        "fail",
        "labelled unsafe, but no generated input behaves differently: add Example.inputs that "
        "show why it is unsafe, or list the rule in UNSAFE_WITHOUT_WITNESS with the reason",
        info,
    )
