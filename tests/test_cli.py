"""The command line as a user meets it: output, formats, selection, exit codes."""

import json

import pytest

from mlsd_lint import __version__

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


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_text_output_is_located_and_sorted_with_summary(run, write):
    path = write("design.md", SKETCH)
    result = run(path, "--select", "EXP001,EXP002")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:3:1: EXP001 [aa-test] no A/A test is planned")
    assert lines[1].startswith(f"{path}:3:1: EXP002 [ab-test] no randomized online experiment")
    assert "Found 2 findings in 1 file." in result.stdout
    assert "step  6 Experimentation: 0/2 topics addressed" in result.stdout


def test_quiet_prints_only_findings(run, write):
    path = write("design.md", SKETCH)
    result = run(path, "--select", "EXP001", "-q")
    assert result.stdout.splitlines() == [result.stdout.splitlines()[0]]
    assert result.stdout.startswith(f"{path}:3:1: EXP001")


def test_clean_doc_exits_zero(run, write):
    path = write("design.md", DONE)
    result = run(path, "--select", "EXP001,EXP002")
    assert result.exit_code == 0, result.stdout
    assert "Found 0 findings" in result.stdout


def test_json_contract(run, write):
    path = write("design.md", SKETCH)
    result = run(path, "--select", "EXP", "--format", "json")
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and rows
    for row in rows:
        assert {"path", "line", "column", "code", "name", "step", "severity", "message"} <= set(row)
        assert row["path"] == path and row["line"] >= 1 and row["column"] >= 1
        assert row["severity"] == "warning" and row["step"] == 6
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--select", "EXP001"], {"EXP001"}),
        (["--select", "aa-test"], {"EXP001"}),
        (["--select", "EXP00", "--ignore", "ab-test"], {"EXP001", "EXP003", "EXP004"}),
        (["--select", "EXP", "--ignore", "EXP003,EXP004"], {"EXP001", "EXP002"}),
        (["--select", "exp001", "--select", "EXP002"], {"EXP001", "EXP002"}),
    ],
)
def test_select_and_ignore_by_code_prefix_and_name(run, write, args, expected):
    path = write("design.md", "# Empty design\n\nNothing yet.\n")
    rows = json.loads(run(path, "--format", "json", *args).stdout)
    assert {row["code"] for row in rows} == expected


def test_unknown_selector_is_a_usage_error_with_suggestion(run, write):
    path = write("design.md", SKETCH)
    result = run(path, "--select", "kill-swich")
    assert result.exit_code == 2
    assert "unknown rule code or name 'kill-swich'" in result.stderr
    assert "did you mean 'kill-switch'" in result.stderr


def test_stdin_is_read_with_dash(run):
    result = run("-", "--select", "EXP001", "--format", "json", input=SKETCH)
    rows = json.loads(result.stdout)
    assert [(r["path"], r["code"], r["line"]) for r in rows] == [("-", "EXP001", 3)]


def test_directories_expand_to_sorted_markdown_files(run, write, tmp_path):
    write("b/design.md", SKETCH)
    write("a/design.md", SKETCH)
    write("a/notes.txt", "not markdown")
    result = run(str(tmp_path), "--select", "EXP001", "-q")
    paths = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert paths == [str(tmp_path / "a" / "design.md"), str(tmp_path / "b" / "design.md")]


def test_list_rules_json(run):
    rows = json.loads(run("--list-rules", "--format", "json").stdout)
    assert all(set(row) == {"code", "name", "step", "title", "severity"} for row in rows)
    codes = [row["code"] for row in rows]
    assert "DOC001" in codes and "DOC002" in codes and "EXP003" in codes


def test_explain_shows_what_why_how(run):
    result = run("--explain", "kill-switch")
    assert result.exit_code == 0
    assert result.stdout.startswith("EXP003 kill-switch (step 6: Experimentation")
    for heading in ("## What it asks", "## Why it matters", "## How to address it"):
        assert heading in result.stdout


def test_explain_unknown_rule(run):
    result = run("--explain", "NOPE999")
    assert result.exit_code == 2 and "unknown rule code or name 'NOPE999'" in result.stderr


def test_no_paths_is_a_usage_error(run):
    result = run()
    assert result.exit_code == 2 and "no paths given" in result.stderr


def test_missing_file_is_reported_and_others_still_linted(run, write, tmp_path):
    path = write("design.md", SKETCH)
    missing = str(tmp_path / "nope.md")
    result = run(missing, path, "--select", "EXP001", "-q")
    assert result.exit_code == 2
    assert f"mlsd-lint: {missing}: no such file or directory" in result.stderr
    assert result.stdout.startswith(f"{path}:3:1: EXP001")


def test_binary_and_bad_encoding_get_one_clear_message(run, tmp_path):
    binary = tmp_path / "img.md"
    binary.write_bytes(b"\x89PNG\x00\x00\x01")
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"# Title\n\ncaf\xe9\n")
    result = run(str(binary), str(latin))
    assert result.exit_code == 2
    assert f"{binary}: looks like a binary file" in result.stderr
    assert f"{latin}: line 3: not valid UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_utf16_with_bom_is_decoded(run, tmp_path):
    path = tmp_path / "design.md"
    path.write_bytes(SKETCH.encode("utf-16"))
    result = run(str(path), "--select", "EXP001", "-q")
    assert result.stdout.startswith(f"{path}:3:1: EXP001")


def test_bad_front_matter_names_file_and_line(run, write):
    path = write("design.md", "---\ntitle: [unclosed\n---\n# T\n")
    result = run(path)
    assert result.exit_code == 2
    assert f"{path}: line " in result.stderr and "front matter" in result.stderr


def test_python_dash_m_works(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "mlsd_lint", "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_a_broken_builtin_pack_is_a_clear_error_not_a_traceback(run, write, monkeypatch):
    import mlsd_lint.rules as rules

    monkeypatch.setattr(rules, "builtin_packs", lambda: [("rules/99-broken.yaml", "step: 1\ntitle: T\nrules: [{code: X}]\n")])
    result = run(write("d.md", SKETCH), "--no-cache")
    assert result.exit_code == 2
    assert result.stderr.startswith("mlsd-lint: rules/99-broken.yaml: ") and "Traceback" not in result.stderr
