"""Decide whether, and where, a document addresses each topic.

A document is cut into sentences ("units"); units that cannot address anything
(questions, placeholders, unticked checklist items, template prompts, open
questions) are set aside first. Every phrase of every rule is indexed by its
first stem, so one pass over a unit's stems finds all candidate hits whatever
the number of rules. Hits then weigh by kind and by where they stand: a weak
term counts in its step's own section, a heading counts only with content
under it. See docs/matching.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from . import document as doc
from .rules import Rule, RuleSet
from .text import BOUNDARY, normalize, phrase_stems, sentences, tokenize, word_count

STRONG, WEAK, HEADING, NEAR = "phrase", "weak", "heading", "near"
THRESHOLD = 0.5

# A unit that only asks, defers or prompts does not address a topic.
_PLACEHOLDER = re.compile(
    r"\b(?:todo|tbd|tbc|fixme|xxx|lorem ipsum|fill (?:this )?in|to be (?:defined|determined|decided|added|written|completed))\b"
    r"|\[(?:[^\]\[]{0,60}(?:name|description|describe|insert|add|fill|todo|tbd|your|e\.g\.)[^\]\[]{0,60})\]",
    re.I,
)
_PROMPT = re.compile(
    r"^\s*(?:[-*>]\s*)?(?:please\s+)?(?:describe|explain|define|list|specify|outline|discuss|consider whether|think about|mention|document|state|identify|provide|add|write|include|note down)\b"
    r"(?![^.]*\b(?:we|our|us)\b)",
    re.I,
)
_QUESTION_TAIL = re.compile(r"\?[\s)*_\"'`\]]*$")
# Sections whose content is not the design: questions still to answer, what the
# doc leaves out, reading lists. Matched against the whole title, less numbering.
_NON_COUNTING_SECTION = re.compile(
    r"^(?:.*\bquestions?\b.*|out of scope\b.*|faq|further reading|references?|resources|bibliography|links|exercises?)$",
    re.I,
)
_NUMBERING = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*\.?|[ivxlc]+\.|[a-z]\))\s+", re.I)


def _muted_title(title: str) -> bool:
    return bool(_NON_COUNTING_SECTION.match(_NUMBERING.sub("", title).strip(" :*_")))


@dataclass(frozen=True)
class Evidence:
    """Why a rule counts as addressed: the best hit found for it."""

    code: str
    line: int
    section: str
    phrase: str
    kind: str
    confidence: float
    text: str


@dataclass(frozen=True)
class _Unit:
    stems: tuple[str, ...]
    line: int
    section: int
    text: str
    in_code: bool = False


@dataclass(frozen=True)
class _Entry:
    stems: tuple[str, ...]
    rule: int
    kind: str  # STRONG, WEAK, HEADING-only phrases are kept apart; "near:i:t|w", "exclude"
    text: str


def _variants(stems: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A phrase and its closed-compound spellings: "kill switch" also as "killswitch"."""
    out = {stems}
    if 2 <= len(stems) <= 3:
        out.add(("".join(stems),))
        for i in range(len(stems) - 1):
            out.add(stems[:i] + (stems[i] + stems[i + 1],) + stems[i + 2 :])
    return out


_BRACKETED = re.compile(r"^\s*\[[^\]]{3,}\]\s*[.:]?\s*$")  # "[Expected impact and KPIs]": a slot left unfilled


def _is_excluded_text(text: str) -> bool:
    return bool(_QUESTION_TAIL.search(text) or _PLACEHOLDER.search(text) or _PROMPT.match(text) or _BRACKETED.match(text))


