"""lamas side by side with the same rules as a plain Rust loop and as a Mesa 3 model.

The yardstick of README.md's performance table, reproducible from a clone:

1. builds `lamas` and the plain loop (`handloop.rs`, the crate's example `handloop`) in release;
2. installs Mesa (pinned in `requirements.txt`) into `target/yardstick-venv`;
3. checks that the three agree: each statistic's mean over seeds 1..S from lamas, the loop and
   Mesa, and each port's difference from lamas in standard errors (|z| above 4 fails);
4. times them: for each N, whole-process CPU seconds (the kernel's accounting of the finished
   child, from wait4) of a long run and of a one-tick run of each, interleaved (lamas, loop,
   Mesa, then the one-tick runs) PAIRS times; start-up (the one-tick run) is subtracted, and the
   pace is N × (T − 1) agent-steps over the difference; the median of the pairs is shown.

Usage: python3 benches/yardstick/side_by_side.py [--agents 1000,10000,100000] [--pairs 3]
       [--seeds 8] [--equiv-agents 1000] [--equiv-ticks 300] [--no-mesa] [--json OUT]

The machines are shared and noisy: compare ratios from one sitting, never absolute times from
different ones.
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(ROOT, "target", "yardstick-venv")
LAMAS = os.path.join(ROOT, "target", "release", "lamas")
LOOP = os.path.join(ROOT, "target", "release", "examples", "handloop")
TEAM = os.path.join(HERE, "team.toml")
STATS = ["task_success_rate", "tasks_completed_per_tick", "messages_per_task",
         "subtask_accuracy", "mean_latency_ticks", "payoff_mean_honest"]


def build():
    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "lamas",
                    "--example", "handloop"], cwd=ROOT, check=True)


def mesa_python():
    python = os.path.join(VENV, "bin", "python")
    stamp = os.path.join(VENV, "requirements.txt")
    wanted = open(os.path.join(HERE, "requirements.txt")).read()
    if not (os.path.exists(stamp) and open(stamp).read() == wanted):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "-r",
                        os.path.join(HERE, "requirements.txt")], check=True)
        with open(stamp, "w") as f:
            f.write(wanted)
    return python


def commands(n, ticks, seed, python, names=("lamas", "loop", "mesa")):
    """The command lines of the implementations in `names` for N agents, TICKS ticks and SEED,
    each with its output folder (lamas's, a new temporary one the caller removes)."""
    cmds = {}
    if "lamas" in names:
        out = tempfile.mkdtemp(prefix="yardstick-lamas-")
        cmds["lamas"] = ([LAMAS, "run", TEAM, "--set", f"population[0].count={n}",
                          "--set", f"tasks.arrival_rate={n / 20}", "--set", f"ticks={ticks}",
                          "--seed", str(seed), "--out", out], out)
    if "loop" in names:
        cmds["loop"] = ([LOOP, str(n), str(ticks), str(seed)], None)
    if python and "mesa" in names:
        cmds["mesa"] = ([python, os.path.join(HERE, "mesa_team.py"), str(n), str(ticks),
                         str(seed)], None)
    return cmds


def statistics_of(name, argv, out, ticks):
    """The statistics a run reports: lamas's summary.json, or the `name value` lines printed."""
    text = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    if name == "lamas":
        with open(os.path.join(out, "summary.json")) as f:
            m = json.load(f)
        shutil.rmtree(out, ignore_errors=True)
        m = m.get("metrics", m)
        m["tasks_completed_per_tick"] = m["tasks_completed"] / ticks
        return {k: v for k, v in m.items() if isinstance(v, (int, float))}
    found = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                found[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return found


def equivalence(n, ticks, seeds, python):
    """Mean ± sd over seeds of each statistic, and each port's z against lamas."""
    runs = {}
    for seed in range(1, seeds + 1):
        for name, (argv, out) in commands(n, ticks, seed, python).items():
            runs.setdefault(name, []).append(statistics_of(name, argv, out, ticks))
    table, bad = {}, []
    print(f"\nN = {n}, {ticks} ticks, seeds 1..{seeds}: mean ± sd over seeds "
          f"(z: the port's mean − lamas's, in standard errors)")
    print(f"{'statistic':<26}" + "".join(f"{k:>30}" for k in runs))
    for st in STATS:
        cells = {}
        for k, rs in runs.items():
            xs = [r.get(st, math.nan) for r in rs]
            cells[k] = (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)
        lm, lsd = cells["lamas"]
        line = f"{st:<26}{lm:>17.5f} ± {lsd:<10.5f}"
        row = {"lamas": {"mean": lm, "sd": lsd}}
        for k, (m, sd) in cells.items():
            if k == "lamas":
                continue
            se = math.sqrt((lsd ** 2 + sd ** 2) / seeds)
            z = (m - lm) / se if se > 0 else (0.0 if m == lm else math.inf)
            row[k] = {"mean": m, "sd": sd, "z": z}
            line += f"{m:>12.5f} ± {sd:<8.5f} z={z:+5.1f}"
            if not abs(z) <= 4:
                bad.append(f"{k} {st}: z = {z:+.1f}")
        print(line)
        table[st] = row
    return table, bad


def cpu_seconds(argv, out=None):
    """The whole process's CPU seconds (user + system, from wait4) and wall seconds."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if out:
        shutil.rmtree(out, ignore_errors=True)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(argv)}")
    return ru.ru_utime + ru.ru_stime, wall


def pace(n, pairs, python):
    """Agent-steps per CPU second of each implementation at N agents (median over pairs)."""
    ticks = {"lamas": max(20, 20_000_000 // n), "loop": max(20, 20_000_000 // n),
             "mesa": max(10, 1_500_000 // n)}
    rates = {}
    for _ in range(pairs + 1):  # the first round warms the caches and is not counted
        long = {k: cpu_seconds(*c) for k, c in commands_for(n, ticks, python).items()}
        short = {k: cpu_seconds(*c) for k, c in commands_for(n, None, python).items()}
        for k in long:
            rates.setdefault(k, []).append(n * (ticks[k] - 1) / max(long[k][0] - short[k][0], 1e-9))
    return {k: statistics.median(v[1:]) for k, v in rates.items()}, ticks


def commands_for(n, ticks, python):
    """Each implementation's command for its own number of ticks (one tick with `ticks` None)."""
    out = {}
    for k in ["lamas", "loop"] + (["mesa"] if python else []):
        t = 1 if ticks is None else ticks[k]
        out.update(commands(n, t, 1, python, names=(k,)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", default="1000,10000,100000")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--equiv-agents", type=int, default=1000)
    ap.add_argument("--equiv-ticks", type=int, default=300)
    ap.add_argument("--no-mesa", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    build()
    python = None if args.no_mesa else mesa_python()
    table, bad = equivalence(args.equiv_agents, args.equiv_ticks, args.seeds, python)
    result = {"equivalence": table, "pace": {}}
    print("\n| agents | lamas | plain Rust loop | Mesa 3 | lamas / loop | lamas / Mesa |")
    print("|---|---|---|---|---|---|")
    for n in [int(x) for x in args.agents.split(",")]:
        rates, ticks = pace(n, args.pairs, python)
        result["pace"][n] = {"agent_steps_per_cpu_second": rates, "ticks": ticks}
        mesa = rates.get("mesa")
        print(f"| {n:,} | {rates['lamas'] / 1e6:.1f} M agent-steps/s | {rates['loop'] / 1e6:.1f} M "
              f"| {mesa / 1e6:.2f} M | {rates['lamas'] / rates['loop']:.2f} | "
              f"{rates['lamas'] / mesa:.0f}× |" if mesa else
              f"| {n:,} | {rates['lamas'] / 1e6:.1f} M | {rates['loop'] / 1e6:.1f} M | – | "
              f"{rates['lamas'] / rates['loop']:.2f} | – |", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    if bad:
        sys.exit("the implementations disagree: " + "; ".join(bad))


if __name__ == "__main__":
    main()
