"""The errors of the lamas binary, as Python exceptions.

The binary is always called with ``--error-format json``: on bad input (exit code 2) it writes
one JSON line listing every problem with its file, line, column, key path, message and help,
which becomes an :class:`InputError`; a failed run (exit code 1) becomes a :class:`RunError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Problem:
    """One problem of an input file: where it is and what is wrong."""

    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    key: Optional[str]
    message: str
    help: Optional[str] = None

    def __str__(self) -> str:
        place = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        where = f"{place}: " if place else ""
        key = f"{self.key}: " if self.key else ""
        text = f"{where}{key}{self.message}"
        return f"{text} (help: {self.help})" if self.help else text


class LamasError(Exception):
    """Anything the lamas binary reported as an error."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.message = message
        self.problems = problems or []
        super().__init__(self._text())

    def _text(self) -> str:
        if not self.problems:
            return self.message
        return "\n".join([self.message] + [f"  - {p}" for p in self.problems])


class InputError(LamasError):
    """Bad input (exit code 2): :attr:`problems` lists each problem, located."""


class RunError(LamasError):
    """A run or a check failed (exit code 1)."""


def from_stderr(code: int, lines: list[str]) -> LamasError:
    """The exception for a failed call with exit ``code`` and these stderr ``lines``."""
    for line in reversed(lines):
        if line.startswith('{"error"'):
            try:
                report = json.loads(line)
            except json.JSONDecodeError:
                continue
            problems = [Problem(**p) for p in report.get("problems", [])]
            kind = InputError if report.get("error") == "input" else RunError
            return kind(report.get("message", ""), problems)
    text = "\n".join(lines).strip() or f"lamas exited with code {code}"
    return InputError(text) if code == 2 else RunError(text)
