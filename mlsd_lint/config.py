"""Discover, merge and validate settings. One error type, naming file, key and line.

Config is found upward from each linted file (nearest wins): `.mlsd-lint.toml`,
`mlsd-lint.toml`, `.mlsd-lint.yaml`, or `pyproject.toml` with a
`[tool.mlsd-lint]` table (one without it is skipped). A config inherits from
another only through `extend = "path"`. Config files are data: TOML or safe
YAML, never code.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping


CONFIG_NAMES = (".mlsd-lint.toml", "mlsd-lint.toml", ".mlsd-lint.yaml", "pyproject.toml")
LEVELS = ("error", "warning", "info", "off")
FAIL_ON = ("error", "warning", "info", "never")

# Files a directory walk skips unless `include`/`exclude` say otherwise: not design docs.
DEFAULT_EXCLUDE = ("README*", "CHANGELOG*", "CHANGES*", "HISTORY*", "LICENSE*", "LICENCE*", "CONTRIBUTING*", "CODE_OF_CONDUCT*", "SECURITY*")
DEFAULT_INCLUDE = ("*.md", "*.markdown")

DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "select": (),
        "ignore": (),
        "extend-select": (),
        "severity": MappingProxyType({}),
        "per-file-ignores": MappingProxyType({}),
        "include": DEFAULT_INCLUDE,
        "exclude": DEFAULT_EXCLUDE,
        "profile": "full",
        "fail-on": "warning",
        "rule-packs": (),
        "plugins": (),
        "extend": None,
    }
)
KEYS = tuple(DEFAULTS)


class ConfigError(ValueError):
    """Bad configuration: the message names the file, the key and, when known, the line."""

    def __init__(self, path: str, message: str, key: str | None = None, line: int | None = None) -> None:
        where = path + (f":{line}" if line else "")
        what = f"key '{key}': " if key else ""
        super().__init__(f"{where}: {what}{message}")
        self.path, self.key, self.line = path, key, line


@dataclass(frozen=True)
class Settings:
    """The effective settings for a file: defaults, then config files, then the command line."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (selector, level), later entries win
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, selectors)
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    profile: str = "full"
    fail_on: str = "warning"
    rule_packs: tuple[str, ...] = ()  # absolute paths
    plugins: tuple[str, ...] = ()  # entry-point names of installed plugins to enable
    root: str = ""  # directory per-file-ignores globs are relative to
    origins: tuple[tuple[str, str], ...] = ()  # (key, where its value came from)

    def origin(self, key: str) -> str:
        found = "default"
        for k, where in self.origins:
            if k == key:
                found = where
        return found

    def with_values(self, values: Mapping[str, Any], where: str) -> "Settings":
        """A copy with the given (already validated) keys set, remembering where from."""
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key == "extend":
                continue
            changes[key.replace("-", "_")] = value
        origins = self.origins + tuple((k, where) for k in values if k != "extend")
        return replace(self, **changes, origins=origins)


def _key_line(text: str, key: str) -> int | None:
    """Best-effort line of a key in a TOML or YAML file, for error messages."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=:]", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _suggest(key: str) -> str:
    from rapidfuzz import process

    best = process.extractOne(key, KEYS, score_cutoff=60)
    return f" (did you mean '{best[0]}'?)" if best else ""


def _strings(raw: Any, path: str, key: str, line: int | None) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ConfigError(path, "must be a list of strings", key, line)
    return tuple(raw)


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding .git, if any."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _within_repository(target: Path, config_dir: Path) -> bool:
    """A config from a pull request must not make mlsd-lint read files outside its
    repository. Outside any git repository there is no boundary to keep."""
    root = repository_root(config_dir)
    return root is None or target == root or root in target.parents


def validate(raw: Mapping[str, Any], path: str, text: str = "") -> dict[str, Any]:
    """Check keys and types; return values in Settings' shapes. Raises ConfigError."""
    out: dict[str, Any] = {}
    base = Path(path).resolve().parent
    for key, value in raw.items():
        line = _key_line(text, str(key))
        if key not in DEFAULTS:
            raise ConfigError(path, f"unknown key{_suggest(str(key))}", str(key), line)
        if key in ("select", "ignore", "extend-select", "include", "exclude", "plugins"):
            out[key] = _strings(value, path, key, line)
        elif key == "rule-packs":
            packs = []
            for pack in _strings(value, path, key, line):
                resolved = (base / pack).resolve()
                if not _within_repository(resolved, base):
                    raise ConfigError(path, f"'{pack}' is outside the repository; rule packs must live in it", key, line)
                packs.append(str(resolved))
            out[key] = tuple(packs)
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(path, "must be a table of rule -> level", key, line)
            for sel, level in value.items():
                if level not in LEVELS:
                    raise ConfigError(path, f"level for '{sel}' must be one of {', '.join(LEVELS)}", key, _key_line(text, str(sel)) or line)
            out[key] = tuple((str(k), str(v)) for k, v in value.items())
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(path, "must be a table of glob -> list of rules", key, line)
            out[key] = tuple((str(g), _strings(v, path, f"{key}.{g}", _key_line(text, str(g)) or line)) for g, v in value.items())
        elif key in ("profile", "fail-on", "extend"):
            if not isinstance(value, str):
                raise ConfigError(path, "must be a string", key, line)
            if key == "fail-on" and value not in FAIL_ON:
                raise ConfigError(path, f"must be one of {', '.join(FAIL_ON)}", key, line)
            out[key] = value
    return out


