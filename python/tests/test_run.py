"""lamas.run, validate, credit and `python -m lamas` against the command line."""

from __future__ import annotations

import subprocess
import sys

import polars as pl
import pytest

import lamas

from conftest import ROOT, cli


def test_a_run_through_python_equals_the_cli_byte_for_byte(tmp_path):
    scenario = ROOT / "scenarios" / "quickstart.toml"
    run = lamas.run(scenario, set={"ticks": 80, "tasks.arrival_rate": 1.5}, seed=3, out=tmp_path / "py")
    done = cli("run", str(scenario), "--set", "ticks=80", "--set", "tasks.arrival_rate=1.5",
               "--seed", "3", "--out", str(tmp_path / "cli"))
    assert done.returncode == 0, done.stderr
    for name in ["timeseries.parquet", "summary.json"]:
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert run.manifest["seed"] == 3
    assert isinstance(run.timeseries, pl.DataFrame) and run.timeseries.height == 80
    assert all(dt != pl.Object for dt in run.timeseries.dtypes)


def test_report_true_writes_the_report_beside_the_run(tmp_path):
    plain = lamas.run(ROOT / "scenarios" / "tiny.toml", out=tmp_path / "plain", progress=False)
    assert plain.report is None
    run = lamas.run(ROOT / "scenarios" / "tiny.toml", out=tmp_path / "r", report=True,
                    progress=False)
    assert run.report == tmp_path / "r" / "report.html"
    html = run.report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '"kind":"run"' in html


def test_a_summary_has_none_where_the_cli_writes_null(capsys):
    run = lamas.run(ROOT / "scenarios" / "quickstart.toml", set={"ticks": 30})
    # The binary's progress becomes a tqdm bar of its ticks.
    assert "30/30" in capsys.readouterr().err
    assert 0.0 <= run.summary["task_success_rate"] <= 1.0
    # The quick-start team has no privacy tasks: their metrics are null in summary.json.
    assert run.summary["private_success_rate"] is None


def test_bad_input_raises_input_error_with_located_problems(tmp_path):
    bad = ROOT / "tests" / "data" / "invalid-experiments" / "design-malformed-range.toml"
    with pytest.raises(lamas.InputError) as e:
        lamas.validate(bad)
    (p,) = e.value.problems
    assert (p.line, p.column) == (8, 33)
    assert p.file.endswith("design-malformed-range.toml")
    assert p.key == 'design.parameters."tasks.reward"' and "low ≤ high" in p.message
    with pytest.raises(lamas.InputError) as e:
        lamas.run(ROOT / "scenarios" / "quickstart.toml", set={"tasks.rewrd": 2}, out=tmp_path / "x")
    assert any("rewrd" in q.message or (q.key and "rewrd" in q.key) for q in e.value.problems)
    assert not (tmp_path / "x" / "summary.json").exists()
    with pytest.raises(lamas.InputError) as e:
        lamas.run(tmp_path / "missing.toml")
    assert e.value.problems[0].file.endswith("missing.toml")
    assert "valid experiment" in lamas.validate(ROOT / "experiments" / "credit-vs-freeriders" / "experiment.toml")


def test_credit_gives_one_typed_row_per_player():
    game = {"kind": "weighted_voting", "players": ["a", "b", "c"], "quota": 3, "weights": [2, 1, 1]}
    df = lamas.credit(game, mechanisms=["shapley", "banzhaf", "loo"])
    assert df["player"].to_list() == ["a", "b", "c"]
    assert df.schema["loo"] == pl.Float64 and df.schema["shapley"] == pl.Float64
    assert df["shapley"].to_list() == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    with pytest.raises(lamas.InputError) as e:
        lamas.credit({"kind": "weighted_voting", "quota": 3, "weights": [2, 1, 1]})
    assert any("players" in p.message for p in e.value.problems)


def test_python_dash_m_lamas_works_like_the_binary():
    out = subprocess.run([sys.executable, "-m", "lamas", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"lamas {lamas.version()}"
    bad = subprocess.run([sys.executable, "-m", "lamas", "validate", "nope.toml"], capture_output=True, text=True)
    assert bad.returncode == 2
