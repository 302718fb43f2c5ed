"""Command line: options -> settings; run; choose a reporter; exit code.

The only module that prints or exits. Exit codes: 0 nothing to fail on,
1 findings at or above `fail-on`, 2 usage error, unreadable input or bad
configuration.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Sequence

import click

from . import __version__
from .reporters import FORMATS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_RANK = {"info": 0, "warning": 1, "error": 2}


def _error(message: str) -> None:
    click.echo(f"mlsd-lint: {message}", err=True)


def _fail(message: str) -> None:
    _error(message)
    sys.exit(EXIT_ERROR)


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


def _list_rules(rules, fmt: str) -> str:
    if fmt == "json":
        import json

        rows = [{"code": r.code, "name": r.name, "step": r.step, "title": r.title, "severity": r.severity} for r in rules]
        return json.dumps(rows, indent=2) + "\n"
    return "".join(f"{r.code:8} {r.name:26} step {r.step:>2}  {r.title}\n" for r in rules)


def _statistics(findings) -> str:
    from collections import Counter

    counts = Counter((f.code, f.name) for f in findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return "".join(f"{n:>5}  {code:8} {name}\n" for (code, name), n in rows)


def _show_settings(settings, selected, severities, file: str) -> str:
    import json

    from .config import KEYS

    lines = [f"Settings for {file}:"]
    for key in KEYS:
        if key == "extend":
            continue
        value = getattr(settings, key.replace("-", "_"))
        if isinstance(value, tuple) and value and isinstance(value[0], tuple):
            value = {k: v for k, v in value}
        lines.append(f"  {key} = {json.dumps(value, default=list)}  # from {settings.origin(key)}")
    lines.append(f"  selected rules ({len(selected)}): {', '.join(sorted(selected))}")
    if severities:
        lines.append(f"  severity overrides: {json.dumps(dict(sorted(severities.items())))}")
    return "\n".join(lines) + "\n"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=str)
@click.option("--select", multiple=True, metavar="RULES", help="Only these rules: codes, prefixes (EXP, EVL00) or names, comma-separated.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (added to the config's ignore list).")
@click.option("--extend-select", multiple=True, metavar="RULES", help="Add these rules to the selection.")
@click.option("--profile", metavar="NAME", help="Rule profile: full (default) or interview.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), help="Lowest severity that makes the exit code 1 (default: warning).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file for every input (no discovery).")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--show-settings", is_flag=True, help="Print the resolved settings for the first PATH, and where each came from, then exit.")
@click.option("--show-evidence", is_flag=True, help="Also show where each addressed topic is addressed.")
@click.option("--show-suppressed", is_flag=True, help="Also show suppressed findings, with their reasons.")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False), help="Record today's findings in this baseline file and exit 0.")
@click.option("--plugin", multiple=True, metavar="NAME", help="Enable an installed plugin (entry point in the mlsd_lint.rules group).")
@click.option("--check-rules", metavar="PATH", help="Validate a rule pack (file or folder) and run its own examples, then exit.")
@click.option("--list-rules", is_flag=True, help="List the selected rules (with --format json, as a JSON array) and exit.")
@click.option("--explain", metavar="RULE", help="Explain a rule (code or name) and exit.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Parallel worker processes (default: the CPU count when there are many files).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Cache directory (default: .mlsd_lint_cache at the root of the current git repository; none outside one).")
@click.option("--max-file-size", type=click.FloatRange(min=0.001), default=32.0, show_default=True, metavar="MB", help="Skip (with an error) files larger than this many megabytes.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the findings.")
@click.version_option(__version__, "--version", prog_name="mlsd-lint")
def cli(paths: Sequence[str], **opts) -> None:
    """Lint ML system design documents for topics they never address.

    PATHS are markdown files or directories (searched recursively for *.md);
    '-' reads standard input.
    """
    from .config import ConfigError
    from .rules import RulePackError
    from .selection import SelectorError, match

    try:
        session = _Session(opts)
        if opts["config_path"] and not Path(opts["config_path"]).is_file():
            raise ConfigError(opts["config_path"], "no such config file")
        if opts["check_rules"]:
            sys.exit(_check_rules(opts["check_rules"], session))
        here = paths[0] if paths else os.path.join(os.getcwd(), "_")
        if opts["explain"]:
            ruleset = session.ruleset([session.settings(here)])
            by_code = ruleset.by_code()
            click.echo("\n\n".join(_explain(by_code[c]) for c in sorted(match(opts["explain"], ruleset))))
            sys.exit(EXIT_CLEAN)
        if opts["list_rules"]:
            settings = session.settings(here)
            ruleset = session.ruleset([settings])
            selected, _ = session.selection(ruleset, settings, here)
            click.echo(_list_rules([r for r in ruleset.rules if r.code in selected], opts["fmt"]), nl=False)
            sys.exit(EXIT_CLEAN)
        if not paths:
            _fail("no paths given; try 'mlsd-lint design.md' or 'mlsd-lint --help'")
        if opts["show_settings"]:
            settings = session.settings(paths[0])
            selected, severities = session.selection(session.ruleset([settings]), settings, paths[0])
            click.echo(_show_settings(settings, selected, severities, paths[0]), nl=False)
            sys.exit(EXIT_CLEAN)
        code = _lint(list(paths), opts, session)
    except (ConfigError, SelectorError, RulePackError) as err:
        _fail(str(err))
    sys.exit(code)


class _Session:
    """One invocation's settings and rules: config per file, CLI overrides on top."""

    def __init__(self, opts) -> None:
        from .config import Resolver
        from . import prebuilt
        from .rules import builtin_digest
        from .selection import split

        from .cache import code_digest

        self.opts = opts
        cache_root = _cache_root(opts)
        # keys the caches, and only them: a run without one never reads its sources
        self.builtin_digest = builtin_digest(code_digest()) if cache_root else ""
        self.builtin, self.builtin_lexicon = prebuilt.builtin(cache_root, self.builtin_digest)
        self.resolver = Resolver(Path(opts["config_path"]) if opts["config_path"] else None, opts["isolated"])
        values: dict[str, object] = {}
        if opts["select"]:
            values["select"] = tuple(split(opts["select"]))
        if opts["profile"]:
            values["profile"] = opts["profile"]
        if opts["fail_on"]:
            values["fail-on"] = opts["fail_on"]
        self.cli_values = values
        self.cli_plugins = tuple(split(opts["plugin"]))
        self.plugins: dict = {}
        self._settings: dict[str, object] = {}
        self._rulesets: dict[tuple, object] = {}

    def settings(self, file: str):
        from .selection import split

        if file not in self._settings:
            base = self.resolver.for_file(file)
            values = dict(self.cli_values)
            if self.opts["ignore"]:
                values["ignore"] = base.ignore + tuple(split(self.opts["ignore"]))
            if self.opts["extend_select"]:
                values["extend-select"] = base.extend_select + tuple(split(self.opts["extend_select"]))
            if self.cli_plugins:
                values["plugins"] = base.plugins + self.cli_plugins
            self._settings[file] = base.with_values(values, "command line") if values else base
        return self._settings[file]

    def ruleset(self, settings_list):
        """Built-in rules plus the packs and plugins the given settings ask for."""
        packs = tuple(dict.fromkeys(p for s in settings_list for p in s.rule_packs))
        names = tuple(dict.fromkeys(n for s in settings_list for n in s.plugins))
        key = (packs, names)
        if key not in self._rulesets:
            ruleset = self.builtin
            if packs:
                from .rules import build_ruleset, read_pack_files

                ruleset = build_ruleset(read_pack_files(Path(p) for p in packs), base=self.builtin)
            if names:
                from dataclasses import replace

                from . import plugins as plug

                self.plugins = plug.load(names)
                extra = tuple(plug.as_rule(rule, name) for name in names for rule in self.plugins.values())
                extra = tuple({r.code: r for r in extra}.values())
                ruleset = replace(ruleset, rules=ruleset.rules + extra)
            self._rulesets[key] = ruleset
        return self._rulesets[key]

    def selection(self, ruleset, settings, file: str):
        from .selection import for_settings

        return for_settings(ruleset, settings, file)


