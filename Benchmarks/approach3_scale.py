#!/usr/bin/env python3
"""Approach 3 at scale: `reportgen fit --approach 3 --profile` (the paper's 4500-start grid) on simulated
sweeps of 240 to 10^6 runs. Per size, medians over `--repeats` runs of the whole command (wall time, user+system
CPU time and peak memory from /usr/bin/time -v) and of what `--profile` prints on standard error: the CPU time of
the objective evaluations with their count and runs, and the CPU time of reading the CSV. Then the x10 growth
table and, in the same run, the 4500-start grid on the 240-run sweep in NumPy/SciPy on `--processes` processes
alternating with reportgen.

Usage: Benchmarks/approach3_scale.py [--quick] [--sizes 240,2400,24000,100000,1000000] [--repeats 5]
                                     [--scipy-repeats 3] [--processes 2] [--binary PATH]

`--quick` is `--repeats 3 --scipy-repeats 1` over the same sizes (about 3 minutes on a quiet 2-core machine,
most of it SciPy's 240-run grid). `--scipy-repeats 0` skips the SciPy comparison.

Runs come from the law of Eq. 2 with the paper's unrounded Approach-3 coefficients: budgets log-spaced from
6e18 to 3e21 FLOPs, model sizes log-spaced from N_opt/8 to 8*N_opt at each budget, D = C/(6N), and 0.7%
lognormal noise (NumPy's PCG64, seed 1). Above `Approach3Options.gridSubsampleRuns` (2000) the grid runs on a
subsample and the best starts are polished on all runs. Two per-run costs are printed, both CPU nanoseconds per
run per evaluation:

    eval ns: the starts' L-BFGS runs (evaluations plus the optimiser's own steps, thread CPU time per start) /
             (evaluations x runs of each), summed over the grid and the polishing, from --profile;
    cmd ns:  the whole command's user+system time over the same run-evaluations (start-up, reading the CSV and
             the fit's other work included: an upper bound).

The goal is an eval ns flat within 1.5x from 240 to 10^6 runs.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

E, A, B, ALPHA, BETA = 1.6934, 406.40, 410.72, 0.33917, 0.28491


def sweep(runs, seed=1):
    """`runs` simulated IsoFLOP runs: parameters, tokens, flops, loss."""
    budgets = max(9, int(round(runs ** 0.5 / 4)))
    per_budget = -(-runs // budgets)
    g = (ALPHA * A / (BETA * B)) ** (1 / (ALPHA + BETA))
    a = BETA / (ALPHA + BETA)
    rng = np.random.default_rng(seed)
    c = np.repeat(np.logspace(np.log10(6e18), np.log10(3e21), budgets), per_budget)[:runs]
    k = np.tile(np.linspace(-np.log(8), np.log(8), per_budget), budgets)[:runs]
    n = g * (c / 6) ** a * np.exp(k)
    d = c / (6 * n)
    loss = (E + A / n ** ALPHA + B / d ** BETA) * np.exp(0.007 * rng.standard_normal(runs))
    return n, d, c, loss


def write_csv(path, runs):
    n, d, c, loss = sweep(runs)
    with open(path, "w") as f:
        # Ten significant digits and no FLOPs column (C = 6ND): about 45 bytes a row.
        f.write("parameters,tokens,loss\n")
        for row in zip(n, d, loss):
            f.write("%.10g,%.10g,%.10g\n" % row)


def time_fields(stderr):
    """The fields /usr/bin/time -v printed, and the wall time in seconds."""
    fields = {}
    for line in stderr.splitlines():
        m = re.match(r"\s*(.+?):\s+(.*)$", line)
        if m:
            fields[m.group(1)] = m.group(2)
    wall = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    return fields, sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))


def timed(binary, path):
    """One `reportgen fit --approach 3 --json --profile` under /usr/bin/time -v."""
    command = ["/usr/bin/time", "-v", binary, "fit", path, "--approach", "3", "--json", "--profile"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    fields, seconds = time_fields(done.stderr)
    values = json.loads(done.stdout)
    values = values.get("values", values)
    total = re.search(r"evaluations: (\d+), run-evaluations: (\d+), ([0-9.]+) s", done.stderr)
    reading = re.search(r"reading: ([0-9.]+) s", done.stderr)
    if not total or not reading:
        sys.exit("reportgen fit --profile printed no profile:\n" + done.stderr)
    return {
        "wall": seconds,
        "user": float(fields["User time (seconds)"]) + float(fields["System time (seconds)"]),
        "rss_mb": int(fields["Maximum resident set size (kbytes)"]) / 1024,
        "evaluations": int(total.group(1)),
        "run_evaluations": int(total.group(2)),
        "eval_cpu": float(total.group(3)),
        "reading_cpu": float(reading.group(1)),
        "values": values,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="240,2400,24000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "reportgen"))
    parser.add_argument("--scipy-repeats", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="--repeats 3 --scipy-repeats 1")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.scipy_repeats = 3, 1
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    print("medians of %d runs per size; times are seconds, memory MB, costs CPU ns per run per evaluation" % args.repeats)
    print("%9s %6s %8s %8s %8s %8s %8s %10s %7s %7s %9s %9s"
          % ("runs", "grid on", "wall", "user", "peak MB", "read", "evals", "eval CPU", "eval ns", "cmd ns", "alpha", "beta"),
          flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for runs in sizes:
            path = os.path.join(folder, "sweep_%d.csv" % runs)
            write_csv(path, runs)
            samples = [timed(args.binary, path) for _ in range(args.repeats)]
            os.remove(path)
            v = samples[0]["values"]
            subsample = int(v.get("grid_subsample_runs", runs))
            med = {key: statistics.median(s[key] for s in samples)
                   for key in ("wall", "user", "rss_mb", "reading_cpu", "eval_cpu", "evaluations", "run_evaluations")}
            eval_ns = statistics.median(1e9 * s["eval_cpu"] / s["run_evaluations"] for s in samples)
            cmd_ns = statistics.median(1e9 * s["user"] / s["run_evaluations"] for s in samples)
            row = dict(med, runs=runs, subsample=subsample, eval_ns=eval_ns, cmd_ns=cmd_ns, alpha=v["alpha"], beta=v["beta"])
            rows.append(row)
            print("%9d %6d %8.2f %8.2f %8.1f %8.2f %8d %10.2f %7.2f %7.2f %9.5f %9.5f"
                  % (runs, subsample, row["wall"], row["user"], row["rss_mb"], row["reading_cpu"], row["evaluations"],
                     row["eval_cpu"], eval_ns, cmd_ns, row["alpha"], row["beta"]), flush=True)
    print("\ngrowth (x10 runs):")
    print("%9s %8s %8s %9s %8s %8s %8s" % ("runs", "wall x", "user x", "memory x", "read x", "eval ns x", "cmd ns x"))
    for previous, row in zip(rows, rows[1:]):
        print("%9d %8.2f %8.2f %9.2f %8.2f %8.2f %8.2f" % (
            row["runs"], row["wall"] / previous["wall"], row["user"] / previous["user"], row["rss_mb"] / previous["rss_mb"],
            row["reading_cpu"] / max(previous["reading_cpu"], 1e-3), row["eval_ns"] / previous["eval_ns"],
            row["cmd_ns"] / previous["cmd_ns"]))
    for key, name in (("eval_ns", "evaluation cost (eval ns)"), ("cmd_ns", "whole-command cost (cmd ns)")):
        costs = [row[key] for row in rows]
        ratio = max(costs) / max(min(costs), 1e-9)
        print("%s max/min over sizes: %.2f%s" % (name, ratio, " (goal: within 1.5)" if key == "eval_ns" else ""))
    if args.scipy_repeats > 0:
        compare_with_scipy(args.binary, sizes[0], args.scipy_repeats, args.processes)


def cpu_seconds():
    """User+system CPU time of this process and of its waited-for children."""
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def compare_with_scipy(binary, runs, repeats, processes):
    """The 4500-start grid on the `runs`-run sweep: SciPy on `processes` processes against reportgen,
    alternating; medians of wall and CPU times, and whether the optima agree."""
    import time

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import approach3_scipy

    n, d, _, loss = sweep(runs)
    # The CSV's ten significant digits, so that both fit the same numbers.
    n, d, loss = (np.array([float("%.10g" % x) for x in column]) for column in (n, d, loss))
    data = (np.log(n), np.log(d), np.log(loss))
    starts = approach3_scipy.grid()
    times = {"scipy": [], "reportgen": [], "scipy cpu": [], "reportgen cpu": []}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "sweep_%d.csv" % runs)
        write_csv(path, runs)
        for _ in range(repeats):
            started, cpu = time.perf_counter(), cpu_seconds()
            (value, params), evaluations = approach3_scipy.fit(data, starts, processes)
            times["scipy"].append(time.perf_counter() - started)
            times["scipy cpu"].append(cpu_seconds() - cpu)
            started, cpu = time.perf_counter(), cpu_seconds()
            done = subprocess.run([binary, "fit", path, "--approach", "3", "--json"], capture_output=True, text=True, check=True)
            times["reportgen"].append(time.perf_counter() - started)
            times["reportgen cpu"].append(cpu_seconds() - cpu)
    ours = json.loads(done.stdout)
    ours = ours.get("values", ours)
    med = {key: statistics.median(values) for key, values in times.items()}
    print("\n%d runs, 4500 starts, medians of %d alternating runs (wall / CPU seconds):" % (runs, repeats))
    print("  SciPy L-BFGS-B on %d processes: %7.2f / %7.2f  (%d evaluations, objective %.10g, alpha %.5f, beta %.5f)"
          % (processes, med["scipy"], med["scipy cpu"], evaluations, value, params[3], params[4]))
    print("  reportgen fit --approach 3:     %7.2f / %7.2f  (%d evaluations, objective %.10g, alpha %.5f, beta %.5f)"
          % (med["reportgen"], med["reportgen cpu"], ours["evaluations"], ours["objective"], ours["alpha"], ours["beta"]))
    print("  speed-up: %.1fx wall, %.1fx CPU (goal: 50x); objectives agree to %.1e (relative)"
          % (med["scipy"] / med["reportgen"], med["scipy cpu"] / med["reportgen cpu"], abs(ours["objective"] / value - 1)))


if __name__ == "__main__":
    sys.exit(main())
