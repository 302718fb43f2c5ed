"""Document x rules -> findings. Pure: no I/O, no printing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from . import document as doc
from .matching import Evidence, Matcher
from .rules import Rule

_DOCUMENT_CHECKS = ("topic", "placeholder", "empty-section")
_PLACEHOLDER_WORD = re.compile(r"\b(?:TODO|TBD|FIXME|XXX|lorem ipsum|fill (?:this )?in)\b", re.I)
# What every match above holds, lower-cased: a quicker test (substring tests: a
# pattern starting with common letters would stop at every t, f, l and x).
_PLACEHOLDER_HINTS = ("todo", "tbd", "fixme", "xxx", "lorem ipsum", "fill")


class PluginFailure(Exception):
    """A plugin rule raised while checking a document."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnostic: a rule the document does not satisfy, and where to look."""

    path: str
    line: int
    column: int
    code: str
    name: str
    step: int
    severity: str
    message: str
    section: str = ""  # title of the section the finding points at: stable across edits

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


@dataclass(frozen=True)
class Suppressed:
    """A finding silenced by an in-document suppression or a config, with the reason given."""

    finding: Finding
    reason: str = ""
    kind: str = "inSource"  # SARIF suppression kind: inSource (in the doc) or external (config, baseline)


@dataclass(frozen=True)
class StepCoverage:
    """How many of a checklist step's topic rules a document addresses."""

    step: int
    title: str
    found: int
    total: int


