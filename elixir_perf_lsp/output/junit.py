"""JUnit XML, as CI servers (Jenkins, GitLab, Azure) read test reports.

Ruff's shape: one `testsuite` per file, one failing `testcase` per finding, named
after the rule; a clean run is one passing test case, so the report is never empty.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from elixir_perf_lsp.output.records import LocatedFinding

TOOL = "elixir-perf-lsp"


def junit(items: Sequence[LocatedFinding]) -> str:
    suites = ET.Element(
        "testsuites", name=TOOL, tests=str(max(1, len(items))), failures=str(len(items))
    )
    suites.set("errors", "0")
    if not items:
        suite = ET.SubElement(suites, "testsuite", name=TOOL, tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No findings", classname=TOOL)
    for filename, group in groupby(items, key=lambda i: i.filename):
        findings = list(group)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=filename,
            tests=str(len(findings)),
            failures=str(len(findings)),
            errors="0",
        )
        for item in findings:
            f = item.finding
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{TOOL}.{f.code}",
                classname=filename,
                file=filename,
                line=str(item.start.row),
                column=str(item.start.column),
            )
            failure = ET.SubElement(case, "failure", message=f.message, type=f.code)
            failure.text = (
                f"line {item.start.row}, col {item.start.column}: {f.code} {f.name}: {f.message}"
            )
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
