"""lamas from Python: runs, sweeps and designs of the lamas simulation testbed, as polars
DataFrames.

The ``lamas`` binary is the one engine: every function here calls it (installed beside this
package by ``pip install ./python``) and reads the files it writes, so results through Python
are the command line's, byte for byte. Bad input raises :class:`InputError` with every problem
located (file, line, column, key path); long work shows a ``tqdm`` progress bar; Ctrl-C stops
the binary cleanly.

>>> import lamas
>>> lamas.run("scenarios/quickstart.toml").summary["task_success_rate"]  # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional

from ._binary import binary, call
from ._errors import InputError, LamasError, Problem, RunError
from ._values import set_flags
from .credit import credit
from .design import run_design
from .run import PathLike, Run, run
from .sweep import Sweep, sweep

__all__ = [
    "InputError",
    "LamasError",
    "Problem",
    "Run",
    "RunError",
    "Sweep",
    "binary",
    "credit",
    "run",
    "run_design",
    "sweep",
    "validate",
    "version",
]


def validate(file: PathLike, set: Optional[Mapping[str, Any]] = None) -> str:
    """Checks a scenario or experiment file like ``lamas validate``; returns what it says of a
    valid file, and raises :class:`InputError` with every located problem otherwise."""
    return call(["validate", os.fspath(file), *set_flags(set)]).strip()


def version() -> str:
    """The version of the lamas binary."""
    return call(["--version"]).strip().split()[-1]