class Matcher:
    """Compiled, reusable matcher for one RuleSet. Build once per process."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.rules: tuple[Rule, ...] = tuple(r for r in ruleset.rules if r.check == "topic")
        index: dict[str, list[_Entry]] = defaultdict(list)
        headings: dict[str, list[_Entry]] = defaultdict(list)
        # Words typos are corrected to: as written in the packs, not the joined-up
        # compound variants ("integrtest" must not attract "interests").
        typo_targets: set[str] = set()
        for r_i, rule in enumerate(self.rules):
            m = rule.match
            groups = [(STRONG, m.phrases), (WEAK, m.weak), ("exclude", m.exclude)]
            for n_i, near in enumerate(m.near):
                groups.append((f"near:{n_i}:t", near.terms))
                groups.append((f"near:{n_i}:w", near.qualifiers))
            for kind, phrases in groups:
                for phrase in phrases:
                    written = phrase_stems(phrase)
                    if kind != "exclude":
                        typo_targets.update(written)
                    for stems in _variants(written):
                        if stems:
                            index[stems[0]].append(_Entry(stems, r_i, kind, phrase))
            for phrase in m.headings + m.phrases:
                for stems in _variants(phrase_stems(phrase)):
                    if stems:
                        headings[stems[0]].append(_Entry(stems, r_i, HEADING, phrase))
        self._index = dict(index)
        self._heading_index = dict(headings)
        self._vocab_set = frozenset(s for entries in self._index.values() for e in entries for s in e.stems)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(typo_targets):
            if len(word) >= 6:
                by_initial[word[:2]].append(word)
        self._by_initial = dict(by_initial)
        self._typo_cache: dict[str, str] = {}
        self._steps = []
        for step in ruleset.steps:
            for phrase in step.sections:
                for stems in _variants(phrase_stems(phrase)):
                    self._steps.append((stems, step.number))

    # -- normalisation of document stems -------------------------------------------------

    def _correct(self, stem: str) -> str:
        """Map a likely typo of a rule word onto that word ("rollbakc" -> "rollback")."""
        if len(stem) < 7 or stem in self._vocab_set or stem.isdigit():
            return stem
        cached = self._typo_cache.get(stem)
        if cached is not None:
            return cached
        candidates = [w for w in self._by_initial.get(stem[:2], ()) if abs(len(w) - len(stem)) <= 2]
        best = process.extractOne(stem, candidates, scorer=fuzz.ratio, score_cutoff=88) if candidates else None
        fixed = best[0] if best else stem
        self._typo_cache[stem] = fixed
        return fixed

    def _stems(self, text: str) -> tuple[str, ...]:
        return tuple(self._correct(s) for s in tokenize(text).stems)

    # -- sections --------------------------------------------------------------------------

    def section_steps(self, document: doc.Document) -> list[int | None]:
        """The checklist step each section belongs to, inherited from its parent."""
        steps: list[int | None] = []
        for section in document.sections:
            own = self._title_step(section.title) if section.level else None
            if own is None and section.parent is not None:
                own = steps[section.parent]
            steps.append(own)
        return steps

    def _title_step(self, title: str) -> int | None:
        stems = tokenize(title).stems
        # The most specific phrase wins ("model monitoring" over "model"), then the earliest.
        best: tuple[int, int, int] | None = None  # (-length, position, step)
        for pattern, number in self._steps:
            pos = _find(stems, pattern)
            if pos is not None:
                candidate = (-len(pattern), pos, number)
                if best is None or candidate < best:
                    best = candidate
        return best[2] if best else None

    # -- matching --------------------------------------------------------------------------

    def units(self, document: doc.Document) -> tuple[list[_Unit], list[bool]]:
        """Sentences that may count as evidence, and which sections never count."""
        muted = [False] * len(document.sections)
        for section in document.sections:
            parent_muted = muted[section.parent] if section.parent is not None else False
            # A document's own title never mutes it ("Class notes: reference design").
            muted[section.index] = parent_muted or (section.level > 1 and _muted_title(section.title))
        out: list[_Unit] = []
        for block in document.blocks:
            if muted[block.section]:
                continue
            if block.kind == doc.CODE:
                out.append(_Unit(self._stems(block.text), block.line, block.section, block.text, True))
                continue
            if block.kind not in doc.PROSE_KINDS or block.checkbox == " ":
                continue
            if block.kind == doc.TABLE_HEADER or (block.kind == doc.TABLE_ROW and not word_count(block.body)):
                continue  # column titles, and rows that name a topic but leave the answer empty
            for offset, sentence in sentences(block.text):
                if _is_excluded_text(sentence):
                    continue
                line = block.line + block.text.count("\n", 0, offset)
                out.append(_Unit(self._stems(sentence), line, block.section, sentence.strip()))
        return out, muted

    def evidence(self, document: doc.Document) -> dict[str, Evidence]:
        """The best evidence found for each topic rule the document addresses."""
        units, muted = self.units(document)
        section_steps = self.section_steps(document)
        best: dict[int, Evidence] = {}
        weak_seen: dict[int, dict[tuple[str, ...], Evidence]] = defaultdict(dict)

        def offer(r_i: int, ev: Evidence) -> None:
            old = best.get(r_i)
            if old is None or (ev.confidence, -ev.line) > (old.confidence, -old.line):
                best[r_i] = ev

        topic_sections = self._topic_sections(document, muted)
        for unit in units:
            hits = self._scan(unit.stems)
            if not hits:
                continue
            excluded = {h.rule for h in hits if h.kind == "exclude"}
            near_hits: dict[tuple[int, str], list[int]] = defaultdict(list)
            title = document.sections[unit.section].title
            for h in hits:
                if h.rule in excluded:
                    continue
                rule = self.rules[h.rule]
                if unit.in_code and not rule.match.code:
                    continue
                home = section_steps[unit.section] == rule.step or unit.section in topic_sections.get(h.rule, ())
                if h.kind == STRONG:
                    offer(h.rule, Evidence(rule.code, unit.line, title, h.text, STRONG, 1.0 if home else 0.9, unit.text))
                elif h.kind == WEAK:
                    if any(o.rule == h.rule and o is not h and o.pos <= h.pos and h.pos + h.length <= o.pos + o.length and o.length > h.length for o in hits):
                        continue  # "classification" inside "text classification"
                    ev = Evidence(rule.code, unit.line, title, h.text, WEAK, 0.7 if home else 0.3, unit.text)
                    weak_seen[h.rule].setdefault(h.stems, ev)
                    if home:
                        offer(h.rule, ev)
                elif h.kind.startswith("near:"):
                    near_hits[(h.rule, h.kind)].append(h.pos)
            for r_i in {r for r, _ in near_hits}:
                rule = self.rules[r_i]
                for n_i, near in enumerate(rule.match.near):
                    terms = near_hits.get((r_i, f"near:{n_i}:t"), [])
                    quals = near_hits.get((r_i, f"near:{n_i}:w"), [])
                    if any(abs(t - q) <= near.window for t in terms for q in quals):
                        home = section_steps[unit.section] == rule.step
                        offer(r_i, Evidence(rule.code, unit.line, title, f"{near.terms[0]} ~ {near.qualifiers[0]}", NEAR, 0.95 if home else 0.85, unit.text))
                        break
        # Weak terms outside their home count when two different ones agree.
        for r_i, seen in weak_seen.items():
            if r_i not in best and len(seen) >= 2:
                first = min(seen.values(), key=lambda e: e.line)
                phrases = " + ".join(sorted({e.phrase for e in seen.values()}))
                offer(r_i, Evidence(first.code, first.line, first.section, phrases, WEAK, 0.6, first.text))
        substantive = self._substantive_sections(document, units)
        for r_i, sections in topic_sections.items():
            for s_i in sorted(sections):
                section = document.sections[s_i]
                if section.title and s_i in substantive:
                    offer(r_i, Evidence(self.rules[r_i].code, section.line, section.title, section.title, HEADING, 0.95, section.title))
                    break
        self._labels(document, muted, offer)
        return {self.rules[r].code: ev for r, ev in best.items() if ev.confidence >= THRESHOLD}

    def _labels(self, document: doc.Document, muted: list[bool], offer) -> None:
        """Lead-ins that name a topic, with an answer after them: `| Rollback | revert... |`."""
        for block in document.blocks:
            if not block.label or muted[block.section] or block.checkbox == " " or block.kind == doc.TABLE_HEADER:
                continue
            if word_count(block.body) < 3 or _is_excluded_text(block.body) or _is_excluded_text(block.label):
                continue
            for r_i in self._heading_rules(block.label):
                rule = self.rules[r_i]
                offer(r_i, Evidence(rule.code, block.line, document.sections[block.section].title, block.label, HEADING, 0.9, block.text[:200]))

    def _heading_rules(self, title: str) -> set[int]:
        """Rules whose topic a title or label names (and whose excludes it does not hold)."""
        stems = self._stems(title)
        found: set[int] = set()
        for i, s in enumerate(stems):
            for entry in self._heading_index.get(s, ()):
                if stems[i : i + len(entry.stems)] == entry.stems:
                    found.add(entry.rule)
        if found:
            found -= {h.rule for h in self._scan(stems) if h.kind == "exclude"}
        return found

    def _topic_sections(self, document: doc.Document, muted: list[bool]) -> dict[int, set[int]]:
        """Sections whose title names a rule's topic (and their subsections)."""
        out: dict[int, set[int]] = defaultdict(set)
        for section in document.sections:
            if not section.level or muted[section.index]:
                continue
            for r_i in self._heading_rules(section.title):
                out[r_i].add(section.index)
        for section in document.sections:  # parents come first
            if section.parent is not None:
                for r_i, found in out.items():
                    if section.parent in found:
                        found.add(section.index)
        return out

    def _substantive_sections(self, document: doc.Document, units: list[_Unit]) -> set[int]:
        """Sections (with their subsections) holding a few words of real prose."""
        words = [0] * len(document.sections)
        for unit in units:
            if not unit.in_code:
                words[unit.section] += len(unit.stems)
        for section in reversed(document.sections):
            if section.parent is not None:
                words[section.parent] += words[section.index]
        return {i for i, n in enumerate(words) if n >= 4}

    def _scan(self, stems: tuple[str, ...]) -> list["_Hit"]:
        hits: list[_Hit] = []
        index = self._index
        n = len(stems)
        skipped = 0  # list separators don't count towards `near` distances
        for i, s in enumerate(stems):
            if s == BOUNDARY:
                skipped += 1
                continue
            for entry in index.get(s, ()):
                k = len(entry.stems)
                if k == 1 or (i + k <= n and stems[i : i + k] == entry.stems):
                    hits.append(_Hit(entry.rule, entry.kind, entry.text, i - skipped, entry.stems))
        return hits


@dataclass(frozen=True)
class _Hit:
    rule: int
    kind: str
    text: str
    pos: int
    stems: tuple[str, ...]

    @property
    def length(self) -> int:
        return len(self.stems)


def _find(stems: tuple[str, ...], pattern: tuple[str, ...]) -> int | None:
    k = len(pattern)
    for i in range(len(stems) - k + 1):
        if stems[i : i + k] == pattern:
            return i
    return None


def addresses(matcher: Matcher, rule_code: str, markdown: str) -> bool:
    """Whether a markdown snippet addresses a rule: what rule examples are tested with."""
    return rule_code in matcher.evidence(doc.parse(markdown))


__all__ = ["Evidence", "Matcher", "addresses", "normalize"]
