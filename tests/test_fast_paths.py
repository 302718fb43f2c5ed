"""The matcher's fast paths give the same answers as the plain definitions they replace.

Sentences are tokenised a batch at a time, text is normalised by patterns that
skip ahead to a literal, and exclusions are ruled out by a cheap hint first. Each
is checked here against the straightforward version, on generated text.
"""

import json
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mlsd_lint import matching, text
from mlsd_lint.document import parse


# The plain definitions, as they were written before the fast paths.
_LETTER_PAIR = re.compile(r"\b([a-z])\s?[/&\-]\s?([a-z])\b")
_PREFIX = re.compile(r"\b(re|pre|co|non|on|off|self|multi|sub|de)-(?=[a-z])")
_SEPARATOR = re.compile(r"(?<![0-9]),|,(?![0-9])|[;:|()\[\]{}]")
_BRITISH = re.compile(r"\b(" + "|".join(sorted(text._BRITISH_STEMS)) + r")is(e|ed|es|er|ers|ing|ation|ations)\b")


def plain_normalize(s: str) -> str:
    if not s.isascii():
        import unicodedata

        s = unicodedata.normalize("NFKC", s).translate(str.maketrans(text._QUOTES))
    s = _BRITISH.sub(r"\1iz\2", s.lower())
    return _PREFIX.sub(r"\1", _LETTER_PAIR.sub(r"\1\2", s))


pieces = st.sampled_from(
    ["a", "b", "x", "/", "-", "&", " ", "  ", ",", ";", ":", "|", "(", ")", "[", "]", "{", "}", "3", "1,000", "_",
     "re", "pre", "co", "non", "on", "off", "self", "multi", "sub", "de", "train", "random", "optim", "visual",
     "ise", "ised", "isation", "izing", "is", "e", "ers", "é", "É", "\u2013", "\u2014", "\u2018", "\u2019", "\u201c", "\u201d", "\n", "?", "A/B", "K"]
)
snippet = st.one_of(st.text(max_size=30), st.lists(pieces, max_size=14).map("".join))


@given(snippet)
@example("a/b/c testing, x - y - z & w")
@example("re-randomised non-ml pre-a/b self-serve")
@example("organisation-wide realisation: visualising k-means")
def test_normalize_matches_the_plain_patterns(s):
    assert text.normalize(s) == plain_normalize(s)


@given(snippet)
@example("1,000 users, 3 ,5 and 7; (p99) [x] {y} |z|,")
def test_separators_match_the_plain_pattern(s):
    assert text._separate(s) == _SEPARATOR.sub(" | ", s)


@given(st.lists(snippet, min_size=1, max_size=6))
def test_tokenising_sentences_together_equals_one_at_a_time(texts):
    texts = [t.replace(text.UNIT_BREAK, " ") for t in texts]
    expected = []
    for i, t in enumerate(texts):
        if i:
            expected.append(text.UNIT_BREAK)
        expected += text.words(t)
    assert text.joined_words(texts) == expected


exclusion_words = st.sampled_from(
    ["TODO", "tbd", "TBC", "fixme", "xxx", "lorem ipsum", "fill in", "fill this in", "to be defined", "To Be decided",
     "[name]", "[describe the model]", "[e.g. X]", "not discussed", "Not yet covered", "out of scope", "N/A",
     "none yet", "to follow", "later phase", "?", "Describe the", "List how", "please explain why", "we", "the model",
     "retrain", "[Expected impact]", ".", ":", "- ", "> ", "*", "not", "to", "be", "fill", "scope"]
)
sentence = st.one_of(st.text(max_size=40), st.lists(exclusion_words, max_size=8).map(" ".join))


# The plain definition: every exclusion pattern in one alternation.
_EVERY_EXCLUSION = re.compile(
    "|".join(f"(?:{p})" for p in (matching._QUESTION_TAIL, matching._PLACEHOLDER, matching._PROMPT.pattern, matching._BRACKETED, matching._DEFERRED)),
    re.I,
)


