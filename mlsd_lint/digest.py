"""The hash the caches are keyed by: BLAKE2b, 256 bits.

hashlib.blake2b is the _blake2 module built into every CPython; importing it
directly skips hashlib's own import, which loads OpenSSL for every algorithm
(~3 ms of each start that uses a cache).
"""

from __future__ import annotations

import os
from typing import Iterable

try:
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b


def hasher(data: bytes = b"") -> blake2b:
    return blake2b(data, digest_size=32)


def stamp(seed: str, files: Iterable[tuple[str, str]]) -> str:
    """`seed`, and each (name, path) file by name, size and modification time, as
    Python's own .pyc files are checked: reading and hashing the files would cost
    every start that uses a cache a few ms."""
    h = hasher(seed.encode())
    for name, path in files:
        stat = os.stat(path)
        h.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return h.hexdigest()[:16]
