#!/usr/bin/env python3
"""A whole document at scale: `reportgen build --no-cache` of a report over simulated sweeps of 10^4 to 10^6
runs, beside the same fits in NumPy/SciPy in the same run.

The document fits Approach 2 (runs grouped by their `budget` column, a parabola per budget, power laws
through the minima) and Approach 3 (the paper's 4500-start grid, on a subsample above 2000 runs, then
polished on all runs, with 20 bootstrap resamples), and draws the coefficients and diagnostics tables and the
parametric, residuals, IsoFLOP and allocation figures into the PDF and the HTML page. Per size, medians over
`--repeats` builds of the wall time, the user+system CPU time and the peak memory (/usr/bin/time -v), the
sizes of the PDF and the HTML page, then the x10 growth table.

The NumPy/SciPy side reads the same CSV (numpy.loadtxt), fits the same parabolas and power laws (numpy.polyfit)
and runs one L-BFGS-B of Approach 3's Huber objective on all runs from reportgen's own optimum (scipy.optimize):
the fits' arithmetic without the grid, the resamples, the figures or the report, so a lower bound of what a
notebook doing this document's fits costs. Both sides' exponents a are printed; they agree to the digits shown.

Usage: Benchmarks/document_scale.py [--sizes 10000,100000,1000000] [--repeats 3] [--binary PATH]

Runs come from `approach3_scale.sweep` (Eq. 2 with the paper's Approach-3 coefficients, 0.7% noise, seed 1)
with a `budget` column added. About 3 minutes with the defaults on a quiet 2-core machine.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(__file__))
import approach3_scale  # noqa: E402

DOCUMENT = """---
title: Every checkpoint
date: 2026-01-01
data:
  runs: {path: sweep.csv}
---

# Fits

```{fit} a3
approach: 3
data: runs
intervals: {scheme: bootstrap, resamples: 20, seed: 1}
```

```{fit} a2
approach: 2
data: runs
```

Approach 3 gives a = `=a3.a:.4f`, Approach 2 a = `=a2.a:.4f`.

```{table} coef
kind: coefficients
fits: [a3]
caption: Coefficients.
```

```{table} diag
kind: diagnostics
fits: [a2, a3]
caption: Diagnostics.
```

```{figure} par
kind: parametric
fits: [a3]
caption: The fitted law.
```

```{figure} res
kind: residuals
fits: [a3]
caption: Residuals.
```

```{figure} iso
kind: isoflop
fits: [a2]
caption: IsoFLOP profiles.
```

