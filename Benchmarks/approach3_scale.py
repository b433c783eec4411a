#!/usr/bin/env python3
"""Approach 3 at scale: `reportgen fit --approach 3` (the paper's 4500-start grid) on simulated sweeps of
240 to 10^6 runs; wall and user time and peak memory from /usr/bin/time -v, medians over repeats, and the
per-run cost of one objective+gradient evaluation.

Usage: Benchmarks/approach3_scale.py [--sizes 240,2400,24000,100000,1000000] [--repeats 3] [--binary PATH]
                                     [--scipy-repeats 1] [--processes 2]

After the growth table, the same 4500-start grid on the smallest sweep in NumPy/SciPy (L-BFGS-B with the
analytic gradient, `approach3_scipy.py`'s implementation) on a pool of `--processes` processes, alternating
with `reportgen fit` on the same file, so that both see the same load: medians of wall times and the ratio.
`--scipy-repeats 0` skips it.

Runs come from the law of Eq. 2 with the paper's unrounded Approach-3 coefficients: budgets log-spaced from
6e18 to 3e21 FLOPs, model sizes log-spaced from N_opt/8 to 8·N_opt at each budget, D = C/(6N), and 0.7%
lognormal noise (NumPy's PCG64, seed 1). Above `Approach3Options.gridSubsampleRuns` (2000) the grid runs on a
subsample and the best starts are polished on all runs; the per-run cost is then

    user time / (grid evaluations x subsample runs + polish evaluations x runs),

i.e. CPU nanoseconds per run per evaluation, whatever part of the fit the evaluation belonged to (at and
below 2000 runs: user time / (evaluations x runs)). It includes everything the command does (reading the CSV,
the optimiser's bookkeeping), so it is an upper bound on the kernel's own cost; the "net" column first takes
off the user time of `reportgen fit --approach 2` on the same file (start-up, reading the CSV, a fit that
costs little), which leaves the evaluations and the optimiser.
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


def timed(binary, path, approach="3"):
    extra = ["--budget-tolerance", "0.05", "--bad-budget", "drop"] if approach == "2" else []
    command = ["/usr/bin/time", "-v", binary, "fit", path, "--approach", approach, "--json"] + extra
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    fields = {}
    for line in done.stderr.splitlines():
        m = re.match(r"\s*(.+?):\s+(.*)$", line)
        if m:
            fields[m.group(1)] = m.group(2)
    wall = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    values = json.loads(done.stdout)
    values = values.get("values", values)
    return {
        "wall": seconds,
        "user": float(fields["User time (seconds)"]) + float(fields["System time (seconds)"]),
        "rss_mb": int(fields["Maximum resident set size (kbytes)"]) / 1024,
        "values": values,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="240,2400,24000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "reportgen"))
    parser.add_argument("--scipy-repeats", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for runs in sizes:
            path = os.path.join(folder, "sweep_%d.csv" % runs)
            write_csv(path, runs)
            samples, baselines = [], []
            for _ in range(args.repeats):
                samples.append(timed(args.binary, path))
                baselines.append(timed(args.binary, path, approach="2"))
            v = samples[0]["values"]
            if "grid_subsample_runs" in v:
                run_evaluations = v["grid_evaluations"] * v["grid_subsample_runs"] + v["polish_evaluations"] * runs
                subsample = int(v["grid_subsample_runs"])
            else:
                run_evaluations = v["evaluations"] * runs
                subsample = runs
            wall = statistics.median(s["wall"] for s in samples)
            user = statistics.median(s["user"] for s in samples)
            rss = statistics.median(s["rss_mb"] for s in samples)
            reading = statistics.median(s["user"] for s in baselines)
            net = 1e9 * max(user - reading, 0) / run_evaluations
            rows.append((runs, subsample, wall, user, rss, 1e9 * user / run_evaluations, net, v["alpha"], v["beta"]))
            print("%9d runs (grid on %5d): wall %7.2f s  user %7.2f s  peak %7.1f MB  %5.2f ns/run/eval (net %5.2f)  alpha %.5f beta %.5f"
                  % rows[-1], flush=True)
    print("\ngrowth (x10 runs):")
    print("%9s %9s %9s %9s %9s %9s" % ("runs", "wall x", "user x", "memory x", "ns/run x", "net x"))
    for previous, row in zip(rows, rows[1:]):
        print("%9d %9.2f %9.2f %9.2f %9.2f %9.2f" % (row[0], row[2] / previous[2], row[3] / previous[3], row[4] / previous[4],
                                                    row[5] / previous[5], row[6] / max(previous[6], 1e-9)))
    for column, name in ((5, "per-run cost"), (6, "net per-run cost")):
        costs = [row[column] for row in rows]
        print("%s max/min: %.2f" % (name, max(costs) / max(min(costs), 1e-9)))
    if args.scipy_repeats > 0:
        compare_with_scipy(args.binary, sizes[0], args.scipy_repeats, args.processes)


def compare_with_scipy(binary, runs, repeats, processes):
    """The 4500-start grid on the `runs`-run sweep: SciPy on `processes` processes against reportgen,
    alternating; medians of wall times, and whether the optima agree."""
    import time

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import approach3_scipy

    n, d, _, loss = sweep(runs)
    # The CSV's ten significant digits, so that both fit the same numbers.
    n, d, loss = (np.array([float("%.10g" % x) for x in column]) for column in (n, d, loss))
    data = (np.log(n), np.log(d), np.log(loss))
    starts = approach3_scipy.grid()
    scipy_times, reportgen_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "sweep_%d.csv" % runs)
        write_csv(path, runs)
        for _ in range(repeats):
            started = time.perf_counter()
            (value, params), evaluations = approach3_scipy.fit(data, starts, processes)
            scipy_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            done = subprocess.run([binary, "fit", path, "--approach", "3", "--json"], capture_output=True, text=True, check=True)
            reportgen_times.append(time.perf_counter() - started)
    ours = json.loads(done.stdout)
    ours = ours.get("values", ours)
    scipy_time, reportgen_time = statistics.median(scipy_times), statistics.median(reportgen_times)
    print("\n%d runs, 4500 starts, medians of %d alternating runs:" % (runs, repeats))
    print("  SciPy L-BFGS-B on %d processes: %7.2f s  (%d evaluations, objective %.10g, alpha %.5f, beta %.5f)"
          % (processes, scipy_time, evaluations, value, params[3], params[4]))
    print("  reportgen fit --approach 3:     %7.2f s  (%d evaluations, objective %.10g, alpha %.5f, beta %.5f)"
          % (reportgen_time, ours["evaluations"], ours["objective"], ours["alpha"], ours["beta"]))
    print("  speed-up: %.1fx; objectives agree to %.1e (relative)" % (scipy_time / reportgen_time, abs(ours["objective"] / value - 1)))


if __name__ == "__main__":
    sys.exit(main())
