#!/usr/bin/env python3
"""Approach 3 (Hoffmann et al. 2022, App. D.2) in NumPy/SciPy, as a speed and agreement reference.

Minimises  sum_i Huber_delta(LSE(a - alpha ln N_i, b - beta ln D_i, e) - ln L_i)  with delta = 1e-3
by L-BFGS-B with an analytic gradient from each of the paper's 4500 grid starts, keeping the best
(lowest objective, ties to the earlier start). Runs serially and with a process pool, reports the
median wall time of several repeats and the objective+gradient evaluation rate, then runs
`reportgen fit ... --approach 3 --json` on the same data, with its own L-BFGS and with NLopt's
(`--optimizer nlopt`) in turn, and compares speed, evaluation counts and parameters.

With --kernel it instead compiles Benchmarks/approach3_kernel.c with the C compiler (clang or cc)
and times reportgen's objective kernel, on its baseline and AVX2 copies, against a bare scalar loop
with libm's exp and log.

Usage (from anywhere): python3 Benchmarks/approach3_scipy.py [--csv PATH] [--repeats 3] [--processes 2] [--kernel]
"""

import argparse
import itertools
import json
import multiprocessing
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import time

# One thread per process, so that the process pool is not oversubscribed by BLAS/OpenMP threads.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np
from scipy.optimize import minimize

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DELTA = 1e-3


def load_runs(path, exclude_highest):
    """N, D = C/(6N) and L from the digitized CSV, dropping the `exclude_highest` highest losses."""
    import csv

    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    n = np.array([float(r["Model Size"]) for r in rows])
    c = np.array([float(r["Training FLOP"]) for r in rows])
    loss = np.array([float(r["loss"]) for r in rows])
    order = np.argsort(loss, kind="stable")
    keep = order[: len(order) - exclude_highest] if exclude_highest > 0 else order
    n, c, loss = n[keep], c[keep], loss[keep]
    return np.log(n), np.log(c / (6 * n)), np.log(loss)


def grid():
    """The paper's 4500 starts as [a, b, e, alpha, beta], a slowest, beta fastest."""
    alphas = betas = [0.0, 0.5, 1.0, 1.5, 2.0]
    es = [-1.0, -0.5, 0.0, 0.5, 1.0]
    ab = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
    return [list(p) for p in itertools.product(ab, ab, es, alphas, betas)]


class Objective:
    """Huber-of-log-residual objective with analytic gradient; counts evaluations."""

    def __init__(self, ln_n, ln_d, ln_l, delta=DELTA):
        self.ln_n, self.ln_d, self.ln_l, self.delta = ln_n, ln_d, ln_l, delta
        self.evaluations = 0

    def __call__(self, p):
        self.evaluations += 1
        a, b, e, alpha, beta = p
        r1 = a - alpha * self.ln_n
        r2 = b - beta * self.ln_d
        m = np.maximum(np.maximum(r1, r2), e)
        x1, x2, x3 = np.exp(r1 - m), np.exp(r2 - m), np.exp(e - m)
        s = x1 + x2 + x3
        r = m + np.log(s) - self.ln_l
        ar = np.abs(r)
        value = np.where(ar <= self.delta, 0.5 * r * r, self.delta * (ar - 0.5 * self.delta)).sum()
        scale = np.clip(r, -self.delta, self.delta) / s
        w1, w2 = x1 * scale, x2 * scale
        grad = np.array([w1.sum(), w2.sum(), (x3 * scale).sum(), -(w1 * self.ln_n).sum(), -(w2 * self.ln_d).sum()])
        return value, grad


_DATA = None


def _init(data):
    global _DATA
    _DATA = data


def _fit_chunk(starts):
    objective = Objective(*_DATA)
    out = []
    for start in starts:
        res = minimize(objective, np.array(start), jac=True, method="L-BFGS-B")
        value, _ = objective(res.x)
        out.append((float(value), res.x.tolist()))
    return out, objective.evaluations


def fit(data, starts, processes):
    """Best (objective, params) over all starts and the total objective evaluations."""
    if processes <= 1:
        _init(data)
        results, evaluations = _fit_chunk(starts)
    else:
        chunks = [starts[i::processes * 8] for i in range(processes * 8)]
        with multiprocessing.Pool(processes, initializer=_init, initargs=(data,)) as pool:
            parts = pool.map(_fit_chunk, chunks)
        # Put results back in start order so ties break the same way as serially.
        results = [None] * len(starts)
        for i, (part, _) in enumerate(parts):
            for j, item in enumerate(part):
                results[i + j * processes * 8] = item
        evaluations = sum(ev for _, ev in parts)
    best = min(range(len(results)), key=lambda i: (results[i][0] if np.isfinite(results[i][0]) else np.inf, i))
    return results[best], evaluations


def law(params):
    a, b, e, alpha, beta = params
    return {"E": float(np.exp(e)), "A": float(np.exp(a)), "B": float(np.exp(b)), "alpha": alpha, "beta": beta}


