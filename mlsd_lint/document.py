"""Markdown source -> Document: a tree of sections and the blocks under them.

Everything downstream works on this model, never on markdown-it tokens, so the
parser can change without touching the rules.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

from .block_rules import parser_for

# Block kinds. Prose kinds are what topic rules read; code and html are kept
# apart so a rule decides whether they count.
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE_ROW = "table_row"
TABLE_HEADER = "table_header"
BLOCKQUOTE = "blockquote"
CODE = "code"
HTML = "html"
PROSE_KINDS = frozenset({PARAGRAPH, LIST_ITEM, TABLE_ROW, TABLE_HEADER, BLOCKQUOTE})

_CHECKBOX = re.compile(r"^\[([ xX])\]\s+")
# "Label: body" lead-ins, as in "- Rollback: revert to the previous model".
_COLON_LABEL = re.compile(r"^([^:=\n]{2,60}?)\s*(?:[:=\u2014\u2192]|->|=>)\s*(\S.*)$", re.S)
_LABEL_SEPARATORS = ":=\u2014\u2192>"  # a text holding none of these has no such label


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and everything up to the next heading of the same or higher level."""

    index: int
    level: int  # 0 for the part before the first heading
    title: str
    line: int  # 1-based line of the heading (1 for the preamble)
    end_line: int
    parent: int | None


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of content: a paragraph, a list item, a table row, a code block..."""

    kind: str
    text: str  # plain text; "\n" where the source wrapped a line
    line: int  # 1-based first line
    section: int
    label: str = ""  # a lead-in that names the topic: bold prefix, "Label:", first cell
    body_start: int = 0  # where the rest of the block, after the label, starts in `text`
    checkbox: str | None = None  # " " or "x" for task-list items
    italic: bool = False  # wholly in emphasis: how templates set off their guidance

    @property
    def body(self) -> str:
        """The block after its label (the whole text when it has none)."""
        return self.text[self.body_start :].strip()


@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML comment, which does not render: where suppressions live."""

    text: str
    line: int


@dataclass(frozen=True)
class Document:
    """A parsed markdown file: its sections and blocks, with line numbers."""

    path: str
    source: str
    sections: tuple[Section, ...]
    blocks: tuple[Block, ...]
    comments: tuple[Comment, ...] = ()
    front_matter: dict[str, Any] = field(default_factory=dict)
    front_matter_error: str | None = None
    line_count: int = 0

    @property
    def title_line(self) -> int:
        """The line a document-level finding points at: the title heading, else line 1."""
        headed = [s for s in self.sections if s.level > 0]
        for section in headed:
            if section.level == 1:
                return section.line
        return headed[0].line if headed else 1

    def children(self, index: int) -> list[Section]:
        return [s for s in self.sections if s.parent == index]

    def blocks_in(self, index: int) -> list[Block]:
        return [b for b in self.blocks if b.section == index]


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _split_front_matter(source: str) -> tuple[str, dict[str, Any], str | None]:
    """Blank out a leading YAML front matter block, keeping line numbers intact."""
    if not source.startswith("---"):
        return source, {}, None
    lines = source.split("\n")
    if lines[0].rstrip() != "---":
        return source, {}, None
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        # Unterminated: CommonMark reads it as a thematic break and text; so do we.
        return source, {}, None
    raw = "\n".join(lines[1:end])
    import yaml  # only documents with front matter need it
    blanked = "\n" * (end + 1) + "\n".join(lines[end + 1 :])
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        return blanked, {}, f"line {line}: front matter is not valid YAML ({getattr(err, 'problem', err)})"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return blanked, {}, "line 1: front matter is not a mapping of keys to values"
    return blanked, data, None


# Inline markdown is not parsed (markdown-it's inline pass costs a third of the
# parse, and the rules only need the words): these strip its syntax instead.
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BR = re.compile(r"<br\s*/?>", re.I)
_LINK = re.compile(r"!?\[([^\]\n]*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]*)>")
_TAG = re.compile(r"</?[a-zA-Z][^>\n]*>")
# Code spans' backticks, ** and __, ~~, and a * or _ that opens or closes a word (no
# word character or backslash before it, or no word character after it): "snake_case"
# keeps its underscore. Every alternative starts with a single literal character, so
# the regex engine skips ahead to one of `*_~ (a repeat such as `+ first would stop
# that: five times slower).
_MARKUP = re.compile(r"``*|\*(?:\*|(?<![\w\\]\*)|(?!\w))|_(?:_|(?<![\w\\]_)|(?!\w))|~~")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_HARD_BREAK = re.compile(r"(?:\\| {2,})\n")
_BOLD_LEAD = re.compile(r"^(\*\*|__)(.+?)\1")
_ITALIC = re.compile(r"^([*_])(?![*_\s]).*(?<![*_\s])\1$", re.S)


