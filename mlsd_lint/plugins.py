"""Python rule plugins, for checks that rule-pack data cannot express.

A plugin is an installed package that declares an entry point in the
`mlsd_lint.rules` group. It is loaded only when the user names it (config key
`plugins`, or `--plugin NAME`): a repository's files alone can never make
mlsd-lint import code.

    # pyproject.toml of the plugin package
    [project.entry-points."mlsd_lint.rules"]
    owners = "mlsd_owners:OwnerRule"

    # mlsd_owners.py
    from mlsd_lint.plugins import diagnostic

    class OwnerRule:
        code = "OWN001"
        name = "owner-named"
        title = "The doc names an owning team"
        step = 0
        severity = "warning"
        message = "no owning team is named."

        def check(self, document):
            if "owner" not in document.front_matter:
                yield diagnostic(document.title_line, "no owning team is named in the front matter.")

The entry point may name a rule class or instance, or a list of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol, runtime_checkable

from .document import Document
from .rules import PLUGIN_CHECK, SEVERITIES, Explanation, Rule, RulePackError

GROUP = "mlsd_lint.rules"


@dataclass(frozen=True)
class Diagnostic:
    """What a plugin rule reports: a line (1-based), a message, a column."""

    line: int
    message: str
    column: int = 1


def diagnostic(line: int, message: str, column: int = 1) -> Diagnostic:
    """Build a diagnostic for the rule that returns it."""
    return Diagnostic(int(line), str(message), int(column))


@runtime_checkable
class PluginRule(Protocol):
    code: str
    name: str
    title: str
    step: int
    severity: str
    message: str

    def check(self, document: Document) -> Iterable[Diagnostic]: ...


class PluginError(RulePackError):
    pass


def load(names: Iterable[str]) -> dict[str, PluginRule]:
    """Load the named plugins' rules, keyed by code. Unknown names are an error."""
    from importlib.metadata import entry_points  # slow to import: only when plugins are used

    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    rules: dict[str, PluginRule] = {}
    for name in names:
        if name not in found:
            known = ", ".join(sorted(found)) or "none installed"
            raise PluginError(f"plugin:{name}", f"no installed plugin of that name (available: {known})")
        try:
            obj = found[name].load()
        except Exception as err:  # a broken plugin must not crash the run with a traceback
            raise PluginError(f"plugin:{name}", f"cannot be loaded ({type(err).__name__}: {err})") from None
        items = obj if isinstance(obj, (list, tuple)) else [obj]
        for item in items:
            rule = item() if isinstance(item, type) else item
            if not isinstance(rule, PluginRule):
                raise PluginError(f"plugin:{name}", f"{item!r} is not a rule (needs code, name, title, step, severity, message and check())")
            if rule.severity not in SEVERITIES:
                raise PluginError(f"plugin:{name}", f"severity must be one of {', '.join(SEVERITIES)}", rule.code, "severity")
            rules[rule.code] = rule
    return rules


def as_rule(plugin: PluginRule, name: str) -> Rule:
    """The plugin's rule as a Rule record, for selection, listing and reporting."""
    doc = (getattr(plugin, "__doc__", None) or plugin.title).strip()
    return Rule(
        code=plugin.code,
        name=plugin.name,
        step=int(plugin.step),
        step_title=getattr(plugin, "step_title", "Plugin rules"),
        title=plugin.title,
        message=plugin.message,
        question="",
        explanation=Explanation(what=doc, why=getattr(plugin, "why", "See the plugin's documentation."), how=getattr(plugin, "how", "See the plugin's documentation.")),
        severity=plugin.severity,
        check=PLUGIN_CHECK,
        pack=f"plugin:{name}",
    )
