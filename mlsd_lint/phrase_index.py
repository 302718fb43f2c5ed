"""The rules' phrases compiled into indexes that a document's stems are looked up in.

Each phrase of each rule becomes one or more entries (its closed-compound
spellings too: "kill switch", "killswitch"), keyed by its first stem, or its
first two for longer phrases, so one pass over a sentence finds every
candidate whatever the number of rules. `{number}` phrases live in an index of
their own, read against a view of the sentence where numbers are slots.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from itertools import compress, count, islice
from typing import Iterable, Iterator, NamedTuple, Sequence

from .rules import Rule, RuleSet
from .text import BOUNDARY, LARGE, NUMBER, number_class, phrase_stems_many

# Typo correction looks only at stems this long or longer (shorter ones are too alike).
TYPO_MIN = 7
# Kinds of phrase (and of evidence: NEAR for a near pair, HEADING for a title or label).
STRONG, WEAK, HEADING, NEAR = "phrase", "weak", "heading", "near"
EXCLUDE, NEAR_TERM, NEAR_QUALIFIER = "exclude", "near-term", "near-qualifier"  # compared by identity
# Confidence of each kind of hit, in the topic's own section (home) and elsewhere.
STRONG_HOME, STRONG_AWAY = 1.0, 0.9
WEAK_HOME, WEAK_PAIR = 0.7, 0.6
NEAR_HOME, NEAR_AWAY = 0.95, 0.85
TITLED, LABELLED = 0.95, 0.9
# What a hit of each kind can add at most. A hit is skipped once its rule's evidence
# is at least that good: evidence only improves on a higher confidence, never on a
# later line. (An exclude stays live until its rule is settled at 1.0; a weak hit is
# also moot once its rule has any evidence, as weak terms only pair up without it.)
TOP = {STRONG: STRONG_HOME, WEAK: WEAK_HOME, NEAR_TERM: NEAR_HOME, NEAR_QUALIFIER: NEAR_HOME, EXCLUDE: 1.0}
# The same outside the rule's home sections (for a near pair: outside its step's
# sections). An exclude matters as long as some other hit of its rule could.
AWAY = {STRONG: STRONG_AWAY, NEAR_TERM: NEAR_AWAY, EXCLUDE: STRONG_AWAY}


class Entry(NamedTuple):
    stems: tuple[str, ...]
    rule: int
    kind: str  # STRONG, WEAK, EXCLUDE, or NEAR_TERM / NEAR_QUALIFIER with `near` set
    text: str
    near: int = -1  # which `near` entry of the rule
    top: float = 1.0  # the most a hit of this entry can be worth (see TOP)
    holds_weak: bool = False  # a near-term that can hold a weak phrase of its rule (see _inside_longer)


# (entries, heading entries, words typos are corrected to, step title phrases)
Compiled = tuple[list[Entry], list[Entry], set[str], list[tuple[tuple[str, ...], int]]]


class Hit(NamedTuple):
    entry: Entry
    pos: int  # word position in the unit, list separators not counted


def variants(stems: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A phrase and its closed-compound spellings: "kill switch" also as "killswitch"."""
    out = {stems}
    if 2 <= len(stems) <= 3:
        out.add(("".join(stems),))
        for i in range(len(stems) - 1):
            out.add(stems[:i] + (stems[i] + stems[i + 1],) + stems[i + 2 :])
    return out


def topic_rules(ruleset: RuleSet) -> tuple[Rule, ...]:
    """The rules decided by phrases (entries refer to them by their index here)."""
    return tuple(r for r in ruleset.rules if r.check == "topic")


