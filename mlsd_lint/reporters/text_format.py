"""`--format text`: ruff's concise format, then a per-step summary."""

from __future__ import annotations

from . import Report


def render(report: Report) -> str:
    lines: list[str] = []
    findings = sorted((f for r in report.results for f in r.findings), key=lambda f: f.sort_key())
    for f in findings:
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}")
    if report.show_evidence:
        for result in report.results:
            for e in result.evidence:
                where = f" in '{e.section}'" if e.section else ""
                lines.append(f"{result.path}:{e.line}:1: {e.code} addressed{where}: \"{e.phrase}\" ({e.kind}, confidence {e.confidence:.2f})")
    if report.show_suppressed:
        for result in report.results:
            for s in result.suppressed:
                f = s.finding
                reason = f" -- {s.reason}" if s.reason else " (no reason given)"
                lines.append(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] suppressed{reason}")
    if report.quiet:
        return "\n".join(lines) + ("\n" if lines else "")
    if lines:
        lines.append("")
    files = len(report.results)
    noun = "finding" if len(findings) == 1 else "findings"
    lines.append(f"Found {len(findings)} {noun} in {files} file{'s' if files != 1 else ''}.")
    totals: dict[int, list] = {}
    for result in report.results:
        for c in result.coverage:
            entry = totals.setdefault(c.step, [c.title, 0, 0])
            entry[1] += c.found
            entry[2] += c.total
    for step in sorted(totals):
        title, found, total = totals[step]
        lines.append(f"  step {step:>2} {title}: {found}/{total} topics addressed")
    return "\n".join(lines) + "\n"
