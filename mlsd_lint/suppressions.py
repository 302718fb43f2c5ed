"""In-document suppressions, each accountable: a reason, an optional expiry.

    ---
    mlsd-lint: {ignore: [EXP001]}
    ---
    <!-- mlsd-lint disable EXP001 -- no experiment platform yet; until=2027-03-31 -->
    <!-- mlsd-lint disable-next-line DOC001 -- the TODO is quoted from a template -->
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .document import Document

FILE, NEXT_LINE = "file", "next-line"
_DIRECTIVE = re.compile(r"<!--\s*mlsd-lint\s+(disable-next-line|disable)\b\s*(.*?)\s*-->", re.S | re.I)
_UNTIL = re.compile(r"(?:^|[;,\s])until\s*=\s*(\S+)\s*$", re.I)


@dataclass(frozen=True)
class Suppression:
    """An in-document directive that silences some rules, on a line or in the whole file."""

    selectors: tuple[str, ...]
    scope: str  # FILE or NEXT_LINE
    line: int  # where the directive is written
    target_line: int  # for NEXT_LINE: the line it covers
    reason: str = ""
    until: dt.date | None = None
    problem: str = ""  # e.g. an unreadable expiry date


def parse(document: Document) -> list[Suppression]:
    out: list[Suppression] = []
    front = document.front_matter.get("mlsd-lint") if document.front_matter else None
    if isinstance(front, dict):
        ignore = front.get("ignore") or []
        if isinstance(ignore, str):
            ignore = [ignore]
        reason = str(front.get("reason", "") or "")
        out.append(Suppression(tuple(str(s) for s in ignore), FILE, 1, 0, reason, *_until(str(front.get("until", "") or ""))))
    for comment in document.comments:
        for match in _DIRECTIVE.finditer(comment.text):
            kind, rest = match.group(1).lower(), match.group(2)
            line = comment.line + comment.text.count("\n", 0, match.start())
            end_line = comment.line + comment.text.count("\n", 0, match.end())
            codes_part, _, reason = rest.partition("--")
            reason = reason.strip()
            until_text = ""
            found = _UNTIL.search(reason)
            if found:
                until_text = found.group(1)
                reason = reason[: found.start()].rstrip(" ;,")
            selectors = tuple(s for s in re.split(r"[\s,]+", codes_part.strip()) if s)
            scope = NEXT_LINE if kind == "disable-next-line" else FILE
            until, problem = _until(until_text)
            out.append(Suppression(selectors, scope, line, end_line + 1 if scope == NEXT_LINE else 0, reason, until, problem))
    return out


def _until(text: str) -> tuple[dt.date | None, str]:
    if not text:
        return None, ""
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return None, f"expiry '{text}' is not a date (use until=YYYY-MM-DD)"