def parsed(text):
    """reportgen's JSON output as a dictionary (empty when it is not one)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def find_law(obj):
    """The first dictionary in a JSON document holding E, A, B, alpha and beta."""
    if isinstance(obj, dict):
        if all(k in obj for k in ("E", "A", "B", "alpha", "beta")):
            return {k: float(obj[k]) for k in ("E", "A", "B", "alpha", "beta")}
        children = obj.values()
    elif isinstance(obj, list):
        children = obj
    else:
        return None
    for child in children:
        found = find_law(child)
        if found:
            return found
    return None


def timed(function, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def kernel_benchmark(csv_path, exclude_highest):
    """Compiles and runs the C benchmark of the objective kernel; returns its exit status."""
    compiler = shutil.which("clang") or shutil.which("cc")
    if compiler is None:
        print("no C compiler (clang or cc) on PATH")
        return 1
    kernel = os.path.join(REPO, "Sources", "CApproach3Kernel")
    with tempfile.TemporaryDirectory() as scratch:
        binary = os.path.join(scratch, "approach3_kernel")
        subprocess.run([compiler, "-O3", "-ffp-contract=off", "-I", os.path.join(kernel, "include"),
                        os.path.join(REPO, "Benchmarks", "approach3_kernel.c"),
                        os.path.join(kernel, "approach3_kernel.c"), "-lm", "-o", binary], check=True)
        return subprocess.run([binary, csv_path, "20000", str(exclude_highest)]).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default=None, help="digitized runs CSV (default: Data/external/ or ../shared/data/)")
    parser.add_argument("--exclude-highest-loss", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--reportgen", default=os.path.join(REPO, ".build", "release", "reportgen"))
    parser.add_argument("--kernel", action="store_true",
                        help="time reportgen's C objective kernel against a bare libm loop instead")
    args = parser.parse_args()

    csv_path = args.csv
    if csv_path is None:
        for candidate in ("Data/external/chinchilla_svg_extracted.csv", "../shared/data/chinchilla_svg_extracted.csv"):
            if os.path.exists(os.path.join(REPO, candidate)):
                csv_path = os.path.join(REPO, candidate)
                break
    if csv_path is None or not os.path.exists(csv_path):
        sys.exit("no data: pass --csv PATH to the digitized runs")
    if args.kernel:
        sys.exit(kernel_benchmark(csv_path, args.exclude_highest_loss))

    data = load_runs(csv_path, args.exclude_highest_loss)
    starts = grid()
    print(f"runs: {len(data[0])}, starts: {len(starts)}, Huber delta: {DELTA}")

    serial_time, ((serial_value, serial_params), scipy_evaluations) = timed(lambda: fit(data, starts, 1), args.repeats)
    print(f"SciPy serial:        {serial_time:.3f} s (median of {args.repeats}), objective {serial_value:.10g}")
    print(f"  objective+gradient evaluations: {scipy_evaluations}, {scipy_evaluations / serial_time:,.0f} per second")
    pool_time, ((pool_value, pool_params), _) = timed(lambda: fit(data, starts, args.processes), args.repeats)
    print(f"SciPy {args.processes} processes:   {pool_time:.3f} s (median of {args.repeats}), objective {pool_value:.10g}")
    reference = law(serial_params)
    print("SciPy best law:", json.dumps(reference))

    command = [args.reportgen, "fit", csv_path, "--approach", "3",
               "--exclude-highest-loss", str(args.exclude_highest_loss), "--json"]
    # reportgen's own L-BFGS (the default) and NLopt's, alternating so that both see the same load.
    variants = {"own": command, "nlopt": command + ["--optimizer", "nlopt"]}
    times = {name: [] for name in variants}
    results = {}
    try:
        for _ in range(args.repeats):
            for name, variant in variants.items():
                start = time.perf_counter()
                done = subprocess.run(variant, capture_output=True, text=True, cwd=REPO, check=True)
                times[name].append(time.perf_counter() - start)
                results[name] = parsed(done.stdout)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        print(f"reportgen fit failed, skipping the comparison: {detail.strip()[:500]}")
        return
    swift_time, nlopt_time = statistics.median(times["own"]), statistics.median(times["nlopt"])
    print(f"reportgen (Swift):   {swift_time:.3f} s (median of {args.repeats}, whole process)")
    print(f"  with --optimizer nlopt (NLopt's L-BFGS): {nlopt_time:.3f} s, "
          f"{pool_time / nlopt_time:.1f}x SciPy on {args.processes} processes")
    print(f"speed-up over SciPy serial: {serial_time / swift_time:.1f}x, over {args.processes} processes: "
          f"{pool_time / swift_time:.1f}x")
    counts = {name: int(result.get("evaluations", 0)) for name, result in results.items()}
    print(f"  objective+gradient evaluations: {counts['own']} (with NLopt: {counts['nlopt']}; "
          f"SciPy: {scipy_evaluations})")
    swift_law = find_law(results["own"])
    if swift_law is None:
        print("reportgen output has no E/A/B/alpha/beta; cannot compare parameters")
        return
    print("reportgen law:", json.dumps(swift_law))
    worst = max(abs(swift_law[k] / reference[k] - 1) for k in reference)
    print(f"parameters agree to relative 1e-3: {'yes' if worst <= 1e-3 else 'no'} (worst {worst:.2e})")


if __name__ == "__main__":
    main()