def compile_rules(ruleset: RuleSet) -> Compiled:
    """The topic rules' phrases as stems: (entries, heading entries, typo targets, step titles)."""
    rules = topic_rules(ruleset)
    phrases = sorted({p for r in rules for p in r.match.all_phrases()} | {p for s in ruleset.steps for p in s.sections})
    stems_of = dict(zip(phrases, phrase_stems_many(phrases)))
    # How many rules use a word: a rough measure of how common it is in design docs.
    uses: dict[str, int] = defaultdict(int)
    for rule in rules:
        for word in {w for p in rule.match.all_phrases() for w in stems_of[p]}:
            uses[word] += 1

    def commonness(group: tuple[str, ...]) -> int:
        return max((min(uses[w] for w in stems_of[p]) for p in group if stems_of[p]), default=0)

    variants_of: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for stems in stems_of.values():
        if stems not in variants_of:
            variants_of[stems] = sorted(variants(stems)) if len(stems) > 1 else [stems] if stems else []
    entries: list[Entry] = []
    headings: list[Entry] = []
    seen: set[tuple] = set()  # phrase spellings of one rule that normalise alike index once
    # Words typos are corrected to: as written in the packs, not the joined-up
    # compound variants ("integrtest" must not attract "interests").
    typo_targets: set[str] = set()
    for r_i, rule in enumerate(rules):
        m = rule.match
        seen.clear()
        groups = [(STRONG, m.phrases, -1), (WEAK, m.weak, -1), (EXCLUDE, m.exclude, -1)]
        for n_i, near in enumerate(m.near):
            # Either side of a `near` pair can be the one looked up first (the
            # test is symmetric): the rarer one, so common words start few checks.
            if commonness(near.qualifiers) < commonness(near.terms):
                groups += [(NEAR_TERM, near.qualifiers, n_i), (NEAR_QUALIFIER, near.terms, n_i)]
            else:
                groups += [(NEAR_TERM, near.terms, n_i), (NEAR_QUALIFIER, near.qualifiers, n_i)]
        for kind, group, n_i in groups:
            top = TOP[kind]
            for phrase in group:
                written = stems_of[phrase]
                if kind is not EXCLUDE:
                    typo_targets.update(written)
                for stems in variants_of[written]:
                    if (stems, kind, n_i) not in seen:
                        seen.add((stems, kind, n_i))
                        entries.append(Entry(stems, r_i, kind, phrase, n_i, top))
        # (a title names a topic with these and with its phrases, whose entries above
        # the matcher indexes for titles too: no need to repeat them here)
        for phrase in m.headings:
            headings += [Entry(stems, r_i, HEADING, phrase) for stems in variants_of[stems_of[phrase]]]
    weak_of: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for e in entries:
        if e.kind is WEAK:
            weak_of[e.rule].append(e.stems)
    entries = [
        e._replace(holds_weak=True) if e.kind is NEAR_TERM and any(may_hold(e.stems, w) for w in weak_of[e.rule]) else e
        for e in entries
    ]
    steps = [(stems, step.number) for step in ruleset.steps for phrase in step.sections for stems in variants_of[stems_of[phrase]]]
    return entries, headings, typo_targets, steps


class Lexicon(NamedTuple):
    """Compiled rules as a Matcher takes them: entries grouped by their first stem,
    so a run indexes only the groups of words its documents hold. A group read
    from the cache folder stays a string until then (see decode_group)."""

    groups: dict[str, list[Entry] | str]  # first stem (NUMBER for a number slot) -> entries, then headings
    vocab: frozenset[str]  # every stem of TYPO_MIN letters or more of every entry: what typo correction leaves alone
    typo_targets: set[str]
    steps: list[tuple[tuple[str, ...], int]]
    wild: tuple[bool, bool]  # whether any indexed entry, and any exclude, has a number slot
    texts: list[str]  # the phrases as written, that encoded groups refer to by number


def group_key(stems: tuple[str, ...]) -> str:
    """The group an entry belongs to. Number slots all in one group, indexed up
    front: a document's numbers read as slots without passing through its words."""
    return NUMBER if stems[0] in (NUMBER, LARGE) else stems[0]