```{figure} alloc
kind: allocation
fits: [a2, a3]
caption: Allocations.
```
"""


def write_project(folder, runs):
    n, d, c, loss = approach3_scale.sweep(runs)
    os.makedirs(os.path.join(folder, ".git"), exist_ok=True)
    with open(os.path.join(folder, "sweep.csv"), "w") as f:
        f.write("parameters,tokens,budget,loss\n")
        for row in zip(n, d, c, loss):
            f.write("%.10g,%.10g,%.10g,%.10g\n" % row)
    with open(os.path.join(folder, "report.md"), "w") as f:
        f.write(DOCUMENT)


def build(binary, folder):
    command = ["/usr/bin/time", "-v", binary, "build", "report.md", "--no-cache"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder)
    if done.returncode != 0:
        sys.exit("reportgen build failed:\n" + done.stderr[-3000:])
    fields, wall = approach3_scale.time_fields(done.stderr)
    out = re.search(r"built (\S+) in", done.stdout + done.stderr)
    output = os.path.join(folder, out.group(1)) if out else os.path.join(folder, "build", "report")
    results = open(os.path.join(output, "results.json")).read()
    a3 = float(re.search(r'"a3\.a"\s*:\s*([-0-9.eE+]+)', results).group(1))
    a2 = float(re.search(r'"a2\.a"\s*:\s*([-0-9.eE+]+)', results).group(1))
    e3 = [float(re.search(r'"a3\.%s"\s*:\s*([-0-9.eE+]+)' % k, results).group(1)) for k in ("E", "A", "B", "alpha", "beta")]
    return {
        "wall": wall,
        "cpu": float(fields["User time (seconds)"]) + float(fields["System time (seconds)"]),
        "rss_mb": int(fields["Maximum resident set size (kbytes)"]) / 1024,
        "pdf_mb": os.path.getsize(os.path.join(output, "report.pdf")) / 1e6,
        "html_mb": os.path.getsize(os.path.join(output, "report.html")) / 1e6,
        "a3": a3, "a2": a2, "law": e3,
    }


def huber(r, delta=1e-3):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def scipy_fits(path, start):
    """The document's fits without the grid: Approach 2 per budget, one L-BFGS-B of Approach 3."""
    t0 = time.perf_counter()
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    n, d, c, loss = data.T
    minima = []
    for budget in np.unique(c):
        k = c == budget
        p = np.polyfit(np.log(n[k]), loss[k], 2)
        minima.append((budget, np.exp(-p[1] / (2 * p[0]))))
    minima = np.array(minima)
    a2 = np.polyfit(np.log(minima[:, 0]), np.log(minima[:, 1]), 1)[0]
    ln_n, ln_d, ln_l = np.log(n), np.log(d), np.log(loss)

    def objective(x):
        a, b, e, alpha, beta = x
        u, v = a - alpha * ln_n, b - beta * ln_d
        m = np.maximum(np.maximum(u, v), e)
        s = np.exp(u - m) + np.exp(v - m) + np.exp(e - m)
        r = m + np.log(s) - ln_l
        g = np.clip(r, -1e-3, 1e-3) / s
        w1, w2, w3 = np.exp(u - m) * g, np.exp(v - m) * g, np.exp(e - m) * g
        return huber(r).sum(), np.array([w1.sum(), w2.sum(), w3.sum(), -(w1 * ln_n).sum(), -(w2 * ln_d).sum()])

    E, A, B, alpha, beta = start
    x0 = np.array([np.log(A), np.log(B), np.log(E), alpha, beta])
    fit = minimize(objective, x0, jac=True, method="L-BFGS-B")
    alpha, beta = fit.x[3], fit.x[4]
    return time.perf_counter() - t0, a2, beta / (alpha + beta)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "reportgen"))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    rows = []
    print("medians of %d builds per size (reportgen build --no-cache); seconds, MB" % args.repeats)
    print("%9s %8s %8s %8s %7s %8s %9s %9s %10s %9s %9s" % (
        "runs", "wall", "CPU", "peak MB", "PDF MB", "HTML MB", "a (A3)", "a (A2)", "SciPy s", "SciPy A3", "SciPy A2"), flush=True)
    for runs in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as folder:
            write_project(folder, runs)
            samples = [build(binary, folder) for _ in range(args.repeats)]
            scipy = [scipy_fits(os.path.join(folder, "sweep.csv"), samples[0]["law"]) for _ in range(args.repeats)]
        med = {k: statistics.median(s[k] for s in samples) for k in ("wall", "cpu", "rss_mb", "pdf_mb", "html_mb")}
        row = dict(med, runs=runs, scipy=statistics.median(s[0] for s in scipy))
        rows.append(row)
        print("%9d %8.2f %8.2f %8.1f %7.2f %8.2f %9.5f %9.5f %10.2f %9.5f %9.5f" % (
            runs, row["wall"], row["cpu"], row["rss_mb"], row["pdf_mb"], row["html_mb"], samples[0]["a3"], samples[0]["a2"],
            row["scipy"], scipy[0][2], scipy[0][1]), flush=True)
    print("\ngrowth (x10 runs):")
    print("%9s %8s %8s %9s" % ("runs", "wall x", "CPU x", "memory x"))
    for previous, row in zip(rows, rows[1:]):
        print("%9d %8.2f %8.2f %9.2f" % (
            row["runs"], row["wall"] / previous["wall"], row["cpu"] / previous["cpu"], row["rss_mb"] / previous["rss_mb"]))
    print("load average now: %.1f" % os.getloadavg()[0])


if __name__ == "__main__":
    main()
