"""lamas.sweep and run_design against the command line; failed runs; Ctrl-C and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import polars as pl
import pytest

import lamas

from conftest import ROOT, cli

EXPERIMENTS = ROOT / "tests" / "data" / "experiments"


def test_a_sweep_through_python_equals_the_cli_and_is_typed(tmp_path):
    sweep = lamas.sweep(EXPERIMENTS / "small.toml", out=tmp_path / "py", jobs=2)
    done = cli("sweep", str(EXPERIMENTS / "small.toml"), "--out", str(tmp_path / "cli"))
    assert done.returncode == 0, done.stderr
    for name in ["runs.parquet", "summary.csv", "summary.parquet"]:
        assert (sweep.dir / name).read_bytes() == (tmp_path / "cli" / "small" / name).read_bytes(), name
    assert sweep.runs.height == 24 and set(sweep.runs["status"]) == {"ok"}
    assert sweep.summary.schema["mean"] == pl.Float64
    for frame in (sweep.runs, sweep.summary):
        assert all(dt != pl.Object for dt in frame.dtypes)
    assert sweep.sensitivity is None
    assert any(p.suffix == ".png" for p in sweep.plots)


def test_a_design_sweep_has_its_sensitivity_indices(tmp_path):
    sweep = lamas.sweep(EXPERIMENTS / "design-morris.toml", out=tmp_path)
    s = sweep.sensitivity
    assert s is not None and s.height == 18
    assert set(s["index"]) == {"mu_star", "mu", "sigma"}
    assert s.schema["estimate"] == pl.Float64


def test_a_failed_run_is_a_row_not_an_exception(tmp_path):
    sweep = lamas.sweep(EXPERIMENTS / "failing.toml", out=tmp_path)
    failed = sweep.runs.filter(pl.col("status") == "failed")
    assert failed.height == sweep.failed.height > 0
    assert failed["error"].str.contains("deliberate failure").all()
    # A failed row names its cell's swept values like the others.
    assert failed["debug.panic_at_tick"].to_list() == [5] * failed.height
    assert sweep.runs.filter(pl.col("status") == "ok").height > 0


def test_run_design_gives_one_row_per_sample_in_order_as_the_cli_file_design(tmp_path):
    samples = pl.DataFrame(
        {
            "credit.mechanism": ["loo", "equal", "shapley"],
            "tasks.reward": [12.5, 7.0, 10.0],
            "population.shirkers.count": [1, 0, 3],
        }
    )
    got = lamas.run_design(
        ROOT / "scenarios" / "tiny.toml", samples, replicates=2, seed=8, metrics=["welfare"],
        set={"ticks": 20}, common_seeds=False,
    )
    assert got.columns == [*samples.columns, "welfare", "failed"]
    assert got.select(samples.columns).equals(samples)
    # The same samples as a `file` design swept by the CLI give the same means.
    sweep = lamas.sweep(EXPERIMENTS / "design-file.toml", out=tmp_path)
    want = sweep.summary.filter(pl.col("metric") == "welfare").sort("cell")["mean"].to_list()
    assert got["welfare"].to_list() == want
    assert got["failed"].to_list() == [0, 0, 0]


def test_ctrl_c_stops_the_binary_and_resume_finishes_the_same_tables(tmp_path):
    slow = EXPERIMENTS / "slow.toml"
    script = f"import lamas; lamas.sweep({str(slow)!r}, out={str(tmp_path / 'stopped')!r}, jobs=1)"
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
    runs = tmp_path / "stopped" / "slow" / "runs"
    started = time.time()
    while time.time() - started < 120:
        if runs.exists() and len([p for p in runs.iterdir() if p.name.startswith("c")]) >= 2:
            break
        time.sleep(0.01)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode != 0 and "KeyboardInterrupt" in err
    done = len([p for p in runs.iterdir() if p.name.startswith("c") and p.suffix == ".json"])
    assert 2 <= done < 24
    # No binary of the stopped sweep is left running.
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path / "stopped") not in ps
    resumed = lamas.sweep(slow, out=tmp_path / "stopped", resume=True)
    whole = lamas.sweep(slow, out=tmp_path / "whole")
    assert (resumed.dir / "runs.parquet").read_bytes() == (whole.dir / "runs.parquet").read_bytes()
    assert resumed.manifest["runs_kept"] == done
