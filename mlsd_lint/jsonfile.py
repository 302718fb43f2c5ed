"""Small JSON files for the caches: read leniently, write atomically, never fail a run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def read(file: Path) -> Any | None:
    """The file's JSON, or None when it is missing or damaged (the caller rebuilds it)."""
    import json  # not at import: a run without a cache reads no JSON

    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(file: Path, data: Any) -> None:
    """Write then rename, so a parallel run never reads half a file; a read-only tree is fine."""
    import json

    # A name of our own, created exclusively and private (as tempfile.mkstemp
    # would: its import costs a few ms of every start that writes a cache entry).
    tmp = file.with_name(f"{file.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, separators=(",", ":")))
        os.replace(tmp, file)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
