"""Result cache: a file's findings keyed by its content, the rules and the settings.

JSON only, never pickle: a cache directory committed to a repository must not
be able to make the linter run code.
"""

from __future__ import annotations

import os
from functools import lru_cache
from dataclasses import asdict
from pathlib import Path

from . import jsonfile
from .engine import FileResult, Finding, StepCoverage, Suppressed
from .matching import Evidence

CACHE_DIR = ".mlsd_lint_cache"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """mlsd-lint's own code: cached results are reused only by the code that made them."""
    from .digest import stamp  # only runs with a cache need it

    package = os.path.dirname(os.path.realpath(__file__))
    sources = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        sources += [os.path.join(folder, n) for n in names if n.endswith(".py")]
    return stamp("", ((os.path.relpath(source, package), source) for source in sorted(sources)))


def key(data: bytes, fingerprint: str) -> str:
    """`fingerprint` covers the tool version, rule packs and settings."""
    from .digest import hasher

    h = hasher(fingerprint.encode())
    h.update(b"\0")
    h.update(data)
    return h.hexdigest()


def _to_data(result: FileResult) -> dict:
    data = asdict(result)
    data.pop("path")
    for f in data["findings"]:
        f.pop("path")
    for s in data["suppressed"]:
        s["finding"].pop("path")
    return data


def _from_data(data: dict, path: str) -> FileResult:
    return FileResult(
        path=path,
        findings=tuple(Finding(path=path, **f) for f in data["findings"]),
        evidence=tuple(Evidence(**e) for e in data["evidence"]),
        coverage=tuple(StepCoverage(**c) for c in data["coverage"]),
        suppressed=tuple(Suppressed(Finding(path=path, **s["finding"]), s["reason"], s["kind"]) for s in data["suppressed"]),
    )


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def get(self, cache_key: str, path: str) -> FileResult | None:
        data = jsonfile.read(self.root / cache_key[:2] / f"{cache_key}.json")
        try:
            return _from_data(data, path) if data is not None else None
        except (KeyError, TypeError, ValueError):
            return None  # damaged entry: lint again

    def put(self, cache_key: str, result: FileResult) -> None:
        gitignore = self.root / ".gitignore"
        if not gitignore.exists():
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                gitignore.write_text("# Created by mlsd-lint\n*\n", encoding="utf-8")
            except OSError:
                return  # a read-only tree just runs without a cache
        jsonfile.write(self.root / cache_key[:2] / f"{cache_key}.json", _to_data(result))
