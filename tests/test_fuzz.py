"""Property tests over generated markdown: no exception, deterministic, lines in range.

Bounded for CI by the `ci` profile (see conftest.py); `HYPOTHESIS_PROFILE=long pytest
tests/test_fuzz.py` runs a longer session.
"""

from hypothesis import given
from hypothesis import strategies as st

from mlsd_lint.document import parse
from mlsd_lint.engine import lint

words = st.sampled_from(
    ["A/B test", "rollback", "kill switch", "TODO", "baseline", "model", "data", "?", "**bold**", "`code`",
     "[link](http://x)", "<br>", "&amp;", "é", "数据", "\u200b", "retrain weekly", "p99 < 100ms", "|", ":", "-", "#"]
)
text = st.one_of(st.text(max_size=40), st.lists(words, max_size=12).map(" ".join))
line = st.one_of(
    text.map(lambda t: "#" * 1 + " " + t),
    st.tuples(st.integers(1, 7), text).map(lambda p: "#" * p[0] + " " + p[1]),
    text.map(lambda t: "- " + t),
    text.map(lambda t: "- [ ] " + t),
    st.tuples(st.integers(0, 12), text).map(lambda p: "  " * p[0] + "* " + p[1]),
    text.map(lambda t: "> " + t),
    st.lists(text, min_size=1, max_size=4).map(lambda cells: "| " + " | ".join(cells) + " |"),
    st.just("|---|---|"),
    st.just("```"),
    st.just("~~~python"),
    text.map(lambda t: "<!-- mlsd-lint disable EXP001 -- " + t + " -->"),
    text.map(lambda t: "<!-- " + t),
    st.just("-->"),
    st.just("---"),
    text.map(lambda t: "mlsd-lint: {ignore: [" + t + "]}"),
    text,
    st.just(""),
)
markdown = st.lists(line, max_size=40).map("\n".join)
newline = st.sampled_from(["\n", "\r\n", "\r"])


@given(markdown, newline)
def test_any_markdown_lints_without_error_deterministically(matcher, source, nl):
    source = source.replace("\n", nl)
    selected = frozenset(r.code for r in matcher.ruleset.rules)
    first = lint(parse(source, "fuzz.md"), matcher, selected)
    second = lint(parse(source, "fuzz.md"), matcher, selected)
    assert first == second
    document = parse(source, "fuzz.md")
    last = max(document.line_count, 1)
    for finding in first.findings:
        assert 1 <= finding.line <= last, finding
        assert finding.column >= 1
    for evidence in first.evidence:
        assert 1 <= evidence.line <= last, evidence
    for section in document.sections:
        assert 1 <= section.line <= section.end_line <= last


@given(st.lists(line, max_size=60).map("\n".join))
def test_parsing_in_pieces_equals_parsing_whole(source):
    import mlsd_lint.document as document

    whole = parse(source, "fuzz.md")
    saved = document.CHUNK_CHARS
    document.CHUNK_CHARS = 50
    try:
        pieces = parse(source, "fuzz.md")
    finally:
        document.CHUNK_CHARS = saved
    assert [(s.level, s.title, s.line) for s in pieces.sections] == [(s.level, s.title, s.line) for s in whole.sections]
    assert [(b.kind, b.line, b.section) for b in pieces.blocks if b.kind != "html"] == [
        (b.kind, b.line, b.section) for b in whole.blocks if b.kind != "html"
    ]
