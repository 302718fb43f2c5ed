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
