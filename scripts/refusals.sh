#!/usr/bin/env bash
# The inputs of issue 16's item 3 (accepted values that used to exhaust memory or run for hours),
# each given to lamas under /usr/bin/time -v: exit code, wall time, peak resident memory, and the
# first line of the message. Prints a Markdown table.
#
#   cargo build --locked && bash scripts/refusals.sh [path/to/lamas]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-target/debug/lamas}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
def toml(name, kind, players, **lists):
    with open(f"{t}/{name}", "w") as f:
        f.write(f'kind = "{kind}"\nplayers = {json.dumps(players)}\n')
        for k, v in lists.items():
            f.write(f"{k} = {json.dumps(v)}\n")
n = 10**6
p = [f"p{i}" for i in range(n)]
toml("voting-1e6.toml", "weighted_voting", p, weights=[1] * n, quota=n // 2 + 1)
toml("airport-1e6.toml", "airport", p, costs=list(range(1, n + 1)))
toml("bankruptcy-1e6.toml", "bankruptcy", p, claims=[1] * n, estate=n / 2)
p = [f"p{i}" for i in range(1000)]
toml("table-1000.toml", "table", p, default=0.0)
p = [f"p{i}" for i in range(28)]
toml("table-28.toml", "table", p, default=1.0)
PY

row() {
  local label=$1
  shift
  /usr/bin/time -v -o "$T/time" "$B" "$@" >/dev/null 2>"$T/err" || true
  local code secs kb msg
  code=$(sed -n 's/.*Exit status: //p' "$T/time")
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time")
  kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time")
  msg=$(grep -m1 -E '× .*(needs|larger|more than|players)' "$T/err" | sed 's/^ *× //' | cut -c1-140 || true)
  printf '| %s | %s | %s | %s MB | %s |\n' "$label" "$code" "$secs" "$((kb / 1024))" "$msg"
}

echo "| input | exit | wall | peak RSS | message |"
echo "|---|---|---|---|---|"
row "population count = 9999998, ticks = 1" validate scenarios/tiny.toml --set 'population[0].count=9999998' --set ticks=1
row "the same, lamas run" run scenarios/tiny.toml --set 'population[0].count=9999998' --set ticks=1 --out "$T/out"
row "tasks.arrival_rate = 1000000" validate scenarios/tiny.toml --set tasks.arrival_rate=1000000
row "tasks.arrival_rate = 1000000, --max-memory 4G" validate scenarios/tiny.toml --set tasks.arrival_rate=1000000 --max-memory 4G
row "adaptation.entry_rate = 1000000, every = 1" validate scenarios/market.toml --set adaptation.entry_rate=1000000 --set adaptation.every=1
row "ticks = 4294967295" validate scenarios/tiny.toml --set ticks=4294967295
row "a grid of 10^8 cells, validate" validate tests/data/invalid-experiments/too-many-cells.toml
row "a grid of 10^8 cells, sweep" sweep tests/data/invalid-experiments/too-many-cells.toml --out "$T/out"
row "validate /dev/zero" validate /dev/zero
row "weighted voting, 10^6 players" credit "$T/voting-1e6.toml"
row "airport, 10^6 players" credit "$T/airport-1e6.toml"
row "bankruptcy, 10^6 players" credit "$T/bankruptcy-1e6.toml"
row "1,000 players, exact shapley" credit "$T/table-1000.toml" --mechanism shapley
row "200-member council, exact power (fixture)" credit tests/data/invalid-games/exact-power-too-costly.toml
row "--samples 4294967295" credit scenarios/games/glove.toml --samples 4294967295
row "exact 28-player table, every mechanism" credit "$T/table-28.toml"
row "exact 28-player table, shapley alone (runs)" credit "$T/table-28.toml" --mechanism shapley
