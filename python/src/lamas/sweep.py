"""Sweeps of an experiment: :func:`sweep` and its :class:`Sweep`."""

from __future__ import annotations

import json
import os
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

import polars as pl

from ._binary import call_status
from ._errors import RunError
from .run import PathLike


class Sweep:
    """The results of a sweep, read from its results folder :attr:`dir` when first asked for.

    Runs that failed do not stop the others: they are rows of :attr:`runs` with ``status``
    ``"failed"`` and their ``error``, and are listed in :attr:`failed`.
    """

    def __init__(self, directory: Path) -> None:
        self.dir = directory

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """The sweep's manifest: experiment, hashes, every seed, failed runs, machine."""
        return json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))

    @cached_property
    def failed(self) -> pl.DataFrame:
        """The failed runs: ``cell``, ``replicate``, ``seed``, ``error``."""
        schema = {"cell": pl.UInt32, "replicate": pl.UInt32, "seed": pl.UInt64, "error": pl.String}
        return pl.DataFrame(self.manifest.get("failed", []), schema=schema)

    @cached_property
    def runs(self) -> pl.DataFrame:
        """One row per run (``runs.parquet``) with ``status``, then a row per failed run."""
        ok = pl.read_parquet(self.dir / "runs.parquet").with_columns(
            pl.lit("ok").alias("status"), pl.lit(None, dtype=pl.String).alias("error")
        )
        if self.failed.height == 0:
            return ok
        failed = self.failed.with_columns(pl.lit("failed").alias("status"))
        params = _cell_params(self.manifest)
        failed = failed.join(params, on="cell", how="left") if params is not None else failed
        return pl.concat([ok, failed], how="diagonal_relaxed").sort("cell", "replicate")

    @cached_property
    def summary(self) -> pl.DataFrame:
        """Per cell and metric: ``n``, ``mean``, ``sd`` and the 95% interval."""
        return pl.read_parquet(self.dir / "summary.parquet")

    @cached_property
    def sensitivity(self) -> Optional[pl.DataFrame]:
        """The sensitivity indices of a design (``sensitivity.csv``), else ``None``."""
        path = self.dir / "sensitivity.csv"
        if not path.exists():
            return None
        return pl.read_csv(path, schema_overrides={"estimate": pl.Float64, "ci95_lo": pl.Float64, "ci95_hi": pl.Float64})

    @property
    def plots(self) -> list[Path]:
        """The plots' files (PNG and SVG)."""
        return sorted((self.dir / "plots").glob("*.*")) if (self.dir / "plots").exists() else []

    @property
    def report(self) -> Optional[Path]:
        """The sweep's ``report.html`` (written with ``report=True``), or ``None``."""
        path = self.dir / "report.html"
        return path if path.is_file() else None

    def __repr__(self) -> str:
        return f"Sweep({str(self.dir)!r})"


def _cell_params(manifest: dict[str, Any]) -> Optional[pl.DataFrame]:
    """The swept values of each cell, from the manifest, one column per key path."""
    cells = manifest.get("cells")
    if not isinstance(cells, list) or not cells:
        return None
    rows = []
    for c in cells:
        row = {"cell": c.get("cell")}
        row.update(c.get("params", {}))
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None).with_columns(pl.col("cell").cast(pl.UInt32))


def sweep(
    experiment: PathLike,
    jobs: Optional[int] = None,
    quick: bool = False,
    resume: bool = False,
    out: Optional[PathLike] = None,
    progress: bool = True,
    report: bool = False,
) -> Sweep:
    """Sweeps ``experiment`` (a TOML file) like ``lamas sweep``, with a progress bar.

    Results go to ``out/<id>`` (default ``results/<id>`` under the working folder; ``/quick``
    for ``quick``); ``report=True`` also writes ``report.html`` (:attr:`Sweep.report`). Raises :class:`lamas.InputError` on bad input; failed runs are rows of
    :attr:`Sweep.runs`, not exceptions.
    """
    args = ["sweep", os.fspath(experiment)]
    if out is not None:
        args += ["--out", os.fspath(out)]
    if jobs is not None:
        args += ["--jobs", str(jobs)]
    if quick:
        args.append("--quick")
    if resume:
        args.append("--resume")
    if report:
        args.append("--report")
    stdout, code, error = call_status(args, progress=progress)
    found = re.search(r"^wrote (.*)/\{", stdout, re.MULTILINE)
    if code != 0 and (code == 2 or found is None):
        raise error if error is not None else RunError(f"lamas sweep exited with code {code}")
    if found is None:
        raise RunError(f"lamas sweep wrote no results: {stdout.strip()}")
    return Sweep(Path(found.group(1)))
