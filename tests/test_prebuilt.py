"""The compiled built-in rules shipped in the package (rules/prebuilt.marshal)."""

import json
import marshal
from pathlib import Path

import pytest

from mlsd_lint import prebuilt
from mlsd_lint.rules import builtin_files, build_ruleset, builtin_packs

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


SHIPPED = builtin_files()[0].parent / prebuilt.FILE
STALE = "rules/prebuilt.marshal is stale: run `python -m mlsd_lint.prebuilt`"


def test_the_shipped_file_is_what_the_packs_compile_to_now():
    shipped = marshal.loads(SHIPPED.read_bytes())
    fresh = prebuilt.build(builtin_packs())
    assert shipped["digest"] == fresh["digest"], STALE
    assert shipped == fresh, STALE


def test_the_shipped_file_holds_plain_data():
    # data, not code: only what JSON could hold too (no code objects, no sets)
    json.dumps(marshal.loads(SHIPPED.read_bytes()))


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b"", lambda b: b"not marshal data", lambda b: marshal.dumps([1, 2])])
def test_a_damaged_file_is_ignored(tmp_path, damage):
    file = tmp_path / prebuilt.FILE
    file.write_bytes(damage(SHIPPED.read_bytes()))
    assert prebuilt.load(file) is None
    assert prebuilt.load(tmp_path / "missing") is None


def test_the_shipped_rules_are_used_and_equal_the_packs():
    loaded = prebuilt.load()
    assert loaded is not None
    ruleset, _ = loaded
    assert ruleset == build_ruleset(builtin_packs())


def test_a_file_made_from_other_packs_or_code_is_not_used(monkeypatch):
    monkeypatch.setattr(prebuilt, "source_digest", lambda packs: "made from something else")
    assert prebuilt.load() is None
    ruleset, lexicon = prebuilt.builtin(None, "")
    assert lexicon is None and ruleset == build_ruleset(builtin_packs())


@pytest.mark.parametrize("fmt", ["json", "coverage"])
def test_runs_with_and_without_the_shipped_file_agree(run, monkeypatch, fmt):
    paths = [str(p) for p in sorted(EXAMPLES.glob("*.md"))]
    shipped = run("--no-cache", "--format", fmt, *paths)
    monkeypatch.setattr(prebuilt, "load", lambda: None)
    compiled = run("--no-cache", "--format", fmt, *paths)
    assert shipped.exit_code == compiled.exit_code and shipped.stdout == compiled.stdout
    assert json.loads(shipped.stdout)  # something to compare
