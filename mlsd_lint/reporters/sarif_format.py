"""`--format sarif`: SARIF 2.1.0 (one run) for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..engine import Finding
from ..rules import Rule
from . import Report, relative_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/mlsd-lint/mlsd-lint"
RULES_DOC_URI = "https://github.com/mlsd-lint/mlsd-lint/blob/main/docs/rules.md#"
FINGERPRINT_KEY = "mlsdLint/v1"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    if PurePath(path).is_absolute():
        return PurePath(path).as_uri()
    return quote(path, safe="/")


def _rule(rule: Rule) -> dict[str, Any]:
    e = rule.explanation
    parts = [("What it asks", e.what), ("Why it matters", e.why), ("How to address it", e.how), ("Example", e.example), ("Source", e.source)]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{e.what} {e.why}"},
        "help": {
            "text": "\n\n".join(f"{heading}: {body}" for heading, body in parts if body),
            "markdown": "\n\n".join(f"**{heading}:** {body}" for heading, body in parts if body),
        },
        "helpUri": RULES_DOC_URI + rule.code.lower(),
        "defaultConfiguration": {"level": _LEVELS.get(rule.severity, "warning")},
        "properties": {"step": rule.step, "stepTitle": rule.step_title},
    }


def _fingerprint(finding: Finding, path: str) -> str:
    # Code, file and section title only: line numbers would change with every edit above.
    return hashlib.sha256("\0".join((finding.code, path, finding.section)).encode("utf-8")).hexdigest()


def render(report: Report) -> str:
    rules = sorted(report.ruleset.rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    entries: list[tuple[Finding, dict[str, str] | None]] = []
    for result in report.results:
        entries.extend((f, None) for f in result.findings)
        for s in result.suppressed:
            waiver = {"kind": s.kind}
            if s.reason:
                waiver["justification"] = s.reason
            entries.append((s.finding, waiver))
    entries.sort(key=lambda entry: (entry[0].sort_key(), entry[1] is not None))

    results: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for finding, suppression in entries:
        path = relative_path(finding.path)
        digest = _fingerprint(finding, path)
        # Findings sharing code, file and section (two TODOs in one section) are told apart
        # by their order there, as GitHub does for its own line-hash fingerprints.
        seen[digest] = seen.get(digest, 0) + 1
        row: dict[str, Any] = {"ruleId": finding.code}
        if finding.code in index:
            row["ruleIndex"] = index[finding.code]
        row["level"] = _LEVELS.get(finding.severity, "warning")
        row["message"] = {"text": finding.message}
        row["locations"] = [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(path)},
                "region": {"startLine": max(1, finding.line), "startColumn": max(1, finding.column)},
            }
        }]
        row["partialFingerprints"] = {FINGERPRINT_KEY: f"{digest}:{seen[digest]}"}
        if suppression is not None:
            row["suppressions"] = [suppression]
        results.append(row)

    sarif = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "mlsd-lint",
                    "version": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": [_rule(rule) for rule in rules],
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
