"""Result cache: a file's findings keyed by its content, the rules and the settings.

JSON only, never pickle: a cache directory committed to a repository must not
be able to make the linter run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from .engine import FileResult, Finding, StepCoverage, Suppressed
from .matching import Evidence

CACHE_DIR = ".mlsd_lint_cache"


def code_digest() -> str:
    """mlsd-lint's own code: cached results are reused only by the code that made them."""
    h = hashlib.sha256()
    for source in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(source.read_bytes())
    return h.hexdigest()[:16]


def key(data: bytes, fingerprint: str) -> str:
    """`fingerprint` covers the tool version, rule packs and settings."""
    h = hashlib.sha256(fingerprint.encode())
    h.update(b"\0")
    h.update(data)
    return h.hexdigest()


def _to_json(result: FileResult) -> str:
    data = asdict(result)
    data.pop("path")
    for f in data["findings"]:
        f.pop("path")
    for s in data["suppressed"]:
        s["finding"].pop("path")
    return json.dumps(data, separators=(",", ":"))


def _from_json(text: str, path: str) -> FileResult:
    data = json.loads(text)
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
        file = self.root / cache_key[:2] / f"{cache_key}.json"
        try:
            return _from_json(file.read_text(encoding="utf-8"), path)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged entry: lint again

    def put(self, cache_key: str, result: FileResult) -> None:
        folder = self.root / cache_key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.root / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by mlsd-lint\n*\n", encoding="utf-8")
            # Write then rename, so a parallel run never reads half an entry.
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(_to_json(result))
            os.replace(tmp, folder / f"{cache_key}.json")
        except OSError:
            pass  # a read-only tree just runs without a cache
