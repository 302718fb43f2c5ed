"""Configuration: discovered upward from each file, validated, explained."""

import json
import tomllib

import pytest

from mlsd_lint import config

SKETCH = "# Ranker\n\n## Experimentation\n\nWe compare the new ranker with the old one offline.\n"


def codes(result):
    return sorted({row["code"] for row in json.loads(result.stdout)})


def test_nearest_config_wins_per_file_not_cwd(run, write, tmp_path):
    write("team/.mlsd-lint.toml", 'select = ["EXP001"]\n')
    write("team/sub/mlsd-lint.toml", 'select = ["EXP002"]\n')
    a = write("team/a.md", SKETCH)
    b = write("team/sub/b.md", SKETCH)
    rows = json.loads(run(a, b, "--format", "json").stdout)
    assert {(r["path"], r["code"]) for r in rows} == {(a, "EXP001"), (b, "EXP002")}


def test_pyproject_without_table_is_skipped(run, write):
    write("repo/pyproject.toml", '[tool.mlsd-lint]\nselect = ["EXP001"]\n')
    write("repo/docs/pyproject.toml", '[project]\nname = "x"\n')
    path = write("repo/docs/design.md", SKETCH)
    assert codes(run(path, "--format", "json")) == ["EXP001"]


def test_broken_pyproject_of_another_tool_is_left_alone_but_ours_is_reported(run, write):
    write("repo/pyproject.toml", '[tool.mlsd-lint]\nselect = ["EXP001"]\n')
    write("repo/docs/pyproject.toml", '[project\nname = "x"\n')  # not TOML, and not ours
    path = write("repo/docs/design.md", SKETCH)
    assert codes(run(path, "--format", "json")) == ["EXP001"]
    write("repo/docs/pyproject.toml", '[tool.mlsd-lint]\nselect = ["EXP001"\n')
    result = run(path)
    assert result.exit_code == 2
    assert "pyproject.toml:" in result.stderr and "not valid TOML" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "text",
    [
        '[tool.mlsd-lint]\nselect = ["EXP001"]\n',
        '[tool."mlsd-lint"]\nselect = ["EXP001"]\n',
        "[ tool . 'mlsd-lint' ]\nselect = ['EXP001']\n",
        '[tool.mlsd-lint.severity]\nEXP001 = "error"\n',
        'tool.mlsd-lint.select = ["EXP001"]\n',
        '[tool]\nmlsd-lint = { select = ["EXP001"] }\n',
        '[tool]\n"mlsd-lint" . select = ["EXP001"]\n',
        'tool = { mlsd-lint = { select = ["EXP001"] } }\n',
        '[tool."mlsd\\u002dlint"]\nselect = ["EXP001"]\n',
        '[project]\nname = "mlsd-lint"\n[tool.mlsd-lint]\n',
    ],
)
def test_every_spelling_of_our_pyproject_table_is_read(text):
    assert "mlsd-lint" in tomllib.loads(text)["tool"]
    assert config._may_hold_our_table(text)


def test_a_pyproject_naming_us_elsewhere_is_not_parsed():
    text = (
        '[project]\nname = "mlsd-lint"\ndependencies = ["mlsd-lint>=0.1", "mlsd-lint[extra] ; python_version>\'3.10\'"]\n'
        '[project.scripts]\nmlsd-lint = "mlsd_lint.cli:main"\n[tool.other]\nargs = ["mlsd-lint", \'mlsd-lint\']\n'
    )
    assert "mlsd-lint" not in tomllib.loads(text)["tool"]
    assert not config._may_hold_our_table(text)


def test_yaml_config_and_extend(run, write):
    write("repo/pyproject.toml", '[tool.mlsd-lint]\nselect = ["EXP"]\n')
    write("repo/docs/.mlsd-lint.yaml", 'extend: ../pyproject.toml\nignore: [EXP002, EXP003, EXP004]\n')
    path = write("repo/docs/design.md", SKETCH)
    assert codes(run(path, "--format", "json")) == ["EXP001"]


def test_no_inheritance_without_extend(run, write):
    write("repo/pyproject.toml", '[tool.mlsd-lint]\nignore = ["EXP"]\n')
    write("repo/docs/.mlsd-lint.toml", 'select = ["EXP001", "EXP002"]\n')
    path = write("repo/docs/design.md", SKETCH)
    assert codes(run(path, "--format", "json")) == ["EXP001", "EXP002"]


def test_config_flag_overrides_and_isolated_ignores(run, write):
    write("repo/.mlsd-lint.toml", 'select = ["EXP001"]\n')
    other = write("other.toml", 'select = ["EXP002"]\n')
    path = write("repo/design.md", SKETCH)
    assert codes(run(path, "--format", "json", "--config", other)) == ["EXP002"]
    assert "EXP003" in codes(run(path, "--format", "json", "--isolated"))


