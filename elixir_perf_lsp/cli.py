"""Command line: `serve`, `check`, `rules`, `explain` (architecture §3.1)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from elixir_perf_lsp import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> tuple[str, ...]:
    return tuple(v.strip().upper() for v in value.split(",") if v.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="elixir-perf-lsp",
        description="Find and fix performance footguns in Elixir code.",
    )
    parser.add_argument("--version", action="version", version=f"elixir-perf-lsp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", help="what to do")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    transport = serve.add_mutually_exclusive_group()
    # Clients such as vscode-languageclient append `--stdio` to the command they were given.
    transport.add_argument(
        "--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)"
    )
    transport.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")

    check = sub.add_parser("check", help="lint files and directories")
    _check_arguments(check)

    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )

    explain = sub.add_parser(
        "explain", help="show a rule's documentation and where the project's config turns it off"
    )
    explain.add_argument("rule", metavar="CODE|NAME", help="a rule code (EP101) or name")
    explain.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the config file whose per-file-ignores to show (default: the nearest "
        ".elixir-perf.toml upward from the current directory)",
    )
    return parser


def _check_arguments(check: argparse.ArgumentParser) -> None:
    from elixir_perf_lsp.output.formats import FORMATS

    check.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files and directories to check (default: .); `-` reads stdin",
    )
    check.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=FORMATS,
        default="concise",
        metavar="FORMAT",
        help=f"how findings are printed: {', '.join(FORMATS)} "
        "(default: concise; `text` is its old name)",
    )
    check.add_argument(
        "--output-file",
        type=Path,
        metavar="FILE",
        help="write the report to FILE instead of stdout",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print a count per rule, with how many are fixable, instead of each finding",
    )
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix, apply unsafe fixes too; without it, show them as fixable",
    )
    check.add_argument("--diff", action="store_true", help="print fixes as a diff, change nothing")
    check.add_argument(
        "--show-fixes",
        action="store_true",
        help="list the fixes applied (with --fix), that would be applied (with --diff), "
        "or that --fix would apply, per file and rule, on stderr",
    )
    exits = check.add_mutually_exclusive_group()
    exits.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings are left (errors still exit 2)",
    )
    exits.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="exit 1 when --fix changed a file, even if no findings are left",
    )
    check.add_argument(
        "--add-suppressions",
        action="store_true",
        help="insert a disable comment (with a `-- TODO: reason` to fill in) above every "
        "finding, so a legacy codebase starts clean and only new code is held to the rules",
    )
    check.add_argument(
        "--watch",
        action="store_true",
        help="check again whenever a checked file or a config file changes (Ctrl-C stops)",
    )
    check.add_argument(
        "--show-settings",
        metavar="FILE",
        help="print the configuration that applies to FILE and where each value comes from",
    )
    check.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="check only these comma-separated codes or prefixes (replaces the config's select)",
    )
    check.add_argument(
        "--ignore",
        type=_codes,
        metavar="CODES",
        default=(),
        help="comma-separated codes or prefixes to leave out",
    )
    check.add_argument(
        "--extend-select",
        type=_codes,
        metavar="CODES",
        default=(),
        help="comma-separated codes or prefixes to check on top of the selection "
        "(opt-in rules need their exact code)",
    )
    check.add_argument(
        "--config", type=Path, metavar="FILE", help="use this config file for every file"
    )
    check.add_argument(
        "--target-elixir",
        metavar="X.Y",
        help="the oldest Elixir the code must run on (fixes use nothing newer)",
    )
    check.add_argument(
        "--target-otp", metavar="N", help="the oldest OTP release the code must run on"
    )
    check.add_argument(
        "--stdin-filename", metavar="NAME", help="read source from stdin, report as NAME"
    )
    check.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply exclude patterns to files named on the command line too",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        from elixir_perf_lsp.server.app import run

        return run(args.tcp)
    if args.command == "check":
        from elixir_perf_lsp.commands.check import run_check

        return run_check(args)
    if args.command == "rules":
        return _rules(args.format)
    if args.command == "explain":
        return _explain(args.rule, args.config)
    parser.print_help()
    return EXIT_ERROR


def _rules(fmt: str) -> int:
    from elixir_perf_lsp.engine.registry import all_rules
    from elixir_perf_lsp.urls import rule_url

    rules = all_rules()
    if fmt == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "fix": r.fix_availability.value,
                "default": r.default,
                "summary": r.summary,
                "url": rule_url(r.name),
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return EXIT_CLEAN
    width = max(len(r.name) for r in rules)
    for r in rules:
        fix = {"always": "fix", "sometimes": "fix?", "none": ""}[r.fix_availability.value]
        kind = "" if r.default else "opt-in"
        sys.stdout.write(
            f"{r.code}  {r.name:<{width}}  {kind:<6}  {r.severity.value:<11}  {fix:<4}  "
            f"{r.summary}\n"
        )
    return EXIT_CLEAN


def _explain(key: str, config: Path | None) -> int:
    from elixir_perf_lsp.config import ConfigError
    from elixir_perf_lsp.engine.registry import find_rule
    from elixir_perf_lsp.provenance import per_file_ignores_section
    from elixir_perf_lsp.ruledocs import render_rule

    rule = find_rule(key)
    if rule is None:
        sys.stderr.write(f"elixir-perf-lsp: no rule named {key!r} (see `elixir-perf-lsp rules`)\n")
        return EXIT_ERROR
    try:
        project = per_file_ignores_section(rule.code, config)
    except ConfigError as exc:
        # The page does not depend on the config: show it, then why the rest cannot be.
        sys.stdout.write(render_rule(rule))
        sys.stderr.write(f"elixir-perf-lsp: {exc}\n")
        return EXIT_ERROR
    sys.stdout.write(render_rule(rule) + project)
    return EXIT_CLEAN
