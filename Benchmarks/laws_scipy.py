#!/usr/bin/env python3
"""Declared laws and variable projection against an independent NumPy/SciPy implementation.

1. Variable projection of Eq. 2 (Hoffmann et al. 2022) on the 240 digitized runs: for fixed (alpha, beta)
   the law E + A N^-alpha + B D^-beta is linear in (E, A, B). This script's own implementation solves
   them with scipy.optimize.nnls (mse), or by Newton steps on log residuals, each an NNLS (the same
   algorithm as reportgen's, at most 5 steps per grid point, each warm-started from its neighbour's
   solution, rows alternating direction), on a 21 x 21 grid over alpha, beta in [0, 2], then refines
   (alpha, beta) with
   SciPy's L-BFGS-B on the projected objective (gradient: the full objective's alpha/beta gradient at
   the solved coefficients). It checks that `reportgen fit --solver varpro` reaches the same optimum
   and compares median wall times. reportgen's time is the whole command; the script also times
   `reportgen fit --approach 2` on the same file (reading the file and starting the process, with a
   fit that takes well under a millisecond) and reports the difference as the fit's own time.
2. The declared Eq. 2 (`--law chinchilla`, the compiled law program) on the paper's 4500-start grid
   against the hand-written C kernel (`reportgen fit --approach 3`), runs alternating, medians.

Usage: python3 Benchmarks/laws_scipy.py [--csv PATH] [--repeats 7] [--objective huber-log|mse-log|mse] [--skip-grid]
Prints medians of wall and user (CPU) time, and the load average.
"""

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np
from scipy.optimize import minimize, nnls

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DELTA = 1e-3
# Newton steps per grid point (reportgen's `VariableProjection.gridSteps`): enough to rank the grid.
GRID_STEPS = 5


