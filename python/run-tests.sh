#!/usr/bin/env bash
# Installs the Python package as a user would (`pip install ./python`) into a virtual environment
# and runs its tests with pytest.
#   bash python/run-tests.sh
# The binary is built with cargo's `dev` profile (the one `cargo test` builds, so nothing is
# compiled twice); LAMAS_PY_PROFILE=release builds it as a plain `pip install ./python` does.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PYTHON_VENV:-target/python-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
venv="$(realpath "$venv")"
profile="${LAMAS_PY_PROFILE:-dev}"
args=()
if [ "$profile" != "release" ]; then
  args=(--config-settings "build-args=--profile $profile")
fi
# The package's dependencies (pyproject.toml) and pytest, then the package itself, rebuilt.
"$venv/bin/pip" install --quiet --disable-pip-version-check "polars>=1.0" "tqdm>=4.60" "pytest>=7"
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "${args[@]}" ./python
cd python
"$venv/bin/python" -m pytest -q tests "$@"