@given(sentence)
@example("Describe the rollback plan")
@example("Rollback: TBD")
def test_exclusion_hint_never_hides_an_exclusion(s):
    assert matching._is_excluded_text(s) == (_EVERY_EXCLUSION.search(s) is not None)


def _analysis(matcher, source):
    return matcher.analyse(parse(source, "doc.md"))


@contextmanager
def batches_of(chars: int):
    saved = matching._BATCH_CHARS
    matching._BATCH_CHARS = chars
    try:
        yield
    finally:
        matching._BATCH_CHARS = saved


prose = st.lists(
    st.sampled_from(["We retrain weekly", "on data", "a kill switch", "rollback", "model", "latency p99 < 100 ms", "TODO",
                     "A/B test", "baseline", "?", ".", ";", ",", "1,000", "fraud", "labels", "- ", "**Rollback**:"]),
    max_size=12,
).map(" ".join)
block = st.one_of(prose, prose.map(lambda t: "## " + t), prose.map(lambda t: "- " + t), prose.map(lambda t: "| " + t + " | x |"))
markdown = st.lists(block, max_size=20).map("\n\n".join)


@given(markdown)
def test_evidence_does_not_depend_on_how_sentences_are_batched(matcher, source):
    whole = _analysis(matcher, source)
    with batches_of(40):
        assert _analysis(matcher, source) == whole


@pytest.mark.parametrize("name", ["thorough-fraud-detection.md", "sketchy-eta-prediction.md"])
def test_examples_read_alike_in_small_batches(matcher, name):
    source = (Path(__file__).parent.parent / "examples" / name).read_text(encoding="utf-8")
    whole = _analysis(matcher, source)
    assert whole[0]  # something to compare
    with batches_of(200):
        assert _analysis(matcher, source) == whole


def test_a_record_separator_in_the_text_reads_as_a_space(matcher):
    spaced = "# Doc\n\n## Deployment\n\nWe can roll back to the previous model in one step.\n"
    evidence, _ = _analysis(matcher, spaced)
    assert "OPS003" in evidence
    odd, _ = _analysis(matcher, spaced.replace("roll back", "roll\x1eback"))
    assert {c: (e.line, e.phrase) for c, e in odd.items()} == {c: (e.line, e.phrase) for c, e in evidence.items()}


def plain_markup(raw: str) -> str:
    """document.plain_text as first written: every pattern, unguarded."""
    from mlsd_lint import document as d

    raw = d._HTML_COMMENT.sub("", raw)
    raw = d._BR.sub(" ", raw)
    raw = d._AUTOLINK.sub(r"\1", raw)
    raw = d._TAG.sub("", raw)
    raw = d._LINK.sub(r"\1", raw)
    raw = re.compile(r"(?:\\| {2,})\n").sub("\n", raw)
    raw = re.compile(r"`+|\*\*|__|~~|(?<![\w\\])[*_]|[*_](?!\w)").sub("", raw)
    raw = d._ESCAPE.sub(r"\1", raw)
    return d.html.unescape(raw)


markup = st.lists(
    st.sampled_from(["a", "b", " ", "  ", "\n", "\\", "*", "**", "_", "__", "`", "``", "~~", "~", "[x](y)", "<br>", "&amp;", "é", "1", "<!-- c -->"]),
    max_size=16,
).map("".join)


@given(st.one_of(st.text(max_size=30), markup))
@example("**Rollback**: a_b *c* _d_ \\*e\\* `f`  \nnext\\\nline")
def test_markup_stripping_matches_the_plain_patterns(raw):
    from mlsd_lint.document import plain_text

    assert plain_text(raw) == plain_markup(raw)


# Words near one another, from few letters: ties, and ratios right at the cutoff.
short_word = st.text(alphabet="abcdeilnorst", min_size=1, max_size=14)


@given(short_word, st.lists(short_word, max_size=12), st.sampled_from([0, 50, 80, 88, 90, 100]))
@example("abcdefghijkl", ["abcdefghijkxy"], 88)  # a ratio of exactly 88
@example("probably", ["probabl", "problem", "probabl"], 88)
def test_typo_choice_matches_rapidfuzz(word, candidates, cutoff):
    from rapidfuzz import fuzz, process

    from mlsd_lint import fuzzy

    found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
    assert fuzzy.closest(word, candidates, cutoff) == (found[0] if found else None)