def plain_text(raw: str) -> str:
    """Inline markdown source -> the words a reader sees."""
    if "<" in raw:
        raw = _HTML_COMMENT.sub("", raw)
        raw = _BR.sub(" ", raw)
        raw = _AUTOLINK.sub(r"\1", raw)
        raw = _TAG.sub("", raw)
    if "[" in raw:
        raw = _LINK.sub(r"\1", raw)
    if "\\\n" in raw or "  \n" in raw:
        raw = _HARD_BREAK.sub("\n", raw)
    if "`" in raw or "*" in raw or "_" in raw or "~" in raw:
        raw = _MARKUP.sub("", raw)
    if "\\" in raw:
        raw = _ESCAPE.sub(r"\1", raw)
    if "&" in raw:
        raw = html.unescape(raw)
    return raw


def _inline_text(raw: str) -> tuple[str, str]:
    """Plain text of an inline run, and its bold lead-in if it starts with one."""
    lead = _BOLD_LEAD.match(raw)
    return plain_text(raw), plain_text(lead.group(2)) if lead else ""


def _label_and_body(text: str, lead: str) -> tuple[str, int]:
    """The block's lead-in label, and where its body starts in `text`."""
    if lead and text.startswith(lead) and len(lead.split()) <= 8:  # a bold sentence is not a label
        rest = text[len(lead) :]
        return lead.strip().rstrip(":"), len(text) - len(rest.lstrip(" :\u2014-\u2013"))
    match = _COLON_LABEL.match(text) if any(c in text for c in _LABEL_SEPARATORS) else None
    if match and len(match.group(1).split()) <= 6:
        return match.group(1).strip(), match.start(2)
    return "", 0


# Block tokens whose content comes in tokens of their own (or that have none).
_PASSED_OVER = frozenset(
    "paragraph_open paragraph_close bullet_list_open bullet_list_close ordered_list_open ordered_list_close "
    "table_open table_close tbody_open tbody_close th_open th_close td_open td_close heading_close hr".split()
)


