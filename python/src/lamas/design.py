"""Runs at the rows of a DataFrame of samples: :func:`run_design`, for SALib, the EMA
Workbench or any sampler that makes its own points and analyses its own results."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import polars as pl

from ._values import literal, toml_table
from .run import PathLike
from .sweep import Sweep, sweep


def run_design(
    scenario: PathLike,
    samples: pl.DataFrame,
    replicates: int = 1,
    seed: int = 1,
    metrics: Optional[Sequence[str]] = None,
    set: Optional[Mapping[str, Any]] = None,
    common_seeds: bool = True,
    jobs: Optional[int] = None,
    progress: bool = True,
) -> pl.DataFrame:
    """Runs ``scenario`` at every row of ``samples`` (one column per scenario key path) and
    returns one row per sample, in the samples' order: the samples' columns, then the mean of
    each metric over the ``replicates`` (null where a metric is undefined or every replicate
    failed), and ``failed``, the replicates that failed.

    It is a ``file`` design ([design] kind = "file") swept by the binary, so its seeds, threads
    and results are the CLI's: with ``common_seeds`` every sample sees the same random numbers
    in a given replicate (what paired and variance-based analyses want).
    """
    if samples.height == 0:
        raise ValueError("samples has no rows")
    # The design, its runs and tables live only as long as the call: the result is returned.
    with tempfile.TemporaryDirectory(prefix="lamas-design-") as folder:
        work = Path(folder)
        samples.write_parquet(work / "samples.parquet")
        text = _experiment(scenario, replicates, seed, metrics, set, common_seeds)
        (work / "experiment.toml").write_text(text, encoding="utf-8")
        result = sweep(work / "experiment.toml", jobs=jobs, out=work / "results", progress=progress)
        return _per_sample(result, samples)


def _experiment(
    scenario: PathLike,
    replicates: int,
    seed: int,
    metrics: Optional[Sequence[str]],
    set: Optional[Mapping[str, Any]],
    common_seeds: bool,
) -> str:
    """The text of a `file` design over ``samples.parquet`` beside it."""
    head = [
        'id = "design"',
        f"scenario = {literal(os.path.abspath(os.fspath(scenario)))}",
        f"seed = {int(seed)}",
        f"replicates = {int(replicates)}",
        f"seeds = {literal('common' if common_seeds else 'independent')}",
    ]
    if metrics is not None:
        head.append(f"metrics = {literal(list(metrics))}")
    text = "\n".join(head) + "\n"
    if set:
        text += toml_table("set", set)
    return text + '[design]\nkind = "file"\nfile = "samples.parquet"\n'


def _per_sample(result: Sweep, samples: pl.DataFrame) -> pl.DataFrame:
    """The samples with each metric's mean over replicates and the failed replicates."""
    means = (
        result.summary.select("cell", "metric", "mean")
        .pivot(on="metric", index="cell", values="mean")
        .sort("cell")
    )
    failed = result.failed.group_by("cell").agg(pl.len().cast(pl.UInt32).alias("failed"))
    cells = pl.DataFrame({"cell": pl.arange(0, samples.height, dtype=pl.UInt32, eager=True)})
    out = cells.join(means.with_columns(pl.col("cell").cast(pl.UInt32)), on="cell", how="left")
    out = out.join(failed, on="cell", how="left").with_columns(pl.col("failed").fill_null(0))
    return pl.concat([samples, out.drop("cell")], how="horizontal")
