"""Precision of the rules on real projects, measured against committed human labels.

For each project in `projects.toml` (extracted from its local mirror at the
pinned commit), runs the CLI as users do, `check --format json`, twice: with
every rule selected by its exact code (opt-in rules run only when named so) and
with the default selection. Findings are matched to `labels.jsonl` (see labels.py)
and the script prints, per rule and per project: findings, labeled, worth /
noise / wrong, precision (worth / labeled), labeled worth-changing findings no
longer reported (lost) and unlabeled findings; then totals for all rules and
for the default rule set.

    python benchmarks/precision/run.py                    # the tables
    python benchmarks/precision/run.py --list unlabeled   # findings to label, in context
    python benchmarks/precision/run.py --list lost        # also: wrong, noise, worth, moved
    python benchmarks/precision/run.py --project ecto --rule EP505 --list unlabeled

Exit status: 0, or 2 when a project cannot be materialised or the CLI fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labels import VERDICTS, Finding, Label, LabelError, Matching, line_hash, load_labels, match
from projects import (
    CORPUS_DIR,
    DEFAULT_MIRROR,
    PROJECTS_FILE,
    Project,
    ProjectError,
    load_projects,
    materialise,
)

HERE = Path(__file__).resolve().parent
LABELS_FILE = HERE / "labels.jsonl"
_DEF = re.compile(r"^\s*(def|defp|defmacro|defmacrop|defguard|defguardp|test)\b")
LISTS = ("unlabeled", "lost", "wrong", "noise", "worth", "moved")


@dataclass
class Run:
    """One project's findings with every rule selected, and which of them the default set keeps."""

    project: Project
    root: Path
    findings: list[Finding]
    default: set[tuple[str, int, int, str]]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    mirror = Path(args.mirror or os.environ.get("PRECISION_MIRROR") or DEFAULT_MIRROR)
    try:
        chosen = load_projects(Path(args.projects))
        projects = [p for p in chosen if not args.project or p.name in args.project]
        labels = load_labels(Path(args.labels))
        every_rule = ",".join(_rule_codes())
        corpus = Path(args.corpus)
        runs = [_check(p, materialise(p, mirror, corpus), every_rule) for p in projects]
    except (ProjectError, LabelError, CliError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    names = {p.name for p in projects}
    labels = [lab for lab in labels if lab.project in names and _wanted(lab.rule, args.rule)]
    findings = [f for r in runs for f in r.findings if _wanted(f.rule, args.rule)]
    matching = match(findings, labels)
    if args.list:
        _print_list(args.list, matching, runs, args.context)
        return 0
    default = {(r.project.name, *key) for r in runs for key in r.default}
    default_matching = match(
        [f for f in findings if (f.project, f.path, f.line, f.column, f.rule) in default], labels
    )
    _print_report(matching, default_matching, projects, runs)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", choices=LISTS, help="print these findings/labels in context")
    parser.add_argument("--project", action="append", help="only this project (repeatable)")
    parser.add_argument("--rule", action="append", help="only rules with this code prefix")
    parser.add_argument("--labels", default=str(LABELS_FILE), help="labels file (JSON lines)")
    parser.add_argument("--mirror", help=f"where the git mirrors are (default {DEFAULT_MIRROR})")
    parser.add_argument("--projects", default=str(PROJECTS_FILE), help="projects file (TOML)")
    parser.add_argument("--corpus", default=str(CORPUS_DIR), help="where projects are extracted")
    parser.add_argument(
        "--context", type=int, default=4, help="lines after a listed finding (default 4)"
    )
    return parser


def _wanted(code: str, prefixes: Sequence[str] | None) -> bool:
    return not prefixes or any(code.startswith(p.upper()) for p in prefixes)


# --- running the CLI -------------------------------------------------------------


class CliError(Exception):
    pass


def _check(project: Project, root: Path, every_rule: str) -> Run:
    paths = [p for p in project.paths if (root / p).exists()]
    everything = _cli_findings(root, paths, ["--select", every_rule])
    default = _cli_findings(root, paths, [])
    findings = []
    lines_of: dict[str, list[str]] = {}
    for item in everything:
        path = item["filename"]
        if path not in lines_of:
            lines_of[path] = _read_lines(root / path)
        row = item["location"]["row"]
        text = lines_of[path][row - 1] if row <= len(lines_of[path]) else ""
        findings.append(
            Finding(
                project.name,
                path,
                row,
                item["location"]["column"],
                item["code"],
                item["message"],
                line_hash(text),
            )
        )
    keys = {
        (d["filename"], d["location"]["row"], d["location"]["column"], d["code"]) for d in default
    }
    return Run(project, root, findings, keys)


def _rule_codes() -> list[str]:
    """Every rule's code, from `rules`: opt-in rules run only when named by exact code,
    so `--select EP` would leave them out."""
    done = subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", "rules"],
        capture_output=True,
        text=True,
        check=False,
    )
    codes = re.findall(r"^(EP\d+)\b", done.stdout, re.M)
    if done.returncode != 0 or not codes:
        raise CliError(f"`elixir-perf-lsp rules` listed no rules: {done.stderr.strip()}")
    return codes


