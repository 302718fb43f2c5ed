"""A text's parser leaves out only block rules that could not have matched in it.

block_rules.unusable_rules() decides from the raw text which markdown-it block
rules to skip; the tokens must be those of the full parser, whatever the text.
Generated texts are built from the lines and markers the tests of each rule
turn on (runs of "-", "=", "*", "_", indentation, tabs, ">", fences, pipes,
link definitions, HTML), so near misses are common.
"""

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mlsd_lint.block_rules import parser_for, parser_without, unusable_rules

FULL = parser_without(frozenset())


def tokens(md, text):
    return [(t.type, t.tag, t.map, t.content, t.info, t.markup, t.level, t.attrs) for t in md.parse(text)]


line_starts = st.sampled_from(["", " ", "  ", "   ", "    ", "     ", "\t", " \t", "> ", ">", "> > ", "- ", "* ", "+ ", "1. ", "2) ", "-     ", ">     ", "- > "])
line_bodies = st.sampled_from(
    ["text", "more words", "---", "- - -", "***", "* * *", "___", "_ _ _", "===", "=", "--", "-", "==  ", "--- x", "a -",
     "**bold**", "_it_", "```", "```py", "~~~", "````", "| a | b |", "|---|---|", "--- | ---", ":-:|", "a | b",
     "[x]: /url", "[x]:", "[x\n]: /u 'title'", "<div>", "<!-- c -->", "</p>", "<br/>", "<", "# title", "## t", "#", "",
     " ", "\t", "1.", "- [ ] todo", "x\ty", "]:", "|"]
)
line = st.tuples(line_starts, line_bodies).map("".join)
document = st.lists(line, max_size=14).map("\n".join)


@given(document)
@example("Title\n---")
@example("Title\n  ===  ")
@example("> quote\n> ---")
@example("text\n    >\n---")  # a lazy continuation line, then an underline
@example("-     indented code in a list item")
@example(">     indented code in a quote")
@example("- a\n\n\tcode")
@example("[foo\nbar]: /url\n\n[foo bar]")
@example("a | b\n--|--\n1 | 2")
@example("* * *\n_ _ _\n- - -")
def test_tokens_equal_the_full_parsers(text):
    assert tokens(parser_for(text), text) == tokens(FULL, text)


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Plain prose.\n\n- a list\n- of items\n", set()),
        ("Title\n---\n", {"hr", "lheading"}),
        ("\n---\n\nafter a blank line, a break is no underline\n", {"hr"}),
        ("```\ncode\n```\n", {"fence"}),
        ("> quoted\n", {"blockquote"}),
        ("    indented\n", {"code"}),
        ("a | b\n--|--\n", {"table"}),
        ("<div>x</div>\n", {"html_block", "blockquote"}),  # a ">" is all a blockquote's test asks
        ("[ref]: https://example.com\n", {"reference"}),
    ],
)
def test_only_rules_a_text_may_use_are_kept(text, kept):
    all_rules = unusable_rules("")
    assert all_rules - unusable_rules(text) == kept


def test_real_documents_parse_alike():
    root = Path(__file__).resolve().parent.parent / "examples"
    docs = sorted(root.glob("*.md"))
    assert docs
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        assert tokens(parser_for(text), text) == tokens(FULL, text), doc.name
