"""Rule records, and loading and validating rule packs (YAML data, never code)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable


SEVERITIES = ("error", "warning", "info")
CHECKS = ("topic", "placeholder", "empty-section", "unused-suppression", "unknown-suppression", "expired-suppression")
# Rules that Python plugins check; never written in a pack.
PLUGIN_CHECK = "plugin"

_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}[0-9]{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

_PACK_KEYS = {"step", "title", "sections", "rules", "enabled"}
_RULE_KEYS = {"code", "name", "title", "severity", "check", "message", "question", "match", "explanation", "examples"}
_MATCH_KEYS = {"phrases", "weak", "near", "headings", "exclude", "code"}
_NEAR_KEYS = {"terms", "with", "window"}
_EXPLANATION_KEYS = {"what", "why", "how", "example", "source"}
_EXAMPLE_KEYS = {"addressed", "missing"}


class RulePackError(ValueError):
    """A rule pack that cannot be used; names the file, the rule and the key."""

    def __init__(self, path: str, message: str, rule: str | None = None, key: str | None = None) -> None:
        where = path
        if rule:
            where += f": rule {rule}"
        if key:
            where += f": key '{key}'"
        super().__init__(f"{where}: {message}")
        self.path, self.rule, self.key = path, rule, key


@dataclass(frozen=True)
class Near:
    """A term that counts only with a qualifier close by: "rollback" near "model"."""

    terms: tuple[str, ...]
    qualifiers: tuple[str, ...]
    window: int = 8


@dataclass(frozen=True)
class TopicModel:
    """What counts as addressing a topic, in phrases (see docs/rule-packs.md)."""

    phrases: tuple[str, ...] = ()  # any one, in substantive prose, addresses the topic
    weak: tuple[str, ...] = ()  # count in the step's own section, or two together
    near: tuple[Near, ...] = ()
    headings: tuple[str, ...] = ()  # a section or lead-in titled so, with content under it
    exclude: tuple[str, ...] = ()  # a sentence with one of these never counts for the rule
    code: bool = False  # whether code blocks count as evidence

    def all_phrases(self) -> tuple[str, ...]:
        """Every phrase the model holds, of whatever kind."""
        near = tuple(p for n in self.near for p in n.terms + n.qualifiers)
        return self.phrases + self.weak + near + self.headings + self.exclude


@dataclass(frozen=True)
class Explanation:
    """A rule's documentation, as `--explain` shows it: what, why, how to fix, an example."""

    what: str
    why: str
    how: str
    example: str = ""
    source: str = ""


@dataclass(frozen=True)
class Rule:
    """One rule of a pack: its identity, its message and documentation, and its topic."""

    code: str
    name: str
    step: int
    step_title: str
    title: str
    message: str
    question: str
    explanation: Explanation
    severity: str = "warning"
    check: str = "topic"
    match: TopicModel = TopicModel()
    addressed_examples: tuple[str, ...] = ()
    missing_examples: tuple[str, ...] = ()
    pack: str = ""
    default: bool = True  # selected unless the user opts in (packs with `enabled: false`)

    @property
    def full_message(self) -> str:
        return f"{self.message} {self.question}".strip()


@dataclass(frozen=True)
class Step:
    """A step of the ML design checklist, and the section titles that mark it."""

    number: int
    title: str
    sections: tuple[str, ...]  # heading phrases that mark a section as this step's


@dataclass(frozen=True)
class RuleSet:
    """Every rule of a run (built-in packs, extra packs, plugins) and the checklist steps."""

    rules: tuple[Rule, ...]
    steps: tuple[Step, ...]

    def by_code(self) -> dict[str, Rule]:
        return {rule.code: rule for rule in self.rules}

    def step(self, number: int) -> Step | None:
        for step in self.steps:
            if step.number == number:
                return step
        return None


