"""`check --add-suppressions` on a real codebase: every finding silenced, nothing else changed.

Copies PATH to a temporary directory (never touching PATH), writes a config selecting
every rule there when the copy has none, then with the CLI as users run it:

1. `check --add-suppressions`: comments added, per the CLI's own summary;
2. `check` again: what is left (only lines with no room for a comment, and EP001);
3. `check --add-suppressions` again: must add nothing (idempotent);
4. every changed file, before and after, through Elixir's own parser with all
   position metadata stripped: the two ASTs must be equal (comments only); a file
   whose original this Elixir cannot parse (newer syntax, test fixtures) is skipped
   and counted.

Prints files, findings, comments added, findings left, second-run additions, AST
differences (each named) and timings.

    python benchmarks/add_suppressions.py PATH
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAME_AST = """
strip = fn ast -> Macro.prewalk(ast, &Macro.update_meta(&1, fn _ -> [] end)) end
quoted = fn path ->
  case path |> File.read!() |> Code.string_to_quoted() do
    {:ok, ast} -> {:ok, strip.(ast)}
    {:error, _} -> :error
  end
end
for line <- IO.stream(:stdio, :line) do
  [original, annotated] = line |> String.trim_trailing("\\n") |> String.split("\\t")
  case {quoted.(original), quoted.(annotated)} do
    {:error, _} -> IO.puts("skipped #{original}")
    {same, same} -> IO.puts("compared")
    _ -> IO.puts("DIFFERENT #{annotated}")
  end
end
"""


def cli(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    began = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "--no-progress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="the codebase to copy and annotate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        after = Path(tmp) / "after"
        shutil.copytree(args.path, before, symlinks=True)
        if not (before / ".elixir-perf.toml").exists():
            (before / ".elixir-perf.toml").write_text('select = ["ALL"]\n')
        shutil.copytree(before, after, symlinks=True)
        found, _ = cli("--format", "json", ".", cwd=after)
        findings = len(json.loads(found.stdout))
        added, seconds = cli("--add-suppressions", ".", cwd=after)
        left, _ = cli("--format", "json", ".", cwd=after)
        again, _ = cli("--add-suppressions", ".", cwd=after)
        changed = [
            (b, after / b.relative_to(before))
            for b in sorted(before.rglob("*.ex*"))
            if b.is_file() and b.read_bytes() != (after / b.relative_to(before)).read_bytes()
        ]
        pairs = "".join(f"{b}\t{a}\n" for b, a in changed)
        ast = subprocess.run(
            ["elixir", "-e", SAME_AST], input=pairs, capture_output=True, text=True, check=False
        )
        print(f"{args.path}: {findings} findings before")
        print(f"--add-suppressions: {added.stderr.strip().splitlines()[-2]} ({seconds:.1f} s)")
        print(f"files changed: {len(changed)}")
        print(f"findings left: {len(json.loads(left.stdout))} (exit {left.returncode})")
        print(f"second run: {again.stderr.strip().splitlines()[-2]}")
        if ast.returncode != 0:
            print("AST comparison failed:\n" + ast.stderr)
            raise SystemExit(1)
        differences = [line for line in ast.stdout.splitlines() if line.startswith("DIFFERENT")]
        compared = ast.stdout.count("compared")
        skipped = ast.stdout.count("skipped")
        print(
            f"AST differences (must be 0): {len(differences)} of {compared} files compared "
            f"({skipped} skipped: the original does not parse with this Elixir)"
        )
        for line in differences:
            print("  " + line)


if __name__ == "__main__":
    main()
