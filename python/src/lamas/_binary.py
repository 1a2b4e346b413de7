"""Where the lamas binary is, and how it is called.

The binary is found, in order: at ``$LAMAS_BINARY``; in this Python environment's scripts
folder, where ``pip install`` puts it; beside the interpreter; on ``PATH``. Calls stream the
binary's JSON progress lines into a ``tqdm.auto`` bar (in notebooks and terminals alike), and
Ctrl-C (``KeyboardInterrupt``) stops the binary — a sweep's finished runs stay on disk, so
``resume=True`` continues it — before the interrupt is raised again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path
from typing import Optional, Sequence

from ._errors import LamasError, from_stderr

NAME = "lamas.exe" if os.name == "nt" else "lamas"


def binary() -> str:
    """The path of the lamas binary; ``FileNotFoundError`` says where it was looked for."""
    env = os.environ.get("LAMAS_BINARY")
    candidates = [env] if env else []
    candidates += [
        os.path.join(sysconfig.get_path("scripts"), NAME),
        os.path.join(os.path.dirname(sys.executable), NAME),
        shutil.which(NAME),
    ]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise FileNotFoundError(
        "the lamas binary was not found (looked at $LAMAS_BINARY, this environment's scripts "
        "folder and PATH); install the package with `pip install ./python` from the repository"
    )


class _Progress:
    """A tqdm bar fed by the binary's JSON progress lines."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None

    def update(self, report: dict) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=report["total"], desc=report["label"], unit=report["unit"][:-1] or "it")
        self.bar.n = report["done"]
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def call(args: Sequence[str], progress: bool = False, cwd: Optional[Path] = None) -> str:
    """Runs ``lamas ARGS`` and returns its standard output.

    Raises :class:`InputError` (exit code 2) or :class:`RunError` (exit code 1).
    """
    out, code, err = call_status(args, progress=progress, cwd=cwd)
    if code != 0:
        raise err
    return out


def call_status(
    args: Sequence[str], progress: bool = False, cwd: Optional[Path] = None
) -> tuple[str, int, Optional[LamasError]]:
    """Runs ``lamas ARGS``: its standard output, exit code and error (``None`` on success)."""
    command = [binary(), "--error-format", "json", "--progress", "json" if progress else "none", *args]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=cwd,
    )
    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True)
    reader.start()
    bar = _Progress(progress)
    lines: list[str] = []
    try:
        for line in proc.stderr:
            line = line.rstrip("\n")
            if line.startswith('{"progress"'):
                try:
                    bar.update(json.loads(line)["progress"])
                    continue
                except (json.JSONDecodeError, KeyError):
                    pass
            lines.append(line)
        code = proc.wait()
    except KeyboardInterrupt:
        _stop(proc)
        raise
    finally:
        bar.close()
    reader.join()
    out = "".join(chunks)
    return out, code, (None if code == 0 else from_stderr(code, lines))


def _stop(proc: subprocess.Popen) -> None:
    """Stops the binary: terminate, then kill if it does not end within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
