"""Every hostile case of issue 20, thrown at the CLI and the server.

Prints, per case: seconds, peak memory (the CLI's peak RSS; the server's VmHWM
so far), the outcome, and whether it stayed bounded: no file over the 10 s
analysis budget, no process over 300 MB, no request unanswered, no edit lost.
The CLI's file/--fix/config/launch cases come from benchmarks/hostile_cli.py when
that module is there (it was written on another branch); without it a minimal
set of CLI file cases runs here. The fuzz run is benchmarks/fuzz.py.

    python benchmarks/hostile.py [--edits 50000] [--fuzz-examples 100] [--quick]

Exit status 1 when any case is unbounded or wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from tests.lsp.jsonrpc import RawServer  # noqa: E402  (one raw client, shared with the tests)

BUDGET_S = 10.0
# Answer time allowed on top of the analysis budget: parsing, transfer, startup.
SLACK_S = 1.5
MAX_MB = 300.0
CLI_TIMEOUT_S = 60.0
CLI_MEMORY_CAP = 2 * 1024**3


@dataclass(frozen=True)
class Row:
    side: str
    name: str
    seconds: float
    peak_mb: float
    outcome: str
    problem: str | None = None


# --- inputs ---------------------------------------------------------------------------


def chain(terms: int, op: str = "+", term: str = "1") -> str:
    return f"defmodule A do\n  def f(xs) do\n    {f' {op} '.join([term] * terms)}\n  end\nend\n"


def deep_calls(depth: int) -> str:
    return "x = " + "length(" * depth + "xs" + ")" * depth + "\n"


def and_line(megabytes: float) -> str:
    return "x = " + " and ".join(["a"] * int(megabytes * 1024 * 1024 / 6)) + "\n"


def over_size_limit() -> str:
    return "def a(xs), do: length(xs) == 0\n" * (10 * 1024 * 1024 // 31)


# The slow one: every term is a finding whose rules climb a deep chain.
SLOW_CHAIN = "def f(xs), do: " + " and ".join(["length(xs) == 0"] * 4000) + "\n"

FILE_CASES: list[tuple[str, Callable[[], str]]] = [
    ("1 + 1 + ... 8k terms", lambda: chain(8000)),
    ("1 + 1 + ... 16k terms", lambda: chain(16000)),
    ("1 + 1 + ... 32k terms", lambda: chain(32000)),
    ("62 KB chain of findings", lambda: SLOW_CHAIN),
    ("1 MB `a and a and ...` line", lambda: and_line(1)),
    ("100k-deep length(length(...))", lambda: deep_calls(100_000)),
    ("10 MB buffer (over the size limit)", over_size_limit),
]


# --- the CLI ----------------------------------------------------------------------------


def run_cli(args: list[str], cwd: Path) -> tuple[int | None, float, float, str]:
    """(exit code or None when killed, seconds, peak RSS MB, stderr's last line)."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "--no-progress", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_cap_memory,
    )
    code: int | None
    deadline = began + CLI_TIMEOUT_S
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, 9)
            _, status, usage = os.wait4(proc.pid, 0)
            code = None
            break
        time.sleep(0.02)
    proc.returncode = code if code is not None else -9
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return code, time.perf_counter() - began, usage.ru_maxrss / 1024, last


def _cap_memory() -> None:
    # A CLI that reads /dev/zero whole must fail, not take the machine's memory.
    resource.setrlimit(resource.RLIMIT_AS, (CLI_MEMORY_CAP, CLI_MEMORY_CAP))


def cli_file_cases(workdir: Path) -> list[Row]:
    rows = []
    for name, make in FILE_CASES:
        path = workdir / "case.ex"
        path.write_text(make())
        code, seconds, peak, last = run_cli([path.name], workdir)
        problem = _bound_problem(seconds, peak, answered=code is not None)
        rows.append(Row("cli", name, seconds, peak, f"exit {code}; {last[:70]}", problem))
        path.unlink()
    return rows


def cli_hostile_rows() -> list[Row]:
    """benchmarks/hostile_cli.py's cases when present, else the file cases it would cover."""
    try:
        import hostile_cli  # type: ignore[import-not-found]
    except ImportError:
        return _fallback_cli_cases()
    rows = [
        Row("cli", r.name, r.seconds, r.peak_mb, f"exit {r.code}", r.problem)
        for r in hostile_cli.run_cases()
    ]
    rounds, lost = hostile_cli.lost_saves()
    rows.append(
        Row(
            "cli",
            "save during `check --fix`",
            0.0,
            0.0,
            f"{rounds} saves, {lost} lost",
            f"{lost} saves lost" if lost else None,
        )
    )
    return rows


