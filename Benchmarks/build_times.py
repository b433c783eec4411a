#!/usr/bin/env python3
"""Build-time benchmark of the flagship report with the release binary.

Measures, each as the median of several runs in a scratch copy of the project:
  cold      a build with an empty cache and no build folder
  no-op     a rebuild with nothing changed
  prose     a rebuild after editing one sentence of prose
Usage: python3 Benchmarks/build_times.py [--runs N] [--document Reports/chinchilla.md]
Build the binary first: make build
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, cwd):
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{result.stderr}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--document", default="Reports/chinchilla.md")
    args = parser.parse_args()
    binary = os.path.join(ROOT, ".build/release/reportgen")
    if not os.path.exists(binary):
        sys.exit("build the release binary first: make build")
    work = tempfile.mkdtemp(prefix="reportgen-bench-")
    try:
        for folder in ["Reports", "Data", "Templates"]:
            if os.path.isdir(os.path.join(ROOT, folder)):
                shutil.copytree(os.path.join(ROOT, folder), os.path.join(work, folder), symlinks=True)
        os.makedirs(os.path.join(work, ".git"))
        cmd = [binary, "build", args.document]
        doc = os.path.join(work, args.document)
        cold, noop, prose = [], [], []
        for i in range(args.runs):
            shutil.rmtree(os.path.join(work, ".reportgen"), ignore_errors=True)
            shutil.rmtree(os.path.join(work, "build"), ignore_errors=True)
            cold.append(timed(cmd, work))
            noop.append(timed(cmd, work))
            with open(doc, encoding="utf-8") as f:
                text = f.read()
            marker = f"(benchmark edit {i})"
            # Append a sentence to the first prose paragraph after the front matter.
            body_start = text.index("\n---", 3) + 4
            cut = text.index("\n\n", text.index("\n# ", body_start) + 1)
            with open(doc, "w", encoding="utf-8") as f:
                f.write(text[:cut] + f" {marker}" + text[cut:])
            prose.append(timed(cmd, work))
            with open(doc, "w", encoding="utf-8") as f:
                f.write(text)
        print(f"{'build':<8} {'median':>9} {'min':>9} {'max':>9}   (n = {args.runs})")
        for name, xs in [("cold", cold), ("no-op", noop), ("prose", prose)]:
            print(f"{name:<8} {statistics.median(xs):9.3f} {min(xs):9.3f} {max(xs):9.3f}   seconds")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
