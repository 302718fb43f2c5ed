"""Text normalisation shared by rule compilation and matching.

Phrases in rule packs and prose in documents go through the same functions, so
"A/B-tested", "AB tests" and "a-b testing" all become the stems `ab test`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer  # PyStemmer: the Snowball project's stemmers, in C

_STEMMER = Stemmer.Stemmer("english")

# Words that carry no topic. Negations stay: "no rollback" must not read as "rollback".
STOPWORDS = frozenset(
    "a an the of to for in on at by with from into onto as is are was were be been being "
    "this that these those it its our we us you your their they them i my and or "
    "will would should can could may might must shall do does did has have had "
    "which who whom whose also just very "
    # what is left of contractions and possessives once apostrophes split words
    "s t ll re ve".split()
)

# The patterns below run over every document's whole text, so each starts with a
# literal or a small set of characters, which the regex engine skips ahead to,
# and looks behind for the rest.

# "A/B", "A-B", "A&B" -> "ab": spellings of one term that tokenising would split.
# Matches the separator between two single letters, and the space after it; a
# space before it is left to _join_letter_pairs (a pattern may not start with it).
_LETTER_PAIR = re.compile(r"[/&\-](?:(?<=\b[a-z].)|(?<=\b[a-z]\s.))\s?(?=[a-z]\b)")
# "re-train", "on-call", "non-ML": a prefix that is (or looks like) a stop word stays
# part of its word instead of vanishing. Matches the hyphen to drop.
_PREFIX = re.compile(
    r"-(?=[a-z])(?:(?<=\bre-)|(?<=\bpre-)|(?<=\bco-)|(?<=\bnon-)|(?<=\bon-)|(?<=\boff-)"
    r"|(?<=\bself-)|(?<=\bmulti-)|(?<=\bsub-)|(?<=\bde-))"
)
# A number (with its magnitude suffix: 10k, 80m, 2bn) is one token; a unit glued to it
# ("100ms", "2tb") is a token of its own.
# (`[0-9][0-9]*`, not `[0-9]+`: an alternative that starts with one character class
# lets the regex engine skip ahead between words.)
_WORD = re.compile(r"[0-9][0-9]*(?:[.,][0-9]+)*(?:k|m|b|bn|mm)?(?![a-z0-9])|[0-9][0-9]*(?:[.,][0-9]+)*|[a-z][a-z0-9]*")
# In a phrase, `{number}` matches any number and `{large}` a large one (1,000 and up,
# or with a magnitude suffix: 10k, 5M, 2bn); literal numbers match themselves.
NUMBER, LARGE = "#", "#L"
_SLOTS = {"number": ("numberslot", NUMBER), "large": ("largeslot", LARGE)}
_SLOT = re.compile(r"\{(number|large)\}")
_MAGNITUDE = re.compile(r"^[0-9]+(?:[.,][0-9]+)*(k|m|b|bn|mm)$")
# List separators, read as BOUNDARY: these characters, and commas but the one in "3,000".
_SEPARATORS = "|;:()[]{}"  # "|" first: the others become " | "
_COMMA = re.compile(r",(?:(?![0-9])|(?<![0-9],))")
_TOKEN = re.compile(r"\||" + _WORD.pattern)
BOUNDARY = "|"  # a token no phrase contains
# Typographic quotes and dashes, as ASCII.
_QUOTES = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}


# British -ise/-isation spellings of verbs design docs use, read as -ize: the Porter
# stemmer would keep "randomised" and "randomized" apart.
_BRITISH_STEMS = frozenset(
    "random optim normal standard summar priorit categor token anonym pseudonym container parallel "
    "serial vector regular minim maxim util visual custom personal general final author organ recogn "
    "stabil material central special real initial monet operational industrial local emphas character".split()
)
_ISE = re.compile(r"is(e|ed|es|er|ers|ing|ation|ations)\b")


def _americanise(text: str) -> str:
    """"randomised" -> "randomized": -is- after a whole word of _BRITISH_STEMS."""
    out: list[str] = []
    last = 0
    for match in _ISE.finditer(text):
        start = word = match.start()
        while word and (text[word - 1].isalnum() or text[word - 1] == "_"):  # back to the word's start
            word -= 1
        if text[word:start] in _BRITISH_STEMS:
            out += (text[last:start], "iz", match.group(1))
            last = match.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _join_letter_pairs(text: str) -> str:
    """"a/b testing" -> "ab testing"; in "a/b/c" only the first pair joins."""
    out: list[str] = []
    last = taken = 0  # `taken`: the letter a joined pair ended with cannot start another
    for match in _LETTER_PAIR.finditer(text):
        start = match.start()
        if text[start - 1].isspace():  # the space before the separator goes too
            start -= 1
        if start - 1 < taken:
            continue
        out.append(text[last:start])
        last = match.end()
        taken = last + 1
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def normalize(text: str) -> str:
    """Lower-case, fold unicode compatibility forms and join single-letter pairs."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        for typographic, plain in _QUOTES.items():  # str.replace: ~100x quicker than translate() here
            if typographic in text:
                text = text.replace(typographic, plain)
    text = text.lower()
    if "is" in text:
        text = _americanise(text)
    return _PREFIX.sub("", _join_letter_pairs(text))