def load(path, exclude_highest=5):
    """N, D = C/(6N) and L, dropping the highest losses (the paper's Approach 3 set-up: 240 runs remain)."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    n = np.array([float(r["Model Size"]) for r in rows])
    c = np.array([float(r["Training FLOP"]) for r in rows])
    loss = np.array([float(r["loss"]) for r in rows])
    keep = np.argsort(loss, kind="stable")[: len(loss) - exclude_highest]
    keep = np.sort(keep)
    return n[keep], c[keep] / (6 * n[keep]), loss[keep]


def huber(r):
    a = np.abs(r)
    return np.where(a <= DELTA, 0.5 * r * r, DELTA * (a - 0.5 * DELTA))


class Projection:
    """The inner problem at fixed (alpha, beta): coefficients c = (E, A, B) >= 0, solved exactly."""

    def __init__(self, n, d, loss, objective):
        self.ln_n, self.ln_d, self.loss, self.ln_l = np.log(n), np.log(d), loss, np.log(loss)
        self.objective = objective

    def features(self, alpha, beta):
        return np.column_stack([np.ones_like(self.ln_n), np.exp(-alpha * self.ln_n), np.exp(-beta * self.ln_d)])

    def value(self, x, c):
        p = x @ c
        if self.objective == "mse":
            return 0.5 * np.sum((p - self.loss) ** 2)
        if np.any(p <= 0):
            return np.inf
        r = np.log(p) - self.ln_l
        return np.sum(huber(r)) if self.objective == "huber-log" else 0.5 * np.sum(r * r)

    def solve(self, alpha, beta, warm=None, steps=100):
        """The same algorithm as reportgen's: NNLS for mse; for the log objectives, from relative least
        squares (or `warm`), Newton steps with the Gauss-Newton Hessian over the runs inside Huber's
        quadratic zone (IRLS weights while fewer than k + 1 are inside), each an NNLS, halved until
        the objective does not increase."""
        x = self.features(alpha, beta)
        if self.objective == "mse":
            c, _ = nnls(x, self.loss)
            return self.value(x, c), c
        c = warm if warm is not None and np.isfinite(self.value(x, warm)) else nnls(x / self.loss[:, None], np.ones_like(self.loss))[0]
        f = self.value(x, c)
        delta = DELTA if self.objective == "huber-log" else np.inf
        for _ in range(steps):
            p = x @ c
            r = np.log(p) - self.ln_l
            j = x / p[:, None]
            inside = np.abs(r) <= delta
            w = inside.astype(float) if inside.sum() >= x.shape[1] + 1 else np.where(inside, 1.0, delta / np.abs(r))
            hessian = (j * w[:, None]).T @ j
            gradient = j.T @ np.clip(r, -delta, delta)
            # The quadratic model's minimiser over c' >= 0: NNLS on the Cholesky factor of the Hessian.
            try:
                factor = np.linalg.cholesky(hessian)
            except np.linalg.LinAlgError:
                break
            proposal, _ = nnls(factor.T, np.linalg.solve(factor, hessian @ c - gradient))
            step, nxt = 1.0, proposal
            g = self.value(x, nxt)
            while not g <= f and step > 1e-6:
                step /= 2
                nxt = c + step * (proposal - c)
                g = self.value(x, nxt)
            if not g <= f:
                break
            change = np.max(np.abs(nxt - c))
            previous, c, f = f, nxt, g
            if change <= 1e-13 * np.max(np.abs(c)) or previous - f <= 1e-15 * abs(f):
                break
        return f, c

    def gradient(self, alpha, beta, c):
        """d objective / d (alpha, beta) at fixed coefficients (the projected objective's gradient)."""
        x = self.features(alpha, beta)
        p = x @ c
        if self.objective == "mse":
            dp = p - self.loss
        else:
            r = np.log(p) - self.ln_l
            dp = (np.clip(r, -DELTA, DELTA) if self.objective == "huber-log" else r) / p
        return np.array([np.sum(dp * c[1] * x[:, 1] * -self.ln_n), np.sum(dp * c[2] * x[:, 2] * -self.ln_d)])


def varpro(n, d, loss, objective, points=21):
    problem = Projection(n, d, loss, objective)
    axis = np.linspace(0, 2, points)
    best, warm = (np.inf, None), None
    # Rows of the grid alternate direction, so that each point starts from its neighbour's solution.
    for row, alpha in enumerate(axis):
        for beta in axis if row % 2 == 0 else axis[::-1]:
            f, c = problem.solve(alpha, beta, warm=warm, steps=GRID_STEPS)
            if np.isfinite(f):
                warm = c
            if f < best[0]:
                best = (f, (alpha, beta))

    def projected(theta):
        f, c = problem.solve(theta[0], theta[1])
        if not np.isfinite(f):
            return np.inf, np.zeros(2)
        return f, problem.gradient(theta[0], theta[1], c)

    result = minimize(projected, np.array(best[1]), jac=True, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 200})
    f, c = problem.solve(result.x[0], result.x[1])
    return {"objective": f, "E": c[0], "A": c[1], "B": c[2], "alpha": result.x[0], "beta": result.x[1]}


def timed(function, repeats):
    """Median wall and CPU (user) time of `repeats` calls in this process, and the last result."""
    walls, users, result = [], [], None
    for _ in range(repeats):
        start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_utime
        result = function()
        walls.append(time.perf_counter() - start)
        users.append(resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu)
    return statistics.median(walls), statistics.median(users), result