def _may_hold_our_table(pyproject: str) -> bool:
    """Whether a pyproject.toml may set tool.mlsd-lint: our name after "tool." or as a
    key of its own, with a dotted key or a table after it (`[tool.mlsd-lint]`,
    `tool.mlsd-lint.select = ...`, `mlsd-lint = {...}` under `[tool]`), or a key
    escaped beyond recognition. Not `name = "mlsd-lint"`, a script named so or a
    dependency: most projects' pyproject.toml would otherwise cost every run a TOML
    parse (and tomllib's import)."""
    key = r"[\"']?mlsd-lint[\"']?\s*"
    spelt = rf"\.\s*{key}[.\]=]|{key}(?:\.|=\s*[^\s\"'])"  # after "tool.", or as a key under [tool]
    return re.search(spelt, pyproject) is not None or "\\u" in pyproject or "\\U" in pyproject


def read_file(path: Path) -> tuple[dict[str, Any] | None, str]:
    """Raw table from a config file (None for a pyproject.toml without our table)."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(shown, f"cannot read ({getattr(err, 'strerror', None) or err})") from None
    if path.suffix in (".yaml", ".yml"):
        try:
            import yaml  # only YAML configs need it

            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            raise ConfigError(shown, f"not valid YAML ({getattr(err, 'problem', None) or err})", line=mark.line + 1 if mark else None) from None
        if data is None:
            data = {}
    elif path.name == "pyproject.toml" and not _may_hold_our_table(text):
        return None, text  # not parsed: a broken one is left to the tools that read it
    else:
        import tomllib  # only TOML configs need it

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            line = re.search(r"line (\d+)", str(err))
            raise ConfigError(shown, f"not valid TOML ({err})", line=int(line.group(1)) if line else None) from None
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("mlsd-lint")
            if data is None:
                return None, text
    if not isinstance(data, dict):
        raise ConfigError(shown, "must be a mapping of settings")
    return data, text


def load(path: Path, base: Settings | None = None, _seen: tuple[str, ...] = ()) -> Settings:
    """Settings from one config file, after the file it `extend`s (if any)."""
    real = str(path.resolve())
    if real in _seen:
        raise ConfigError(str(path), "'extend' chain loops back to this file", "extend")
    raw, text = read_file(path)
    if raw is None:
        raise ConfigError(str(path), "has no [tool.mlsd-lint] table")
    values = validate(raw, str(path), text)
    settings = base or Settings()
    if "extend" in values:
        parent = (path.parent / values["extend"]).resolve()
        if not _within_repository(parent, path.parent.resolve()):
            raise ConfigError(str(path), f"extends '{values['extend']}', which is outside the repository", "extend", _key_line(text, "extend"))
        if not parent.is_file():
            raise ConfigError(str(path), f"extends '{values['extend']}', which does not exist", "extend", _key_line(text, "extend"))
        settings = load(parent, settings, _seen + (real,))
    for glob, _ in values.get("per-file-ignores", ()):
        # A glob that matches nothing is almost always a typo or a moved folder.
        if next(iter(path.parent.glob(glob)), None) is None:
            raise ConfigError(str(path), f"glob '{glob}' matches no file under {path.parent}", "per-file-ignores", _key_line(text, glob))
    settings = settings.with_values(values, str(path))
    return replace(settings, root=str(path.parent.resolve()))


class Resolver:
    """Finds the settings for each file; caches per directory (one run's state)."""

    def __init__(self, config: Path | None = None, isolated: bool = False) -> None:
        self.config = config  # --config: one file for every input
        self.isolated = isolated  # --isolated: no config at all
        self._by_dir: dict[str, Settings] = {}

    def for_file(self, file: str) -> Settings:
        if self.isolated:
            return Settings(root=os.getcwd())
        if self.config is not None:
            return self._cached(str(self.config.resolve()), lambda: load(self.config))
        start = Path(os.getcwd() if file == "-" else os.path.dirname(os.path.abspath(file)))
        return self._for_dir(start)

    def _cached(self, key: str, make) -> Settings:
        if key not in self._by_dir:
            self._by_dir[key] = make()
        return self._by_dir[key]

    def _for_dir(self, directory: Path) -> Settings:
        key = str(directory)
        if key in self._by_dir:
            return self._by_dir[key]
        found: Settings | None = None
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                if name == "pyproject.toml" and read_file(candidate)[0] is None:
                    continue
                found = load(candidate)
                break
        if found is None:
            parent = directory.parent
            found = self._for_dir(parent) if parent != directory else Settings(root=os.getcwd())
        self._by_dir[key] = found
        return found
