#!/usr/bin/env bash
# The reports in a real browser: installs Debian's chromium and chromium-driver if missing,
# writes the reports of a few runs and quick sweeps with the given lamas binary (and takes the
# committed reports of every canonical experiment), then loads each in headless Chromium with
# the network off and checks it (scripts/browser_test.py). Screenshots go to
# target/browser-test/shots/.
#   bash scripts/browser-test.sh [path/to/lamas]      (default: target/debug/lamas)
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
lamas="${1:-target/debug/lamas}"
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver > /dev/null
fi
# polars reads the time series the expected marks are counted from (pinned as the notebooks').
venv="target/browser-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  $(grep -E '^polars(-runtime-32)?==' notebooks/requirements.txt)
work="target/browser-test"
rm -rf "$work"
mkdir -p "$work"
quiet=(--progress none)
"$lamas" run scenarios/quickstart.toml --out "$work/quickstart" --report "${quiet[@]}" > /dev/null
"$lamas" run scenarios/resilience.toml --out "$work/resilience" --report "${quiet[@]}" > /dev/null
"$lamas" run scenarios/privacy.toml --out "$work/privacy" --report "${quiet[@]}" > /dev/null
"$lamas" run scenarios/market.toml --set ticks=5000 --out "$work/market-long" --report "${quiet[@]}" > /dev/null
for id in credit-vs-freeriders freeriding-evolution what-drives-freeriding; do
  "$lamas" sweep "experiments/$id/experiment.toml" --quick --out "$work/sweeps" --report "${quiet[@]}" > /dev/null
done
# A sweep whose runs fail: the report lists them (the sweep itself exits 1).
"$lamas" sweep tests/data/experiments/failing.toml --out "$work/sweeps" --report "${quiet[@]}" > /dev/null 2>&1 || true
dirs=("$work"/quickstart "$work"/resilience "$work"/privacy "$work"/market-long
      "$work"/sweeps/*/quick "$work"/sweeps/failing*)
for r in results/*/report.html results/*/quick/report.html; do
  dirs+=("$(dirname "$r")")
done
"$venv/bin/python" scripts/browser_test.py --shots "$work/shots" "${dirs[@]}"
