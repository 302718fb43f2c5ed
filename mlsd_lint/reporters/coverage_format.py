"""`--format coverage`: per file, every selected topic rule, addressed or not, and why."""

from __future__ import annotations

import json

from . import Report


def render(report: Report) -> str:
    rules = report.ruleset.by_code()
    files = []
    for result in report.results:
        missing = {f.code: f for f in result.findings}
        evidence = {e.code: e for e in result.evidence}
        entries = []
        for code in sorted(set(missing) | set(evidence), key=lambda c: (rules[c].step, c)):
            rule = rules[code]
            if code in evidence:
                e = evidence[code]
                entries.append({"code": code, "name": rule.name, "step": rule.step, "addressed": True,
                                "line": e.line, "section": e.section, "phrase": e.phrase, "kind": e.kind,
                                "confidence": e.confidence, "text": e.text})
            else:
                f = missing[code]
                entries.append({"code": code, "name": rule.name, "step": rule.step, "addressed": False,
                                "line": f.line, "section": f.section, "message": f.message})
        files.append({"path": result.path, "rules": entries})
    return json.dumps(files, indent=2, ensure_ascii=False) + "\n"
