"""One run of a scenario: :func:`run` and its :class:`Run`."""

from __future__ import annotations

import json
import os
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import polars as pl

from ._binary import call
from ._values import set_flags

PathLike = Union[str, "os.PathLike[str]"]


class Run:
    """The results of one run, read from its output folder :attr:`dir` when first asked for."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory

    @cached_property
    def summary(self) -> dict[str, Optional[float]]:
        """Every metric of the run (``summary.json``); ``None`` where the CLI writes null."""
        return json.loads((self.dir / "summary.json").read_text(encoding="utf-8"))

    @cached_property
    def timeseries(self) -> pl.DataFrame:
        """One row per tick (``timeseries.parquet``)."""
        return pl.read_parquet(self.dir / "timeseries.parquet")

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """Scenario, seed, version and machine of the run (``manifest.json``)."""
        return json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))

    @property
    def report(self) -> Optional[Path]:
        """The run's ``report.html`` (written with ``report=True``), or ``None``."""
        path = self.dir / "report.html"
        return path if path.is_file() else None

    def __repr__(self) -> str:
        return f"Run({str(self.dir)!r})"


def run(
    scenario: PathLike,
    set: Optional[Mapping[str, Any]] = None,
    seed: Optional[int] = None,
    out: Optional[PathLike] = None,
    llm: str = "replay",
    progress: bool = True,
    report: bool = False,
) -> Run:
    """Runs ``scenario`` (a TOML file) once, like ``lamas run``, with a progress bar of its
    ticks (``progress=False``: none).

    ``set`` overrides scenario keys by their dotted paths (``{"tasks.arrival_rate": 2}``);
    ``seed`` replaces the scenario's; the outputs go to ``out`` (default: a new temporary
    folder, kept); ``report=True`` also writes ``report.html`` (:attr:`Run.report`). Raises :class:`lamas.InputError` with every located problem on bad input.
    """
    directory = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="lamas-run-"))
    args = ["run", os.fspath(scenario), "--out", os.fspath(directory), "--llm", llm]
    args += set_flags(set)
    if seed is not None:
        args += ["--seed", str(seed)]
    if report:
        args.append("--report")
    call(args, progress=progress)
    return Run(directory)
