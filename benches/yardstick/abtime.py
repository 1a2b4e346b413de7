"""Whole-process timing of two commands in turn (A B A B ...), with the ratio A/B pair by pair.

The protocol of README.md's side-by-side figures (and of `side_by_side.py` here): one warm-up
run of each, then RUNS counted runs of each, interleaved; per run the kernel's own accounting
of the finished child (user and system seconds, from wait4) and the wall time around it; min / median / max of each, and of the
pairwise ratios A/B. Only the standard library is used.

Usage: python abtime.py [-n RUNS] 'COMMAND A' 'COMMAND B'
(each command is one string, split as a shell splits words; no shell is used).
"""

import argparse
import os
import shlex
import statistics
import subprocess
import time


def run_once(argv):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return dict(user=ru.ru_utime, sys=ru.ru_stime, cpu=ru.ru_utime + ru.ru_stime, wall=wall,
                peak_mib=ru.ru_maxrss / 1024, rc=p.returncode)


def mmm(xs):
    return min(xs), statistics.median(xs), max(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("a")
    ap.add_argument("b")
    args = ap.parse_args()
    a, b = shlex.split(args.a), shlex.split(args.b)
    run_once(a), run_once(b)  # warm-up
    ra, rb = [], []
    for _ in range(args.n):
        ra.append(run_once(a))
        rb.append(run_once(b))
    print(f"{'':<14}{'min':>10}{'median':>10}{'max':>10}   n = {args.n} each, whole process")
    for name, rs in (("A", ra), ("B", rb)):
        for k in ("cpu", "wall", "peak_mib"):
            lo, med, hi = mmm([r[k] for r in rs])
            print(f"{name + ' ' + k:<14}{lo:>10.3f}{med:>10.3f}{hi:>10.3f}")
    for k in ("cpu", "wall"):
        lo, med, hi = mmm([x[k] / y[k] for x, y in zip(ra, rb)])
        print(f"{'A/B ' + k:<14}{lo:>10.4f}{med:>10.4f}{hi:>10.4f}")
    print("exit codes A:", sorted({r["rc"] for r in ra}), "B:", sorted({r["rc"] for r in rb}))


if __name__ == "__main__":
    main()
