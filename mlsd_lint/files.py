"""The one place that finds and reads input files."""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Callable

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


class InputError(Exception):
    """A path that cannot be linted; the message names the path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def expand(paths: list[str], accept: Callable[[str], bool] = lambda _: True) -> tuple[list[str], list[InputError]]:
    """Files to lint, in order: files as given, directories walked for markdown, sorted.

    `accept` filters files found by walking a directory (include/exclude settings);
    files named explicitly are always linted. Files git ignores are skipped too.
    """
    files: list[str] = []
    errors: list[InputError] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            files.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            found = [f for f in _not_git_ignored(_walk(path), path) if accept(f)]
            if not found:
                errors.append(InputError(raw, "no markdown files found in this directory"))
            for file in found:
                if file not in seen:
                    seen.add(file)
                    files.append(file)
        elif path.exists() or path.is_symlink():
            if raw not in seen:
                seen.add(raw)
                files.append(raw)
        else:
            errors.append(InputError(raw, "no such file or directory"))
    return files, errors


def _walk(root: Path) -> list[str]:
    out: list[str] = []
    visited: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            stat = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in visited:  # a symlink loop: walk each real directory once
            dirnames[:] = []
            continue
        visited.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.lower().endswith(MARKDOWN_SUFFIXES):
                out.append(os.path.join(dirpath, name))
    return sorted(out)


def _not_git_ignored(files: list[str], root: Path) -> list[str]:
    """Drop files git ignores, when `root` is inside a git work tree and git exists."""
    if not files:
        return files
    import subprocess  # only folder walks need it

    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "--stdin", "-z"],
            input="\0".join(os.path.abspath(f) for f in files).encode(),
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return files
    if proc.returncode not in (0, 1):  # 128: not a git repository
        return files
    ignored = {p for p in proc.stdout.decode(errors="replace").split("\0") if p}
    return [f for f in files if os.path.abspath(f) not in ignored]


def decode(data: bytes, path: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM) or BOM-marked UTF-16/32; else a clear error."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as err:
                raise InputError(path, f"not valid {encoding.upper()} ({err.reason})") from None
    if b"\x00" in data[:8192]:
        raise InputError(path, "looks like a binary file, not markdown")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(path, f"line {line}: not valid UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8") from None


DEFAULT_MAX_BYTES = 32_000_000


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The raw bytes of one file, or an InputError naming it."""
    try:
        if os.path.isdir(path):
            raise InputError(path, "is a directory")
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise InputError(path, f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit (raise it with --max-file-size)")
            return handle.read()
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror or err})") from None
