"""Bad input never crashes, hangs or loses work: one clear message, exit 2, others still linted."""

import json
import os
import subprocess
import sys
from pathlib import Path

GOOD = "# Ranker\n\n## Experimentation\n\nWe run an A/B test on 5% of users.\n"


def lint_json(run, *paths, extra=()):
    result = run(*paths, "--format", "json", "--select", "EXP001,EXP002", *extra)
    return result, json.loads(result.stdout or "[]")


def test_directory_without_markdown(run, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    result = run(str(tmp_path / "empty"))
    assert result.exit_code == 2 and f"{tmp_path / 'empty'}: no markdown files found" in result.stderr


def test_empty_file_lints_normally(run, write):
    result, rows = lint_json(run, write("empty.md", ""))
    assert result.exit_code == 1 and [(r["code"], r["line"]) for r in rows] == [("EXP001", 1), ("EXP002", 1)]


def test_bom_crlf_and_cr_give_the_same_findings(run, tmp_path):
    base = GOOD.replace("A/B test", "offline test")
    variants = {
        "lf.md": base.encode(),
        "bom.md": b"\xef\xbb\xbf" + base.encode(),
        "crlf.md": base.replace("\n", "\r\n").encode(),
        "cr.md": base.replace("\n", "\r").encode(),
    }
    seen = []
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
        result, rows = lint_json(run, str(tmp_path / name))
        assert result.exit_code == 1, name
        seen.append([(r["code"], r["line"], r["column"]) for r in rows])
    assert all(s == seen[0] for s in seen) and seen[0] == [("EXP001", 3, 1), ("EXP002", 3, 1)]


def test_file_over_the_size_limit_is_refused_cleanly(run, tmp_path, write):
    big = tmp_path / "big.md"
    with open(big, "wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB without writing 50 MB
    good = write("good.md", GOOD)
    result, rows = lint_json(run, str(big), good)
    assert result.exit_code == 2
    assert f"{big}: is 50.0 MB, over the 32 MB limit" in result.stderr
    assert [r["path"] for r in rows] == [good]  # the other file was still linted


def test_ten_thousand_headings(run, tmp_path):
    path = tmp_path / "many.md"
    path.write_text("".join(f"{'#' * (1 + i % 6)} Heading {i}\n\nText {i}.\n\n" for i in range(10_000)))
    result, rows = lint_json(run, str(path))
    assert result.exit_code == 1 and {r["code"] for r in rows} == {"EXP001", "EXP002"}


def test_deep_nesting(run, tmp_path):
    lists = tmp_path / "lists.md"
    lists.write_text("".join("  " * i + "- item\n" for i in range(1000)))
    quotes = tmp_path / "quotes.md"
    quotes.write_text("> " * 1000 + "We run an A/B test on 5% of users.\n")
    for path in (lists, quotes):
        result, rows = lint_json(run, str(path))
        assert result.exit_code in (0, 1) and "Traceback" not in result.stderr
        assert all(1 <= r["line"] <= 1001 for r in rows)


def test_front_matter_edge_cases(run, write):
    unterminated = write("u.md", "---\ntitle: x\n\n# Ranker\n\nWe run an A/A test and an A/B test.\n")
    result, rows = lint_json(run, unterminated)
    assert result.exit_code == 0 and rows == []
    not_mapping = write("n.md", "---\n- a\n- b\n---\n# T\n")
    result = run(not_mapping)
    assert result.exit_code == 2 and f"{not_mapping}: line 1: front matter is not a mapping" in result.stderr


def test_symlink_loops(run, tmp_path, write):
    root = tmp_path / "docs"
    write("docs/design.md", GOOD)
    os.symlink(root, root / "loop")
    os.symlink(tmp_path / "a.md", tmp_path / "b.md")
    os.symlink(tmp_path / "b.md", tmp_path / "a.md")
    result, rows = lint_json(run, str(root))
    assert result.exit_code == 1 and {r["path"] for r in rows} == {str(root / "design.md")}
    result = run(str(tmp_path / "a.md"))
    assert result.exit_code == 2 and f"{tmp_path / 'a.md'}: cannot read" in result.stderr


def test_unreadable_file(run, write, monkeypatch):
    import builtins

    import mlsd_lint.files as files

    secret = write("secret.md", GOOD)
    good = write("good.md", GOOD)

    def guarded_open(path, *args, **kwargs):
        if str(path) == secret:
            raise PermissionError(13, "Permission denied", path)
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", guarded_open, raising=False)
    result, rows = lint_json(run, secret, good)
    assert result.exit_code == 2 and f"{secret}: permission denied" in result.stderr
    assert [r["path"] for r in rows] == [good]


def test_stdin_closed(tmp_path):
    # Run from outside the checkout: `python -m` puts the working directory first on sys.path.
    proc = subprocess.run(
        ["bash", "-c", f'exec 0<&-; "{sys.executable}" -m mlsd_lint --no-cache -'],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "<stdin>: standard input is not available" in proc.stderr and "Traceback" not in proc.stderr


def test_glob_that_matches_nothing_is_a_config_error(run, write):
    write("repo/.mlsd-lint.toml", 'select = ["EXP001"]\n\n[per-file-ignores]\n"drafst/*.md" = ["EXP001"]\n')
    path = write("repo/design.md", GOOD)
    result = run(path)
    assert result.exit_code == 2
    assert ".mlsd-lint.toml:4: key 'per-file-ignores': glob 'drafst/*.md' matches no file" in result.stderr


def test_output_is_identical_across_jobs_and_cache(write, tmp_path):
    """--jobs 2 and a warm cache give byte-identical output to --jobs 1 --no-cache."""
    examples = Path(__file__).resolve().parent.parent / "examples"
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(20):
        for example in sorted(examples.glob("*.md")):
            (docs / f"{i:02d}-{example.name}").write_text(example.read_text())
    base = [sys.executable, "-m", "mlsd_lint", str(docs), "--format", "json"]
    cache = ["--cache-dir", str(tmp_path / "cache")]
    outputs = [
        subprocess.run(base + args, capture_output=True, cwd=tmp_path).stdout
        for args in (
            ["--jobs", "1", "--no-cache"],
            ["--jobs", "2", "--no-cache"],
            ["--jobs", "1", *cache],  # fills the cache
            ["--jobs", "1", *cache],  # reads it
            ["--jobs", "2", *cache],
        )
    ]
    assert outputs[0] and json.loads(outputs[0])
    assert all(out == outputs[0] for out in outputs)
    assert any((tmp_path / "cache").rglob("*.json"))


def test_compiled_rules_from_the_cache_match_alike_and_a_damaged_copy_is_rebuilt(tmp_path, ruleset):
    """The compiled matcher kept in the cache folder (used when the package's shipped
    copy is stale: a checkout whose packs changed) finds the same evidence as one
    built afresh, and a damaged copy is rebuilt, not trusted or fatal."""
    from mlsd_lint.document import parse
    from mlsd_lint.matching import Matcher

    example = parse((Path(__file__).resolve().parent.parent / "examples" / "thorough-fraud-detection.md").read_text())
    fresh = Matcher(ruleset).evidence(example)
    Matcher.cached(ruleset, tmp_path, "digest")  # writes the compiled matcher
    stored = list(tmp_path.glob("matcher-*.json"))
    assert len(stored) == 1
    assert Matcher.cached(ruleset, tmp_path, "digest").evidence(example) == fresh
    good = json.loads(stored[0].read_text())
    # Groups are decoded mid-run, when a doc first holds their word: damage inside
    # one must be caught when the file is read, like a file of the wrong shape.
    wrong_shape = {"digest": good["digest"], "entries": ["x\t1"]}
    chunks = good["groups"].split("|")
    chunks[good["keys"].split(" ").index("model")] = "model;1"
    broken_group = {**good, "groups": "|".join(chunks)}
    for data in (wrong_shape, broken_group, "not json {"):
        stored[0].write_text(data if isinstance(data, str) else json.dumps(data))
        assert Matcher.cached(ruleset, tmp_path, "digest").evidence(example) == fresh
        assert json.loads(stored[0].read_text()) == good  # rebuilt