def lexicon(compiled: Compiled) -> Lexicon:
    entries, headings, typo_targets, steps = compiled
    groups: dict[str, list[Entry] | str] = {}
    # Within a group, entries keep their order in `entries` and headings theirs,
    # so each index key lists its entries in the same order, however grouped.
    for e in entries + headings:
        groups.setdefault(group_key(e.stems), []).append(e)  # type: ignore[union-attr]
    wild = (
        any(NUMBER in e.stems or LARGE in e.stems for e in entries if e.kind is not NEAR_QUALIFIER),
        any(NUMBER in e.stems or LARGE in e.stems for e in entries if e.kind is EXCLUDE),
    )
    vocab = frozenset(s for e in entries for s in e.stems if len(s) >= TYPO_MIN)
    return Lexicon(groups, vocab, typo_targets, steps, wild, [])


# Separators of the cached form: groups, records (entries), fields. Fields hold
# stems, numbers and kind codes only (phrases are numbered apart), none of which
# holds these, nor anything JSON escapes: the long strings load at memcpy speed.
_GROUP, _RECORD, _FIELD = "|", "/", ";"


def lexicon_to_data(lex: Lexicon) -> dict:
    """As JSON: every group in one long string, each decoded only when a document
    holds its word (loading every entry cost a cold start ~50 ms)."""
    numbers: dict[str, int] = {}
    chunks = []
    for entries in lex.groups.values():
        chunks.append(_RECORD.join(
            _FIELD.join((" ".join(e.stems), str(e.rule), _KIND_CODES[e.kind], str(numbers.setdefault(e.text, len(numbers))), str(e.near), "1" if e.holds_weak else "0"))
            for e in (entries if isinstance(entries, list) else decode_group(entries, lex.texts))
        ))
    groups, texts = _GROUP.join(chunks), list(numbers)
    return {
        "keys": " ".join(lex.groups),
        "groups": groups,
        "texts": texts,
        "check": _checksum(groups, texts),
        "vocab": " ".join(sorted(lex.vocab)),
        "typo_targets": " ".join(sorted(lex.typo_targets)),
        "steps": [[" ".join(stems), number] for stems, number in lex.steps],
        "wild": list(lex.wild),
    }


def lexicon_from_data(data: dict) -> Lexicon:
    keys, chunks = data["keys"].split(" "), data["groups"].split(_GROUP)
    texts = data["texts"]
    # Groups are decoded later, mid-run: a damaged file must be caught here, and rebuilt.
    # (_checksum joins the texts: a TypeError if one is not a string)
    if len(keys) != len(chunks) or data["check"] != _checksum(data["groups"], texts):
        raise ValueError("damaged compiled rules")
    steps = [(tuple(stems.split(" ")), int(number)) for stems, number in data["steps"]]
    wild = tuple(bool(w) for w in data["wild"])
    if len(wild) != 2:
        raise ValueError("damaged compiled rules")
    return Lexicon(dict(zip(keys, chunks)), frozenset(data["vocab"].split()), set(data["typo_targets"].split()), steps, wild, texts)  # type: ignore[arg-type]


def _checksum(groups: str, texts: list[str]) -> int:
    import zlib

    return zlib.crc32("\n".join(texts).encode(), zlib.crc32(groups.encode()))


def decode_group(text: str, texts: list[str]) -> list[Entry]:
    out = []
    new = tuple.__new__  # an Entry without the Python-level __new__ of a NamedTuple
    for record in text.split(_RECORD):
        stems, rule, code, number, near, holds = record.split(_FIELD)
        kind = _KINDS_BY_CODE[code]
        out.append(new(Entry, (tuple(stems.split(" ")), int(rule), kind, texts[int(number)], int(near), TOP.get(kind, 1.0), holds == "1")))
    return out


