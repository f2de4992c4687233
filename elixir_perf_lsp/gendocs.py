"""Generate `docs/rules/` and the README's rule table from the rules themselves.

python -m elixir_perf_lsp.gendocs          # write
python -m elixir_perf_lsp.gendocs --check  # exit 1 when anything is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.ruledocs import render_index, render_rule

START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def expected_files(root: Path) -> dict[Path, str]:
    rules = all_rules()
    files = {root / "docs" / "rules" / f"{r.name}.md": render_rule(r) for r in rules}
    files[root / "docs" / "rules" / "README.md"] = render_index(rules)
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _old, tail = rest.split(END, 1)
            table = render_index(rules).split("\n", 4)[4].replace("](", "](docs/rules/")
            files[readme] = f"{head}{START}\n{table}{END}{tail}"
    return files


def stale(root: Path) -> list[Path]:
    out = []
    for path, content in expected_files(root).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            out.append(path)
    rules_dir = root / "docs" / "rules"
    known = set(expected_files(root))
    out.extend(p for p in sorted(rules_dir.glob("*.md")) if p not in known)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m elixir_perf_lsp.gendocs")
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    if args.check:
        paths = stale(args.root)
        for path in paths:
            sys.stderr.write(f"stale: {path}\n")
        return 1 if paths else 0
    for path, content in expected_files(args.root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    known = set(expected_files(args.root))
    for path in (args.root / "docs" / "rules").glob("*.md"):
        if path not in known:
            path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
