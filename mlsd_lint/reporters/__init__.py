"""Output formats: one module per format, each exposing `render(report) -> str`.

Modules are imported only when their format is asked for, to keep start-up fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import import_module
from typing import Callable

from ..engine import FileResult
from ..rules import RuleSet

FORMATS = ("text", "json", "coverage", "sarif", "github", "markdown", "junit")


@dataclass(frozen=True)
class Report:
    """What a reporter renders: every file's result and the rules they were checked with."""

    results: tuple[FileResult, ...]
    ruleset: RuleSet
    quiet: bool = False
    show_evidence: bool = False
    show_suppressed: bool = False


def relative_path(path: str) -> str:
    """The path as given, with forward slashes; made relative when it is under the working directory."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive on Windows: no relative form exists
            relative = path
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            path = relative
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def renderer(name: str) -> Callable[[Report], str]:
    if name not in FORMATS:
        raise ValueError(f"unknown format '{name}'")
    return import_module(f"{__name__}.{name}_format").render