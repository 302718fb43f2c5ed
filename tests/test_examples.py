"""The bundled example docs behave as the README says."""

import json

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_thorough_example_lints_clean(run):
    result = run(str(EXAMPLES / "thorough-fraud-detection.md"))
    assert result.exit_code == 0, result.stdout
    assert "Found 0 findings" in result.stdout


def test_sketchy_example_gets_located_findings(run):
    path = str(EXAMPLES / "sketchy-eta-prediction.md")
    result = run(path, "--format", "json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    codes = {r["code"] for r in rows}
    assert {"EVL001", "EXP002", "EXP003", "OPS003", "MNT002", "DOC001", "DOC002"} <= codes
    placeholder = [r for r in rows if r["code"] == "DOC001"]
    assert [(r["line"], r["column"]) for r in placeholder] == [(13, 19)]
    empty = [r for r in rows if r["code"] == "DOC002"]
    assert [r["line"] for r in empty] == [19]
    # Missing topics point at the heading of the section where they belong.
    assert {r["line"] for r in rows if r["code"] == "EVL001"} == {15}


def test_show_evidence_locates_every_addressed_topic_of_the_thorough_example(run):
    import json as _json

    path = str(EXAMPLES / "thorough-fraud-detection.md")
    coverage = _json.loads(run(path, "--format", "coverage").stdout)[0]["rules"]
    topics = [r for r in coverage if not r["code"].startswith(("DOC", "SUP"))]
    assert len(topics) == 50 and all(r["addressed"] for r in topics)
    lines = len(open(path, encoding="utf-8").read().splitlines())
    for r in topics:
        assert 1 <= r["line"] <= lines and r["section"] and r["phrase"] and r["confidence"] >= 0.5, r
    text = run(path, "--show-evidence").stdout
    assert text.count(" addressed in '") == 50