def _strings(value: Any, path: str, rule: str | None, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise RulePackError(path, "must be a list of non-empty strings", rule, key)
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            hint = " (YAML reads yes/no/true/false/numbers as non-strings: quote it)" if isinstance(item, (bool, int, float)) else ""
            raise RulePackError(path, f"must be a list of non-empty strings; item {i + 1} is {item!r}{hint}", rule, key)
    return tuple(value)


def _text(value: Any, path: str, rule: str | None, key: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise RulePackError(path, "must be a non-empty string", rule, key)
    return value.strip()


def _mapping(value: Any, path: str, rule: str | None, key: str, allowed: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RulePackError(path, "must be a mapping", rule, key)
    unknown = sorted(set(map(str, value)) - allowed)
    if unknown:
        raise RulePackError(path, f"unknown key (expected one of: {', '.join(sorted(allowed))})", rule, f"{key}.{unknown[0]}" if key else unknown[0])
    return value


def _topic_model(raw: Any, path: str, code: str) -> TopicModel:
    data = _mapping(raw, path, code, "match", _MATCH_KEYS)
    near: list[Near] = []
    raw_near = data.get("near") or []
    if not isinstance(raw_near, list):
        raise RulePackError(path, "must be a list of {terms, with, window} mappings", code, "match.near")
    for item in raw_near:
        entry = _mapping(item, path, code, "match.near", _NEAR_KEYS)
        window = entry.get("window", 8)
        if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 50:
            raise RulePackError(path, "must be a whole number from 1 to 50", code, "match.near.window")
        terms = _strings(entry.get("terms"), path, code, "match.near.terms")
        qualifiers = _strings(entry.get("with"), path, code, "match.near.with")
        if not terms or not qualifiers:
            raise RulePackError(path, "needs both 'terms' and 'with'", code, "match.near")
        near.append(Near(terms, qualifiers, window))
    code_counts = data.get("code", False)
    if not isinstance(code_counts, bool):
        raise RulePackError(path, "must be true or false", code, "match.code")
    return TopicModel(
        phrases=_strings(data.get("phrases"), path, code, "match.phrases"),
        weak=_strings(data.get("weak"), path, code, "match.weak"),
        near=tuple(near),
        headings=_strings(data.get("headings"), path, code, "match.headings"),
        exclude=_strings(data.get("exclude"), path, code, "match.exclude"),
        code=code_counts,
    )


def _rule(raw: Any, path: str, step: int, step_title: str, default: bool = True) -> Rule:
    if not isinstance(raw, dict):
        raise RulePackError(path, "each rule must be a mapping", key="rules")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise RulePackError(path, "must be letters then three digits, e.g. EXP003", str(code) if code else None, "code")
    _mapping(raw, path, code, "", _RULE_KEYS)
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise RulePackError(path, "must be a lower-case slug, e.g. kill-switch", code, "name")
    severity = raw.get("severity", "warning")
    if severity not in SEVERITIES:
        raise RulePackError(path, f"must be one of {', '.join(SEVERITIES)}", code, "severity")
    check = raw.get("check", "topic")
    if check not in CHECKS:
        raise RulePackError(path, f"must be one of {', '.join(CHECKS)}", code, "check")
    expl = _mapping(raw.get("explanation"), path, code, "explanation", _EXPLANATION_KEYS)
    explanation = Explanation(
        what=_text(expl.get("what"), path, code, "explanation.what"),
        why=_text(expl.get("why"), path, code, "explanation.why"),
        how=_text(expl.get("how"), path, code, "explanation.how"),
        example=_text(expl.get("example"), path, code, "explanation.example", required=False),
        source=_text(expl.get("source"), path, code, "explanation.source", required=False),
    )
    examples = _mapping(raw.get("examples"), path, code, "examples", _EXAMPLE_KEYS)
    match = _topic_model(raw.get("match"), path, code)
    if check == "topic" and not (match.phrases or match.weak or match.near or match.headings):
        raise RulePackError(path, "a topic rule needs phrases, weak, near or headings", code, "match")
    return Rule(
        code=code,
        name=name,
        step=step,
        step_title=step_title,
        title=_text(raw.get("title"), path, code, "title"),
        message=_text(raw.get("message"), path, code, "message"),
        question=_text(raw.get("question"), path, code, "question", required=False),
        explanation=explanation,
        severity=severity,
        check=check,
        match=match,
        addressed_examples=_strings(examples.get("addressed"), path, code, "examples.addressed"),
        missing_examples=_strings(examples.get("missing"), path, code, "examples.missing"),
        pack=path,
        default=default,
    )


def parse_pack(text: str, path: str) -> tuple[Step, list[Rule]]:
    """Validate one pack's YAML text; raise RulePackError naming file, rule and key."""
    import yaml  # not needed when the parsed packs come from the cache

    try:
        # libyaml's safe loader when present: the same safety, many times faster.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise RulePackError(path, f"{where}not valid YAML ({getattr(err, 'problem', None) or err})") from None
    data = _mapping(data, path, None, "", _PACK_KEYS)
    step = data.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise RulePackError(path, "must be a whole number (0 for rules outside the checklist)", key="step")
    title = _text(data.get("title"), path, None, "title")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulePackError(path, "must be a non-empty list of rules", key="rules")
    sections = _strings(data.get("sections"), path, None, "sections")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise RulePackError(path, "must be true or false", key="enabled")
    return Step(step, title, sections), [_rule(r, path, step, title, enabled) for r in raw_rules]


def code_prefix(code: str) -> str:
    return code.rstrip("0123456789")


def build_ruleset(packs: Iterable[tuple[str, str]], base: RuleSet | None = None) -> RuleSet:
    """Combine packs given as (path, yaml text), after `base` (the built-in rules).

    Codes and names must be unique, and a pack added to `base` must use a code
    prefix of its own: a team's rules never pass for built-in ones.
    """
    rules: list[Rule] = list(base.rules) if base else []
    steps: dict[int, Step] = {s.number: s for s in base.steps} if base else {}
    seen: dict[str, str] = {ident: r.pack for r in rules for ident in (r.code, r.name)}
    reserved = {code_prefix(r.code): r.pack for r in rules}
    for path, text in packs:
        step, pack_rules = parse_pack(text, path)
        for rule in pack_rules:
            prefix = code_prefix(rule.code)
            if prefix in reserved and rule.code not in seen:
                raise RulePackError(path, f"prefix '{prefix}' belongs to the built-in rules ({reserved[prefix]}); use your team's own prefix", rule.code, "code")
        if step.number in steps:
            old = steps[step.number]
            steps[step.number] = Step(old.number, old.title, old.sections + step.sections)
        else:
            steps[step.number] = step
        for rule in pack_rules:
            for ident in (rule.code, rule.name):
                if ident in seen:
                    raise RulePackError(path, f"'{ident}' is already defined in {seen[ident]}", rule.code, "code" if ident == rule.code else "name")
                seen[ident] = path
            rules.append(rule)
    return RuleSet(tuple(rules), tuple(steps[n] for n in sorted(steps)))


def builtin_files() -> list[Path]:
    """The packs shipped inside the package, in file-name order."""
    # The package's folder, found by importing it: importlib.resources would do the
    # same, but its import alone costs as much as reading every pack.
    try:
        from . import builtin_rules
    except ImportError:
        raise RulePackError(
            "mlsd_lint.builtin_rules",
            "the built-in rule packs are not installed: mlsd_lint is being imported from a source "
            "checkout; install it (pip install -e .) and run from the installed package",
        ) from None
    root = Path(builtin_rules.__file__).parent
    return sorted((f for f in root.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def builtin_packs() -> list[tuple[str, str]]:
    """The built-in packs as (path, text), in file-name order."""
    return [(f"rules/{f.name}", f.read_text(encoding="utf-8")) for f in builtin_files()]


def builtin_digest(code_digest: str) -> str:
    """The built-in packs (as cache.code_digest takes the code: see digest.stamp), and
    the code: what the compiled rules cached for them depend on."""
    from .digest import stamp

    return stamp(code_digest, ((f.name, str(f)) for f in builtin_files()))


def load_builtin() -> RuleSet:
    """The built-in rules, read from their packs (a run gets them through prebuilt.builtin)."""
    return build_ruleset(builtin_packs())


def cached_builtin(cache_folder: Path, digest: str) -> RuleSet | None:
    from . import jsonfile

    data = jsonfile.read(cache_folder / f"rules-{digest}.json")
    if data is not None:
        try:
            return ruleset_from_data(data)
        except (KeyError, TypeError, ValueError):
            pass  # damaged: rebuild
    return None


def cache_builtin(cache_folder: Path, digest: str, ruleset: RuleSet) -> None:
    from . import jsonfile

    jsonfile.write(cache_folder / f"rules-{digest}.json", asdict(ruleset))


def ruleset_from_data(data: dict[str, Any]) -> RuleSet:
    """Inverse of dataclasses.asdict(ruleset) for the JSON cache."""
    rules = []
    for r in data["rules"]:
        m = r["match"]
        match = TopicModel(
            phrases=tuple(m["phrases"]),
            weak=tuple(m["weak"]),
            near=tuple(Near(tuple(n["terms"]), tuple(n["qualifiers"]), n["window"]) for n in m["near"]),
            headings=tuple(m["headings"]),
            exclude=tuple(m["exclude"]),
            code=m["code"],
        )
        fields = {k: v for k, v in r.items() if k not in ("match", "explanation", "addressed_examples", "missing_examples")}
        rules.append(
            Rule(
                **fields,
                match=match,
                explanation=Explanation(**r["explanation"]),
                addressed_examples=tuple(r["addressed_examples"]),
                missing_examples=tuple(r["missing_examples"]),
            )
        )
    steps = tuple(Step(s["number"], s["title"], tuple(s["sections"])) for s in data["steps"])
    return RuleSet(tuple(rules), steps)


def read_pack_files(paths: Iterable[Path]) -> list[tuple[str, str]]:
    packs: list[tuple[str, str]] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
        for file in files:
            try:
                packs.append((str(file.resolve()), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as err:
                raise RulePackError(str(file), f"cannot read rule pack ({err})") from None
    return packs
