"""`--format github`: one GitHub Actions workflow command (annotation) per finding."""

from __future__ import annotations

from . import Report, relative_path

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message as @actions/core's escapeData does (`%` first)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value as @actions/core's escapeProperty does."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    findings = sorted((f for r in report.results for f in r.findings), key=lambda f: f.sort_key())
    lines = []
    for f in findings:
        props = {"file": relative_path(f.path), "line": str(f.line), "col": str(f.column), "title": f"{f.code} {f.name}"}
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
        lines.append(f"::{_COMMANDS.get(f.severity, 'warning')} {joined}::{escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)
