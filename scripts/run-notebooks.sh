#!/usr/bin/env bash
# Installs the notebooks' pinned Python packages (notebooks/requirements.txt) and the lamas
# package (python/) into a virtual environment and executes every notebook headlessly, in memory: nothing is written back, and a
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
# The lamas package, which the notebooks read results and run designs with (built with cargo's
# `dev` profile, the one `cargo test` builds; LAMAS_PY_PROFILE=release for a release binary).
profile="${LAMAS_PY_PROFILE:-dev}"
build=()
if [ "$profile" != "release" ]; then
  build=(--config-settings "build-args=--profile $profile")
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "${build[@]}" ./python
if [ $# -eq 0 ]; then
  set -- notebooks/*.ipynb
fi
MPLBACKEND=Agg "$venv/bin/python" scripts/run_notebooks.py "$@"