def _fallback_cli_cases() -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        root = Path(tmp)
        os.mkfifo(root / "x.ex")
        code, seconds, peak, last = run_cli(["."], root)
        rows.append(
            Row(
                "cli",
                "FIFO named x.ex",
                seconds,
                peak,
                f"exit {code}; {last[:60]}",
                None if code is not None else "hung (killed)",
            )
        )
        (root / "x.ex").unlink()
        (root / "z.ex").symlink_to("/dev/zero")
        code, seconds, peak, last = run_cli(["."], root)
        rows.append(
            Row(
                "cli",
                "z.ex -> /dev/zero",
                seconds,
                peak,
                f"exit {code}; {last[:60]}",
                _bound_problem(seconds, peak, code is not None),
            )
        )
    return rows


# --- the server -------------------------------------------------------------------------


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def _open(raw: RawServer, uri: str, text: str, version: int = 1) -> None:
    raw.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "elixir", "version": version, "text": text}},
    )


def _timed(
    raw: RawServer, method: str, params: Any, timeout: float = 60
) -> tuple[dict[str, Any] | None, float]:
    began = time.perf_counter()
    try:
        reply: dict[str, Any] | None = raw.request(method, params, timeout=timeout)
    except (TimeoutError, ConnectionError):
        reply = None
    return reply, time.perf_counter() - began


def server_file_cases(raw: RawServer) -> list[Row]:
    rows = []
    pid = raw.proc.pid
    for i, (name, make) in enumerate(FILE_CASES):
        uri = f"file:///hostile/case{i}.ex"
        _open(raw, uri, make())
        reply, seconds = _timed(raw, "textDocument/diagnostic", {"textDocument": {"uri": uri}})
        skipped = _skip_reason(raw, uri)
        outcome = (
            "unanswered"
            if reply is None
            else (
                f"{len(reply.get('result', {}).get('items', []))} findings"
                + (f"; {skipped}" if skipped else "")
            )
        )
        rows.append(
            Row(
                "server",
                f"diagnostic: {name}",
                seconds,
                rss_mb(pid),
                outcome[:90],
                _bound_problem(seconds, rss_mb(pid), reply is not None),
            )
        )
        raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return rows


def _skip_reason(raw: RawServer, uri: str) -> str:
    name = uri.rsplit("/", 1)[-1]
    for note in reversed(raw.notifications):
        message = str(note.get("params", {}).get("message", ""))
        if name in message:
            return message.split(": ", 2)[-1]
    return ""


def server_isolation(raw: RawServer) -> list[Row]:
    pid = raw.proc.pid
    _open(raw, "file:///hostile/slow.ex", SLOW_CHAIN)
    _open(raw, "file:///hostile/quick.ex", "def a(xs), do: length(xs) == 0\n")
    raw.send(
        {
            "id": "slow",
            "method": "textDocument/diagnostic",
            "params": {"textDocument": {"uri": "file:///hostile/slow.ex"}},
        }
    )
    began = time.perf_counter()
    raw.send(
        {
            "id": "quick",
            "method": "textDocument/hover",
            "params": {
                "textDocument": {"uri": "file:///hostile/quick.ex"},
                "position": {"line": 0, "character": 18},
            },
        }
    )
    quick = raw.wait_for_id("quick", timeout=60)
    hover_s = time.perf_counter() - began
    raw.wait_for_id("slow", timeout=60)
    slow_s = time.perf_counter() - began
    first = raw.answered.index("quick") < raw.answered.index("slow")
    return [
        Row(
            "server",
            "hover on another buffer while a slow one is analysed",
            hover_s,
            rss_mb(pid),
            f"hover {hover_s:.2f} s, slow buffer {slow_s:.2f} s",
            None if first and "result" in quick else "hover waited for the slow buffer",
        )
    ]


