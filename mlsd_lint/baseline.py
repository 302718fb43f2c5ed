"""Baselines: adopt the linter on old docs, then hear only about new gaps.

Entries are keyed by rule, path and section title, not line numbers, so edits
elsewhere in a doc do not invalidate them. A key may hold several findings.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from .engine import Finding

VERSION = 1


class BaselineError(ValueError):
    pass


Key = tuple[str, str, str]  # (code, path, section)


def key(finding: Finding) -> Key:
    return (finding.code, finding.path, finding.section)


def dumps(findings: list[Finding]) -> str:
    counts = Counter(key(f) for f in findings)
    entries = [{"code": c, "path": p, "section": s, "count": n} for (c, p, s), n in sorted(counts.items())]
    return json.dumps({"version": VERSION, "tool": "mlsd-lint", "findings": entries}, indent=2) + "\n"


def loads(text: str, path: str) -> Counter[Key]:
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise BaselineError(f"{path}: not an mlsd-lint baseline (version {VERSION})")
        counts: Counter[Key] = Counter()
        for entry in data["findings"]:
            counts[(str(entry["code"]), str(entry["path"]), str(entry.get("section", "")))] += int(entry.get("count", 1))
        return counts
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        if isinstance(err, BaselineError):
            raise
        raise BaselineError(f"{path}: not a valid baseline file ({err})") from None


@dataclass(frozen=True)
class Split:
    """Findings sorted against a baseline: new ones, known ones, and entries gone."""

    new: list[Finding]
    known: list[Finding]
    gone: list[Key]  # baseline entries that no longer occur


def split(findings: list[Finding], baseline: Counter[Key]) -> Split:
    remaining = Counter(baseline)
    new, known = [], []
    for f in findings:
        k = key(f)
        if remaining[k] > 0:
            remaining[k] -= 1
            known.append(f)
        else:
            new.append(f)
    gone = sorted(k for k, n in remaining.items() if n > 0)
    return Split(new, known, gone)
