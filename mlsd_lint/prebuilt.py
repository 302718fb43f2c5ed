"""The built-in rules compiled ahead of time, shipped in the package.

Reading the YAML packs and compiling their ~9,000 phrases costs ~175 ms, more
than the rest of a small run. The package ships the result
(`rules/prebuilt.marshal`), stamped with a digest of everything it was made
from: the packs, the code that reads and compiles them, and the stemmer's
version. A run uses it only if that digest matches what is installed, and
compiles the packs itself otherwise: a stale file costs time, never a wrong
answer.

It is in Python's marshal format, the one .pyc files use: the package's own
data, trusted as its code is (files in a repository, such as the cache folder's,
are JSON: see SECURITY.md). It loads in about half the time JSON takes, and a
run without a cache then imports no JSON module at all. Plain data only
(dicts, lists, strings, numbers), written in marshal's version 4, which every
Python 3 since 3.4 reads; a file that does not load is ignored like a stale one.

Regenerate it after changing a pack or that code (a test fails until you do):

    python -m mlsd_lint.prebuilt
"""

from __future__ import annotations

import marshal
import sys
from dataclasses import asdict
from pathlib import Path

from . import rules
from .phrase_index import Lexicon, compile_rules, lexicon, lexicon_from_data, lexicon_to_data
from .rules import RuleSet

FILE = "prebuilt.marshal"
_FORMAT = "2"
_MARSHAL_VERSION = 4
# What turns pack text into rules and phrase stems.
_SOURCES = ("rules.py", "text.py", "phrase_index.py")


def source_digest(packs: list[tuple[str, str]]) -> str:
    """The packs, the code that compiles them and the stemmer, by content. A check
    for staleness, not against tampering: CRC-32 and lengths (cheaper than any hash
    for a run without a cache)."""
    import zlib

    import Stemmer

    parts = [f"{_FORMAT}\0{Stemmer.version()}".encode()]
    if not all(text.isascii() for _, text in packs):
        import unicodedata  # non-ASCII phrases are NFKC-normalised: tables change with Unicode

        parts.append(unicodedata.unidata_version.encode())
    here = Path(__file__).parent
    parts += [name.encode() + b"\0" + (here / name).read_bytes() for name in _SOURCES]
    parts += [path.encode() + b"\0" + text.encode() for path, text in packs]
    return " ".join(f"{len(part)}:{zlib.crc32(part):08x}" for part in parts)


def build(packs: list[tuple[str, str]]) -> dict:
    ruleset = rules.build_ruleset(packs)
    return {"digest": source_digest(packs), "rules": asdict(ruleset), "lexicon": lexicon_to_data(lexicon(compile_rules(ruleset)))}


def read(file: Path) -> object:
    """The file's data, or None when it is missing or does not load."""
    try:
        return marshal.loads(file.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def load(file: Path | None = None) -> tuple[RuleSet, Lexicon] | None:
    """The shipped rules and their compiled phrases (from `file`, by default the
    package's), if made from what is installed."""
    if file is None:
        files = rules.builtin_files()
        if not files:
            return None
        file = files[0].parent / FILE
    data = read(file)
    if not isinstance(data, dict) or data.get("digest") != source_digest(rules.builtin_packs()):
        return None
    try:
        return rules.ruleset_from_data(data["rules"]), lexicon_from_data(data["lexicon"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None


def builtin(cache_folder: Path | None, digest: str) -> tuple[RuleSet, Lexicon | None]:
    """A run's built-in rules, and their compiled phrases when at hand: the shipped
    file (quicker to load than any cache), else the cache folder's copy (under
    `digest`, see rules.builtin_digest), else the YAML, kept in the cache folder for
    the next run: the shipped file is stale only in a checkout whose packs changed."""
    shipped = load()
    if shipped is not None:
        return shipped
    if cache_folder is not None:
        ruleset = rules.cached_builtin(cache_folder, digest)
        if ruleset is not None:
            return ruleset, None
    ruleset = rules.build_ruleset(rules.builtin_packs())
    if cache_folder is not None:
        rules.cache_builtin(cache_folder, digest, ruleset)
    return ruleset, None


def main() -> int:
    """Write the file into the built-in packs' folder (run from a source checkout)."""
    files = rules.builtin_files()
    target = files[0].parent / FILE
    target.write_bytes(marshal.dumps(build(rules.builtin_packs()), _MARSHAL_VERSION))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