def _check_rules(path: str, session: "_Session") -> int:
    """Validate a rule pack and run its own examples: exit 0 all pass, 1 any fails."""
    from .document import parse
    from .engine import lint
    from .matching import Matcher
    from .rules import build_ruleset, builtin_packs, read_pack_files

    target = Path(path)
    if not target.exists():
        _fail(f"{path}: no such file or directory")
    packs = read_pack_files([target])
    if not packs:
        _fail(f"{path}: no rule packs (*.yaml) found")
    # Checking a built-in pack itself (rules/NN-*.yaml): check it in place of its installed twin.
    names = {Path(p).name for p, _ in packs}
    base = build_ruleset([(p, t) for p, t in builtin_packs() if Path(p).name not in names])
    ruleset = build_ruleset(packs, base=base)
    files = {p for p, _ in packs}
    matcher = Matcher(ruleset)
    from .text import shrunk_phrase

    failures = total = 0
    for rule in ruleset.rules:
        if rule.pack not in files:
            continue
        click.echo(f"{rule.code} {rule.name} ({rule.pack})")
        m = rule.match
        phrases = m.phrases + m.weak + m.headings + m.exclude + tuple(p for n in m.near for p in n.terms + n.qualifiers)
        for phrase in dict.fromkeys(phrases):
            reads = shrunk_phrase(phrase)
            if reads is not None:
                click.echo(f"  note  phrase '{phrase}' is matched as '{reads}' (stop words are not matched)")
        for expected, examples in ((True, rule.addressed_examples), (False, rule.missing_examples)):
            for example in examples:
                total += 1
                # "addressed" means the rule stays quiet: works for topic and hygiene rules alike
                fired = any(f.code == rule.code for f in lint(parse(example), matcher, frozenset({rule.code})).findings)
                ok = fired != expected
                failures += not ok
                label = "addressed" if expected else "missing"
                first = example.strip().splitlines()[0] if example.strip() else ""
                click.echo(f"  {'pass' if ok else 'FAIL'}  {label:9}  {first[:90]}")
                if not ok:
                    click.echo(f"        expected the rule to {'count this as addressed' if expected else 'still fire'}, but it {'fired' if expected else 'found evidence'}")
    click.echo(f"\n{total - failures} of {total} examples pass" + (f", {failures} fail." if failures else "."))
    return EXIT_FINDINGS if failures else EXIT_CLEAN


