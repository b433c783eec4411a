#!/usr/bin/env python3
"""Growth of time and memory per stage when the input grows tenfold (release binary).

Each stage is measured at three sizes, ten times apart, in a scratch project; the table gives
the median wall time (and the step's own time from `build -v` where there is one), the peak
resident memory of the whole command (wait4), and the ratio to the previous size. A ratio near
10 is linear growth, near 100 quadratic.

  parse+check   `reportgen explain` on a document of P prose paragraphs (math, references)
  typeset/html  the typeset and html steps of a cold build of that document
  fit/figure    an Approach 2 fit of R runs, its IsoFLOP figure and SVG render, the html step
  errors        `reportgen fit --approach 1` on R rows whose tokens decrease (one error per row)
  numpy         the same Approach 2 fit in NumPy (np.polyfit per budget), for comparison

Usage: python3 Benchmarks/growth.py [--runs N] [--quick]
"""
import argparse
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build/release/reportgen")
STEP = re.compile(r"\[\d+/\d+\] (\S+) ran \(([0-9.]+) s\)")
# The paper's fitted law (Hoffmann et al. 2022, Eq. 10), for noise-free simulated runs.
E, A, B, ALPHA, BETA = 1.69, 406.4, 410.7, 0.34, 0.28

PARAGRAPH = ("The loss falls as a power of model size, $L(N) = E + A / N^{\\alpha}$, and the fitted "
             "exponent a = `=isoflops.a:.3f` is close to the paper's (@fig:profiles). Each budget's parabola "
             "in $\\log N$ has its minimum near $N_{\\text{opt}} \\propto C^{a}$, with *few* exceptions "
             "and **no** systematic drift; see [the paper](https://arxiv.org/abs/2203.15556) for the design.\n\n")

FRONT = """---
title: Growth
date: 2024-01-01
data:
  sweep:
    path: Data/sweep.csv
    columns: {params: params, flops: flops, loss: loss}
---

# Growth {#sec:growth}

```{fit} isoflops
approach: 2
data: sweep
```

```{figure} profiles
kind: isoflop
fit: isoflops
caption: IsoFLOP profiles.
```

"""


