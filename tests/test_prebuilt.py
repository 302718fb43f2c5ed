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


def test_the_cache_folder_keeps_compiled_rules_only_when_the_shipped_file_is_unusable(run, monkeypatch, tmp_path):
    paths = [str(p) for p in sorted(EXAMPLES.glob("*.md"))]
    shipped = run("--no-cache", "--format", "json", *paths)
    with_cache = run("--cache-dir", str(tmp_path / "a"), "--format", "json", *paths)
    assert with_cache.stdout == shipped.stdout
    assert not list((tmp_path / "a").rglob("rules-*.json")) and not list((tmp_path / "a").rglob("matcher-*.json"))
    monkeypatch.setattr(prebuilt, "load", lambda: None)  # a checkout whose packs changed
    for _ in range(2):  # compiles the packs and keeps them, then reads them back
        again = run("--cache-dir", str(tmp_path / "b"), "--format", "json", *paths)
        assert again.exit_code == shipped.exit_code and again.stdout == shipped.stdout
    assert len(list((tmp_path / "b").rglob("rules-*.json"))) == 1
    assert len(list((tmp_path / "b").rglob("matcher-*.json"))) == 1