_KIND_CODES = {STRONG: "s", WEAK: "w", EXCLUDE: "x", NEAR_TERM: "t", NEAR_QUALIFIER: "q", HEADING: "h"}
_KINDS_BY_CODE = {code: kind for kind, code in _KIND_CODES.items()}  # the module's own strings: kinds compare by identity


def may_hold(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Whether a hit of `shorter` could lie inside one of `longer` (a number slot
    taken to match any number)."""

    def same(a: str, b: str) -> bool:
        return a == b or (a[:1].isdigit() or a in (NUMBER, LARGE)) and (b[:1].isdigit() or b in (NUMBER, LARGE))

    n = len(shorter)
    return n < len(longer) and any(all(same(longer[i + j], shorter[j]) for j in range(n)) for i in range(len(longer) - n + 1))


class PhraseIndex:
    """Phrases keyed by first word (one-word phrases) or first two words (longer
    ones), so common words like "data" start few comparisons. Phrases with a
    `{number}` slot live apart and are matched against a view of the sentence
    in which every number reads as NUMBER. Filled a group of phrases at a time
    (see Lexicon): a lookup finds every phrase added so far."""

    def __init__(self, has_wild: bool) -> None:
        self.single: dict[str, list[Entry]] = {}
        self.pairs: dict[tuple[str, str], list[Entry]] = {}
        self.wild_single: dict[str, list[Entry]] = {}
        self.wild_pairs: dict[tuple[str, str], list[Entry]] = {}
        self.has_wild = has_wild
        # How far before its first number slot a phrase starts, at most: a number-slot
        # phrase can only start that close before a number (see wild_lookups).
        self.wild_reach = 0

    def add(self, entries: list[Entry]) -> None:
        literal, wild = split_wild(entries)
        add_keyed(literal, self.single, self.pairs)
        add_keyed(wild, self.wild_single, self.wild_pairs)
        for e in wild:
            self.wild_reach = max(self.wild_reach, next(i for i, s in enumerate(e.stems) if s in (NUMBER, LARGE)))

    def wild_lookups(self, view: list[str], numbers: Iterable[int]) -> tuple[list[int], dict[int, list[Entry]], dict[int, list[Entry]]]:
        """key_lookups() of the number-slot phrases in `view`, where the numbers stand at
        positions `numbers` (in order): only starts close enough before one are tried."""
        reach, single, pairs = self.wild_reach, self.wild_single, self.wild_pairs
        last = len(view) - 1
        events: list[int] = []
        single_at: dict[int, list[Entry]] = {}
        pair_at: dict[int, list[Entry]] = {}
        tried = -1
        for n in numbers:
            for i in range(max(n - reach, tried + 1), n + 1):
                found = single.get(view[i])
                if found:
                    events.append(2 * i)
                    single_at[i] = found
                found = pairs.get((view[i], view[i + 1])) if i < last else None
                if found:
                    events.append(2 * i + 1)
                    pair_at[i] = found
            tried = n
        return events, single_at, pair_at

    def scan(self, stems: Sequence[str]) -> list[Hit]:
        """Every phrase occurrence in one sentence's stems."""
        seq = list(stems)
        hits: list[Hit] = []
        has_boundary = BOUNDARY in seq
        hits_into(seq, self.single, self.pairs, has_boundary, hits)
        if self.has_wild:
            numbers = {s: number_class(s) for s in seq if s[:1].isdigit()}
            if numbers:
                view = list(map(numbers.get, seq, seq))
                hits_into(view, self.wild_single, self.wild_pairs, has_boundary, hits)
        return hits


class Qualifiers:
    """The qualifier side of one `near` pair, by first word."""

    def __init__(self) -> None:
        self.literal: dict[str, list[Entry]] = {}
        self.wild: dict[str, list[Entry]] = {}  # matched on the view where numbers read as NUMBER or LARGE
        self.firsts: set[str] = set()

    def add(self, entries: list[Entry]) -> None:
        literal, wild = split_wild(entries)
        for e in literal:
            self.literal.setdefault(e.stems[0], []).append(e)
        for e in wild:
            self.wild.setdefault(e.stems[0], []).append(e)
        self.firsts.update(e.stems[0] for e in literal + wild)

    def near(self, terms: list[int], window: int, flat: list[str], view: list[str] | None, start: int, stop: int, boundaries: bool) -> bool:
        """Whether a qualifier starts within `window` words of a term position in
        sentence flat[start:stop] (positions not counting list separators)."""
        for seq, by_first in ((flat, self.literal), (view, self.wild)):
            if seq is None or not by_first:
                continue
            for i in compress(range(start, stop), map(by_first.__contains__, islice(seq, start, stop))):
                for e in by_first[seq[i]]:
                    k = len(e.stems)
                    if k == 1 or tuple(seq[i : i + k]) == e.stems:
                        q = i - start - (seq[start:i].count(BOUNDARY) if boundaries else 0)
                        if any(abs(t - q) <= window for t in terms):
                            return True
                        break
        return False


def key_lookups(seq: list[str], single: dict, pairs: dict) -> tuple[list[int], list, list]:
    """Where keys start in `seq` (events: 2*position, +1 for a two-word key, in
    order), and the entries each key holds, by position (None elsewhere). The
    lookups run in C (map/compress): only hits cost Python work, and none is
    looked up twice."""
    single_at = list(map(single.get, seq))
    pair_at = list(map(pairs.get, zip(seq, islice(seq, 1, None))))
    events = [2 * i for i in compress(count(), single_at)]
    if pairs:
        events += [2 * i + 1 for i in compress(count(), pair_at)]
        events.sort()  # by position; at one position the word's key before the pair's
    return events, single_at, pair_at


def by_unit(events: list[int], starts: list[int]) -> Iterator[tuple[int, list[int]]]:
    """Events grouped by the sentence they fall in (sentence u starts at starts[u])."""
    u, upto, group = 0, -1, []
    for event in events:
        if event >> 1 >= upto:
            if group:
                yield u, group
                group = []
            u = bisect_right(starts, event >> 1) - 1
            upto = starts[u + 1] if u + 1 < len(starts) else 1 << 62
        group.append(event)
    if group:
        yield u, group


def hits_into(seq: list[str], single: dict, pairs: dict, has_boundary: bool, hits: list[Hit]) -> None:
    events, single_at, pair_at = key_lookups(seq, single, pairs)
    for event in events:
        i = event >> 1
        pos = i - seq[:i].count(BOUNDARY) if has_boundary else i
        for e in pair_at[i] if event & 1 else single_at[i]:
            if len(e.stems) <= 2 or tuple(seq[i : i + len(e.stems)]) == e.stems:
                hits.append(Hit(e, pos))


def split_wild(entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Phrases without a number slot, and those with one, each `{number}` also
    spelt as LARGE (a large number is a number too)."""
    wild = [e for e in entries if NUMBER in e.stems or LARGE in e.stems]
    if not wild:  # most groups
        return entries, wild
    literal = [e for e in entries if NUMBER not in e.stems and LARGE not in e.stems]
    return literal, [v for e in wild for v in number_variants(e)]


def number_variants(entry: Entry) -> list[Entry]:
    out = [entry]
    for i, s in enumerate(entry.stems):
        if s == NUMBER:
            out += [e._replace(stems=e.stems[:i] + (LARGE,) + e.stems[i + 1 :]) for e in out]
    return out


def add_keyed(entries: Iterable[Entry], single: dict[str, list[Entry]], pairs: dict[tuple[str, str], list[Entry]]) -> None:
    """One-word phrases by their word, longer ones by their first two words."""
    for e in entries:
        if len(e.stems) == 1:
            single.setdefault(e.stems[0], []).append(e)
        else:
            pairs.setdefault((e.stems[0], e.stems[1]), []).append(e)
