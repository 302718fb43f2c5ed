"""A team's own rules: YAML packs from the repo, --check-rules, plugins, schema."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

TEAM_PACK = """\
step: 6
title: Experimentation
rules:
  - code: PAY001
    name: regulatory-review
    title: Regulatory review is planned
    message: no regulatory review of the model is planned.
    question: Who signs off on compliance before launch?
    match:
      phrases: [regulatory review, compliance review, legal sign-off]
    explanation:
      what: Asks for a compliance review before launch.
      why: Payments models are regulated.
      how: Name the reviewer and when the review happens.
    examples:
      addressed: ["Legal sign-off is required before the canary."]
      missing: ["We ship on Tuesday."]
  - code: PAY002
    name: chargeback-window
    title: The chargeback window is stated
    message: the chargeback window is not stated.
    match:
      phrases: [chargeback window]
    explanation:
      what: Asks for the chargeback window.
      why: Labels mature only after it.
      how: State it in days.
    examples:
      addressed: ["The chargeback window is 120 days."]
      missing: ["Chargebacks exist?"]
"""

DOC = "# Payments model\n\n## Experimentation\n\nAn A/B test on 5% of users.\n"


def test_team_pack_lints_as_configured(run, write, tmp_path):
    write("repo/docs/lint-rules/payments.yaml", TEAM_PACK)
    write("repo/.mlsd-lint.toml", 'rule-packs = ["docs/lint-rules/"]\nselect = ["PAY", "EXP002"]\n')
    path = write("repo/design.md", DOC)
    rows = json.loads(run(path, "--format", "json").stdout)
    assert sorted((r["code"], r["line"]) for r in rows) == [("PAY001", 3), ("PAY002", 3)]
    assert "regulatory review" in run("--explain", "PAY001", path).stdout.lower()
    codes = [r["code"] for r in json.loads(run("--list-rules", "--format", "json", path).stdout)]
    assert codes == ["EXP002", "PAY001", "PAY002"]


def test_team_pack_applies_only_where_its_config_applies(run, write):
    write("repo/team/rules.yaml", TEAM_PACK)
    write("repo/team/.mlsd-lint.toml", 'rule-packs = ["rules.yaml"]\n')
    mine = write("repo/team/design.md", DOC)
    other = write("repo/other/design.md", DOC)
    rows = json.loads(run(mine, other, "--format", "json").stdout)
    assert {r["path"] for r in rows if r["code"].startswith("PAY")} == {mine}


def test_check_rules_passes_on_good_pack_and_fails_on_broken_example(run, write):
    good = write("good.yaml", TEAM_PACK)
    result = run("--check-rules", good)
    assert result.exit_code == 0, result.stdout
    assert "4 of 4 examples pass." in result.stdout
    broken = write("broken.yaml", TEAM_PACK.replace('missing: ["We ship on Tuesday."]', 'missing: ["Compliance review by legal in week 2."]'))
    result = run("--check-rules", broken)
    assert result.exit_code == 1
    assert "FAIL  missing    Compliance review by legal in week 2." in result.stdout
    assert "3 of 4 examples pass, 1 fail." in result.stdout


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.replace("    title: Regulatory review is planned", "    title: Regulatory review is planned\n    colour: red"), "rule PAY001: key 'colour': unknown key"),
        (lambda p: p.replace("phrases: [regulatory review, compliance review, legal sign-off]", "phrases: 7"), "rule PAY001: key 'match.phrases': must be a list"),
        (lambda p: p.replace("code: PAY001", "code: EXP001"), "rule EXP001: key 'code': 'EXP001' is already defined in rules/06-experimentation.yaml"),
        (lambda p: p.replace("code: PAY002", "code: EXP099"), "rule EXP099: key 'code': prefix 'EXP' belongs to the built-in rules"),
        (lambda p: p.replace("step: 6", "step: six"), "key 'step': must be a whole number"),
    ],
)
def test_malformed_pack_exits_2_naming_file_rule_and_key(run, write, change, message):
    pack = write("repo/rules/team.yaml", change(TEAM_PACK))
    write("repo/.mlsd-lint.toml", 'rule-packs = ["rules"]\n')
    path = write("repo/design.md", DOC)
    for args in ([path], ["--check-rules", pack]):
        result = run(*args)
        assert result.exit_code == 2, result.stdout
        assert f"{pack}: " in result.stderr and message in result.stderr, result.stderr


def test_hostile_pack_and_config_run_no_code(run, write, tmp_path):
    marker = tmp_path / "pwned"
    write("repo/rules/evil.yaml", f"step: 1\ntitle: !!python/object/apply:os.system ['touch {marker}']\nrules: []\n")
    write("repo/.mlsd-lint.toml", 'rule-packs = ["rules"]\n')
    path = write("repo/design.md", DOC)
    result = run(path)
    assert result.exit_code == 2 and "not valid YAML" in result.stderr
    assert not marker.exists()
    # A catastrophic-backtracking regex is just words to us: phrases are not patterns.
    write("repo/rules/evil.yaml", TEAM_PACK.replace("regulatory review, compliance review", "(a+)+$, (x+x+)+y"))
    write("repo/design.md", "# T\n\n" + "a" * 5000 + "!\n")
    result = run(path, "--select", "PAY")
    assert result.exit_code == 1


def test_builtin_packs_validate_against_the_published_schema():
    import jsonschema
    from importlib import resources

    schema = json.loads(resources.files("mlsd_lint").joinpath("rule-pack.schema.json").read_text())
    for pack in resources.files("mlsd_lint.builtin_rules").iterdir():
        if pack.name.endswith(".yaml"):
            jsonschema.validate(yaml.safe_load(pack.read_text()), schema)
    jsonschema.validate(yaml.safe_load(TEAM_PACK), schema)


PLUGIN = '''
from mlsd_lint.plugins import diagnostic


class OwnerRule:
    """Asks for an owning team in the front matter."""

    code = "OWN001"
    name = "owner-named"
    title = "The doc names an owning team"
    step = 0
    severity = "error"
    message = "no owning team is named."

    def check(self, document):
        if "owner" not in document.front_matter:
            yield diagnostic(document.title_line, "no owning team is named in the front matter.")
'''


@pytest.fixture
def plugin_env(tmp_path):
    """A tiny plugin package installed into a temporary site directory."""
    site = tmp_path / "site"
    (site / "mlsd_owners").mkdir(parents=True)
    (site / "mlsd_owners" / "__init__.py").write_text(PLUGIN)
    info = site / "mlsd_owners-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mlsd-owners\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[mlsd_lint.rules]\nowners = mlsd_owners:OwnerRule\n")
    (info / "RECORD").write_text("")
    return site


def _cli(args, site, cwd):
    env = {"PYTHONPATH": str(site), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([sys.executable, "-m", "mlsd_lint", *args], capture_output=True, text=True, env=env, cwd=cwd)


def test_plugin_runs_only_when_enabled(plugin_env, write, tmp_path):
    path = write("repo/design.md", DOC)
    off = _cli([path, "--format", "json", "--select", "EXP002"], plugin_env, tmp_path)
    assert off.returncode == 0 and json.loads(off.stdout) == []
    assert "OWN001" not in _cli(["--list-rules", path], plugin_env, tmp_path).stdout
    on = _cli([path, "--format", "json", "--select", "EXP002,OWN001", "--plugin", "owners"], plugin_env, tmp_path)
    rows = json.loads(on.stdout)
    assert [(r["code"], r["line"], r["severity"]) for r in rows] == [("OWN001", 1, "error")], on.stderr
    write("repo/.mlsd-lint.toml", 'plugins = ["owners"]\nselect = ["OWN"]\n')
    by_config = _cli([path, "--format", "json"], plugin_env, tmp_path)
    assert [r["code"] for r in json.loads(by_config.stdout)] == ["OWN001"]


def test_unknown_plugin_is_a_clear_error(plugin_env, write, tmp_path):
    path = write("repo/design.md", DOC)
    result = _cli([path, "--plugin", "nope"], plugin_env, tmp_path)
    assert result.returncode == 2
    assert "plugin:nope: no installed plugin of that name (available: owners)" in result.stderr


def test_rule_packs_and_extend_must_stay_inside_the_repository(run, write, tmp_path):
    write("outside/evil.yaml", TEAM_PACK)
    write("outside/base.toml", 'select = ["EXP001"]\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    path = write("repo/design.md", DOC)
    write("repo/.mlsd-lint.toml", 'rule-packs = ["../outside/evil.yaml"]\n')
    result = run(path)
    assert result.exit_code == 2 and "key 'rule-packs': '../outside/evil.yaml' is outside the repository" in result.stderr
    write("repo/.mlsd-lint.toml", 'extend = "../outside/base.toml"\n')
    result = run(path)
    assert result.exit_code == 2 and "extends '../outside/base.toml', which is outside the repository" in result.stderr


def test_check_rules_notes_phrases_that_stop_words_shrink(run, write):
    pack = write("p.yaml", TEAM_PACK.replace("phrases: [chargeback window]", "phrases: [chargeback window, window of the chargeback]"))
    result = run("--check-rules", pack)
    assert result.exit_code == 0
    assert "note  phrase 'window of the chargeback' is matched as 'window chargeback'" in result.stdout
    assert "note  phrase 'chargeback window'" not in result.stdout
