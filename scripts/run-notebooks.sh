#!/usr/bin/env bash
# Installs the notebooks' pinned Python packages (notebooks/requirements.txt) into a virtual
# environment and executes every notebook headlessly, in memory: nothing is written back, and a
# notebook committed with outputs, or whose execution fails, fails the script.
#   bash scripts/run-notebooks.sh            # all notebooks
#   bash scripts/run-notebooks.sh notebooks/privacy.ipynb
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${NOTEBOOK_VENV:-target/notebooks-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r notebooks/requirements.txt
if [ $# -eq 0 ]; then
  set -- notebooks/*.ipynb
fi
MPLBACKEND=Agg "$venv/bin/python" scripts/run_notebooks.py "$@"
