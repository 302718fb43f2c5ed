"""`--format json`: one JSON array of findings, a stable contract for other tools."""

from __future__ import annotations

import json

from . import Report


def render(report: Report) -> str:
    rows = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "code": f.code,
            "name": f.name,
            "step": f.step,
            "severity": f.severity,
            "message": f.message,
            "section": f.section,
        }
        for result in report.results
        for f in result.findings
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
