"""Decide whether, and where, a document addresses each topic.

A document is cut into sentences ("units"); units that cannot address anything
(questions, placeholders, unticked checklist items, template prompts, open
questions) are set aside. The rules' phrases are looked up in the indexes of
phrase_index.py, a batch of sentences at a time. Hits then weigh by kind and by
where they stand: a weak term counts in its step's own section, a heading
counts only with content under it. See docs/matching.md.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import compress, count
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from . import document as doc
from . import fuzzy, jsonfile
from .phrase_index import (
    AWAY, EXCLUDE, HEADING, LABELLED, NEAR, NEAR_AWAY, NEAR_HOME, NEAR_QUALIFIER, NEAR_TERM, STRONG, STRONG_AWAY,
    STRONG_HOME, TITLED, TYPO_MIN, WEAK, WEAK_HOME, WEAK_PAIR, Entry, Hit, Lexicon, PhraseIndex, Qualifiers, by_unit, compile_rules,
    decode_group, key_lookups, lexicon_from_data, lexicon_to_data, topic_rules,
)
from .phrase_index import lexicon as make_lexicon
from .rules import Rule, RuleSet
from .text import BOUNDARY, NUMBER, OVERRIDDEN, UNIT_BREAK, joined_words, number_class, sentences, token_stem, tokenize, word_count, words

THRESHOLD = 0.5  # the confidence at which a topic counts as addressed
SUBSTANTIVE = 4  # words of prose a titled section needs to count
_TYPO_SCORE = 88  # rapidfuzz fuzz.ratio a word needs to be read as a typo of a rule word
# Typo checks done in pure Python before rapidfuzz takes over: about what its import costs.
_PURE_TYPO_CHECKS = 300

# A unit that only asks, defers or prompts does not address a topic. (Patterns only
# used inside _EXCLUDED below are kept as text: compiling costs every start.)
_PLACEHOLDER = (
    r"\b(?:todo|tbd|tbc|fixme|xxx|lorem ipsum|fill (?:this )?in|to be (?:defined|determined|decided|added|written|completed))\b"
    r"|\[(?:[^\]\[]{0,60}(?:name|description|describe|insert|add|fill|todo|tbd|your|e\.g\.)[^\]\[]{0,60})\]"
)
# A template's instruction: an imperative verb, then what to write about ("Describe
# how...", "List the..."). "Document embeddings are stored..." is not one.
_PROMPT = re.compile(
    r"^\s*(?:[-*>]\s*)?(?:please\s+)?(?:describe|explain|define|list|specify|outline|discuss|consider whether|think about|mention|document|state|identify|provide|add|write|include|note down)\b"
    r"\s+(?:the|a|an|your|our|how|what|which|why|when|where|who|any|all|each|every|whether|if|here|below|key|main|potential|possible|relevant|expected|known|at least)\b"
    r"(?![^.]*\b(?:we|us)\b)",
    re.I,
)
_QUESTION_TAIL = r"\?[\s)*_\"'`\]]*$"
# A sentence that says a topic is not dealt with: "A/A, kill switch -> not discussed".
_DEFERRED = (
    r"\bnot (?:yet )?(?:discussed|covered|addressed|decided|defined|determined|specified|considered|known|in scope)\b"
    r"|\b(?:out of scope|n/a|none yet|to follow|later phase)\b"
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


class _Context(NamedTuple):
    """What is known of a document's sections before its sentences are read."""

    steps: list[int | None]  # checklist step of each section
    muted: list[bool]  # sections that never count
    topic_sections: dict[int, set[int]]  # rule -> sections titled for its topic


_BRACKETED = r"^\s*\[[^\]]{3,}\]\s*[.:]?\s*$"  # "[Expected impact and KPIs]": a slot left unfilled


# All of the above but _PROMPT in one pass: this runs on every sentence of every
# document. (^ and $ keep their meaning inside the alternation: no MULTILINE flag.
# _PROMPT stays apart: compiled twice, it cost every start ~0.4 ms.)
_EXCLUDED = re.compile("|".join(f"(?:{p})" for p in (_QUESTION_TAIL, _PLACEHOLDER, _BRACKETED, _DEFERRED)), re.I)


