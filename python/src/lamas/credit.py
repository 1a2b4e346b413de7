"""Allocations of a cooperative game by credit mechanisms: :func:`credit`."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import polars as pl

from ._binary import call
from .run import PathLike


def credit(
    game: Union[Mapping[str, Any], PathLike],
    mechanisms: Optional[Sequence[str]] = None,
    samples: int = 1000,
    seed: int = 1,
) -> pl.DataFrame:
    """Each player's allocation by each mechanism, like ``lamas credit --format csv``.

    ``game`` is a game file (TOML or JSON) or a dict in the same form, e.g.
    ``{"kind": "weighted_voting", "players": ["a", "b", "c"], "quota": 3, "weights": [2, 1, 1]}``.
    One row per player; one column per mechanism (default: every one that applies), sampled ones
    with their standard error. Raises :class:`lamas.InputError` for a bad game.
    """
    options = ["--format", "csv", "--samples", str(samples), "--seed", str(seed)]
    for m in mechanisms or []:
        options += ["--mechanism", m]
    if isinstance(game, Mapping):
        with tempfile.TemporaryDirectory(prefix="lamas-game-") as folder:
            path = Path(folder) / "game.json"
            path.write_text(json.dumps(dict(game)), encoding="utf-8")
            text = call(["credit", os.fspath(path), *options])
    else:
        text = call(["credit", os.fspath(game), *options])
    frame = pl.read_csv(io.StringIO(text), schema_overrides={"player": pl.String})
    # Every allocation is a number, whatever the CSV's digits look like ("1" or "0.5").
    return frame.with_columns(pl.exclude("player").cast(pl.Float64))