def _cli_findings(root: Path, paths: list[str], selection: list[str]) -> list[dict[str, Any]]:
    command = [
        sys.executable,
        "-m",
        "elixir_perf_lsp",
        "check",
        "--format",
        "json",
        "--no-progress",
        *selection,
        *paths,
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode == 2 and not done.stdout.strip():
        raise CliError(f"{' '.join(command[2:])} in {root} failed: {done.stderr.strip()}")
    if done.returncode == 2:
        # Some file was unreadable; the others were checked. Say so, keep going.
        print(f"warning: {root.name}: {done.stderr.strip()}", file=sys.stderr)
    try:
        result: list[dict[str, Any]] = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise CliError(f"{root}: the CLI printed no JSON ({exc}): {done.stderr[-500:]}") from None
    return result


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


# --- the report ----------------------------------------------------------------


@dataclass
class Tally:
    findings: int = 0
    worth: int = 0
    noise: int = 0
    wrong: int = 0
    lost: int = 0
    unlabeled: int = 0

    @property
    def labeled(self) -> int:
        return self.worth + self.noise + self.wrong

    def row(self, name: str) -> str:
        precision = f"{100 * self.worth / self.labeled:5.1f}%" if self.labeled else "     -"
        return (
            f"| {name:<18} | {self.findings:>8} | {self.labeled:>7} | {self.worth:>5} | "
            f"{self.noise:>5} | {self.wrong:>5} | {precision:>9} | {self.lost:>4} | "
            f"{self.unlabeled:>9} |"
        )


HEADER = (
    "| rule/project       | findings | labeled | worth | noise | wrong | precision | lost | unlabeled |\n"
    "|--------------------|---------:|--------:|------:|------:|------:|----------:|-----:|----------:|"
)


def tally(matching: Matching, key: str) -> dict[str, Tally]:
    """Counts per rule (`key="rule"`) or per project (`key="project"`)."""
    out: dict[str, Tally] = {}
    for finding, label in matching.pairs:
        t = out.setdefault(getattr(finding, key), Tally())
        t.findings += 1
        setattr(t, label.verdict, getattr(t, label.verdict) + 1)
    for finding in matching.unlabeled:
        t = out.setdefault(getattr(finding, key), Tally())
        t.findings += 1
        t.unlabeled += 1
    for label in matching.unreported:
        if label.verdict == "worth":
            out.setdefault(getattr(label, key), Tally()).lost += 1
    return dict(sorted(out.items()))


def total(tallies: Iterable[Tally]) -> Tally:
    t = Tally()
    for x in tallies:
        for name in ("findings", "worth", "noise", "wrong", "lost", "unlabeled"):
            setattr(t, name, getattr(t, name) + getattr(x, name))
    return t


def _print_report(
    matching: Matching, default: Matching, projects: list[Project], runs: list[Run]
) -> None:
    files = sum(1 for r in runs for p in r.project.paths for _ in _sources(r.root / p))
    labels_used = len(matching.pairs) + len(matching.unreported)
    print(
        f"{len(projects)} projects, {files} files; {labels_used} labels "
        f"({len(matching.unreported)} not reported now, "
        f"{len(matching.by_position)} matched by position only: see --list moved)\n"
    )
    print("Every rule (each selected by its code):\n")
    print(HEADER)
    by_rule = tally(matching, "rule")
    for code, t in by_rule.items():
        print(t.row(code))
    print(total(by_rule.values()).row("all rules"))
    print(total(tally(default, "rule").values()).row("default set"))
    print("\nPer project (every rule):\n")
    print(HEADER)
    for name, t in tally(matching, "project").items():
        print(t.row(name))
    verdicts = Counter(label.verdict for _, label in matching.pairs)
    counts = ", ".join(f"{v} {verdicts[v]}" for v in VERDICTS)
    print(
        "\nprecision = worth / labeled; lost = labeled `worth` no longer reported; "
        f"verdicts of reported findings: {counts}"
    )


def _sources(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from (p for p in path.rglob("*.ex*") if p.suffix in (".ex", ".exs"))


# --- listings ------------------------------------------------------------------


def _print_list(kind: str, matching: Matching, runs: list[Run], after: int) -> None:
    roots = {r.project.name: r.root for r in runs}
    if kind == "unlabeled":
        for f in sorted(matching.unlabeled, key=lambda f: (f.project, f.path, f.line)):
            _show(roots[f.project], f.project, f.path, f.line, f"{f.rule} {f.message}", after)
            stub = Label(f.project, f.path, f.line, f.column, f.rule, f.hash, "", "")
            print(stub.as_json() + "\n")
        return
    if kind == "moved":
        for f, label in matching.by_position:
            print(f"{label.as_json()}\n  now reported at line {f.line}: hash {f.hash}\n")
        return
    if kind == "lost":
        chosen = [lab for lab in matching.unreported if lab.verdict == "worth"]
    else:
        chosen = [lab for _, lab in matching.pairs if lab.verdict == kind]
    for label in sorted(chosen, key=lambda lab: (lab.project, lab.path, lab.line)):
        _show(
            roots[label.project],
            label.project,
            label.path,
            label.line,
            f"{label.rule} [{label.verdict}] {label.reason}",
            after,
        )


def _show(root: Path, project: str, path: str, line: int, title: str, after: int) -> None:
    """The finding's line with its enclosing definition (up to 30 lines back) and `after` more."""
    lines = _read_lines(root / path)
    start = line - 1
    while start > 0 and line - start < 30 and not _DEF.match(lines[start]):
        start -= 1
    print(f"== {project} {path}:{line}: {title}")
    for number in range(start + 1, min(len(lines), line + after) + 1):
        mark = ">>" if number == line else "  "
        print(f"{mark}{number:5} {lines[number - 1]}")


if __name__ == "__main__":
    sys.exit(main())
