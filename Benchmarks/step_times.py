#!/usr/bin/env python3
"""Per-step times of a document's build with the release binary: figures and typesetting.

Runs N cold builds (no cache) with one job, so that step times do not overlap, parses the
`[k/n] <step> ran (<seconds> s)` lines the build prints, and reports medians:
  per figure   layout + PDF + PNG + SVG rendering of one figure (goal: under 50 ms)
  typeset      pagination and PDF assembly of the whole report (goal: under 300 ms)
  fit:<id>     each fit, and intervals:<id> each resampling step
Usage: python3 Benchmarks/step_times.py [--runs N] [--document Reports/chinchilla.md]
"""
import argparse
import collections
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"\[\d+/\d+\] (\S+) ran \(([0-9.]+) s\)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--document", default="Reports/chinchilla.md")
    args = parser.parse_args()
    binary = os.path.join(ROOT, ".build/release/reportgen")
    if not os.path.exists(binary):
        sys.exit("build the release binary first: make build")
    times = collections.defaultdict(list)
    for _ in range(args.runs):
        result = subprocess.run([binary, "build", args.document, "--no-cache", "--jobs", "1", "-v"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode not in (0, 1):
            sys.exit(result.stderr)
        for step, seconds in LINE.findall(result.stderr):
            times[step].append(float(seconds))
    figures = sorted({s.split(":", 1)[1] for s in times if s.startswith("figure:")})
    print(f"{'step':<28} {'median':>9} {'min':>9} {'max':>9}   (seconds, n = {args.runs})")
    per_figure = []
    renders_only = []
    for fig in figures:
        renders = [f"render:{fig}.{ext}" for ext in ("pdf", "png", "svg")]
        parts = [f"figure:{fig}"] + renders
        totals = [sum(times[p][k] for p in parts) for k in range(args.runs)]
        render_totals = [sum(times[p][k] for p in renders) for k in range(args.runs)]
        per_figure.append(statistics.median(totals))
        renders_only.append(statistics.median(render_totals))
        print(f"{'figure ' + fig:<28} {statistics.median(totals):9.3f} {min(totals):9.3f} {max(totals):9.3f}"
              f"   (renders only {statistics.median(render_totals):.3f})")
    for step in sorted(times):
        if step.startswith(("fit:", "intervals:", "table:")) or step in ("typeset", "html", "results"):
            xs = times[step]
            print(f"{step:<28} {statistics.median(xs):9.3f} {min(xs):9.3f} {max(xs):9.3f}")
    if per_figure:
        print(f"median over figures of the per-figure time (layout + PDF + PNG + SVG): {statistics.median(per_figure):.3f} s")
        print(f"median over figures of the rendering time (PDF + PNG + SVG): {statistics.median(renders_only):.3f} s")


if __name__ == "__main__":
    main()