def server_big_buffer(raw: RawServer) -> list[Row]:
    pid = raw.proc.pid
    uri = "file:///hostile/ten_mb.ex"
    before = rss_mb(pid, "VmRSS")
    _open(raw, uri, over_size_limit())
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 10, "character": 0}}
    reply, seconds = _timed(
        raw,
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": []}},
    )
    grew = rss_mb(pid, "VmRSS") - before
    rows = [
        Row(
            "server",
            "code action on a 10 MB buffer",
            seconds,
            rss_mb(pid),
            f"{len((reply or {}).get('result') or [])} actions; RSS +{grew:.0f} MB",
            _bound_problem(seconds, rss_mb(pid), reply is not None)
            or (f"grew {grew:.0f} MB: parsed?" if grew > 100 else None),
        )
    ]
    raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return rows


def server_typing_long_line(raw: RawServer, keystrokes: int = 50) -> list[Row]:
    pid = raw.proc.pid
    uri = "file:///hostile/long_line.ex"
    line = 'x = "' + "é" * 500_000 + '"'
    _open(raw, uri, line)
    raw.request("elixirPerf/documentState", {"uri": uri})
    width = len(line)
    began = time.perf_counter()
    for i in range(keystrokes):
        at = {"line": 0, "character": width + i}
        raw.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": i + 2},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": "a"}],
            },
        )
    state = raw.request("elixirPerf/documentState", {"uri": uri}, timeout=120)["result"]
    seconds = time.perf_counter() - began
    lost = state["text"] != line + "a" * keystrokes
    raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return [
        Row(
            "server",
            f"typing at the end of a 1 MB line (utf-16), {keystrokes} keys",
            seconds,
            rss_mb(pid),
            f"{seconds / keystrokes * 1000:.0f} ms per keystroke; edits lost: {int(lost)}",
            "edits lost" if lost else None,
        )
    ]


def _frame(body: bytes, header: bytes) -> bytes:
    return header + body


def server_bad_frames(raw: RawServer) -> list[Row]:
    rows = []
    pid = raw.proc.pid
    probe = json.dumps({"jsonrpc": "2.0", "method": "$/probe", "params": {}}).encode()
    frames = {
        "Content-Length too long": b"Content-Length: %d\r\n\r\n" % (len(probe) + 50) + probe,
        "Content-Length too short": b"Content-Length: 7\r\n\r\n" + probe,
        "negative Content-Length": b"Content-Length: -5\r\n\r\n" + probe,
        "lowercase header": b"content-length: %d\r\n\r\n" % len(probe) + probe,
        "LF-only headers": b"Content-Length: %d\n\n" % len(probe) + probe,
        "huge Content-Length": b"Content-Length: 99999999999999\r\n\r\n" + probe,
        "not JSON": b"Content-Length: 9\r\n\r\n{not json",
    }
    for name, data in frames.items():
        assert raw.proc.stdin is not None
        raw.proc.stdin.write(data)
        raw.proc.stdin.flush()
        reply, seconds = _timed(
            raw, "elixirPerf/documentState", {"uri": "file:///none.ex"}, timeout=20
        )
        rows.append(
            Row(
                "server",
                f"frame: {name}",
                seconds,
                rss_mb(pid),
                "next request answered" if reply else "wedged",
                None if reply else "no answer after the bad frame",
            )
        )
    return rows


def server_rpc_errors(raw: RawServer) -> list[Row]:
    pid = raw.proc.pid
    cases = [
        (
            "hover at line -1",
            "textDocument/hover",
            {"textDocument": {"uri": "file:///a.ex"}, "position": {"line": -1, "character": 0}},
            -32602,
        ),
        ("codeAction with null", "textDocument/codeAction", None, -32602),
        ("diagnostic with {}", "textDocument/diagnostic", {}, -32602),
        (
            "second initialize",
            "initialize",
            {"processId": None, "rootUri": None, "capabilities": {}},
            -32600,
        ),
    ]
    rows = []
    for name, method, params, expected in cases:
        reply, seconds = _timed(raw, method, params, timeout=20)
        code = (reply or {}).get("error", {}).get("code")
        rows.append(
            Row(
                "server",
                f"rpc: {name}",
                seconds,
                rss_mb(pid),
                f"error {code}",
                None if code == expected else f"expected error {expected}",
            )
        )
    batch = json.dumps([{"jsonrpc": "2.0", "id": "b1", "method": "shutdown"}]).encode()
    assert raw.proc.stdin is not None
    raw.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(batch) + batch)
    raw.proc.stdin.flush()
    began = time.perf_counter()
    try:
        code = raw.wait_for_id("b1", timeout=20).get("error", {}).get("code")
    except TimeoutError:
        code = None
    rows.append(
        Row(
            "server",
            "rpc: batch array",
            time.perf_counter() - began,
            rss_mb(pid),
            f"error {code}",
            None if code == -32600 else "expected error -32600",
        )
    )
    fresh = RawServer()
    reply, seconds = _timed(
        fresh,
        "textDocument/hover",
        {"textDocument": {"uri": "file:///a.ex"}, "position": {"line": 0, "character": 0}},
        20,
    )
    code = (reply or {}).get("error", {}).get("code")
    fresh.close()
    rows.append(
        Row(
            "server",
            "rpc: request before initialize",
            seconds,
            0.0,
            f"error {code}",
            None if code == -32002 else "expected error -32002",
        )
    )
    return rows