@dataclass(frozen=True)
class FileResult:
    """Everything one file's check produced: findings, evidence, coverage, suppressions."""

    path: str
    findings: tuple[Finding, ...]
    evidence: tuple[Evidence, ...] = ()
    coverage: tuple[StepCoverage, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()


def lint(
    document: doc.Document,
    matcher: Matcher,
    selected: frozenset[str],
    severities: dict[str, str] | None = None,
    today: dt.date | None = None,
    plugins: Mapping[str, Any] | None = None,
) -> FileResult:
    """Findings for the selected rule codes, after in-document suppressions.

    `severities` overrides a rule's default severity; `today` decides which
    suppressions have expired (none, when not given); `plugins` maps the codes
    of enabled plugin rules to the rule objects that check them.
    """
    severities = severities or {}
    by_code = matcher.ruleset.by_code()
    rules = [r for r in matcher.ruleset.rules if r.code in selected and r.check in _DOCUMENT_CHECKS]
    topic_rules = [r for r in rules if r.check == "topic"]
    evidence, section_steps = matcher.analyse(document) if topic_rules else ({}, [])
    findings: list[Finding] = []

    home: dict[int, doc.Section] = {}
    for section, step in zip(document.sections, section_steps):
        if step is not None and section.level and step not in home:
            home[step] = section
    title_line = document.title_line

    def make(rule: Rule, line: int, column: int, message: str, section: str) -> Finding:
        severity = severities.get(rule.code, rule.severity)
        return Finding(document.path, line, column, rule.code, rule.name, rule.step, severity, message, section)

    for rule in topic_rules:
        if rule.code in evidence:
            continue
        where = home.get(rule.step)
        if where is not None:
            findings.append(make(rule, where.line, 1, rule.full_message, where.title))
        else:
            findings.append(make(rule, title_line, 1, rule.full_message, ""))
    for rule in rules:
        if rule.check == "placeholder":
            findings.extend(make(rule, line, col, f"{rule.message} '{word}'. {rule.question}".strip(), title) for line, col, word, title in _placeholders(document))
        elif rule.check == "empty-section":
            findings.extend(make(rule, s.line, 1, f"'{s.title}' {rule.message} {rule.question}".strip(), s.title) for s in _empty_sections(document))
    for code, plugin in (plugins or {}).items():
        if code in selected:
            rule = by_code[code]
            try:
                reported = list(plugin.check(document))
            except Exception as err:  # a plugin's bug is reported, not raised as a traceback
                raise PluginFailure(f"plugin rule {code} failed ({type(err).__name__}: {err})") from None
            for d in reported:
                findings.append(make(rule, max(1, d.line), max(1, d.column), d.message or rule.message, ""))

    findings, suppressed = _apply_suppressions(document, findings, matcher.ruleset, selected, today, make)

    coverage = []
    for pack_step in matcher.ruleset.steps:
        in_step = [r for r in topic_rules if r.step == pack_step.number]
        if in_step:
            coverage.append(StepCoverage(pack_step.number, pack_step.title, sum(r.code in evidence for r in in_step), len(in_step)))
    return FileResult(
        path=document.path,
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        evidence=tuple(sorted((e for e in evidence.values() if e.code in selected), key=lambda e: (e.line, e.code))),
        coverage=tuple(coverage),
        suppressed=tuple(sorted(suppressed, key=lambda s: s.finding.sort_key())),
    )


def _apply_suppressions(document, findings, ruleset, selected, today, make):
    """Split findings into reported and suppressed; report suppressions that need attention."""
    from .selection import SelectorError, match

    kept = list(findings)
    suppressed: list[Suppressed] = []
    extra: list[Finding] = []

    def report(check: str, line: int, detail: str) -> None:
        for rule in ruleset.rules:
            if rule.check == check and rule.code in selected:
                extra.append(make(rule, line, 1, f"{rule.message} {detail}. {rule.question}".strip(), ""))

    directives = []
    if document.comments or document.front_matter:  # where directives are written: most docs have neither
        from . import suppressions

        directives = suppressions.parse(document)
    for sup in directives:
        codes: set[str] = set()
        for selector in sup.selectors:
            try:
                codes |= match(selector, ruleset)
            except SelectorError:
                report("unknown-suppression", sup.line, f"'{selector}'")
        if sup.problem:
            report("expired-suppression", sup.line, sup.problem)
            continue
        if sup.until is not None and today is not None and sup.until < today:
            report("expired-suppression", sup.line, f"{', '.join(sup.selectors)} until {sup.until.isoformat()}")
            continue
        hits = [f for f in kept if f.code in codes and (sup.scope == suppressions.FILE or f.line == sup.target_line)]
        for f in hits:
            kept.remove(f)
            suppressed.append(Suppressed(f, sup.reason))
        if not hits and codes and codes <= selected:
            report("unused-suppression", sup.line, ", ".join(sup.selectors))
    return sorted(kept + extra, key=Finding.sort_key), suppressed


def _placeholders(document: doc.Document) -> list[tuple[int, int, str, str]]:
    """(line, column, word, section) of each placeholder in prose, located in the source."""
    # The hint rules most blocks out quickly (lower-cased a block at a time: a
    # lower-cased copy of a big document would cost its size again in memory).
    candidates = [
        b
        for b in document.blocks
        if b.kind in doc.PROSE_KINDS and any(map(b.text.lower().__contains__, _PLACEHOLDER_HINTS)) and _PLACEHOLDER_WORD.search(b.text)
    ]
    if not candidates:
        return []
    # Line starts, computed only when there is something to locate.
    starts = [0] + [m.end() for m in re.finditer("\n", document.source)]
    source = document.source
    out = set()
    for block in candidates:
        title = document.sections[block.section].title
        span = block.text.count("\n") + 1
        for line_no in range(block.line, min(block.line + span, len(starts) + 1)):
            begin = starts[line_no - 1]
            end = starts[line_no] - 1 if line_no < len(starts) else len(source)
            for match in _PLACEHOLDER_WORD.finditer(source, begin, end):
                out.add((line_no, match.start() - begin + 1, match.group(), title))
    return sorted(out)


def _empty_sections(document: doc.Document) -> list[doc.Section]:
    has_content = [False] * len(document.sections)
    for block in document.blocks:
        has_content[block.section] = True
    for section in document.sections:
        if section.parent is not None:
            has_content[section.parent] = True
    return [s for s in document.sections if s.level and not has_content[s.index]]
