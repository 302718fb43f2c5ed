"""Every rule ships, documents itself, and passes its own examples."""

import pytest
import yaml

from mlsd_lint.matching import addresses
from mlsd_lint.rules import RulePackError, build_ruleset, load_builtin

from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"

RULESET = load_builtin()
TOPIC_RULES = [r for r in RULESET.rules if r.check == "topic"]


def _examples(kind):
    for rule in TOPIC_RULES:
        for i, text in enumerate(getattr(rule, f"{kind}_examples")):
            yield pytest.param(rule.code, text, id=f"{rule.code}-{kind}-{i}")


@pytest.mark.parametrize("code, text", list(_examples("addressed")))
def test_addressed_example_suppresses_its_rule(matcher, code, text):
    assert addresses(matcher, code, text), f"{code} should count as addressed by:\n{text}"


@pytest.mark.parametrize("code, text", list(_examples("missing")))
def test_missing_example_triggers_its_rule(matcher, code, text):
    assert not addresses(matcher, code, text), f"{code} should still be missing for:\n{text}"


@pytest.mark.parametrize("rule", TOPIC_RULES, ids=lambda r: r.code)
def test_every_rule_has_tricky_examples_both_ways(rule):
    assert len(rule.addressed_examples) >= 4 and len(rule.missing_examples) >= 4


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.code)
def test_every_rule_is_documented(rule):
    e = rule.explanation
    assert rule.message and e.what and e.why and e.how
    assert rule.message[0].islower() and rule.message.endswith((".", ":"))


def test_hygiene_rules_ship():
    by_code = RULESET.by_code()
    assert by_code["DOC001"].name == "placeholder" and by_code["DOC001"].check == "placeholder"
    assert by_code["DOC002"].name == "empty-section" and by_code["DOC002"].check == "empty-section"


@pytest.mark.skipif(not (SHARED / "rule-catalog.yaml").exists(), reason="../shared/rule-catalog.yaml is not present")
def test_every_catalog_rule_ships_with_its_code_name_and_step():
    catalog = yaml.safe_load((SHARED / "rule-catalog.yaml").read_text(encoding="utf-8"))
    shipped = {r.code: (r.name, r.step, r.title) for r in RULESET.rules}
    for entry in catalog["rules"]:
        assert shipped.get(entry["code"], (None, None))[:2] == (entry["name"], entry["step"]), entry["code"]
    steps = {s.number: s.title for s in RULESET.steps}
    assert {n: steps.get(n) for n in catalog["steps"]} == catalog["steps"]


def test_packs_load_from_the_installed_package_not_the_source_tree():
    import mlsd_lint.builtin_rules as packaged

    assert packaged.__name__ == "mlsd_lint.builtin_rules"
    assert len(RULESET.rules) >= 52


def _pack(**rule):
    base = {"code": "TEAM001", "name": "team-rule", "title": "t", "message": "m.", "question": "q?",
            "match": {"phrases": ["regulatory review"]},
            "explanation": {"what": "w", "why": "y", "how": "h"}}
    base.update(rule)
    return yaml.safe_dump({"step": 14, "title": "Team", "rules": [base]})


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"colour": "red"}, "rule TEAM001: key 'colour': unknown key"),
        ({"severity": "fatal"}, "rule TEAM001: key 'severity': must be one of"),
        ({"match": {"phrases": "x", "weak": [1]}}, "rule TEAM001: key 'match.weak': must be a list"),
        ({"code": "team1"}, "key 'code': must be letters then three digits"),
        ({"match": {}}, "rule TEAM001: key 'match': a topic rule needs"),
    ],
)
def test_malformed_pack_names_file_rule_and_key(rule, message):
    with pytest.raises(RulePackError) as err:
        build_ruleset([("team.yaml", _pack(**rule))])
    assert str(err.value).startswith("team.yaml: ") and message in str(err.value)


def test_duplicate_codes_are_rejected():
    with pytest.raises(RulePackError, match="'TEAM001' is already defined in a.yaml"):
        build_ruleset([("a.yaml", _pack()), ("b.yaml", _pack(name="other"))])


def test_yaml_tags_never_construct_objects():
    hostile = "step: 1\ntitle: !!python/object/apply:os.system ['echo pwned']\nrules: []\n"
    with pytest.raises(RulePackError, match="not valid YAML"):
        build_ruleset([("evil.yaml", hostile)])


def test_readme_rule_table_lists_every_rule():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [r.code for r in RULESET.rules if f"| {r.code} | {r.name} |" not in readme]
    assert not missing, f"README rule table lacks {missing}"


def test_production_pack_is_opt_in(run, tmp_path):
    import json as _json

    path = tmp_path / "d.md"
    path.write_text("# Doc\n\nNothing here.\n")
    default = {r["code"] for r in _json.loads(run(str(path), "--format", "json").stdout)}
    production = {r["code"] for r in _json.loads(run(str(path), "--format", "json", "--profile", "production").stdout)}
    assert not any(c.startswith("PRD") for c in default)
    assert {f"PRD{i:03d}" for i in range(1, 11)} <= production
    listed = {r["code"] for r in _json.loads(run("--list-rules", "--format", "json", "--extend-select", "PRD").stdout)}
    assert "PRD001" in listed
    assert "Source" in run("--explain", "PRD002").stdout


HYGIENE = [r for r in RULESET.rules if r.check != "topic" and (r.addressed_examples or r.missing_examples)]


@pytest.mark.parametrize(
    "code, text, fires",
    [pytest.param(r.code, t, False, id=f"{r.code}-clean-{i}") for r in HYGIENE for i, t in enumerate(r.addressed_examples)]
    + [pytest.param(r.code, t, True, id=f"{r.code}-fires-{i}") for r in HYGIENE for i, t in enumerate(r.missing_examples)],
)
def test_hygiene_rule_examples(matcher, code, text, fires):
    from mlsd_lint.document import parse
    from mlsd_lint.engine import lint

    found = [f for f in lint(parse(text), matcher, frozenset({code})).findings if f.code == code]
    assert bool(found) is fires, text


def test_check_rules_passes_on_every_builtin_pack(run):
    rules_dir = Path(__file__).resolve().parent.parent / "rules"
    result = run("--check-rules", str(rules_dir))
    assert result.exit_code == 0, result.stdout[-2000:]
    assert " examples pass." in result.stdout and "fail" not in result.stdout.splitlines()[-1]