def server_leak(edits: int) -> list[Row]:
    raw = RawServer()
    raw.initialize(pull=True)
    pid = raw.proc.pid
    uri = "file:///hostile/leak.ex"
    raw.request("elixirPerf/documentState", {"uri": uri})
    samples = []
    began = time.perf_counter()
    step = max(1, edits // 5)
    for i in range(edits):
        _open(raw, uri, "def a(xs), do: length(xs) == 0\n", i)
        raw.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": i + 1},
                "contentChanges": [{"text": f"x = {i}\n"}],
            },
        )
        raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        if i % step == 0 or i == edits - 1:
            raw.request("elixirPerf/documentState", {"uri": uri}, timeout=120)
            samples.append(rss_mb(pid, "VmRSS"))
    seconds = time.perf_counter() - began
    raw.close()
    growth = samples[-1] - samples[0]
    figures = " ".join(f"{s:.0f}" for s in samples)
    return [
        Row(
            "server",
            f"{edits} didOpen/didChange/didClose cycles",
            seconds,
            max(samples),
            f"RSS MB {figures} (growth {growth:+.1f})",
            None if abs(growth) <= 10 else f"RSS grew {growth:.0f} MB",
        )
    ]


def fuzz(examples: int) -> list[Row]:
    began = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "fuzz.py"), "--examples", str(examples)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    last = [line for line in result.stdout.splitlines() if line.strip()][-2:]
    return [
        Row(
            "server",
            f"fuzzed edit streams ({examples} per encoding)",
            time.perf_counter() - began,
            0.0,
            "; ".join(last)[:90],
            None if result.returncode == 0 else "divergence or crash (lost edits)",
        )
    ]


# --- report -------------------------------------------------------------------------------


def _bound_problem(seconds: float, peak_mb: float, answered: bool) -> str | None:
    if not answered:
        return "no answer"
    if seconds > BUDGET_S + SLACK_S:
        return f"{seconds:.1f} s is over the {BUDGET_S:.0f} s budget"
    if peak_mb > MAX_MB:
        return f"{peak_mb:.0f} MB is over {MAX_MB:.0f} MB"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--edits", type=int, default=50_000, help="open/change/close cycles for the leak case"
    )
    parser.add_argument(
        "--fuzz-examples", type=int, default=100, help="fuzzed edit streams per encoding"
    )
    parser.add_argument(
        "--quick", action="store_true", help="skip the fuzz run and the CLI's own cases"
    )
    args = parser.parse_args()

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        rows += cli_file_cases(Path(tmp))
    if not args.quick:
        rows += cli_hostile_rows()
    raw = RawServer()
    raw.initialize(encodings=["utf-16"], pull=True)
    for group in (
        server_file_cases,
        server_isolation,
        server_big_buffer,
        server_typing_long_line,
        server_bad_frames,
        server_rpc_errors,
    ):
        rows += group(raw)
    raw.close()
    rows += server_leak(args.edits)
    if not args.quick:
        rows += fuzz(args.fuzz_examples)

    width = max(len(r.name) for r in rows)
    print(f"{'':6} {'case':<{width}}  {'s':>6}  {'peak MB':>7}  outcome")
    for r in rows:
        flag = "ok" if r.problem is None else f"UNBOUNDED/WRONG: {r.problem}"
        print(
            f"{r.side:6} {r.name:<{width}}  {r.seconds:6.2f}  {r.peak_mb:7.0f}  {r.outcome}  [{flag}]"
        )
    bad = [r for r in rows if r.problem]
    print(f"\n{len(rows)} cases, {len(bad)} unbounded or wrong")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