# A literal every match of _EXCLUDED holds: most sentences hold none, and this is
# much quicker to rule out than the patterns. Keep it in step with them
# (tests/test_fast_paths.py checks it).
_EXCLUSION_HINT = re.compile(r"\?|\[|todo|tbd|tbc|fixme|xxx|lorem|fill|to be|not |out of scope|n/a|none yet|to follow|later phase")


def _is_excluded_text(text: str) -> bool:
    if _PROMPT.match(text):  # anchored: cheap
        return True
    return _EXCLUSION_HINT.search(text.lower()) is not None and _EXCLUDED.search(text) is not None


class Matcher:
    """Compiled, reusable matcher for one RuleSet. Build once per process."""

    def __init__(self, ruleset: RuleSet, lexicon: Lexicon | None = None) -> None:
        """`lexicon`: the compiled rules, if already at hand (see cached())."""
        self.ruleset = ruleset
        self.rules: tuple[Rule, ...] = topic_rules(ruleset)
        lex = lexicon or make_lexicon(compile_rules(ruleset))
        # The indexes start empty: a group of entries is added the first time a
        # document holds its first word (_stem_words sees every word first), as
        # a run meets a fraction of the packs' words.
        self._pending = dict(lex.groups)
        self._texts = lex.texts
        self._index = PhraseIndex(lex.wild[0])
        self._excludes = PhraseIndex(lex.wild[1])
        # Qualifiers ("model", "data") are common words: look for them only in
        # sentences where one of their rule's near-terms already occurred. Kept by
        # (rule, near pair), made when a group first brings one of its qualifiers.
        self._qualifiers: dict[tuple[int, int], Qualifiers] = {}
        self._heading_index: dict[str, list[Entry]] = {}
        self._vocab = lex.vocab
        self._typo_targets = lex.typo_targets
        self._by_initial: dict[str, list[str]] | None = None  # rule words by first two letters, when first needed
        self._typo_cache: dict[str, str] = {}
        # Per-process memos of pure functions of a word or a title: most words and
        # headings recur from one doc to the next. Bounded (see _remember).
        self._word_stems: dict[str, str] = {}  # word as written -> stem ("" for a stop word)
        self._number_classes: dict[str, str] = {}  # stem of a number -> NUMBER or LARGE
        self._title_steps: dict[str, int | None] = {}
        self._title_rules: dict[str, frozenset[int]] = {}
        step_index: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        for stems, number in lex.steps:
            step_index[stems[0]].append((stems, number))
        self._step_index = dict(step_index)
        self._code_rules = [r.match.code for r in self.rules]
        by_step: dict[int, set[int]] = defaultdict(set)
        for r_i, rule in enumerate(self.rules):
            by_step[rule.step].add(r_i)
        self._rules_by_step = {step: frozenset(r) for step, r in by_step.items()}
        self._code_counts = any(self._code_rules)
        self._add_group(NUMBER)  # read on the view of numbers as slots, not from words

    def _add_group(self, stem: str) -> None:
        """Index the entries whose first stem is `stem` (once; see __init__)."""
        group = self._pending.pop(stem, None)
        if group is None:
            return
        entries = decode_group(group, self._texts) if isinstance(group, str) else group
        kinds = [e.kind for e in entries]
        if NEAR_QUALIFIER in kinds:
            by_pair: dict[tuple[int, int], list[Entry]] = defaultdict(list)
            for e in entries:
                if e.kind is NEAR_QUALIFIER:
                    by_pair[(e.rule, e.near)].append(e)
            for key, es in by_pair.items():
                if key not in self._qualifiers:
                    self._qualifiers[key] = Qualifiers()
                self._qualifiers[key].add(es)
        self._index.add([e for e in entries if e.kind is not NEAR_QUALIFIER and e.kind is not HEADING])
        if EXCLUDE in kinds:
            self._excludes.add([e for e in entries if e.kind is EXCLUDE])
        for e in entries:
            if e.kind is HEADING or e.kind is STRONG:  # a title names a topic with either
                self._heading_index.setdefault(e.stems[0], []).append(e)

    @classmethod
    def cached(cls, ruleset: RuleSet, folder: Path | None, digest: str, lexicon: Lexicon | None = None) -> Matcher:
        """A matcher whose compiled phrases are kept in `folder` between runs, as JSON
        (see lexicon_to_data); `lexicon`: the phrases, if already compiled (then the
        folder is not needed)."""
        if folder is None or lexicon is not None:
            return cls(ruleset, lexicon)
        file = folder / f"matcher-{digest}.json"
        data = jsonfile.read(file)
        if isinstance(data, dict) and data.get("digest") == digest:
            try:
                return cls(ruleset, lexicon_from_data(data))
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                pass  # damaged: rebuild
        lex = make_lexicon(compile_rules(ruleset))
        jsonfile.write(file, {**lexicon_to_data(lex), "digest": digest})
        return cls(ruleset, lex)

    # -- normalisation of document stems -------------------------------------------------

    def _correct(self, stem: str) -> str:
        """Map a likely typo of a rule word onto that word ("recomend" -> "recommend")."""
        cached = self._typo_cache.get(stem)
        if cached is not None:
            return cached
        if self._by_initial is None:
            by_initial: dict[str, list[str]] = defaultdict(list)
            for word in sorted(self._typo_targets):
                if len(word) >= 6:
                    by_initial[word[:2]].append(word)
            self._by_initial = dict(by_initial)
        candidates = [w for w in self._by_initial.get(stem[:2], ()) if abs(len(w) - len(stem)) <= 2]
        best = None
        if candidates and len(self._typo_cache) < _PURE_TYPO_CHECKS:
            best = fuzzy.closest(stem, candidates, _TYPO_SCORE)
        elif candidates:
            from rapidfuzz import fuzz, process  # same choice, in C: for runs that check many words

            found = process.extractOne(stem, candidates, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE)
            best = found[0] if found else None
        fixed = best or stem
        self._typo_cache[stem] = fixed
        return fixed

    def _word_stem(self, word: str) -> str:
        s = token_stem(word)
        if len(s) >= TYPO_MIN and s not in self._vocab and word not in OVERRIDDEN:
            s = self._correct(s)
        if s[:1].isdigit():
            self._number_classes[s] = number_class(s)
        return s

    def _stem_words(self, words: list[str]) -> list[str]:
        """Stems of normalised words, stop words dropped: a dict lookup per word."""
        table = self._word_stems
        new = set(words).difference(table)
        if new:
            if len(table) > _MEMO_LIMIT:
                table.clear()
                new = set(words)
            pending = self._pending
            for word in new:
                stem = table[word] = self._word_stem(word)
                if stem in pending:
                    self._add_group(stem)
        return list(filter(None, map(table.__getitem__, words)))

    def _stems(self, text: str) -> tuple[str, ...]:
        return tuple(self._stem_words(words(text)))

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
        memo = self._title_steps
        if title not in memo:
            _remember(memo, title, self._find_title_step(title))
        return memo[title]

    def _find_title_step(self, title: str) -> int | None:
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

    def _batches(self, document: doc.Document, muted: list[bool]) -> Iterator[_Batch]:
        """Sentences that may count as evidence, a batch at a time (a big doc is never held twice)."""
        batch, size = _Batch([], [], [], []), 0
        for block in document.blocks:
            if muted[block.section]:
                continue
            kind = block.kind
            if kind == doc.CODE:
                if not self._code_counts:
                    continue
                batch.add(block, 0, block.text, True)
            else:
                if kind not in doc.PROSE_KINDS or block.checkbox == " ":
                    continue
                if block.italic and "?" in block.text:
                    continue  # a template's guidance: "_Which users? How will we handle reject inference?_"
                if kind == doc.TABLE_HEADER or (kind == doc.TABLE_ROW and not word_count(block.body)):
                    continue  # column titles, and rows that name a topic but leave the answer empty
                for offset, sentence in sentences(block.text):
                    batch.add(block, offset, sentence, False)
            size += len(block.text)
            if size >= _BATCH_CHARS:
                yield batch
                batch, size = _Batch([], [], [], []), 0
        if batch.texts:
            yield batch

    def evidence(self, document: doc.Document) -> dict[str, Evidence]:
        """The best evidence found for each topic rule the document addresses."""
        return self.analyse(document)[0]

    def analyse(self, document: doc.Document) -> tuple[dict[str, Evidence], list[int | None]]:
        """Evidence per addressed rule code, and the checklist step of each section."""
        ctx = self._context(document)
        rules = self.rules
        sections = document.sections
        tally = _Tally(len(rules))
        offer = tally.offer
        # Prose words per titled section (with its subsections): whether a topic's
        # own section says anything.
        counted: set[int] = set().union(*ctx.topic_sections.values())
        words = [0] * len(sections)
        clean = UNIT_BREAK not in document.source
        homes = _Homes(ctx, self._rules_by_step)
        for batch in self._batches(document, ctx.muted):
            self._read_batch(batch, clean, ctx, homes, tally, counted, words)
        best, weak_seen = tally.best, tally.weak_seen
        # Weak terms outside their home count when two different ones agree.
        for r_i, seen in weak_seen.items():
            if r_i not in best and len(seen) >= 2:
                line, _, s_first, text = min(seen.values())
                phrases = " + ".join(sorted({v[1] for v in seen.values()}))
                offer(r_i, WEAK_PAIR, line, WEAK, phrases, s_first, text)
        substantive = _substantive_sections(document, words)
        for r_i, titled in ctx.topic_sections.items():
            for s_i in sorted(titled):
                section = sections[s_i]
                if section.title and s_i in substantive:
                    offer(r_i, TITLED, section.line, HEADING, section.title, s_i, section.title)
                    break
        self._labels(document, ctx.muted, tally)
        evidence = {
            rules[r_i].code: Evidence(rules[r_i].code, -neg_line, sections[s_i].title, phrase, kind, conf, text)
            for r_i, (conf, neg_line, kind, phrase, s_i, text, _) in best.items()
            if conf >= THRESHOLD
        }
        return evidence, ctx.steps

    def _read_batch(
        self, batch: _Batch, clean: bool, ctx: _Context, homes: _Homes, tally: _Tally, counted: set[int], words: list[int]
    ) -> None:
        """Offer every hit in a batch of sentences, one sentence after another."""
        texts = batch.texts
        flat = self._stem_words(joined_words(texts if clean else [t.replace(UNIT_BREAK, " ") for t in texts]))
        n = len(texts)
        starts = [0] * n  # where each sentence's stems start in `flat`
        at = -1
        for u in range(1, n):
            at = flat.index(UNIT_BREAK, at + 1)
            starts[u] = at + 1
        stops = [i - 1 for i in starts[1:]] + [len(flat)]
        excluded_units: dict[int, bool] = {}

        def excluded(u: int) -> bool:
            if batch.in_code[u]:
                return False
            if u not in excluded_units:
                excluded_units[u] = _is_excluded_text(texts[u])
            return excluded_units[u]

        if counted:
            for u, block in enumerate(batch.blocks):
                # counts stop at SUBSTANTIVE: all _substantive_sections() asks is whether
                # a section and its subsections reach it, which capped counts still tell
                if words[block.section] < SUBSTANTIVE and block.section in counted and not batch.in_code[u] and not excluded(u):
                    words[block.section] += stops[u] - starts[u]

        rules = self.rules
        bar, weak_seen, offer = tally.bar, tally.weak_seen, tally.offer
        new = tuple.__new__  # a Hit without the Python-level __new__ of a NamedTuple
        code_counts = self._code_rules
        numbers = self._number_classes
        index = self._index
        # Where phrase keys start, as 2*position (+1 for a two-word key), by sentence:
        # literal keys first, then `{number}` keys read on a view with numbers as slots.
        at_numbers = list(compress(count(), map(numbers.__contains__, flat)))
        view = list(map(numbers.get, flat, flat)) if at_numbers else None
        literal, single_at, pair_at = key_lookups(flat, index.single, index.pairs)
        wild: dict[int, list[int]] = {}
        wild_single: dict[int, list[Entry]] = {}
        wild_pair: dict[int, list[Entry]] = {}
        if view is not None and index.has_wild:
            wild_events, wild_single, wild_pair = index.wild_lookups(view, at_numbers)
            wild = dict(by_unit(wild_events, starts))
        lo = 0  # sentence u's literal events are literal[lo:hi]
        for u in range(n):
            hi = bisect_left(literal, 2 * starts[u + 1], lo) if u + 1 < n else len(literal)
            if lo == hi and u not in wild:
                continue
            passes = ((flat, single_at, pair_at, literal[lo:hi]), (view, wild_single, wild_pair, wild.get(u, ())))
            lo = hi
            start, stop = starts[u], stops[u]
            in_code = batch.in_code[u]
            boundaries: bool | None = None  # whether the sentence holds list separators, when first needed
            home_rules = step_rules = None  # rules at home in its section, when first needed
            hits: list[Hit] = []
            # Near-term positions by (rule, near), for the pairs whose qualifiers
            # may be here: a near pair fires when one of its qualifiers stands within
            # `window` words of a term, so the sentence must hold a qualifier's first
            # word (a set test), which it mostly doesn't.
            near_hits: dict[tuple[int, int], list[int]] = {}
            near_possible: dict[tuple[int, int], bool] = {}
            excluded_rules: set[int] = set()  # rules an exclude phrase rules out in this sentence
            words_here: set[str] | None = None
            for seq, single_at_i, pair_at_i, events in passes:
                for event in events:
                    i = event >> 1
                    pos = -1
                    for entry in pair_at_i[i] if event & 1 else single_at_i[i]:
                        b = bar[entry.rule]
                        if entry.top <= b:
                            continue
                        if b >= NEAR_AWAY and AWAY[entry.kind] <= b:
                            if home_rules is None:
                                home_rules, step_rules = homes.of(batch.blocks[u].section)
                            if entry.rule not in (step_rules if entry.kind is NEAR_TERM else home_rules):
                                continue  # the rule already has evidence this section could not beat
                        k = len(entry.stems)
                        if k > 2 and tuple(seq[i : i + k]) != entry.stems:
                            continue
                        if entry.kind is EXCLUDE:
                            # a rule excluded here has no other hit dispatched, so its
                            # excludes need no place in `hits` (nor in _inside_longer)
                            excluded_rules.add(entry.rule)
                            continue
                        if pos < 0:
                            # list separators don't count towards `near` distances
                            if boundaries is None:
                                boundaries = BOUNDARY in flat[start:stop]
                            pos = i - start - (seq[start:i].count(BOUNDARY) if boundaries else 0)
                        if entry.kind is not NEAR_TERM:
                            hits.append(new(Hit, (entry, pos)))
                            continue
                        if entry.holds_weak:
                            hits.append(new(Hit, (entry, pos)))  # for _inside_longer only
                        if in_code and not code_counts[entry.rule]:
                            continue
                        key = (entry.rule, entry.near)
                        possible = near_possible.get(key)
                        if possible is None:
                            if words_here is None:
                                words_here = set(flat[start:stop])
                                if view is not None:
                                    words_here.update(view[start:stop])
                            qualifiers = self._qualifiers.get(key)  # none yet: no word of the document starts one
                            possible = near_possible[key] = qualifiers is not None and not qualifiers.firsts.isdisjoint(words_here)
                        if possible:
                            if key in near_hits:
                                near_hits[key].append(pos)
                            else:
                                near_hits[key] = [pos]
            if not (hits or near_hits) or excluded(u):
                continue
            block = batch.blocks[u]
            section = block.section
            offset = batch.offsets[u]
            line = block.line + block.text.count("\n", 0, offset) if offset else block.line
            text = block.text if in_code else texts[u].strip()
            step = ctx.steps[section]
            for h in hits:
                e = h.entry
                r_i = e.rule
                if e.top <= bar[r_i] or r_i in excluded_rules or (in_code and not code_counts[r_i]):
                    continue
                kind = e.kind
                if kind is STRONG:
                    home = step == rules[r_i].step or section in ctx.topic_sections.get(r_i, ())
                    offer(r_i, STRONG_HOME if home else STRONG_AWAY, line, STRONG, e.text, section, text)
                elif kind is WEAK:
                    if _inside_longer(h, hits):
                        continue  # "classification" inside "text classification"
                    home = step == rules[r_i].step or section in ctx.topic_sections.get(r_i, ())
                    weak_seen[r_i].setdefault(e.stems, (line, e.text, section, text))
                    if home:
                        offer(r_i, WEAK_HOME, line, WEAK, e.text, section, text)
            if near_hits:
                # in the packs' order, so the evidence named does not depend on which side triggered
                for (r_i, n_i), terms in sorted(near_hits.items()):
                    if r_i in excluded_rules:
                        continue
                    qualifiers = self._qualifiers[(r_i, n_i)]
                    near = rules[r_i].match.near[n_i]
                    if qualifiers.near(terms, near.window, flat, view, start, stop, bool(boundaries)):
                        home = step == rules[r_i].step
                        offer(r_i, NEAR_HOME if home else NEAR_AWAY, line, NEAR, f"{near.terms[0]} ~ {near.qualifiers[0]}", section, text)

    def _labels(self, document: doc.Document, muted: list[bool], tally: _Tally) -> None:
        """Lead-ins that name a topic, with an answer after them: `| Rollback | revert... |`."""
        for block in document.blocks:
            if not block.label or muted[block.section] or block.checkbox == " " or block.kind == doc.TABLE_HEADER:
                continue
            # only rules this label could still improve on are worth the checks below
            named = {r_i for r_i in self._heading_rules(block.label) if tally.would_take(r_i, LABELLED, block.line)}
            if not named:
                continue
            if word_count(block.body) < 3 or _is_excluded_text(block.body) or _is_excluded_text(block.label):
                continue
            # the rule's excludes read the whole block: "is_rollback: a price-drop promo"
            named -= self._excluded_rules(self._stems(block.text))
            for r_i in named:
                tally.offer(r_i, LABELLED, block.line, HEADING, block.label, block.section, block.text[:200])

    def _heading_rules(self, title: str) -> frozenset[int]:
        """Rules whose topic a title or label names (and whose excludes it does not hold)."""
        memo = self._title_rules
        if title not in memo:
            _remember(memo, title, frozenset(self._find_heading_rules(title)))
        return memo[title]

    def _find_heading_rules(self, title: str) -> set[int]:
        stems = self._stems(title)
        found: set[int] = set()
        for i, s in enumerate(stems):
            for entry in self._heading_index.get(s, ()):
                if stems[i : i + len(entry.stems)] == entry.stems:
                    found.add(entry.rule)
        if found:
            found -= self._excluded_rules(stems)
        return found

    def _excluded_rules(self, stems: tuple[str, ...]) -> set[int]:
        """Rules an exclude phrase in these stems rules out ("is_rollback" flags, "fallback" dance moves)."""
        return {h.entry.rule for h in self._excludes.scan(stems)}

    def _topic_sections(self, document: doc.Document, muted: list[bool]) -> dict[int, set[int]]:
        """Sections whose title names a rule's topic (and their subsections)."""
        none: frozenset[int] = frozenset()
        own = [none] * len(document.sections)
        titles = [s for s in document.sections if s.level == 1]
        doc_title = titles[0].index if len(titles) == 1 else -1  # names the whole doc, not one topic
        for section in document.sections:
            if section.level and not muted[section.index] and section.index != doc_title:
                own[section.index] = self._heading_rules(section.title)
        out: dict[int, set[int]] = defaultdict(set)
        inherited: list[frozenset[int]] = []  # shared, not copied: a big doc has many sections
        for section in document.sections:  # parents come first
            rules = own[section.index]
            if section.parent is not None and inherited[section.parent]:
                rules = rules | inherited[section.parent] if rules else inherited[section.parent]
            inherited.append(rules)
            for r_i in rules:
                out[r_i].add(section.index)
        return out


