"""Rule selectors: codes, code prefixes and names, interchangeable everywhere."""

from __future__ import annotations

from typing import Iterable

from .rules import RuleSet


class SelectorError(ValueError):
    def __init__(self, selector: str, suggestion: str | None) -> None:
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        super().__init__(f"unknown rule code or name '{selector}'{hint}")
        self.selector = selector


def split(values: Iterable[str]) -> list[str]:
    """Flatten repeated and comma-separated option values."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def match(selector: str, ruleset: RuleSet) -> frozenset[str]:
    """The codes one selector names: ALL, a code, a name, or a code prefix."""
    codes = [rule.code for rule in ruleset.rules]
    upper = selector.upper()
    if upper == "ALL":
        return frozenset(codes)
    for rule in ruleset.rules:
        if upper == rule.code or selector.lower() == rule.name:
            return frozenset({rule.code})
    prefixed = frozenset(code for code in codes if code.startswith(upper))
    if prefixed and upper[:1].isalpha():
        return prefixed
    from rapidfuzz import process

    choices = codes + [rule.name for rule in ruleset.rules]
    best = process.extractOne(selector, choices, score_cutoff=70)
    raise SelectorError(selector, best[0] if best else None)


# Which checklist steps each profile covers (None: every step). Step 0 holds the
# document-hygiene rules, which every profile keeps.
PROFILES: dict[str, frozenset[int] | None] = {
    "full": None,
    "interview": frozenset({0, 1, 2, 3, 4, 5, 6, 7, 8, 13}),
    "production": None,
}


def profile_codes(ruleset: RuleSet, profile: str) -> frozenset[str]:
    """Rules a profile selects. Opt-in packs (`enabled: false`) only in `production`."""
    steps = PROFILES[profile]
    return frozenset(
        r.code
        for r in ruleset.rules
        if (steps is None or r.step in steps) and (r.default or profile == "production")
    )


def _builtin(pack: str) -> bool:
    return pack.startswith("rules/")


def _inside(pack: str, paths: tuple[str, ...]) -> bool:
    """Whether a pack file is one of `paths` or lies in one of those folders."""
    import os

    return any(pack == p or pack.startswith(p.rstrip(os.sep) + os.sep) for p in paths)


def for_settings(ruleset: RuleSet, settings, file: str) -> tuple[frozenset[str], dict[str, str]]:
    """Selected codes and severity overrides for one file under its settings.

    Selector errors become ConfigError naming the config file and key they came from.
    """
    import fnmatch
    import os

    from .config import ConfigError

    def resolve_key(key: str, selectors) -> frozenset[str]:
        codes: set[str] = set()
        for selector in selectors:
            try:
                codes |= match(selector, ruleset)
            except SelectorError as err:
                raise ConfigError(settings.origin(key), str(err), key) from None
        return frozenset(codes)

    if settings.profile not in PROFILES:
        raise ConfigError(settings.origin("profile"), f"unknown profile '{settings.profile}' (expected one of: {', '.join(PROFILES)})", "profile")
    chosen = set(resolve_key("select", settings.select) if settings.select else profile_codes(ruleset, settings.profile))
    # A team's packs and plugins apply only where the config that names them applies.
    plugins = {f"plugin:{name}" for name in settings.plugins}
    chosen -= {r.code for r in ruleset.rules if not _builtin(r.pack) and r.pack not in plugins and not _inside(r.pack, settings.rule_packs)}
    chosen |= resolve_key("extend-select", settings.extend_select)
    chosen -= resolve_key("ignore", settings.ignore)
    rel = os.path.relpath(os.path.abspath(file), settings.root or os.getcwd()).replace(os.sep, "/") if file != "-" else "-"
    for glob, selectors in settings.per_file_ignores:
        if fnmatch.fnmatch(rel, glob) or ("/" not in glob and fnmatch.fnmatch(os.path.basename(rel), glob)):
            chosen -= resolve_key("per-file-ignores", selectors)
    severities: dict[str, str] = {}
    for selector, level in settings.severity:
        for code in resolve_key("severity", [selector]):
            severities[code] = level
    chosen -= {code for code, level in severities.items() if level == "off"}
    return frozenset(chosen), {c: lvl for c, lvl in severities.items() if lvl != "off"}
