"""Lint many files: read, parse, match, with a cache and across processes.

Results come back in input order whatever the number of jobs, so output is
byte-for-byte the same with --jobs 1 and --jobs N.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import __version__
from .cache import Cache, code_digest, key
from .document import parse
from .engine import FileResult, PluginFailure, lint
from .files import DEFAULT_MAX_BYTES, InputError, decode, read_bytes
from .matching import Matcher
from .phrase_index import Lexicon
from .rules import RuleSet

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 16


@dataclass(frozen=True)
class Task:
    """One file to lint, with what a worker process needs to check it."""

    path: str
    selected: frozenset[str]
    severities: tuple[tuple[str, str], ...]
    max_bytes: int = DEFAULT_MAX_BYTES


def _fingerprint(ruleset_digest: str, task: Task, today: dt.date) -> str:
    return "|".join([__version__, ruleset_digest, ",".join(sorted(task.selected)), repr(task.severities), today.isoformat()])


def _lint_text(text: str, task: Task, matcher: Matcher, today: dt.date, plugins: dict) -> FileResult:
    document = parse(text, task.path)
    if document.front_matter_error:
        raise InputError(task.path, document.front_matter_error)
    try:
        return lint(document, matcher, task.selected, dict(task.severities), today, plugins)
    except PluginFailure as err:
        raise InputError(task.path, str(err)) from None


def _run_one(
    task: Task, matcher: Callable[[], Matcher], cache: Cache | None, digest: str, today: dt.date, stdin: bytes | None, plugins: dict
) -> FileResult | InputError:
    """`matcher` builds the matcher on first call: a run that only hits the cache never does."""
    try:
        data = stdin if task.path == "-" else read_bytes(task.path, task.max_bytes)
        if data is None:
            raise InputError("<stdin>", "standard input is not available")
        cache_key = key(data, _fingerprint(digest, task, today)) if cache is not None else ""
        if cache is not None:
            hit = cache.get(cache_key, task.path)
            if hit is not None:
                return hit
        text = decode(data, task.path)
        del data  # a big file is held once, as text, while it is linted
        result = _lint_text(text, task, matcher(), today, plugins)
        if cache is not None:
            cache.put(cache_key, result)
        return result
    except InputError as err:
        return err


def _load_plugins(names: tuple[str, ...]) -> dict:
    if not names:
        return {}
    from .plugins import load

    return load(names)


# Per worker process: the compiled matcher, built once by the initializer.
_worker: dict[str, object] = {}


def _init_worker(
    ruleset: RuleSet, cache_root: str | None, digest: str, today: dt.date, plugin_names: tuple[str, ...], lexicon: Lexicon | None
) -> None:
    plugins = _load_plugins(plugin_names)
    root = Path(cache_root) if cache_root else None
    _worker.update(matcher=_lazy_matcher(ruleset, root, digest, lexicon), cache=Cache(root) if root else None, digest=digest, today=today, plugins=plugins)


def _lazy_matcher(ruleset: RuleSet, cache_root: Path | None, digest: str, lexicon: Lexicon | None) -> Callable[[], Matcher]:
    return functools.cache(lambda: Matcher.cached(ruleset, cache_root, digest, lexicon))


def _work(task: Task) -> FileResult | InputError:
    w = _worker
    return _run_one(task, w["matcher"], w["cache"], w["digest"], w["today"], None, w["plugins"])  # type: ignore[arg-type]


def ruleset_digest(ruleset: RuleSet) -> str:
    """Rules and the code that applies them: a cached result is reused only when both match."""
    from .digest import hasher  # only runs with a cache need it

    h = hasher(repr(ruleset.rules).encode())
    h.update(code_digest().encode())
    return h.hexdigest()[:16]


def run(
    tasks: list[Task],
    ruleset: RuleSet,
    jobs: int | None = None,
    cache_root: Path | None = None,
    today: dt.date | None = None,
    stdin: bytes | None = None,
    plugins: tuple[str, ...] = (),
    rules_digest: str = "",
    lexicon: Lexicon | None = None,
) -> list[FileResult | InputError]:
    """Lint every task; `plugins` names the enabled plugin entry points; `rules_digest`,
    if given, stands for ruleset_digest(ruleset) (see rules.builtin_digest); `lexicon`,
    if given, is the ruleset's compiled phrases (see prebuilt.py)."""
    today = today or dt.date.today()
    digest = (rules_digest or ruleset_digest(ruleset)) if cache_root else ""  # keys the caches, and only them
    if jobs is None:
        jobs = (os.cpu_count() or 1) if len(tasks) >= PARALLEL_MIN_FILES else 1
    jobs = max(1, min(jobs, len(tasks) or 1))
    if jobs == 1 or any(t.path == "-" for t in tasks):
        matcher = _lazy_matcher(ruleset, cache_root, digest, lexicon)
        results = Cache(cache_root) if cache_root else None
        loaded = _load_plugins(plugins)
        return [_run_one(t, matcher, results, digest, today, stdin, loaded) for t in tasks]
    from concurrent.futures import ProcessPoolExecutor

    # small chunks: the last ones decide when the run ends, so keep them short
    chunk = max(1, min(16, len(tasks) // (jobs * 8)))
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(ruleset, str(cache_root) if cache_root else None, digest, today, plugins, lexicon)) as pool:
        return list(pool.map(_work, tasks, chunksize=chunk))


__all__ = ["Task", "run", "PARALLEL_MIN_FILES"]
