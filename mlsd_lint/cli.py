"""Command line: options -> settings; run; choose a reporter; exit code.

The only module that prints or exits. Exit codes: 0 no findings, 1 findings,
2 usage error, unreadable input or bad configuration.
"""

from __future__ import annotations

import json
import sys
from typing import Sequence

import click

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _error(message: str) -> None:
    click.echo(f"mlsd-lint: {message}", err=True)


def _explain(rule) -> str:
    e = rule.explanation
    parts = [f"{rule.code} {rule.name} (step {rule.step}: {rule.step_title}, default severity {rule.severity})", "", rule.title, ""]
    for heading, body in (("What it asks", e.what), ("Why it matters", e.why), ("How to address it", e.how), ("Example", e.example), ("Source", e.source)):
        if body:
            parts += [f"## {heading}", body, ""]
    if rule.addressed_examples:
        parts += ["## Addresses it"] + [f"  - {x.strip()}" for x in rule.addressed_examples] + [""]
    if rule.missing_examples:
        parts += ["## Does not address it"] + [f"  - {x.strip()}" for x in rule.missing_examples] + [""]
    parts.append(f"Message when missing: {rule.full_message}")
    return "\n".join(parts)


def _list_rules(ruleset, selected, fmt: str) -> str:
    rules = [r for r in ruleset.rules if r.code in selected]
    if fmt == "json":
        rows = [{"code": r.code, "name": r.name, "step": r.step, "title": r.title, "severity": r.severity} for r in rules]
        return json.dumps(rows, indent=2) + "\n"
    return "".join(f"{r.code:8} {r.name:24} step {r.step:>2}  {r.title}\n" for r in rules)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=str)
@click.option("--select", "select", multiple=True, metavar="RULES", help="Only these rules: codes, prefixes (EXP, EVL00) or names, comma-separated.")
@click.option("--ignore", "ignore", multiple=True, metavar="RULES", help="Skip these rules: codes, prefixes or names.")
@click.option("--extend-select", "extend_select", multiple=True, metavar="RULES", help="Add these rules to the selection.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "coverage"]), default="text", show_default=True, help="Output format.")
@click.option("--show-evidence", is_flag=True, help="Also show where each addressed topic is addressed.")
@click.option("--list-rules", is_flag=True, help="List the rules (with --format json, as a JSON array) and exit.")
@click.option("--explain", metavar="RULE", help="Explain a rule (code or name) and exit.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the findings.")
@click.version_option(__version__, "--version", prog_name="mlsd-lint")
def cli(paths: Sequence[str], select, ignore, extend_select, fmt: str, show_evidence: bool, list_rules: bool, explain: str | None, quiet: bool) -> None:
    """Lint ML system design documents for topics they never address.

    PATHS are markdown files or directories (searched recursively for *.md);
    '-' reads standard input.
    """
    from .rules import RulePackError, load_builtin
    from .selection import SelectorError, resolve, split

    try:
        ruleset = load_builtin()
    except RulePackError as err:
        _error(str(err))
        sys.exit(EXIT_ERROR)
    try:
        selected = resolve(ruleset, split(select), split(ignore), split(extend_select))
    except SelectorError as err:
        _error(str(err))
        sys.exit(EXIT_ERROR)

    if explain:
        from .selection import match

        try:
            codes = match(explain, ruleset)
        except SelectorError as err:
            _error(str(err))
            sys.exit(EXIT_ERROR)
        by_code = ruleset.by_code()
        click.echo("\n\n".join(_explain(by_code[c]) for c in sorted(codes)))
        sys.exit(EXIT_CLEAN)
    if list_rules:
        click.echo(_list_rules(ruleset, selected, fmt), nl=False)
        sys.exit(EXIT_CLEAN)
    if not paths:
        _error("no paths given; try 'mlsd-lint design.md' or 'mlsd-lint --help'")
        sys.exit(EXIT_ERROR)

    from .document import parse
    from .engine import lint
    from .files import InputError, expand, read
    from .matching import Matcher
    from .reporters import Report, renderer

    files, errors = expand(list(paths))
    matcher = Matcher(ruleset)
    results = []
    for path in files:
        try:
            source = read(path, sys.stdin.buffer if path == "-" and sys.stdin else None)
        except InputError as err:
            errors.append(err)
            continue
        document = parse(source.text, source.path)
        if document.front_matter_error:
            errors.append(InputError(path, document.front_matter_error))
            continue
        results.append(lint(document, matcher, selected))

    output = renderer(fmt)(Report(tuple(results), ruleset, quiet=quiet, show_evidence=show_evidence))
    click.echo(output, nl=False)
    for err in errors:
        _error(str(err))
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if any(r.findings for r in results) else EXIT_CLEAN)


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="mlsd-lint")
