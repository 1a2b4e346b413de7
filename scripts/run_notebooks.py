"""Executes Jupyter notebooks headlessly with nbclient, in memory, from the notebooks folder.

Fails (exit 1) when a notebook was committed with outputs or execution counts, or when a cell
raises. Used by scripts/run-notebooks.sh and CI.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def committed_outputs(nb) -> list[int]:
    """Indices of code cells that carry outputs or an execution count."""
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def main(paths: list[str]) -> int:
    failed = 0
    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        dirty = committed_outputs(nb)
        if dirty:
            print(f"{path}: committed with outputs in cells {dirty}; clear them before committing")
            failed += 1
            continue
        start = time.time()
        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent.resolve())}},
        )
        try:
            client.execute()
        except CellExecutionError as e:
            print(f"{path}: FAILED\n{e}")
            failed += 1
            continue
        print(f"{path}: ok in {time.time() - start:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
