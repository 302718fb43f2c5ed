from __future__ import annotations

import os
import textwrap

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from mlsd_lint.cli import cli
from mlsd_lint.matching import Matcher
from mlsd_lint.rules import load_builtin

# Property tests: bounded for CI; HYPOTHESIS_PROFILE=long runs a longer session.
settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def ruleset():
    return load_builtin()


@pytest.fixture(scope="session")
def matcher(ruleset):
    return Matcher(ruleset)


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the CLI in-process from tmp_path; returns click's Result (exit_code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def _run(*args: str, input: str | bytes | None = None):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return _run


@pytest.fixture
def write(tmp_path):
    """Write a dedented markdown file under tmp_path and return its path as a string."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return str(path)

    return _write
