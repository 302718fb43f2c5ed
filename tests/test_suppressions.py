"""Accountable suppressions in the document, and baselines for old docs."""

import json

SKETCH = "# Ranker\n\n## Experimentation\n\nWe compare the new ranker with the old one offline.\n"


def rows(result):
    return json.loads(result.stdout)


def test_front_matter_ignore(run, write):
    path = write("d.md", "---\nmlsd-lint: {ignore: [EXP001]}\n---\n" + SKETCH)
    assert [r["code"] for r in rows(run(path, "--select", "EXP001,EXP002", "--format", "json"))] == ["EXP002"]


def test_disable_comment_with_reason_is_shown_with_show_suppressed(run, write):
    path = write("d.md", SKETCH + "\n<!-- mlsd-lint disable EXP001 -- no experiment platform yet -->\n")
    result = run(path, "--select", "EXP001,EXP002", "--show-suppressed", "-q")
    assert f"{path}:3:1: EXP001 [aa-test] suppressed -- no experiment platform yet" in result.stdout
    assert f"{path}:3:1: EXP002 [ab-test]" in result.stdout
    assert result.exit_code == 1


def test_names_and_prefixes_work_in_suppressions(run, write):
    path = write("d.md", SKETCH + "\n<!-- mlsd-lint disable aa-test, EXP002 -- later -->\n")
    result = run(path, "--select", "EXP001,EXP002")
    assert result.exit_code == 0


def test_disable_next_line_for_line_rules(run, write):
    text = "# T\n\n<!-- mlsd-lint disable-next-line DOC001 -- quoted from the template -->\nTODO is a word we quote here.\n\nTODO: real one\n"
    path = write("d.md", text)
    found = rows(run(path, "--select", "DOC001", "--format", "json"))
    assert [(r["code"], r["line"]) for r in found] == [("DOC001", 6)]


def test_expired_waiver_turns_back_into_findings(run, write):
    path = write("d.md", SKETCH + "\n<!-- mlsd-lint disable EXP001 -- shadow launch only; until=2020-01-31 -->\n")
    found = rows(run(path, "--select", "EXP001,SUP", "--format", "json"))
    assert sorted((r["code"], r["line"]) for r in found) == [("EXP001", 3), ("SUP003", 7)]
    future = write("f.md", SKETCH + "\n<!-- mlsd-lint disable EXP001 -- shadow launch only; until=2999-01-31 -->\n")
    assert rows(run(future, "--select", "EXP001,SUP", "--format", "json")) == []


def test_unused_and_unknown_suppressions_are_reported(run, write):
    text = "# T\n\nWe run an A/A test for a week.\n\n<!-- mlsd-lint disable EXP001 -- stale -->\n<!-- mlsd-lint disable EXP01 -->\n"
    path = write("d.md", text)
    found = rows(run(path, "--select", "EXP001,SUP", "--format", "json"))
    got = sorted((r["code"], r["line"], r["message"].split(":")[0]) for r in found)
    assert got == [("SUP001", 5, "suppression has nothing to silence"), ("SUP002", 6, "suppression names no known rule")]


def test_baseline_reports_only_new_findings_and_lists_gone_entries(run, write, tmp_path):
    path = write("d.md", SKETCH)
    baseline = str(tmp_path / "baseline.json")
    result = run(path, "--select", "EXP001,EXP002", "--write-baseline", baseline)
    assert result.exit_code == 0
    data = json.loads(open(baseline).read())
    assert {(e["code"], e["section"]) for e in data["findings"]} == {("EXP001", "Experimentation"), ("EXP002", "Experimentation")}
    # Edits elsewhere move lines, but the baseline still matches.
    write("d.md", "# Ranker\n\nNew intro paragraph.\n\nMore words.\n\n## Experimentation\n\nWe compare offline. We run an A/A test first.\n")
    result = run(path, "--select", "EXP001,EXP002,EXP003", "--baseline", baseline, "--format", "json")
    assert [r["code"] for r in rows(result)] == ["EXP003"]
    assert "baseline entry no longer occurs" in result.stderr and "EXP001" in result.stderr


def test_bad_baseline_file(run, write, tmp_path):
    path = write("d.md", SKETCH)
    bad = tmp_path / "b.json"
    bad.write_text("{not json")
    result = run(path, "--baseline", str(bad))
    assert result.exit_code == 2 and "b.json: not a valid baseline file" in result.stderr