class _Homes:
    """Per section of one document: the rules at home there (its step's rules and
    those it is titled for), and its step's rules alone (home for `near` pairs)."""

    def __init__(self, ctx: _Context, rules_by_step: dict[int, frozenset[int]]) -> None:
        self.ctx, self.rules_by_step = ctx, rules_by_step
        self.titled: dict[int, set[int]] = defaultdict(set)
        for r_i, sections in ctx.topic_sections.items():
            for s_i in sections:
                self.titled[s_i].add(r_i)
        self.known: dict[int | None, tuple[frozenset[int], frozenset[int]]] = {}

    def of(self, section: int) -> tuple[frozenset[int], frozenset[int]]:
        # kept per step, and per section only for titled ones: a big doc has many sections
        step = self.ctx.steps[section]
        titled = self.titled.get(section)
        key = (-1 - section) if titled else step
        known = self.known.get(key)
        if known is None:
            step_rules = self.rules_by_step.get(step, frozenset()) if step is not None else frozenset()
            known = self.known[key] = (step_rules | titled if titled else step_rules, step_rules)
        return known


class _Batch(NamedTuple):
    """Sentences read in one pass: their text, block, offset in it, and whether code."""

    texts: list[str]
    blocks: list[doc.Block]
    offsets: list[int]
    in_code: list[bool]

    def add(self, block: doc.Block, offset: int, text: str, in_code: bool) -> None:
        self.texts.append(text)
        self.blocks.append(block)
        self.offsets.append(offset)
        self.in_code.append(in_code)