def _separate(text: str) -> str:
    for char in _SEPARATORS:  # str.replace scans in C; translate() to strings is slower
        if char in text:
            text = text.replace(char, " | ")
    return _COMMA.sub(" | ", text) if "," in text else text


# Where the Porter stemmer merges words that mean different things in a design doc,
# or splits ones that mean the same.
_STEM_OVERRIDES = {
    "gpus": "gpu", "cpus": "cpu", "tpus": "tpu",
    "container": "container", "containers": "container", "containerized": "container",
    "containerised": "container", "containerization": "container", "containerisation": "container",
    "autoscaling": "autoscal", "autoscaled": "autoscal",
    "parallelism": "parallelism",
    "objective": "objective", "objectives": "objective",
    "probably": "probably",
    "authorization": "authoriz", "authorized": "authoriz",
    "catalogue": "catalog", "catalogues": "catalog",
    "alarming": "alarming", "availability": "availability",
    "observability": "observability",  # not "observation"
}


# Words whose stem is chosen above: typo correction must not undo the choice
# ("probably" is one letter from "probabl", the stem of "probability").
OVERRIDDEN = frozenset(_STEM_OVERRIDES)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    if len(word) <= 3 or word[0].isdigit():
        return word
    return _STEM_OVERRIDES.get(word) or _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    """The normalised words of `text`, with "|" for list separators: what tokenize() stems."""
    return _TOKEN.findall(_separate(normalize(text)))


def token_stem(word: str) -> str:
    """What a word of words() reads as: its stem, BOUNDARY for a list separator,
    "" for a stop word (any other token, such as UNIT_BREAK, is itself)."""
    if word in STOPWORDS:
        return ""
    return BOUNDARY if word == "|" else stem(word)


def tokenize(text: str) -> tuple[str, ...]:
    """Stems of the words of `text` (normalised first), stop words left out.

    List separators become BOUNDARY tokens, so no phrase matches across them.
    """
    return tuple(filter(None, map(token_stem, words(text))))


# Sentences are tokenised many at a time, joined by this (a space to every regex
# above, and in no phrase): one pass of each regex instead of one per sentence.
UNIT_BREAK = "\x1e"
_JOINED_TOKEN = re.compile(UNIT_BREAK + "|" + _TOKEN.pattern)


def joined_words(texts: list[str]) -> list[str]:
    """words() of each text, UNIT_BREAK between them. No text may hold UNIT_BREAK."""
    return _JOINED_TOKEN.findall(_separate(normalize(f" {UNIT_BREAK} ".join(texts))))


def _slotted(phrase: str) -> str:
    return _SLOT.sub(lambda m: f" {_SLOTS[m.group(1)][0]} ", phrase) if "{" in phrase else phrase


def phrase_stems_many(phrases: list[str]) -> list[tuple[str, ...]]:
    """Each rule phrase as stems, worked out in one pass (rule packs hold thousands):
    stop words and separators dropped, `{number}` as NUMBER, `{large}` as LARGE."""
    words = joined_words([_slotted(p).replace(UNIT_BREAK, " ") for p in phrases])
    slots = {word: token for word, token in _SLOTS.values()}
    slots[BOUNDARY] = ""
    table = {}
    for word in set(words):
        token = token_stem(word)
        table[word] = slots.get(token, token)
    out: list[tuple[str, ...]] = []
    current: list[str] = []
    for token in filter(None, map(table.__getitem__, words)):
        if token == UNIT_BREAK:
            out.append(tuple(current))
            current = []
        else:
            current.append(token)
    out.append(tuple(current))
    return out


def shrunk_phrase(phrase: str) -> str | None:
    """How a phrase reads once stop words are dropped, when that loses words: a hint
    for pack authors ("on device" is just "device"). None when nothing is lost."""
    found = words(_SLOT.sub(" 0 ", phrase))
    kept = [w for w in found if w not in STOPWORDS and w != "|"]
    if len(found) >= 2 and len(kept) < len([w for w in found if w != "|"]):
        return " ".join(kept) or "(nothing)"
    return None


def number_class(token: str) -> str:
    """NUMBER or LARGE, for a token that starts with a digit."""
    if _MAGNITUDE.match(token):
        return LARGE
    if len(token) == 4 and token[:2] in ("19", "20"):
        return NUMBER  # a year, not a count
    try:
        return LARGE if float(token.replace(",", "")) >= 1000 else NUMBER
    except ValueError:
        return NUMBER


_ABBREVIATIONS = frozenset("e.g i.e vs etc approx cf incl al fig no resp esp".split())
_SENTENCE_END = re.compile(r"[.!?;](?=\s+|$)")


def sentences(text: str) -> list[tuple[int, str]]:
    """Split prose into sentences: (offset, sentence). Abbreviations don't end one."""
    out: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        before = text[start : match.start()].rsplit(None, 1)
        word = before[-1].lower() if before else ""
        if match.group() == "." and (word in _ABBREVIATIONS or len(word) == 1 or word[-1:].isdigit() and text[end : end + 2].strip()[:1].isdigit()):
            continue
        chunk = text[start:end]
        if chunk.strip():
            out.append((start, chunk))
        start = end
    tail = text[start:]
    if tail.strip():
        out.append((start, tail))
    return out


def word_count(text: str) -> int:
    return len(_WORD.findall(text.lower()))
