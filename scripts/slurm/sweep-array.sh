#!/usr/bin/env bash
# One shard of a lamas sweep, as a task of a Slurm job array (see docs/cluster.md).
#
#   sbatch --array=0-15 --export=ALL,EXPERIMENT=experiments/credit-vs-freeriders/experiment.toml \
#          scripts/slurm/sweep-array.sh
#
# Task I of an array 0..N-1 runs shard I/N into $OUT/shard-I/<id>/. A task that is requeued or
# re-submitted resumes: the runs it had finished are kept.
#SBATCH --job-name=lamas-sweep
#SBATCH --cpus-per-task=2
#SBATCH --output=slurm-%x-%A_%a.out
set -euo pipefail
: "${EXPERIMENT:?set EXPERIMENT to the experiment file}"
OUT=${OUT:-results/shards}
LAMAS=${LAMAS:-lamas}
FIRST=${SLURM_ARRAY_TASK_MIN:-0}
if [ "$FIRST" != 0 ]; then
  echo "the array must be numbered from 0 (--array=0-N), not from $FIRST" >&2
  exit 2
fi
I=${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}
N=${SLURM_ARRAY_TASK_COUNT:?not run as a Slurm array task}
exec "$LAMAS" sweep "$EXPERIMENT" --shard "$I/$N" --jobs "${SLURM_CPUS_PER_TASK:-1}" \
  --resume --out "$OUT/shard-$I" ${QUICK:+--quick}
