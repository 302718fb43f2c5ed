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
from pathlib import Path
from dataclasses import dataclass
from typing import Callable, Iterator, NamedTuple


from . import document as doc
from . import jsonfile
from .rules import Rule, RuleSet
from .text import BOUNDARY, LARGE, NUMBER, number_class, phrase_stems, sentences, tokenize, word_count

STRONG, WEAK, HEADING, NEAR = "phrase", "weak", "heading", "near"
EXCLUDE, NEAR_TERM, NEAR_QUALIFIER = "exclude", "near-term", "near-qualifier"
# Kinds are compared by identity in the hot loop: map loaded strings back to these.
_KINDS = {k: k for k in (STRONG, WEAK, EXCLUDE, NEAR_TERM, NEAR_QUALIFIER)}
THRESHOLD = 0.5

# A unit that only asks, defers or prompts does not address a topic.
_PLACEHOLDER = re.compile(
    r"\b(?:todo|tbd|tbc|fixme|xxx|lorem ipsum|fill (?:this )?in|to be (?:defined|determined|decided|added|written|completed))\b"
    r"|\[(?:[^\]\[]{0,60}(?:name|description|describe|insert|add|fill|todo|tbd|your|e\.g\.)[^\]\[]{0,60})\]",
    re.I,
)
# A template's instruction: an imperative verb, then what to write about ("Describe
# how...", "List the..."). "Document embeddings are stored..." is not one.
_PROMPT = re.compile(
    r"^\s*(?:[-*>]\s*)?(?:please\s+)?(?:describe|explain|define|list|specify|outline|discuss|consider whether|think about|mention|document|state|identify|provide|add|write|include|note down)\b"
    r"\s+(?:the|a|an|your|our|how|what|which|why|when|where|who|any|all|each|every|whether|if|here|below|key|main|potential|possible|relevant|expected|known|at least)\b"
    r"(?![^.]*\b(?:we|us)\b)",
    re.I,
)
_QUESTION_TAIL = re.compile(r"\?[\s)*_\"'`\]]*$")
# A sentence that says a topic is not dealt with: "A/A, kill switch -> not discussed".
_DEFERRED = re.compile(
    r"\bnot (?:yet )?(?:discussed|covered|addressed|decided|defined|determined|specified|considered|known|in scope)\b"
    r"|\b(?:out of scope|n/a|none yet|to follow|later phase)\b",
    re.I,
)
# Sections whose content is not the design: questions still to answer, what the
# doc leaves out, reading lists. Matched against the whole title, less numbering.
_NON_COUNTING_SECTION = re.compile(
    r"^(?:.*\bquestions?\b.*|out of scope\b.*|not (?:yet )?covered\b.*|future work\b.*|faq|further reading|references?|resources|bibliography|links|exercises?)$",
    re.I,
)
_NUMBERING = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*\.?|[ivxlc]+\.|[a-z]\))\s+", re.I)


def _muted_title(title: str) -> bool:
    return bool(_NON_COUNTING_SECTION.match(_NUMBERING.sub("", title).strip(" :*_")))


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a rule counts as addressed: the best hit found for it."""

    code: str
    line: int
    section: str
    phrase: str
    kind: str
    confidence: float
    text: str


class _Unit(NamedTuple):
    stems: tuple[str, ...]
    line: int
    section: int
    text: str
    in_code: bool = False


class _Entry(NamedTuple):
    stems: tuple[str, ...]
    rule: int
    kind: str  # STRONG, WEAK, EXCLUDE, or NEAR_TERM / NEAR_QUALIFIER with `near` set
    text: str
    near: int = -1  # which `near` entry of the rule


class _Hit(NamedTuple):
    entry: _Entry
    pos: int  # word position in the unit, list separators not counted


class _Context(NamedTuple):
    """What is known of a document's sections before its sentences are read."""

    steps: list[int | None]  # checklist step of each section
    muted: list[bool]  # sections that never count
    topic_sections: dict[int, set[int]]  # rule -> sections titled for its topic


