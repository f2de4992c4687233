"""Labels (a human verdict on one finding) and how findings are matched to them.

A label is keyed by (project, path, rule, hash of the stripped source line); the
line and column are kept for people and to break ties. Matching, per (project, path, rule):
1. same line hash, closest line numbers first: survives code moving up or down;
2. what is left, within `NEAR` lines of each other: survives a rule reporting a
   different line of the same construct, or an edited line. These are counted
   as position-only matches so that the labels can be refreshed.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERDICTS = ("worth", "noise", "wrong")
NEAR = 3
_FIELDS = ("project", "path", "line", "column", "rule", "hash", "verdict", "reason")


class LabelError(Exception):
    pass


def line_hash(line: str) -> str:
    return hashlib.sha1(line.strip().encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Finding:
    project: str
    path: str
    line: int
    column: int
    rule: str
    message: str
    hash: str


@dataclass(frozen=True)
class Label:
    project: str
    path: str
    line: int
    column: int  # tells apart two findings of one rule on one line
    rule: str
    hash: str
    verdict: str
    reason: str

    def as_json(self) -> str:
        return json.dumps({name: getattr(self, name) for name in _FIELDS}, ensure_ascii=False)


def load_labels(path: Path) -> list[Label]:
    labels: list[Label] = []
    seen: set[tuple[str, str, str, str, int, int]] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("//"):
            continue
        try:
            data: dict[str, Any] = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{path}:{number}: not JSON: {exc}") from None
        missing = [f for f in _FIELDS if f not in data]
        if missing:
            raise LabelError(f"{path}:{number}: missing {missing}")
        label = Label(**{f: data[f] for f in _FIELDS})
        if label.verdict not in VERDICTS:
            raise LabelError(f"{path}:{number}: verdict {label.verdict!r} not one of {VERDICTS}")
        if not label.reason.strip():
            raise LabelError(f"{path}:{number}: a label needs a reason")
        key = (label.project, label.path, label.rule, label.hash, label.line, label.column)
        if key in seen:
            raise LabelError(f"{path}:{number}: duplicate label {key}")
        seen.add(key)
        labels.append(label)
    return labels


@dataclass
class Matching:
    pairs: list[tuple[Finding, Label]] = field(default_factory=list)
    unlabeled: list[Finding] = field(default_factory=list)
    unreported: list[Label] = field(default_factory=list)
    # Pairs found by position only (step 2): their labels want refreshing.
    by_position: list[tuple[Finding, Label]] = field(default_factory=list)


def match(findings: Iterable[Finding], labels: Iterable[Label]) -> Matching:
    groups: dict[tuple[str, str, str], tuple[list[Finding], list[Label]]] = defaultdict(
        lambda: ([], [])
    )
    for f in findings:
        groups[(f.project, f.path, f.rule)][0].append(f)
    for label in labels:
        groups[(label.project, label.path, label.rule)][1].append(label)
    result = Matching()
    for group_findings, group_labels in groups.values():
        exact = _pair(group_findings, group_labels, lambda f, lab: f.hash == lab.hash)
        rest_f = [f for f in group_findings if all(f is not p[0] for p in exact)]
        rest_l = [lab for lab in group_labels if all(lab is not p[1] for p in exact)]
        near = _pair(rest_f, rest_l, lambda f, lab: abs(f.line - lab.line) <= NEAR)
        result.pairs.extend(exact + near)
        result.by_position.extend(near)
        result.unlabeled.extend(f for f in rest_f if all(f is not p[0] for p in near))
        result.unreported.extend(lab for lab in rest_l if all(lab is not p[1] for p in near))
    return result


def _pair(
    findings: Sequence[Finding],
    labels: Sequence[Label],
    allowed: Callable[[Finding, Label], bool],
) -> list[tuple[Finding, Label]]:
    """Greedy pairing, closest positions first, each side used once."""
    candidates = sorted(
        (abs(f.line - lab.line), abs(f.column - lab.column), i, j)
        for i, f in enumerate(findings)
        for j, lab in enumerate(labels)
        if allowed(f, lab)
    )
    used_f: set[int] = set()
    used_l: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i not in used_f and j not in used_l:
            used_f.add(i)
            used_l.add(j)
            pairs.append((findings[i], labels[j]))
    return pairs