def parse(source: str, path: str = "<string>") -> Document:
    """Parse markdown source into a Document. Never raises on any text input."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    if source.startswith("\ufeff"):
        source = source[1:]
    body, front_matter, fm_error = _split_front_matter(source)
    line_count = source.count("\n") + (0 if source.endswith("\n") or not source else 1)

    sections: list[Section] = [Section(0, 0, "", 1, max(line_count, 1), None)]
    blocks: list[Block] = []
    comments: list[Comment] = []
    stack: list[int] = [0]  # open sections, innermost last
    containers: list[str] = []  # list_item / blockquote nesting
    row: list[str] | None = None
    row_line = 0
    in_header = False

    def current() -> int:
        return stack[-1]

    for offset, chunk in _chunks(body):
        tokens = parser_for(chunk).parse(chunk)
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind in _PASSED_OVER:
                i += 1
                continue
            line = tok.map[0] + 1 + offset if tok.map else 0
            if kind == "heading_open":
                level = int(tok.tag[1])
                title = plain_text(tokens[i + 1].content)
                while stack and sections[stack[-1]].level >= level:
                    stack.pop()
                parent = stack[-1] if stack else 0
                sections.append(Section(len(sections), level, title.strip(), line, line, parent))
                stack.append(len(sections) - 1)
                i += 3
                continue
            if kind in ("list_item_open", "blockquote_open"):
                containers.append(kind[:-5])
            elif kind in ("list_item_close", "blockquote_close"):
                containers.pop()
            elif kind == "thead_open":
                in_header = True
            elif kind == "thead_close":
                in_header = False
            elif kind == "tr_open":
                row, row_line = [], line
            elif kind == "tr_close" and row is not None:
                cells = [c.strip() for c in row]
                text = " | ".join(c for c in cells if c)
                label = cells[0] if cells else ""
                # the answer cells: everything after the label cell (nothing if there is none)
                body_start = (len(label) + 3 if len(text) > len(label) else len(text)) if label else 0
                blocks.append(
                    Block(TABLE_HEADER if in_header else TABLE_ROW, text, row_line, current(), label, body_start)
                )
                row = None
            elif kind == "inline":
                raw = tok.content
                text, lead = _inline_text(raw)
                if row is not None:
                    row.append(text.replace("\n", " "))
                else:
                    checkbox = None
                    if containers and containers[-1] == "list_item":
                        box = _CHECKBOX.match(text)
                        if box:
                            checkbox = box.group(1).lower()
                            text = text[box.end() :]
                            lead = ""
                    if containers and containers[-1] == "list_item":
                        block_kind = LIST_ITEM
                    elif "blockquote" in containers:
                        block_kind = BLOCKQUOTE
                    else:
                        block_kind = PARAGRAPH
                    label, body_start = _label_and_body(text, lead)
                    stripped = raw.strip()
                    italic = stripped[:1] in ("*", "_") and stripped[-1:] == stripped[:1] and bool(_ITALIC.match(stripped))
                    blocks.append(Block(block_kind, text, line, current(), label, body_start, checkbox, italic))
                if "<!--" in raw:
                    for match in _HTML_COMMENT.finditer(raw):
                        comments.append(Comment(match.group(0), line + raw.count("\n", 0, match.start())))
            elif kind in ("fence", "code_block"):
                first = line + 1 if kind == "fence" else line
                blocks.append(Block(CODE, tok.content, first, current(), tok.info.strip()))
            elif kind == "html_block":
                blocks.append(Block(HTML, tok.content, line, current()))
                for match in re.finditer(r"<!--.*?-->", tok.content, re.S):
                    comments.append(Comment(match.group(0), line + tok.content.count("\n", 0, match.start())))
            i += 1

    return Document(
        path=path,
        source=source,
        sections=tuple(_close_spans(sections, line_count)),
        blocks=tuple(blocks),
        comments=tuple(comments),
        front_matter=front_matter,
        front_matter_error=fm_error,
        line_count=line_count,
    )


# Large documents are parsed in pieces, cut before a top-level heading outside any
# code fence or HTML comment, so memory stays proportional to a piece, not the file.
CHUNK_CHARS = 64_000


@lru_cache(maxsize=1)
def _chunk_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], list[tuple[re.Pattern[str], re.Pattern[str]]]]:
    """(fence, level 1-2 heading, HTML tag line, blank line, raw HTML blocks): compiled
    when a document is first large enough to cut, as compiling costs every start."""
    return (
        re.compile(r"^ {0,3}(`{3,}|~{3,})"),
        re.compile(r"^#{1,2}\s"),
        re.compile(r"^ {0,3}</?[A-Za-z]"),
        re.compile(r"^\s*$"),
        # CommonMark raw HTML blocks that run until an end marker, blank lines and all.
        [
            (re.compile(r"^ {0,3}<(?:script|pre|style|textarea)(?:\s|>|$)", re.I), re.compile(r"</(?:script|pre|style|textarea)>", re.I)),
            (re.compile(r"^ {0,3}<!--"), re.compile(r"-->")),
            (re.compile(r"^ {0,3}<\?"), re.compile(r"\?>")),
            (re.compile(r"^ {0,3}<![A-Za-z]"), re.compile(r">")),
            (re.compile(r"^ {0,3}<!\[CDATA\["), re.compile(r"\]\]>")),
        ],
    )


def _chunks(body: str) -> Iterator[tuple[int, str]]:
    """(line offset, text) pieces of `body`; one piece unless it is large."""
    if len(body) <= CHUNK_CHARS:
        yield 0, body
        return
    fence_line, heading_line, html_tag_line, blank_line, html_blocks = _chunk_patterns()
    start = pos = 0  # character offsets of the piece and of the current line
    start_line = line_no = 0
    fence: str | None = None
    html_end: re.Pattern[str] | None = None  # an open raw HTML block ends at this
    while pos < len(body):
        nl = body.find("\n", pos)
        end = len(body) if nl < 0 else nl
        line = body[pos:end]
        if fence is None and html_end is None and pos - start >= CHUNK_CHARS and heading_line.match(line):
            yield start_line, body[start:pos]
            start, start_line = pos, line_no
        if html_end is not None:
            if html_end.search(line):
                html_end = None
        elif fence is not None:
            marker = fence_line.match(line)
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence) and not line[marker.end() :].strip():
                fence = None  # a closing fence: same character, at least as long, no info string
        else:
            marker = fence_line.match(line)
            if marker:
                fence = marker.group(1)
            else:
                for opens, closes in html_blocks:
                    opened = opens.match(line)
                    if opened:
                        html_end = None if closes.search(line, opened.end()) else closes
                        break
                else:
                    if html_tag_line.match(line):
                        html_end = blank_line  # other HTML blocks run to a blank line
        pos, line_no = end + 1, line_no + 1
    yield start_line, body[start:]


def _close_spans(sections: list[Section], line_count: int) -> list[Section]:
    """Each section ends before the next heading of the same or a higher level."""
    last = max(line_count, 1)
    ends = [last] * len(sections)
    open_: list[Section] = []
    for section in sections[1:]:
        while open_ and open_[-1].level >= section.level:
            ends[open_.pop().index] = section.line - 1
        open_.append(section)
    return [
        Section(s.index, s.level, s.title, s.line, max(ends[s.index], s.line), s.parent)
        for s in sections
    ]
