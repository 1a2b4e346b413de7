#!/usr/bin/env bash
# Integration test on a real Slurm: installs Debian's Slurm and MUNGE if they are missing, starts
# a single-node cluster on localhost (its own MUNGE socket, ports, state and logs, all in a
# temporary folder), submits a sweep as a job array of 4 shards with scripts/slurm/sweep-array.sh
# and the merge with scripts/slurm/merge.sh (afterok), and checks that the merged tables equal a
# single-machine sweep byte for byte. The daemons it started are stopped by pid, whatever happens.
#
# Needs root (to install packages and run the daemons). Usage: bash tests/slurm/run.sh [LAMAS_BIN]
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
LAMAS=$(realpath "${1:-target/debug/lamas}")
EXPERIMENT=tests/data/experiments/small.toml
ID=small
SHARDS=4

say() { echo "slurm-test: $*"; }
fail() { echo "slurm-test: FAILED: $*" >&2; exit 1; }
[ -x "$LAMAS" ] || fail "no lamas binary at $LAMAS (build it first: cargo build --locked)"
[ "$(id -u)" = 0 ] || fail "needs root to install Slurm and run its daemons"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
   || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld, slurmd, slurm-client and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends \
           slurmctld slurmd slurm-client munge >/dev/null; }
fi

W=$(mktemp -d /tmp/lamas-slurm.XXXXXX)
chmod 755 "$W"
pids=()
cleanup() {
  for f in "$W"/slurmd.pid "$W"/slurmctld.pid "$W"/munged.pid; do
    if [ -s "$f" ]; then
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  if [ "${KEEP:-0}" = 1 ]; then say "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

# MUNGE, on its own socket.
mkdir -p "$W/munge"
chown munge:munge "$W/munge" 2>/dev/null || true
dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$W/munge/munge.key" 2>/dev/null || true
chmod 400 "$W/munge/munge.key"
MUNGE_ARGS=(--key-file="$W/munge/munge.key" --socket="$W/munge/munge.sock"
  --pid-file="$W/munged.pid" --log-file="$W/munge/munged.log" --seed-file="$W/munge/seed")
if id munge >/dev/null 2>&1; then
  touch "$W/munged.pid"; chown munge:munge "$W/munged.pid"
  runuser -u munge -- munged "${MUNGE_ARGS[@]}"
else
  munged --force "${MUNGE_ARGS[@]}"
fi

# A one-node cluster: this machine, as `localhost`, on ports of its own.
CPUS=$(nproc)
mkdir -p "$W/state" "$W/spool"
cat > "$W/slurm.conf" <<CONF
ClusterName=lamasci
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$W/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/slurmctld.log
SlurmdLogFile=$W/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$W/slurm.conf"
slurmctld -c -f "$SLURM_CONF"
slurmd -N localhost -f "$SLURM_CONF"
for _ in $(seq 100); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  sleep 0.3
done
[ "$state" = idle ] || { tail -20 "$W/slurmctld.log" "$W/slurmd.log" >&2 || true; fail "the node did not come up (state: ${state:-none})"; }
say "cluster up: $(sinfo -h -o '%P %D %t %c')"

# The sweep as a job array of shards, then the merge once every shard succeeded.
export LAMAS EXPERIMENT ID OUT="$W/shards" RESULTS="$W/merged"
array=$(sbatch --parsable --array=0-$((SHARDS - 1)) --cpus-per-task=1 --chdir="$REPO" \
  --output="$W/sweep-%a.out" --export=ALL scripts/slurm/sweep-array.sh)
say "submitted array job $array ($SHARDS shards)"
if ! sbatch --wait --parsable --dependency=afterok:"$array" --chdir="$REPO" \
     --output="$W/merge.out" --export=ALL scripts/slurm/merge.sh >/dev/null; then
  cat "$W"/sweep-*.out "$W/merge.out" >&2 2>/dev/null || true
  fail "the merge job did not succeed"
fi
for i in $(seq 0 $((SHARDS - 1))); do
  grep -q "shard $i/$SHARDS" "$W/sweep-$i.out" || fail "array task $i did not run shard $i/$SHARDS"
done
say "array and merge done: $(grep -h 'runs finished' "$W/merge.out")"

# The same sweep on one machine.
"$LAMAS" sweep "$EXPERIMENT" --jobs 2 --out "$W/single" >/dev/null 2>&1
for f in runs.parquet summary.csv summary.parquet timeseries.parquet; do
  cmp "$W/single/$ID/$f" "$W/merged/$ID/$f" || fail "$f of the merged shards differs from a single-machine sweep"
done
grep -q '"kind": "merge"' "$W/merged/$ID/manifest.json" || fail "the merged manifest is not a merge's"
say "passed: the merged tables of $SHARDS Slurm array tasks equal a single-machine sweep"
