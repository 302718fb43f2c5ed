"""pre-commit hook and GitHub Action, run for real against this repository."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BIN = Path(sys.executable).parent


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})


def test_action_metadata_validates_against_the_github_actions_schema():
    exe = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    assert exe, "check-jsonschema is part of the test extra"
    proc = subprocess.run([exe, "--builtin-schema", "vendor.github-actions", str(ROOT / "action.yml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _lint_step():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    return next(step for step in action["runs"]["steps"] if step.get("id") == "lint")


@pytest.mark.parametrize("doc, expected_code", [("sketchy-eta-prediction.md", 1), ("thorough-fraud-detection.md", 0)])
def test_action_lint_step_annotates_summarises_and_fails(tmp_path, doc, expected_code):
    step = _lint_step()
    shutil.copy(EXAMPLES / doc, tmp_path / "design.md")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "INPUT_PATHS": "design.md",
        "INPUT_CONFIG": "",
        "INPUT_FAIL_ON": "",
        "INPUT_SARIF_FILE": "results.sarif",
        "BASE_REF": "",
    }
    proc = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == expected_code, proc.stderr
    assert f"exit-code={expected_code}" in output.read_text()
    assert "mlsd-lint" in summary.read_text()
    assert (tmp_path / "results.sarif").exists()
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    if expected_code:
        assert annotations and all(line.startswith(("::warning file=design.md,line=", "::error", "::notice")) for line in annotations)
        assert "Found " in proc.stdout  # the full log follows the annotations
    else:
        assert annotations == []


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.mark.parametrize("doc, passes", [("sketchy-eta-prediction.md", False), ("thorough-fraud-detection.md", True)])
def test_pre_commit_try_repo(tmp_path, pre_commit_home, doc, passes):
    exe = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
    assert exe, "pre-commit is part of the test extra"
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(EXAMPLES / doc, repo / "design.md")
    # The repo's own config is honoured: DOC rules off, so only topic findings count.
    (repo / ".mlsd-lint.toml").write_text('ignore = ["DOC"]\n')
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run([exe, "try-repo", str(ROOT), "mlsd-lint", "--all-files"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    out = proc.stdout + proc.stderr
    assert (proc.returncode == 0) == passes, out
    assert ("Passed" in out) == passes
    if not passes:
        assert "design.md:" in out and "EXP003 [kill-switch]" in out and "DOC001" not in out