def sweep(rows):
    budgets = [6e18 * (3e21 / 6e18) ** (k / 8) for k in range(9)]
    per = max(5, rows // len(budgets))
    lines = ["params,flops,loss"]
    for c in budgets:
        n_opt = (c / 6) ** 0.5
        for i in range(per):
            n = n_opt * 10 ** (-1 + 2 * i / (per - 1))
            d = c / (6 * n)
            lines.append(f"{n:.6g},{c:.6g},{E + A / n ** ALPHA + B / d ** BETA:.9g}")
    return "\n".join(lines) + "\n"


def run(args, cwd):
    """(seconds, peak RSS in MB, stderr) of one command."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return time.monotonic() - started, usage.ru_maxrss / 1024, text


class Scratch:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="reportgen-growth-")
        os.makedirs(os.path.join(self.root, ".git"))
        os.makedirs(os.path.join(self.root, "Reports"))
        os.makedirs(os.path.join(self.root, "Data"))
        shutil.copytree(os.path.join(ROOT, "Templates"), os.path.join(self.root, "Templates"))

    def write(self, path, text):
        with open(os.path.join(self.root, path), "w", encoding="utf-8") as f:
            f.write(text)


def measure(scratch, command, runs, steps=()):
    times, rss, step_times = [], [], {s: [] for s in steps}
    for _ in range(runs):
        shutil.rmtree(os.path.join(scratch.root, "build"), ignore_errors=True)
        seconds, mb, stderr = run([BINARY] + command, scratch.root)
        times.append(seconds)
        rss.append(mb)
        found = dict(STEP.findall(stderr))
        for s in steps:
            if s in found:
                step_times[s].append(float(found[s]))
    return statistics.median(times), max(rss), {s: statistics.median(v) for s, v in step_times.items() if v}


def numpy_fit(rows, runs):
    try:
        import numpy as np
    except ImportError:
        return None
    text = sweep(rows).splitlines()[1:]
    data = np.array([[float(x) for x in line.split(",")] for line in text])
    times = []
    for _ in range(runs):
        started = time.monotonic()
        minima = []
        for c in np.unique(data[:, 1]):
            sel = data[data[:, 1] == c]
            a, b, _ = np.polyfit(np.log10(sel[:, 0]), sel[:, 2], 2)
            minima.append((math.log10(c), -b / (2 * a)))
        m = np.array(minima)
        np.polyfit(m[:, 0], m[:, 1], 1)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def row(name, size, seconds, mb, previous, extra=""):
    ratio = f"{seconds / previous[0]:6.1f}x" if previous else "      "
    mratio = f"{mb / previous[1]:5.1f}x" if previous else "     "
    print(f"{name:<14} {size:>9} {seconds:9.3f} s {ratio} {mb:8.0f} MB {mratio}  {extra}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="sizes 10x smaller")
    args = parser.parse_args()
    if not os.access(BINARY, os.X_OK):
        sys.exit("build the release binary first: make build")
    scale = 10 if args.quick else 1
    scratch = Scratch()
    print(f"{'stage':<14} {'size':>9} {'median':>11} {'ratio':>7} {'peak RSS':>11} {'ratio':>6}  step times")
    try:
        scratch.write("Data/sweep.csv", sweep(90))
        previous = None
        for paragraphs in (30 // scale or 3, 300 // scale, 3000 // scale):
            scratch.write("Reports/growth.md", FRONT + PARAGRAPH * paragraphs)
            seconds, mb, _ = measure(scratch, ["explain", "Reports/growth.md"], args.runs)
            row("parse+check", f"{paragraphs}p", seconds, mb, previous)
            previous = (seconds, mb)
        previous = None
        for paragraphs in (30 // scale or 3, 300 // scale, 3000 // scale):
            scratch.write("Reports/growth.md", FRONT + PARAGRAPH * paragraphs)
            seconds, mb, steps = measure(scratch, ["build", "Reports/growth.md", "--no-cache", "--jobs", "1", "-v"], args.runs, ("typeset", "html"))
            row("typeset/html", f"{paragraphs}p", steps.get("typeset", seconds), mb, previous and (previous[0], previous[1]),
                " ".join(f"{k} {v:.3f}" for k, v in steps.items()))
            previous = (steps.get("typeset", seconds), mb)
        previous = None
        scratch.write("Reports/growth.md", FRONT + PARAGRAPH)
        for rows in (1000 // scale, 10_000 // scale, 100_000 // scale):
            scratch.write("Data/sweep.csv", sweep(rows))
            names = ("fit:isoflops", "figure:profiles", "render:profiles.svg", "html")
            seconds, mb, steps = measure(scratch, ["build", "Reports/growth.md", "--no-cache", "--jobs", "1", "-v"], args.runs, names)
            row("fit/figure", f"{rows}r", seconds, mb, previous, " ".join(f"{k} {v:.3f}" for k, v in steps.items()))
            previous = (seconds, mb)
            reference = numpy_fit(rows, args.runs)
            if reference is not None:
                print(f"{'  numpy fit':<14} {f'{rows}r':>9} {reference:9.3f} s")
        previous = None
        for rows in (1000 // scale, 10_000 // scale, 100_000 // scale):
            lines = ["run,params,tokens,loss"] + [f"r,1e8,{1e12 - i * 1e3:.0f},3.0" for i in range(rows)]
            scratch.write("Data/curves.csv", "\n".join(lines) + "\n")
            seconds, mb, _ = measure(scratch, ["fit", "Data/curves.csv", "--approach", "1"], args.runs)
            row("errors", f"{rows}r", seconds, mb, previous)
            previous = (seconds, mb)
    finally:
        shutil.rmtree(scratch.root, ignore_errors=True)


if __name__ == "__main__":
    main()