def _accepts(session: "_Session"):
    """include/exclude globs of each file's own settings, for directory walks."""
    from fnmatch import fnmatch

    def accept(file: str) -> bool:
        settings = session.settings(file)
        rel = os.path.relpath(os.path.abspath(file), settings.root or os.getcwd()).replace(os.sep, "/")
        name = os.path.basename(file)

        def hit(globs) -> bool:
            return any(fnmatch(name, g) or fnmatch(rel, g) for g in globs)

        return hit(settings.include) and not hit(settings.exclude)

    return accept


def _lint(paths: list[str], opts, session: "_Session") -> int:
    from .files import InputError, expand
    from .reporters import Report, renderer
    from .runner import Task, run

    files, errors = expand(paths, _accepts(session))
    ruleset = session.ruleset([session.settings(f) for f in files])
    tasks, fail_levels = [], {}
    for path in files:
        settings = session.settings(path)
        selected, severities = session.selection(ruleset, settings, path)
        fail_levels[path] = settings.fail_on
        tasks.append(Task(path, selected, tuple(sorted(severities.items())), int(opts["max_file_size"] * 1_000_000)))
    stdin = None
    if "-" in files:
        try:
            stdin = sys.stdin.buffer.read() if sys.stdin else None
        except (OSError, ValueError, AttributeError):
            stdin = None
    cache_root = _cache_root(opts)
    results = []
    plugin_names = tuple(dict.fromkeys(n for f in files for n in session.settings(f).plugins))
    # what is known of the built-in rules: a digest of their packs, their compiled phrases
    known = {"rules_digest": session.builtin_digest, "lexicon": session.builtin_lexicon} if ruleset is session.builtin else {}
    for outcome in run(tasks, ruleset, opts["jobs"], cache_root, stdin=stdin, plugins=plugin_names, **known):
        if isinstance(outcome, InputError):
            errors.append(outcome)
        else:
            results.append(outcome)

    if opts["write_baseline"]:
        from . import baseline as bl

        text = bl.dumps([f for r in results for f in r.findings])
        Path(opts["write_baseline"]).write_text(text, encoding="utf-8")
        count = sum(len(r.findings) for r in results)
        click.echo(f"Wrote {count} findings to baseline {opts['write_baseline']}.", err=True)
        return EXIT_ERROR if errors else EXIT_CLEAN
    if opts["baseline_path"]:
        from . import baseline as bl

        try:
            known = bl.loads(Path(opts["baseline_path"]).read_text(encoding="utf-8"), opts["baseline_path"])
        except (OSError, UnicodeDecodeError) as err:
            _fail(f"{opts['baseline_path']}: cannot read baseline ({err})")
        except bl.BaselineError as err:
            _fail(str(err))
        results = _apply_baseline(results, known, opts["baseline_path"])

    report = Report(tuple(results), ruleset, quiet=opts["quiet"], show_evidence=opts["show_evidence"], show_suppressed=opts["show_suppressed"])
    if opts["statistics"]:
        output = _statistics([f for r in results for f in r.findings])
    else:
        output = renderer(opts["fmt"])(report)
    if opts["output_file"]:
        Path(opts["output_file"]).write_text(output, encoding="utf-8")
    else:
        click.echo(output, nl=False)
    for problem in errors:
        _error(str(problem))
    if errors:
        return EXIT_ERROR
    for result in results:
        level = fail_levels.get(result.path, "warning")
        if level != "never" and any(_RANK[f.severity] >= _RANK[level] for f in result.findings):
            return EXIT_FINDINGS
    return EXIT_CLEAN