def test_severity_and_fail_on(run, write):
    write("repo/.mlsd-lint.toml", 'select = ["EXP001", "EXP002"]\nfail-on = "error"\n[severity]\nEXP001 = "error"\nab-test = "info"\n')
    path = write("repo/design.md", SKETCH)
    result = run(path, "--format", "json")
    rows = {r["code"]: r["severity"] for r in json.loads(result.stdout)}
    assert rows == {"EXP001": "error", "EXP002": "info"}
    assert result.exit_code == 1
    assert run(path, "--ignore", "EXP001").exit_code == 0  # only an info finding left
    assert run(path, "--ignore", "EXP001", "--fail-on", "info").exit_code == 1


def test_severity_off_disables_a_rule(run, write):
    write("repo/.mlsd-lint.toml", 'select = ["EXP001", "EXP002"]\n[severity]\nEXP = "off"\n')
    path = write("repo/design.md", SKETCH)
    result = run(path)
    assert result.exit_code == 0 and "Found 0 findings" in result.stdout


def test_per_file_ignores(run, write):
    write("repo/.mlsd-lint.toml", 'select = ["EXP001", "EXP002"]\n[per-file-ignores]\n"drafts/*.md" = ["EXP001"]\n')
    draft = write("repo/drafts/d.md", SKETCH)
    final = write("repo/final.md", SKETCH)
    rows = json.loads(run(draft, final, "--format", "json").stdout)
    assert sorted((r["path"], r["code"]) for r in rows) == [(draft, "EXP002"), (final, "EXP001"), (final, "EXP002")]


def test_include_exclude_and_default_excludes_in_directory_walks(run, write, tmp_path):
    write("repo/.mlsd-lint.toml", 'select = ["EXP001"]\nexclude = ["README*", "notes/*"]\n')
    write("repo/README.md", SKETCH)
    write("repo/notes/n.md", SKETCH)
    keep = write("repo/design.md", SKETCH)
    result = run(str(tmp_path / "repo"), "--format", "json")
    assert {r["path"] for r in json.loads(result.stdout)} == {keep}


def test_profile_interview_covers_steps_1_to_8_and_13(run, write):
    path = write("design.md", "# Empty\n\nNothing.\n")
    rows = json.loads(run(path, "--format", "json", "--profile", "interview", "--isolated").stdout)
    steps = {r["step"] for r in rows}
    assert steps <= {0, 1, 2, 3, 4, 5, 6, 7, 8, 13} and 6 in steps and 13 in steps
    assert not steps & {9, 10, 11, 12}


def test_show_settings_says_where_each_value_came_from(run, write):
    cfg = write("repo/.mlsd-lint.toml", 'select = ["EXP001"]\nfail-on = "error"\n')
    path = write("repo/design.md", SKETCH)
    result = run("--show-settings", path, "--ignore", "EXP002")
    assert result.exit_code == 0
    assert f'select = ["EXP001"]  # from {cfg}' in result.stdout
    assert 'fail-on = "error"  # from' in result.stdout
    assert 'ignore = ["EXP002"]  # from command line' in result.stdout
    assert "profile = \"full\"  # from default" in result.stdout


@pytest.mark.parametrize(
    "text, expected",
    [
        ('selct = ["EXP001"]\n', ".mlsd-lint.toml:1: key 'selct': unknown key (did you mean 'select'?)"),
        ('select = "EXP001"\nfail-on = 3\n', ".mlsd-lint.toml:2: key 'fail-on': must be a string"),
        ('select = ["EXP001"]\n[severity]\nEXP001 = "fatal"\n', ".mlsd-lint.toml:3: key 'severity': level for 'EXP001' must be one of"),
        ('select = ["NOPE001"]\n', ".mlsd-lint.toml: key 'select': unknown rule code or name 'NOPE001'"),
        ('a = 1\nselect = ["x" "y"]\n', ".mlsd-lint.toml:2: not valid TOML"),
        ('profile = "quick"\n', ".mlsd-lint.toml: key 'profile': unknown profile 'quick'"),
    ],
)
def test_bad_config_exits_2_naming_file_key_and_line(run, write, text, expected):
    write("repo/.mlsd-lint.toml", text)
    path = write("repo/design.md", SKETCH)
    result = run(path)
    assert result.exit_code == 2
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_bad_yaml_config(run, write):
    write("repo/.mlsd-lint.yaml", "select: [EXP001\n")
    path = write("repo/design.md", SKETCH)
    result = run(path)
    assert result.exit_code == 2 and ".mlsd-lint.yaml:" in result.stderr and "not valid YAML" in result.stderr


def test_missing_config_file(run, write, tmp_path):
    path = write("design.md", SKETCH)
    result = run(path, "--config", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2 and "nope.toml: no such config file" in result.stderr
