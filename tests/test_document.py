from mlsd_lint.document import CODE, LIST_ITEM, PARAGRAPH, TABLE_HEADER, TABLE_ROW, parse

DOC = """\
---
owner: risk-ml
---
# Title

Intro paragraph
over two lines.

## Data

- **Sources**: transactions table
- [ ] rollback plan
- [x] kill switch

| Topic | Answer |
|---|---|
| Rollback | one-click revert |

```python
rollback()
```

### Nested

Text.
"""


def test_sections_form_a_tree_with_line_spans():
    d = parse(DOC)
    titles = [(s.level, s.title, s.line, s.end_line) for s in d.sections]
    assert titles == [(0, "", 1, 25), (1, "Title", 4, 25), (2, "Data", 9, 25), (3, "Nested", 23, 25)]
    assert [s.parent for s in d.sections] == [None, 0, 1, 2]
    assert d.title_line == 4


def test_front_matter_is_read_not_linted():
    d = parse(DOC)
    assert d.front_matter == {"owner": "risk-ml"}
    assert all("owner" not in b.text for b in d.blocks)


def test_blocks_keep_kind_line_label_and_checkbox():
    d = parse(DOC)
    got = [(b.kind, b.line, b.label, b.checkbox) for b in d.blocks]
    assert got == [
        (PARAGRAPH, 6, "", None),
        (LIST_ITEM, 11, "Sources", None),
        (LIST_ITEM, 12, "", " "),
        (LIST_ITEM, 13, "", "x"),
        (TABLE_HEADER, 15, "Topic", None),
        (TABLE_ROW, 17, "Rollback", None),
        (CODE, 20, "python", None),
        (PARAGRAPH, 25, "", None),
    ]
    assert d.blocks[0].text == "Intro paragraph\nover two lines."
    assert d.blocks[5].body == "one-click revert"


def test_crlf_bom_and_bad_front_matter_do_not_raise():
    d = parse("\ufeff# T\r\n\r\ntext\r\n")
    assert d.sections[1].title == "T" and d.blocks[0].line == 3
    bad = parse("---\n: [unclosed\n---\n# T\n")
    assert bad.front_matter_error and bad.front_matter_error.startswith("line ")
    not_mapping = parse("---\n- a\n- b\n---\n# T\n")
    assert "not a mapping" in not_mapping.front_matter_error


def test_unterminated_front_matter_is_ordinary_text():
    d = parse("---\ntitle: x\n# Heading\n")
    assert d.front_matter == {} and d.front_matter_error is None
    assert [s.title for s in d.sections if s.level] == ["Heading"]


def test_large_documents_parse_in_pieces_with_the_same_result(monkeypatch):
    import mlsd_lint.document as document

    parts = []
    for i in range(60):
        parts.append(f"## Section {i}\n\nSome text with a **Label**: body {i}.\n\n- item\n- [ ] box\n\n| a | b |\n|---|---|\n| x | y |\n")
        if i % 7 == 0:
            parts.append("```\n## not a heading inside code\n```\n\n<!-- comment\n## not a heading in a comment\n-->\n")
    source = "# Big\n\n" + "\n".join(parts)
    whole = parse(source)
    monkeypatch.setattr(document, "CHUNK_CHARS", 200)
    pieces = parse(source)
    assert pieces == whole
    assert len([s for s in pieces.sections if s.level == 2]) == 60