def reportgen(binary, arguments):
    """Wall time, user time (all threads) and the JSON of one `reportgen fit` run."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    start = time.perf_counter()
    output = subprocess.run([binary, "fit", *arguments, "--json"], check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - cpu, json.loads(output)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", default=os.path.join(REPO, "Data/external/chinchilla_svg_extracted.csv"))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--objective", default="huber-log", choices=["huber-log", "mse-log", "mse"])
    parser.add_argument("--skip-grid", action="store_true", help="only the variable-projection comparison")
    args = parser.parse_args()
    binary = os.path.join(REPO, ".build/release/reportgen")
    if not os.path.exists(binary) or not os.path.exists(args.csv):
        sys.exit("needs .build/release/reportgen (make build) and the digitized runs (make data)")
    n, d, loss = load(args.csv)
    print(f"{len(loss)} runs, objective {args.objective}, load average {os.getloadavg()[0]:.1f} at the start")

    scipy_time, scipy_user, ours = timed(lambda: varpro(n, d, loss, args.objective), args.repeats)
    common = [args.csv, "--exclude-highest-loss", "5"]
    vp_times, base_times, theirs = [], [], None
    for _ in range(args.repeats):
        wall, user, theirs = reportgen(binary, common + ["--approach", "3", "--solver", "varpro", "--objective", args.objective])
        vp_times.append((wall, user))
        wall, user, _ = reportgen(
            binary, common + ["--approach", "2", "--budgets", "paper", "--budget-tolerance", "0.12", "--bad-budget", "drop"])
        base_times.append((wall, user))

    def medians(pairs):
        return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)

    (vp, vp_user), (base, base_user) = medians(vp_times), medians(base_times)
    print(f"medians of {args.repeats} runs, wall and user (CPU) time:")
    print(f"variable projection, NumPy/SciPy (21x21 grid + L-BFGS-B): {scipy_time * 1e3:8.1f} ms wall {scipy_user * 1e3:8.1f} ms user")
    print(f"reportgen fit --solver varpro, whole command:          {vp * 1e3:8.1f} ms wall {vp_user * 1e3:8.1f} ms user")
    print(f"reportgen fit --approach 2 (start-up and reading):     {base * 1e3:8.1f} ms wall {base_user * 1e3:8.1f} ms user")
    print(f"reportgen variable projection, the fit's own time:     {(vp - base) * 1e3:8.1f} ms wall {(vp_user - base_user) * 1e3:8.1f} ms user")
    print(f"objective: SciPy {ours['objective']:.12e}, reportgen {theirs['objective']:.12e}, relative difference {abs(ours['objective'] / theirs['objective'] - 1):.1e}")
    for key in ["E", "A", "B", "alpha", "beta"]:
        print(f"  {key:5s} SciPy {ours[key]:.8g}  reportgen {theirs[key]:.8g}  relative difference {abs(ours[key] / theirs[key] - 1):.1e}")
    print(f"  condition numbers (reportgen): all parameters {theirs['condition_full']:.3g}, projected {theirs['condition_projected']:.3g}")

    if args.skip_grid:
        return
    kernel_times, declared_times = [], []
    kernel = declared = None
    grid_repeats = max(3, args.repeats // 2)
    for _ in range(grid_repeats):
        wall, user, kernel = reportgen(binary, common + ["--approach", "3"])
        kernel_times.append((wall, user))
        wall, user, declared = reportgen(binary, common + ["--approach", "3", "--law", "chinchilla"])
        declared_times.append((wall, user))
    (k, k_user), (dl, dl_user) = medians(kernel_times), medians(declared_times)
    print(f"4500-start grid, medians of {grid_repeats} runs alternating (load average {os.getloadavg()[0]:.1f} now):")
    print(f"  hand-written kernel:     {k:6.3f} s wall {k_user:6.3f} s user ({kernel['evaluations']:.0f} evaluations)")
    print(f"  declared law (compiled): {dl:6.3f} s wall {dl_user:6.3f} s user ({declared['evaluations']:.0f} evaluations)")
    print(f"  declared / kernel: {dl / k:.2f}x wall, {dl_user / k_user:.2f}x user")
    print(f"per evaluation (user time): kernel {k_user / kernel['evaluations'] * 1e6:.2f} us, declared {dl_user / declared['evaluations'] * 1e6:.2f} us")
    print(f"objectives: kernel {kernel['objective']:.12e}, declared {declared['objective']:.12e}, varpro {theirs['objective']:.12e}")


if __name__ == "__main__":
    main()
