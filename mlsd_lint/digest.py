"""The hash the caches are keyed by: BLAKE2b, 256 bits.

hashlib.blake2b is the _blake2 module built into every CPython; importing it
directly skips hashlib's own import, which loads OpenSSL for every algorithm
(~3 ms of each start that uses a cache).
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b


def hasher(data: bytes = b"") -> blake2b:
    return blake2b(data, digest_size=32)