def _cache_root(opts) -> Path | None:
    """--cache-dir, else .mlsd_lint_cache at the root of the git repository holding the
    working directory; outside a repository, no cache (never litter arbitrary folders)."""
    from .cache import CACHE_DIR
    from .config import repository_root

    if opts["no_cache"]:
        return None
    if opts["cache_dir"]:
        return Path(opts["cache_dir"])
    root = repository_root(Path.cwd().resolve())
    return root / CACHE_DIR if root else None


def _apply_baseline(results, known, baseline_path: str):
    from dataclasses import replace

    from . import baseline as bl
    from .engine import Suppressed

    split = bl.split([f for r in results for f in r.findings], known)
    known_ids = {id(f) for f in split.known}
    out = []
    for r in results:
        kept = tuple(f for f in r.findings if id(f) not in known_ids)
        waived = tuple(Suppressed(f, f"in baseline {baseline_path}", "external") for f in r.findings if id(f) in known_ids)
        out.append(replace(r, findings=kept, suppressed=r.suppressed + waived))
    for code, path, section in split.gone:
        where = f" in '{section}'" if section else ""
        _error(f"baseline entry no longer occurs, remove it from {baseline_path}: {code} {path}{where}")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    # A lint run makes millions of small short-lived objects and few reference
    # cycles: collecting the young generation every 700 allocations (the default)
    # costs ~5% of a run and a third of loading the compiled rules.
    gc.set_threshold(50_000, 20, 20)
    cli.main(args=list(argv) if argv is not None else None, prog_name="mlsd-lint")
