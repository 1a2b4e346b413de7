#!/usr/bin/env bash
# Joins the shards of a lamas sweep into one results folder (see docs/cluster.md); submit it
# after the array with --dependency=afterok:<array job id>.
#
#   sbatch --dependency=afterok:$ARRAY --export=ALL,ID=credit-vs-freeriders scripts/slurm/merge.sh
#SBATCH --job-name=lamas-merge
#SBATCH --cpus-per-task=1
#SBATCH --output=slurm-%x-%j.out
set -euo pipefail
: "${ID:?set ID to the experiment id}"
OUT=${OUT:-results/shards}
RESULTS=${RESULTS:-results}
LAMAS=${LAMAS:-lamas}
shopt -s nullglob
shards=("$OUT"/shard-*/"$ID"${QUICK:+/quick})
if [ ${#shards[@]} -eq 0 ]; then
  echo "no shards of \`$ID\` in $OUT" >&2
  exit 2
fi
exec "$LAMAS" merge "${shards[@]}" --out "$RESULTS"
