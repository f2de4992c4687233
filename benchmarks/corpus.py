"""Apply every fix to a real Elixir codebase, then ask Elixir whether it still parses.

Copies PATH to a temporary directory (never touching PATH), then, with the
CLI as users run it (`sys.executable -m elixir_perf_lsp`, so a venv works):

1. `check --format json`: findings before fixing, by rule, and which are fixable
   (safe / unsafe);
2. `check --fix --unsafe-fixes`: applies every fix in place (the CLI's own
   summary line gives the number applied);
3. `check --format json` again: what is left. Fixes applied per rule are the
   fixable findings before minus those after (fixes can uncover or block
   others, so per rule this is an estimate; the total is the CLI's count);
4. every changed file, before and after, goes through Elixir's own parser
   (`Code.string_to_quoted/2`, one `elixir` process for all files). A fixed
   file that fails while its original parsed is a broken fix: it is printed
   with the Elixir error and the diff;
5. `mix compile` on the copy when there is a `mix.exs` and the project needs
   no dependencies or has them in `deps/`; otherwise it says why not.

Prints files, lines, findings by rule, fixes applied, parse failures, rule
errors reported by the CLI and timings.

    python benchmarks/corpus.py PATH [--keep DIR] [--select CODES]

`--keep DIR` works in DIR (which must not exist) and leaves the fixed copy there.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SKIP = {"deps", "_build", ".elixir_ls", ".git", "node_modules"}
COPY_SKIP = {"_build", ".elixir_ls", ".git", "node_modules"}  # deps are kept for `mix compile`

# Reads NUL-separated paths from the file named by its first argument; prints one
# line per file: "ok<TAB>path" or "error<TAB>path<TAB>message" (message escaped).
PARSE_SCRIPT = r"""
[list] = System.argv()

for path <- list |> File.read!() |> String.split(<<0>>, trim: true) do
  result =
    try do
      Code.string_to_quoted(File.read!(path), file: path, columns: true)
    rescue
      e -> {:error, Exception.message(e)}
    end

  case result do
    {:ok, _} ->
      IO.puts("ok\t" <> path)

    {:error, {meta, message, token}} ->
      text = "#{inspect(meta)}: #{if is_binary(message), do: message, else: inspect(message)}#{token}"
      IO.puts("error\t" <> path <> "\t" <> inspect(text))

    {:error, message} ->
      IO.puts("error\t" <> path <> "\t" <> inspect(message))
  end
