"""Small JSON files for the caches: read leniently, write atomically, never fail a run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def read(file: Path) -> Any | None:
    """The file's JSON, or None when it is missing or damaged (the caller rebuilds it)."""
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(file: Path, data: Any) -> None:
    """Write then rename, so a parallel run never reads half a file; a read-only tree is fine."""
    import tempfile  # writes are rare (a cache miss); its import costs a few ms of every start

    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, separators=(",", ":")))
        os.replace(tmp, file)
    except OSError:
        pass