class _Tally:
    """The best evidence so far per rule, while one document is read."""

    __slots__ = ("best", "bar", "weak_seen")

    def __init__(self, rules: int) -> None:
        # Best so far per rule, as (confidence, -line, kind, phrase, section, text, "").
        self.best: dict[int, tuple[float, int, str, str, int, str, str]] = {}
        # Confidence of the best so far per rule: hits that cannot beat it are
        # skipped (see TOP), which is most hits in a thorough doc.
        self.bar: list[float] = [0.0] * rules
        self.weak_seen: dict[int, dict[tuple[str, ...], tuple[int, str, int, str]]] = defaultdict(dict)

    def would_take(self, r_i: int, confidence: float, line: int) -> bool:
        """Whether evidence of this confidence on this line would beat the best so far."""
        old = self.best.get(r_i)
        return old is None or (confidence, -line) > old[:2]

    def offer(self, r_i: int, confidence: float, line: int, kind: str, phrase: str, section: int, text: str) -> None:
        old = self.best.get(r_i)
        if old is None or (confidence, -line) > old[:2]:
            self.best[r_i] = (confidence, -line, kind, phrase, section, text, "")
            self.bar[r_i] = confidence


_BATCH_CHARS = 64_000
_MEMO_LIMIT = 200_000


def _remember(memo: dict, key: str, value: object) -> None:
    if len(memo) > _MEMO_LIMIT:
        memo.clear()
    memo[key] = value


def _substantive_sections(document: doc.Document, words: list[int]) -> set[int]:
    """Sections (with their subsections) holding a few words of real prose."""
    words = list(words)
    for section in reversed(document.sections):
        if section.parent is not None:
            words[section.parent] += words[section.index]
    return {i for i, n in enumerate(words) if n >= SUBSTANTIVE}


def _inside_longer(hit: Hit, hits: list[Hit]) -> bool:
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