end
"""


@dataclass
class Run:
    stdout: str
    stderr: str
    seconds: float
    returncode: int


@dataclass
class Findings:
    items: list[dict[str, Any]] = field(default_factory=list)

    def by_rule(self) -> Counter[str]:
        return Counter(f["code"] for f in self.items)

    def fixable(self) -> Counter[tuple[str, str]]:
        return Counter(
            (f["code"], f["fix"]["applicability"]) for f in self.items if f.get("fix") is not None
        )


def elixir_files(root: Path) -> Iterator[Path]:
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        for name in sorted(files):
            if name.endswith((".ex", ".exs")):
                yield Path(directory) / name


def cli(args: Sequence[str], cwd: Path) -> Run:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        sys.stderr.write(f"warning: `check {' '.join(args)}` exited {proc.returncode}\n")
    return Run(proc.stdout, proc.stderr, time.perf_counter() - started, proc.returncode)


def findings(run: Run) -> Findings:
    try:
        data = json.loads(run.stdout or "[]")
    except json.JSONDecodeError as exc:
        message = f"check did not print JSON ({exc}):\n{run.stdout[:2000]}\n{run.stderr}"
        raise SystemExit(message) from exc
    return Findings(list(data))


def parse_with_elixir(paths: list[Path], workdir: Path) -> tuple[dict[Path, str | None], float]:
    """Path -> None when Elixir parses it, else the error. One `elixir` process."""
    if not paths:
        return {}, 0.0
    elixir = shutil.which("elixir")
    if elixir is None:
        raise SystemExit("`elixir` is not on PATH")
    listing = workdir / "parse-list"
    script = workdir / "parse.exs"
    listing.write_bytes(b"\0".join(str(p).encode() for p in paths))
    script.write_text(PARSE_SCRIPT, encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.run(
        [elixir, str(script), str(listing)], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    out: dict[Path, str | None] = {}
    for line in proc.stdout.splitlines():
        parts = line.split("\t", 2)
        if parts[0] == "ok" and len(parts) == 2:
            out[Path(parts[1])] = None
        elif parts[0] == "error" and len(parts) == 3:
            out[Path(parts[1])] = parts[2]
    for path in paths:
        out.setdefault(
            path, f"no verdict from elixir (exit {proc.returncode}): {proc.stderr[-500:]}"
        )
    return out, seconds


def elixir_version() -> str:
    proc = subprocess.run(["elixir", "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"Elixir (\S+)", proc.stdout)
    otp = re.search(r"Erlang/OTP (\d+)", proc.stdout)
    return f"Elixir {match.group(1) if match else '?'} / OTP {otp.group(1) if otp else '?'}"


def try_compile(root: Path) -> str:
    mix_exs = root / "mix.exs"
    if not mix_exs.is_file():
        return "skipped (no mix.exs at the root)"
    has_deps_dir = (root / "deps").is_dir()
    text = mix_exs.read_text(encoding="utf-8", errors="replace")
    declares_deps = (root / "mix.lock").is_file() or re.search(r"\{:\w+,", text) is not None
    if declares_deps and not has_deps_dir:
        return "skipped (needs deps, none fetched; no network use)"
    env = {**os.environ, "MIX_ENV": os.environ.get("MIX_ENV", "dev")}
    started = time.perf_counter()
    proc = subprocess.run(
        ["mix", "compile", "--no-deps-check"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=1800,
    )
    seconds = time.perf_counter() - started
    if proc.returncode == 0:
        return f"ok ({seconds:.1f} s)"
    tail = (proc.stdout + proc.stderr)[-3000:]
    return f"FAILED (exit {proc.returncode}, {seconds:.1f} s)\n{tail}"


def fixed_count(stderr: str) -> int | None:
    match = re.search(r"(\d+) fixed", stderr)
    return int(match.group(1)) if match else None


def cli_problems(stderr: str) -> list[str]:
    """Lines the CLI wrote to stderr other than its summary line."""
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not re.match(r"^\d+ files? checked", line)
    ]


def show_diff(original: Path, fixed: Path, context: int = 2, limit: int = 60) -> str:
    a = original.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    b = fixed.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, "before", "after", n=context))
    text = "".join(lines[:limit])
    return text + ("    ...\n" if len(lines) > limit else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a checkout of an Elixir project (left untouched)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep the copy")
    parser.add_argument("--select", metavar="CODES", help="passed to `check --select`")
    args = parser.parse_args(argv)
    source_root: Path = args.path.resolve()
    if not source_root.is_dir():
        parser.error(f"{source_root} is not a directory")

    scratch = Path(tempfile.mkdtemp(prefix="corpus-"))
    if args.keep is not None:
        if args.keep.exists():
            parser.error(f"--keep {args.keep}: already exists")
        root = args.keep.resolve()
    else:
        root = scratch / source_root.name
    try:
        return run(source_root, root, scratch, args.select)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(source_root: Path, root: Path, scratch: Path, select: str | None) -> int:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    shutil.copytree(source_root, root, ignore=shutil.ignore_patterns(*COPY_SKIP), symlinks=True)
    timings["copy"] = time.perf_counter() - started

    files = list(elixir_files(root))
    originals = {f: f.read_bytes() for f in files}
    lines = sum(data.count(b"\n") for data in originals.values())
    suffixes = Counter(f.suffix for f in files)
    extra = ["--select", select] if select else []

    base = ["check", "--no-progress", *extra]
    before_run = cli([*base, "--format", "json", "."], root)
    before = findings(before_run)
    timings["check"] = before_run.seconds
    fix_run = cli([*base, "--fix", "--unsafe-fixes", "--format", "text", "."], root)
    timings["fix (all fixes, in place)"] = fix_run.seconds
    after_run = cli([*base, "--format", "json", "."], root)
    after = findings(after_run)
    timings["re-check"] = after_run.seconds

    changed = [f for f in files if f.read_bytes() != originals[f]]
    originals_dir = scratch / "originals"
    original_copies: dict[Path, Path] = {}
    for index, path in enumerate(changed):
        copy = originals_dir / f"{index}{path.suffix}"
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(originals[path])
        original_copies[path] = copy
    verdicts, timings["elixir parse"] = parse_with_elixir(
        [*changed, *original_copies.values()], scratch
    )

    print(f"corpus: {source_root}")
    kept = not root.is_relative_to(scratch)
    print(f"fixed copy: {root}" + ("" if kept else " (removed at exit; keep it with --keep DIR)"))
    print(f"elixir: {elixir_version()}")
    print(f"files: {len(files)} ({suffixes['.ex']} .ex, {suffixes['.exs']} .exs), lines: {lines:,}")

    print(f"\nfindings before fixing: {len(before.items)}")
    fixable = before.fixable()
    names = {f["code"]: f["name"] for f in before.items}
    for code, count in sorted(before.by_rule().items()):
        safe, unsafe = fixable[(code, "safe")], fixable[(code, "unsafe")]
        print(f"  {code} {names[code]:<30} {count:>5}   fixable: {safe} safe, {unsafe} unsafe")

    applied_total = fixed_count(fix_run.stderr)
    print(f"\nfixes applied: {applied_total if applied_total is not None else '?'} (CLI count)")
    left = after.fixable()
    per_rule = {key: fixable[key] - left[key] for key in fixable | left}
    for code in sorted({code for code, _ in per_rule}):
        safe, unsafe = per_rule.get((code, "safe"), 0), per_rule.get((code, "unsafe"), 0)
        if safe or unsafe:
            print(f"  {code} {names.get(code, ''):<30} {safe:>5} safe, {unsafe:>4} unsafe")
    print(f"findings left after fixing: {len(after.items)} (still fixable: {sum(left.values())})")
    print(f"changed files: {len(changed)}")

    failures = [p for p in changed if verdicts.get(p) is not None]
    broken = [p for p in failures if verdicts.get(original_copies[p]) is None]
    already = [p for p in failures if verdicts.get(original_copies[p]) is not None]
    print(
        f"\nparse check (Code.string_to_quoted, {len(changed)} changed files): "
        f"{len(broken)} broken by fixes, {len(already)} did not parse before either"
    )
    codes_by_file: dict[str, set[str]] = {}
    for item in before.items:
        if item.get("fix") is not None:
            codes_by_file.setdefault(item["filename"], set()).add(item["code"])
    for path in broken:
        rel = path.relative_to(root)
        rules = ", ".join(sorted(codes_by_file.get(str(rel), set()))) or "?"
        print(f"  BROKEN {rel} (fixes from {rules}): {verdicts[path]}")
        print("    " + show_diff(original_copies[path], path).replace("\n", "\n    "))
    for path in already:
        print(f"  (original does not parse here either) {path.relative_to(root)}: {verdicts[path]}")

    problems = cli_problems(before_run.stderr) + cli_problems(fix_run.stderr)
    print(f"\nCLI errors and notices (rule crashes, refused fixes): {len(problems)}")
    for line in problems[:50]:
        print(f"  {line}")

    started = time.perf_counter()
    print(f"\ncompile: {try_compile(root)}")
    timings["compile"] = time.perf_counter() - started

    print("\ntimings: " + ", ".join(f"{name} {secs:.1f} s" for name, secs in timings.items()))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
