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


def resolve(ruleset: RuleSet, select: Iterable[str] = (), ignore: Iterable[str] = (), extend: Iterable[str] = ()) -> frozenset[str]:
    """Selected codes: `select` (default all), plus `extend`, minus `ignore`."""
    select = list(select)
    chosen: set[str] = set()
    if select:
        for selector in select:
            chosen |= match(selector, ruleset)
    else:
        chosen = {rule.code for rule in ruleset.rules}
    for selector in extend:
        chosen |= match(selector, ruleset)
    for selector in ignore:
        chosen -= match(selector, ruleset)
    return frozenset(chosen)
