"""The machine-readable and CI output formats: SARIF, GitHub annotations, markdown, JUnit."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlsd_lint.engine import FileResult, Finding, StepCoverage, Suppressed
from mlsd_lint.reporters import FORMATS, Report, renderer
from mlsd_lint.rules import RuleSet

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"

SKETCH = """\
# Ranker

## Experimentation

We compare the new ranker with the old one offline.
"""

DONE = """\
# Ranker

## Experimentation

We run an A/A test for one week, then an A/B test on 5% of users for two weeks.
"""

COMMAND = re.compile(r"^::(error|warning|notice) file=[^,:\r\n]+,line=\d+,col=\d+,title=[^,:\r\n]+::[^\r\n]+$")


def finding(path="design.md", line=3, code="EXP001", name="aa-test", severity="warning", message="no A/A test.", section="Experimentation"):
    return Finding(path, line, 1, code, name, 6, severity, message, section)


def report(*results, ruleset=None):
    return Report(tuple(results), ruleset or RuleSet((), ()))


def sarif_of(run, *args):
    result = run(*args, "--format", "sarif")
    return json.loads(result.stdout)


def validate_sarif(data):
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(data)


def test_new_formats_are_registered():
    for name in ("sarif", "github", "markdown", "junit"):
        assert name in FORMATS
        assert callable(renderer(name))


# SARIF


def test_sarif_validates_against_the_schema(run, write):
    path = write("design.md", SKETCH)
    validate_sarif(sarif_of(run, path, "--select", "EXP001,EXP002"))


def test_sarif_describes_every_rule_and_indexes_results(run, write):
    path = write("design.md", SKETCH)
    data = sarif_of(run, path, "--select", "EXP001,EXP002")
    assert data["version"] == "2.1.0" and len(data["runs"]) == 1
    driver = data["runs"][0]["tool"]["driver"]
    assert driver["name"] == "mlsd-lint" and driver["version"] and driver["informationUri"]
    rules = {r["id"]: r for r in driver["rules"]}
    aa = rules["EXP001"]
    assert aa["name"] == "aa-test"
    assert aa["shortDescription"]["text"] and aa["fullDescription"]["text"]
    assert aa["help"]["text"] and aa["help"]["markdown"]
    assert aa["helpUri"].endswith("docs/rules.md#exp001")
    assert aa["defaultConfiguration"]["level"] == "warning"
    results = data["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["EXP001", "EXP002"]
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] == "warning" and r["message"]["text"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region == {"startLine": 3, "startColumn": 1}
        assert "suppressions" not in r


def test_sarif_uri_is_relative_with_forward_slashes(run, write, tmp_path, monkeypatch):
    write("docs/design.md", SKETCH)
    monkeypatch.chdir(tmp_path)
    for given in ("docs/design.md", str(tmp_path / "docs" / "design.md")):
        data = sarif_of(run, given, "--select", "EXP001")
        location = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "docs/design.md"


def test_sarif_fingerprints_survive_a_line_inserted_above(run, write):
    path = write("design.md", SKETCH)
    before = sarif_of(run, path, "--select", "EXP001,EXP002")["runs"][0]["results"]
    write("design.md", SKETCH.replace("# Ranker\n", "# Ranker\n\nA new introduction paragraph.\n"))
    after = sarif_of(run, path, "--select", "EXP001,EXP002")["runs"][0]["results"]
    lines = lambda rs: [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in rs]
    assert lines(after) != lines(before)
    prints = lambda rs: [r["partialFingerprints"]["mlsdLint/v1"] for r in rs]
    assert prints(after) == prints(before)
    assert len(set(prints(before))) == 2


def test_sarif_fingerprints_tell_apart_findings_in_one_section():
    twice = FileResult("design.md", (finding(line=5), finding(line=9)))
    results = json.loads(renderer("sarif")(report(twice)))["runs"][0]["results"]
    assert len({r["partialFingerprints"]["mlsdLint/v1"] for r in results}) == 2


def test_sarif_shows_suppressed_findings_with_justification(ruleset):
    result = FileResult(
        "design.md",
        (finding(code="EXP002", name="ab-test"),),
        suppressed=(
            Suppressed(finding(line=4), reason="no experiment platform yet", kind="inSource"),
            Suppressed(finding(line=7, section="Rollout"), kind="external"),
        ),
    )
    data = json.loads(renderer("sarif")(Report((result,), ruleset)))
    validate_sarif(data)
    results = data["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["EXP002", "EXP001", "EXP001"]
    assert "suppressions" not in results[0]
    assert results[1]["suppressions"] == [{"kind": "inSource", "justification": "no experiment platform yet"}]
    assert results[2]["suppressions"] == [{"kind": "external"}]


def test_sarif_output_is_deterministic(ruleset):
    result = FileResult("b.md", (finding(path="b.md", line=9), finding(path="b.md", line=2, code="EXP002", name="ab-test")))
    one = renderer("sarif")(Report((result,), ruleset))
    assert one == renderer("sarif")(Report((result,), ruleset))
    assert [r["region"]["startLine"] for r in (x["locations"][0]["physicalLocation"] for x in json.loads(one)["runs"][0]["results"])] == [2, 9]


# GitHub workflow commands


def test_github_prints_one_workflow_command_per_finding(run, write):
    path = write("design.md", SKETCH)
    result = run(path, "--select", "EXP001,EXP002", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert COMMAND.match(line), line
    assert ",line=3,col=1,title=EXP001 aa-test::no A/A test" in lines[0]


def test_github_prints_nothing_for_a_clean_doc(run, write):
    path = write("design.md", DONE)
    result = run(path, "--select", "EXP001,EXP002", "--format", "github")
    assert result.exit_code == 0 and result.stdout == ""


def test_github_escapes_data_and_properties_like_the_actions_toolkit():
    f = finding(path="a,b:c%d.md", message="50% done\r\nnext: a, b")
    out = renderer("github")(report(FileResult(f.path, (f,))))
    assert out == "::warning file=a%2Cb%3Ac%25d.md,line=3,col=1,title=EXP001 aa-test::50%25 done%0D%0Anext: a, b\n"
    assert COMMAND.match(out.rstrip("\n"))


def test_github_command_follows_severity():
    out = renderer("github")(report(FileResult("d.md", (finding(path="d.md", severity="error"), finding(path="d.md", line=4, severity="info")))))
    assert [line.split(" ", 1)[0] for line in out.splitlines()] == ["::error", "::notice"]


# Markdown


def test_markdown_has_step_table_and_findings(run, write):
    path = write("design.md", SKETCH)
    result = run(path, "--select", "EXP001,EXP002", "--format", "markdown")
    out = result.stdout
    assert out.startswith("#")
    assert "2 findings" in out
    assert "| Step |" in out and "Experimentation | 0 / 2 |" in out
    rows = [line for line in out.splitlines() if "EXP00" in line]
    assert len(rows) == 2 and all(row.startswith("| ") and row.endswith(" |") for row in rows)
    assert ":3 | EXP001 | aa-test | no A/A test" in rows[0]


def test_markdown_says_when_there_are_no_findings(run, write):
    path = write("design.md", DONE)
    out = run(path, "--select", "EXP001,EXP002", "--format", "markdown").stdout
    assert "No findings" in out
    assert "Experimentation | 2 / 2 |" in out
    assert "| Location |" not in out


def test_markdown_escapes_table_cells():
    f = finding(message="a | b\nc")
    out = renderer("markdown")(report(FileResult("design.md", (f,), coverage=(StepCoverage(6, "A|B", 1, 2),))))
    row = next(line for line in out.splitlines() if "EXP001" in line)
    assert r"a \| b c" in row
    assert r"6. A\|B | 1 / 2 |" in out
    # Unescaped pipes split cells: the row still has exactly four.
    assert len(re.split(r"(?<!\\)\|", row)) == 6


# JUnit


def test_junit_parses_and_counts_failures(run, write):
    sketch, done = write("sketch.md", SKETCH), write("done.md", DONE)
    result = run(sketch, done, "--select", "EXP001,EXP002", "--format", "junit")
    root = ET.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    assert root.get("tests") == "3" and root.get("failures") == "2"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites[sketch].get("failures") == "2" and len(suites[sketch].findall("testcase/failure")) == 2
    assert suites[done].get("failures") == "0" and len(suites[done].findall("testcase")) == 1


def test_junit_escapes_markup_and_drops_control_characters():
    f = finding(path="<a&b>.md", message='x < y & "z"\x1b[0m')
    out = renderer("junit")(report(FileResult(f.path, (f,))))
    failure = ET.fromstring(out.encode("utf-8")).find("testsuite/testcase/failure")
    assert failure.get("message") == 'x < y & "z"[0m'
