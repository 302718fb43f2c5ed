"""The markdown-it parser for one text, without the block rules it cannot use.

markdown-it tries each block rule at every line start, and every rule that may
end a paragraph at every line inside one: most of the block pass is rules that
fail. A rule that cannot match anywhere in a text (no fence without a run of
backticks, no blockquote without a ">") is left out of that text's parser, so
the tokens are the same and fewer calls make them (the block pass takes about
half the time on design docs, which rarely hold setext headings or link
reference definitions). Each test below is a necessary condition of its rule
in CommonMark, checked on the raw text: it may keep a rule that then finds
nothing, never drop one that would have matched (tests/test_block_rules.py
compares the tokens with those of the full parser).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

# Three or more of one thematic-break character, with only spaces or tabs between
# and after them, up to the end of a line. (One pattern per character: each starts
# with a literal, which the regex engine skips ahead to.)
_BREAK_TAILS = tuple(re.compile(rf"{c}[ \t]*{c}[ \t]*{c}[ \t{c}]*$", re.M) for c in (r"\*", "-", "_"))
# A line that may be a setext underline: a run of "=" or "-" after indentation and
# ">" markers. (Not the first line: nothing is above it to underline.)
_UNDERLINE = re.compile(r"\n[ \t>]*(?:-+|=+)[ \t]*$", re.M)


def _may_hold_setext_heading(text: str) -> bool:
    """An underline right under a line that is not blank (a paragraph's)."""
    for match in _UNDERLINE.finditer(text):
        end = match.start()  # of the line above
        if text[text.rfind("\n", 0, end) + 1 : end].strip(" \t"):
            return True
    return False


def unusable_rules(text: str) -> frozenset[str]:
    """The block rules that cannot match anywhere in `text`."""
    out = []
    if "```" not in text and "~~~" not in text:
        out.append("fence")
    if "    " not in text and "\t" not in text:
        # an indented code block needs 4 columns of indentation (beyond any list
        # marker or ">"): four spaces or a tab, somewhere
        out.append("code")
    if ">" not in text:
        out.append("blockquote")
    if "<" not in text:
        out.append("html_block")
    if "]:" not in text:
        out.append("reference")  # [label]: destination
    if "|" not in text:
        out.append("table")
    if not any(p.search(text) for p in _BREAK_TAILS):
        out.append("hr")
    if not _may_hold_setext_heading(text):
        out.append("lheading")
    return frozenset(out)


@lru_cache(maxsize=64)
def parser_without(rules: frozenset[str]) -> MarkdownIt:
    """The block parser (document.plain_text() reads the inline level) less `rules`."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).disable("inline")
    active = md.block.ruler.get_active_rules()
    return md.disable([r for r in rules if r in active]) if rules else md


def parser_for(text: str) -> MarkdownIt:
    """A block parser for `text`: the full one less the rules `text` cannot use."""
    return parser_without(unusable_rules(text))