def test_typo_correction_reads_alike_before_and_after_rapidfuzz_takes_over(ruleset, monkeypatch):
    source = "# Doc\n\n## Model\n\nA recomendation model, with a dicitionary of items, probably daily.\n"
    pure = matching.Matcher(ruleset)
    monkeypatch.setattr(matching, "_PURE_TYPO_CHECKS", 0)
    compiled = matching.Matcher(ruleset)
    assert pure.analyse(parse(source)) == compiled.analyse(parse(source))
    assert pure._typo_cache == compiled._typo_cache
    assert pure._typo_cache["recomend"] == "recommend"


@pytest.fixture(scope="module")
def lexicon(ruleset):
    from mlsd_lint.phrase_index import compile_rules, lexicon

    return lexicon(compile_rules(ruleset))


@given(markdown, markdown)
def test_a_document_reads_alike_whatever_the_matcher_read_before(ruleset, lexicon, first, second):
    # The indexes fill as documents bring new words: what one document saw must
    # not change how the next one reads.
    used = matching.Matcher(ruleset, lexicon)
    used.analyse(parse(first))
    assert used.analyse(parse(second)) == matching.Matcher(ruleset, lexicon).analyse(parse(second))


def test_the_cached_lexicon_reads_like_the_compiled_one(ruleset, lexicon):
    from mlsd_lint.phrase_index import lexicon_from_data, lexicon_to_data

    data = lexicon_to_data(lexicon)
    loaded = lexicon_from_data(json.loads(json.dumps(data)))
    for name in ("thorough-fraud-detection.md", "sketchy-eta-prediction.md"):
        source = parse((Path(__file__).parent.parent / "examples" / name).read_text(encoding="utf-8"))
        assert matching.Matcher(ruleset, loaded).analyse(source) == matching.Matcher(ruleset, lexicon).analyse(source)


@pytest.fixture(scope="module")
def full_index(ruleset, lexicon):
    m = matching.Matcher(ruleset, lexicon)
    for word in list(m._pending):
        m._add_group(word)
    return m._index


def _hits(index, view, events):
    out = []
    for event in events:
        i = event >> 1
        for e in index.wild_pairs[(view[i], view[i + 1])] if event & 1 else index.wild_single[view[i]]:
            if tuple(view[i : i + len(e.stems)]) == e.stems:
                out.append((i, e))
    return out


def test_number_slot_phrases_are_found_only_near_numbers_and_all_of_them(full_index):
    from mlsd_lint.phrase_index import key_lookups

    words = sorted({s for es in list(full_index.wild_single.values()) + list(full_index.wild_pairs.values()) for e in es for s in e.stems})

    @given(st.lists(st.sampled_from(words + ["model", "the"]), max_size=40))
    def check(view):
        numbers = [i for i, s in enumerate(view) if s in (text.NUMBER, text.LARGE)]
        every = key_lookups(view, full_index.wild_single, full_index.wild_pairs)[0]
        assert _hits(full_index, view, full_index.wild_lookups(view, numbers)[0]) == _hits(full_index, view, every)

    check()
    # and every number-slot phrase itself, amid other words
    for entries in list(full_index.wild_single.values()) + list(full_index.wild_pairs.values()):
        for e in entries:
            view = ["the", "model"] + list(e.stems) + ["the"]
            numbers = [i for i, s in enumerate(view) if s in (text.NUMBER, text.LARGE)]
            assert (2, e) in _hits(full_index, view, full_index.wild_lookups(view, numbers)[0])


@given(st.one_of(st.text(max_size=40), prose))
@example("Fill in the TODO: tbd, FIXME, xxx, Lorem Ipsum")
def test_placeholder_hint_matches_the_plain_pattern(s):
    from mlsd_lint import engine

    plain = re.compile(r"todo|tbd|fixme|xxx|lorem ipsum|fill")  # the hint as first written
    assert any(map(s.lower().__contains__, engine._PLACEHOLDER_HINTS)) == bool(plain.search(s.lower()))
