"""`--format junit`: JUnit XML, one testsuite per file and one failing testcase per finding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from . import Report

# Characters XML 1.0 cannot carry at all, even escaped; ElementTree would write them as is.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def render(report: Report) -> str:
    root = ET.Element("testsuites", name="mlsd-lint")
    total_tests = total_failures = total_skipped = 0
    for result in report.results:
        path = _clean(result.path)
        suite = ET.SubElement(root, "testsuite", name=path)
        findings = sorted(result.findings, key=lambda f: f.sort_key())
        for f in findings:
            case = ET.SubElement(suite, "testcase", name=_clean(f"{f.code} {f.name} (line {f.line})"), classname=path, file=path, line=str(f.line))
            failure = ET.SubElement(case, "failure", message=_clean(f.message), type=f.severity)
            failure.text = _clean(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}")
        for s in sorted(result.suppressed, key=lambda s: s.finding.sort_key()):
            f = s.finding
            case = ET.SubElement(suite, "testcase", name=_clean(f"{f.code} {f.name} (line {f.line})"), classname=path, file=path, line=str(f.line))
            ET.SubElement(case, "skipped", message=_clean(f"suppressed ({s.kind}){': ' + s.reason if s.reason else ''}"))
        if not findings:
            ET.SubElement(suite, "testcase", name="mlsd-lint", classname=path, file=path)
        tests, failures, skipped = len(suite), len(findings), len(result.suppressed)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        total_tests += tests
        total_failures += failures
        total_skipped += skipped
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    root.set("skipped", str(total_skipped))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
