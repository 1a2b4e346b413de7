"""Python values as the binary's ``--set KEY=VALUE`` and TOML text."""

from __future__ import annotations

import json
from typing import Any, Mapping


def literal(value: Any) -> str:
    """``value`` as a TOML literal: booleans, integers, floats, strings, lists of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value} cannot set a scenario key")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"a value of type {type(value).__name__} cannot set a scenario key")


def set_flags(overrides: Mapping[str, Any] | None) -> list[str]:
    """``--set KEY=VALUE`` flags for ``overrides`` (key paths to values), in order."""
    flags: list[str] = []
    for key, value in (overrides or {}).items():
        flags += ["--set", f"{key}={literal(value)}"]
    return flags


def toml_table(name: str, entries: Mapping[str, Any]) -> str:
    """A TOML table ``[name]`` of quoted key paths."""
    lines = [f"[{name}]"]
    lines += [f"{json.dumps(k)} = {literal(v)}" for k, v in entries.items()]
    return "\n".join(lines) + "\n"
