"""Shared fixtures: the repository's root, and the binary the package installed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import lamas

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's root (tests read its scenarios and experiments)."""
    return ROOT


def cli(*args: str) -> subprocess.CompletedProcess:
    """Runs the installed binary directly, as a user of the command line would."""
    return subprocess.run([lamas.binary(), *args], capture_output=True, text=True, cwd=ROOT)