def _variants(stems: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A phrase and its closed-compound spellings: "kill switch" also as "killswitch"."""
    out = {stems}
    if 2 <= len(stems) <= 3:
        out.add(("".join(stems),))
        for i in range(len(stems) - 1):
            out.add(stems[:i] + (stems[i] + stems[i + 1],) + stems[i + 2 :])
    return out


_BRACKETED = re.compile(r"^\s*\[[^\]]{3,}\]\s*[.:]?\s*$")  # "[Expected impact and KPIs]": a slot left unfilled


# All of the above in one pass: this runs on every sentence of every document.
# (^ and $ keep their meaning inside the alternation: no MULTILINE flag.)
_EXCLUDED = re.compile("|".join(f"(?:{p.pattern})" for p in (_QUESTION_TAIL, _PLACEHOLDER, _PROMPT, _BRACKETED, _DEFERRED)), re.I)


def _is_excluded_text(text: str) -> bool:
    return _EXCLUDED.search(text) is not None


class Matcher:
    """Compiled, reusable matcher for one RuleSet. Build once per process."""

    def __init__(self, ruleset: RuleSet, compiled: dict | None = None) -> None:
        """`compiled` is a state saved by `compile()` for the same rules (see cached())."""
        self.ruleset = ruleset
        self.rules: tuple[Rule, ...] = tuple(r for r in ruleset.rules if r.check == "topic")
        state = compiled or self.compile(ruleset)
        entries = [_Entry(tuple(st), r, _KINDS[k], t, n) for st, r, k, t, n in state["entries"]]
        # Qualifiers ("model", "data") are common words: look for them only in
        # sentences where one of their rule's near-terms already occurred.
        self._qualifiers = _PhraseIndex([e for e in entries if e.kind is NEAR_QUALIFIER])
        self._index = _PhraseIndex([e for e in entries if e.kind is not NEAR_QUALIFIER])
        headings: dict[str, list[_Entry]] = defaultdict(list)
        for st, r, text in state["headings"]:
            headings[st[0]].append(_Entry(tuple(st), r, HEADING, text))
        self._heading_index = dict(headings)
        self._vocab = frozenset(s for e in entries for s in e.stems)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for word in state["typo_targets"]:
            if len(word) >= 6:
                by_initial[word[:2]].append(word)
        self._by_initial = dict(by_initial)
        self._typo_cache: dict[str, str] = {}
        steps: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        for st, number in state["steps"]:
            steps[st[0]].append((tuple(st), number))
        self._step_index = dict(steps)
        self._code_counts = any(r.match.code for r in self.rules)

    @staticmethod
    def compile(ruleset: RuleSet) -> dict:
        """The rules' phrases as stems, as plain JSON-able data (the costly part of start-up)."""
        rules = [r for r in ruleset.rules if r.check == "topic"]
        entries: list[list] = []
        headings: list[list] = []
        seen: set[tuple] = set()  # phrase spellings that normalise alike index once
        # Words typos are corrected to: as written in the packs, not the joined-up
        # compound variants ("integrtest" must not attract "interests").
        typo_targets: set[str] = set()
        for r_i, rule in enumerate(rules):
            m = rule.match
            groups = [(STRONG, m.phrases, -1), (WEAK, m.weak, -1), (EXCLUDE, m.exclude, -1)]
            for n_i, near in enumerate(m.near):
                groups += [(NEAR_TERM, near.terms, n_i), (NEAR_QUALIFIER, near.qualifiers, n_i)]
            for kind, phrases, n_i in groups:
                for phrase in phrases:
                    written = phrase_stems(phrase)
                    if kind != EXCLUDE:
                        typo_targets.update(written)
                    for stems in sorted(_variants(written)):
                        if stems and (stems, r_i, kind, n_i) not in seen:
                            seen.add((stems, r_i, kind, n_i))
                            entries.append([list(stems), r_i, kind, phrase, n_i])
            for phrase in m.headings + m.phrases:
                for stems in sorted(_variants(phrase_stems(phrase))):
                    if stems:
                        headings.append([list(stems), r_i, phrase])
        steps = [
            [list(stems), step.number]
            for step in ruleset.steps
            for phrase in step.sections
            for stems in sorted(_variants(phrase_stems(phrase)))
            if stems
        ]
        return {"entries": entries, "headings": headings, "typo_targets": sorted(typo_targets), "steps": steps}

    @classmethod
    def cached(cls, ruleset: RuleSet, folder: Path | None, digest: str) -> "Matcher":
        """A matcher whose compiled phrases are kept in `folder` (JSON) between runs."""
        if folder is None:
            return cls(ruleset)
        file = folder / f"matcher-{digest}.json"
        state = jsonfile.read(file)
        if isinstance(state, dict) and state.get("digest") == digest:
            try:
                return cls(ruleset, state)
            except (KeyError, TypeError, ValueError):
                pass  # damaged: rebuild
        state = cls.compile(ruleset)
        jsonfile.write(file, {**state, "digest": digest})
        return cls(ruleset, state)

    # -- normalisation of document stems -------------------------------------------------

    def _correct(self, stem: str) -> str:
        """Map a likely typo of a rule word onto that word ("rollbakc" -> "rollback")."""
        cached = self._typo_cache.get(stem)
        if cached is not None:
            return cached
        candidates = [w for w in self._by_initial.get(stem[:2], ()) if abs(len(w) - len(stem)) <= 2]
        best = None
        if candidates:
            from rapidfuzz import fuzz, process  # only long words the packs don't know get here

            best = process.extractOne(stem, candidates, scorer=fuzz.ratio, score_cutoff=88)
        fixed = best[0] if best else stem
        self._typo_cache[stem] = fixed
        return fixed

    def _stems(self, text: str) -> tuple[str, ...]:
        vocab = self._vocab
        return tuple([s if len(s) < 7 or s in vocab else self._correct(s) for s in tokenize(text)])

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
        stems = tokenize(title)
        # The most specific phrase wins ("model monitoring" over "model"), then the earliest.
        best: tuple[int, int, int] | None = None  # (-length, position, step)
        for i, s in enumerate(stems):
            for pattern, number in self._step_index.get(s, ()):
                if stems[i : i + len(pattern)] == pattern:
                    candidate = (-len(pattern), i, number)
                    if best is None or candidate < best:
                        best = candidate
        return best[2] if best else None

    def _context(self, document: doc.Document) -> _Context:
        muted = [False] * len(document.sections)
        for section in document.sections:
            parent_muted = muted[section.parent] if section.parent is not None else False
            # A document's own title never mutes it ("Class notes: reference design").
            muted[section.index] = parent_muted or (section.level > 1 and _muted_title(section.title))
        return _Context(self.section_steps(document), muted, self._topic_sections(document, muted))

    # -- matching --------------------------------------------------------------------------

    def units(self, document: doc.Document, muted: list[bool]) -> Iterator[_Unit]:
        """Sentences that may count as evidence, one at a time (a big doc is never held twice)."""
        for block in document.blocks:
            if muted[block.section]:
                continue
            kind = block.kind
            if kind == doc.CODE:
                if self._code_counts:
                    yield _Unit(self._stems(block.text), block.line, block.section, block.text, True)
                continue
            if kind not in doc.PROSE_KINDS or block.checkbox == " ":
                continue
            if block.italic and "?" in block.text:
                continue  # a template's guidance: "_Which users? How will we handle reject inference?_"
            if kind == doc.TABLE_HEADER or (kind == doc.TABLE_ROW and not word_count(block.body)):
                continue  # column titles, and rows that name a topic but leave the answer empty
            for offset, sentence in sentences(block.text):
                if _is_excluded_text(sentence):
                    continue
                line = block.line + block.text.count("\n", 0, offset) if offset else block.line
                yield _Unit(self._stems(sentence), line, block.section, sentence.strip())

    def evidence(self, document: doc.Document) -> dict[str, Evidence]:
        """The best evidence found for each topic rule the document addresses."""
        return self.analyse(document)[0]

    def analyse(self, document: doc.Document) -> tuple[dict[str, Evidence], list[int | None]]:
        """Evidence per addressed rule code, and the checklist step of each section."""
        ctx = self._context(document)
        rules = self.rules
        words = [0] * len(document.sections)  # prose words per section, for titled-topic evidence
        sections = document.sections
        # Best so far per rule, as (confidence, -line, kind, phrase, unit/section payload).
        best: dict[int, tuple[float, int, str, str, int, str, str]] = {}
        weak_seen: dict[int, dict[tuple[str, ...], tuple[int, str, int, str]]] = defaultdict(dict)

        # Rules whose evidence cannot improve (full confidence; later lines lose ties):
        # their further hits are skipped, which is most hits in a thorough doc.
        settled: set[int] = set()

        def offer(r_i: int, confidence: float, line: int, kind: str, phrase: str, section: int, text: str) -> None:
            old = best.get(r_i)
            if old is None or (confidence, -line) > old[:2]:
                best[r_i] = (confidence, -line, kind, phrase, section, text, "")
                if confidence >= 1.0:
                    settled.add(r_i)

        for unit in self.units(document, ctx.muted):
            if not unit.in_code:
                words[unit.section] += len(unit.stems)
            hits = self._index.scan(unit.stems, settled)
            if not hits:
                continue
            excluded = {h.entry.rule for h in hits if h.entry.kind is EXCLUDE}
            near_hits: dict[tuple[int, int, str], list[int]] | None = None
            step = ctx.steps[unit.section]
            for h in hits:
                e = h.entry
                r_i = e.rule
                if r_i in settled or r_i in excluded or (unit.in_code and not rules[r_i].match.code):
                    continue
                kind = e.kind
                if kind is STRONG:
                    home = step == rules[r_i].step or unit.section in ctx.topic_sections.get(r_i, ())
                    offer(r_i, 1.0 if home else 0.9, unit.line, STRONG, e.text, unit.section, unit.text)
                elif kind is WEAK:
                    if _inside_longer(h, hits):
                        continue  # "classification" inside "text classification"
                    home = step == rules[r_i].step or unit.section in ctx.topic_sections.get(r_i, ())
                    weak_seen[r_i].setdefault(e.stems, (unit.line, e.text, unit.section, unit.text))
                    if home:
                        offer(r_i, 0.7, unit.line, WEAK, e.text, unit.section, unit.text)
                elif kind is NEAR_TERM:
                    if near_hits is None:
                        near_hits = defaultdict(list)
                    near_hits[(r_i, e.near, kind)].append(h.pos)
            if near_hits:
                wanted = {r_i for r_i, _, _ in near_hits} - excluded
                for q in self._qualifiers.scan(unit.stems):
                    if q.entry.rule in wanted:
                        near_hits[(q.entry.rule, q.entry.near, NEAR_QUALIFIER)].append(q.pos)
                for (r_i, n_i, kind), terms in near_hits.items():
                    if kind is not NEAR_TERM:
                        continue
                    near = rules[r_i].match.near[n_i]
                    quals = near_hits.get((r_i, n_i, NEAR_QUALIFIER), ())
                    if any(abs(t - q) <= near.window for t in terms for q in quals):
                        home = step == rules[r_i].step
                        offer(r_i, 0.95 if home else 0.85, unit.line, NEAR, f"{near.terms[0]} ~ {near.qualifiers[0]}", unit.section, unit.text)
        # Weak terms outside their home count when two different ones agree.
        for r_i, seen in weak_seen.items():
            if r_i not in best and len(seen) >= 2:
                line, _, s_first, text = min(seen.values())
                phrases = " + ".join(sorted({v[1] for v in seen.values()}))
                offer(r_i, 0.6, line, WEAK, phrases, s_first, text)
        substantive = _substantive_sections(document, words)
        for r_i, titled in ctx.topic_sections.items():
            for s_i in sorted(titled):
                section = sections[s_i]
                if section.title and s_i in substantive:
                    offer(r_i, 0.95, section.line, HEADING, section.title, s_i, section.title)
                    break
        self._labels(document, ctx.muted, offer)
        evidence = {
            rules[r_i].code: Evidence(rules[r_i].code, -neg_line, sections[s_i].title, phrase, kind, conf, text)
            for r_i, (conf, neg_line, kind, phrase, s_i, text, _) in best.items()
            if conf >= THRESHOLD
        }
        return evidence, ctx.steps

    def _labels(self, document: doc.Document, muted: list[bool], offer: Callable[..., None]) -> None:
        """Lead-ins that name a topic, with an answer after them: `| Rollback | revert... |`."""
        for block in document.blocks:
            if not block.label or muted[block.section] or block.checkbox == " " or block.kind == doc.TABLE_HEADER:
                continue
            if word_count(block.body) < 3 or _is_excluded_text(block.body) or _is_excluded_text(block.label):
                continue
            named = self._heading_rules(block.label)
            if named:
                # the rule's excludes read the whole block: "is_rollback: a price-drop promo"
                named -= {h.entry.rule for h in self._index.scan(self._stems(block.text)) if h.entry.kind is EXCLUDE}
            for r_i in named:
                offer(r_i, 0.9, block.line, HEADING, block.label, block.section, block.text[:200])

    def _heading_rules(self, title: str) -> set[int]:
        """Rules whose topic a title or label names (and whose excludes it does not hold)."""
        stems = self._stems(title)
        found: set[int] = set()
        for i, s in enumerate(stems):
            for entry in self._heading_index.get(s, ()):
                if stems[i : i + len(entry.stems)] == entry.stems:
                    found.add(entry.rule)
        if found:
            found -= {h.entry.rule for h in self._index.scan(stems) if h.entry.kind is EXCLUDE}
        return found

    def _topic_sections(self, document: doc.Document, muted: list[bool]) -> dict[int, set[int]]:
        """Sections whose title names a rule's topic (and their subsections)."""
        own: list[set[int]] = [set() for _ in document.sections]
        titles = [s for s in document.sections if s.level == 1]
        doc_title = titles[0].index if len(titles) == 1 else -1  # names the whole doc, not one topic
        for section in document.sections:
            if section.level and not muted[section.index] and section.index != doc_title:
                own[section.index] = self._heading_rules(section.title)
        out: dict[int, set[int]] = defaultdict(set)
        inherited: list[set[int]] = []
        for section in document.sections:  # parents come first
            rules = own[section.index] | (inherited[section.parent] if section.parent is not None else set())
            inherited.append(rules)
            for r_i in rules:
                out[r_i].add(section.index)
        return out


class _PhraseIndex:
    """Phrases keyed by first word (one-word phrases) or first two words (longer
    ones), so common words like "data" start few comparisons. Phrases with a
    `{number}` slot live apart and are matched against a view of the sentence
    in which every number reads as NUMBER."""

    def __init__(self, entries: list[_Entry]) -> None:
        self.literal = _keyed(e for e in entries if NUMBER not in e.stems and LARGE not in e.stems)
        # `{number}` also matches large numbers: index that spelling too.
        wild = [v for e in entries if NUMBER in e.stems or LARGE in e.stems for v in _number_variants(e)]
        self.wild = _keyed(wild)

    def scan(self, stems: tuple[str, ...], skip: set[int] | frozenset[int] = frozenset()) -> list[_Hit]:
        """Every phrase occurrence in a sentence's stems, but for the rules in `skip`."""
        hits = _scan(stems, self.literal, skip)
        if self.wild and any(s[:1].isdigit() for s in stems):
            view = tuple(number_class(s) if s[:1].isdigit() else s for s in stems)
            hits += _scan(view, self.wild, skip)
        return hits


def _number_variants(entry: _Entry) -> list[_Entry]:
    out = [entry]
    for i, s in enumerate(entry.stems):
        if s == NUMBER:
            out += [e._replace(stems=e.stems[:i] + (LARGE,) + e.stems[i + 1 :]) for e in out]
    return out


def _scan(stems: tuple[str, ...], index: dict[str, list[_Entry]], skip: set[int] | frozenset[int]) -> list[_Hit]:
    found = [(i, s) for i, s in enumerate(stems) if s in index]
    if len(stems) > 1:
        pairs = [a + " " + b for a, b in zip(stems, stems[1:])]
        found += [(i, p) for i, p in enumerate(pairs) if p in index]
    if not found:
        return []
    found.sort()
    has_boundary = BOUNDARY in stems
    hits: list[_Hit] = []
    for i, key in found:
        # list separators don't count towards `near` distances
        pos = i - stems[:i].count(BOUNDARY) if has_boundary else i
        for entry in index[key]:
            if entry.rule in skip:
                continue
            k = len(entry.stems)
            if k <= 2 or stems[i : i + k] == entry.stems:
                hits.append(_Hit(entry, pos))
    return hits


def _substantive_sections(document: doc.Document, words: list[int]) -> set[int]:
    """Sections (with their subsections) holding a few words of real prose."""
    words = list(words)
    for section in reversed(document.sections):
        if section.parent is not None:
            words[section.parent] += words[section.index]
    return {i for i, n in enumerate(words) if n >= 4}


def _keyed(entries) -> dict[str, list[_Entry]]:
    out: dict[str, list[_Entry]] = defaultdict(list)
    for e in entries:
        out[e.stems[0] if len(e.stems) == 1 else f"{e.stems[0]} {e.stems[1]}"].append(e)
    return dict(out)


def _inside_longer(hit: _Hit, hits: list[_Hit]) -> bool:
    """Whether a weak hit lies inside a longer hit of the same rule."""
    entry = hit.entry
    k = len(entry.stems)
    for other in hits:
        o = other.entry
        if o.rule == entry.rule and len(o.stems) > k and other.pos <= hit.pos and hit.pos + k <= other.pos + len(o.stems):
            return True
    return False


def addresses(matcher: Matcher, rule_code: str, markdown: str) -> bool:
    """Whether a markdown snippet addresses a rule: what rule examples are tested with."""
    return rule_code in matcher.evidence(doc.parse(markdown))


__all__ = ["Evidence", "Matcher", "addresses"]
