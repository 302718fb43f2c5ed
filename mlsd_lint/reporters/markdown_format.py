"""`--format markdown`: a summary for $GITHUB_STEP_SUMMARY or a pull-request comment."""

from __future__ import annotations

import re

from . import Report

# Backslash-escape the punctuation that markdown or a GFM table would act on.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def cell(text: str) -> str:
    """Text made safe for one markdown table cell: escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def render(report: Report) -> str:
    findings = sorted((f for r in report.results for f in r.findings), key=lambda f: f.sort_key())
    suppressed = sum(len(r.suppressed) for r in report.results)
    files = len(report.results)
    out = ["## mlsd-lint", ""]
    extra = f" ({suppressed} suppressed)" if suppressed else ""
    if findings:
        out.append(f"**{_plural(len(findings), 'finding')}**{extra} in {_plural(files, 'file')}.")
    else:
        out.append(f"**No findings**{extra} in {_plural(files, 'file')}.")
    out.append("")

    rows = [(r.path, c) for r in report.results for c in r.coverage]
    if rows:
        out += ["### Topics addressed per step", "", "| File | Step | Addressed / total |", "| --- | --- | ---: |"]
        out += [f"| {cell(path)} | {c.step}. {cell(c.title)} | {c.found} / {c.total} |" for path, c in rows]
        out.append("")

    if findings:
        out += ["### Findings", "", "| Location | Code | Rule | Message |", "| --- | --- | --- | --- |"]
        out += [f"| {cell(f'{f.path}:{f.line}')} | {cell(f.code)} | {cell(f.name)} | {cell(f.message)} |" for f in findings]
        out.append("")
    return "\n".join(out)
