#!/usr/bin/env python3
"""Seeded, time-bounded fuzzing of the release binary on hostile inputs.

Each iteration builds a small project (one IsoFLOP fit, a figure, a table) after mutating one of
its inputs: the document, its data file, or an entry of the step cache; a few iterations run
`reportgen fit` on a mutated data file instead. A run fails the fuzzer when the binary

  * dies of a signal (a trap, a stack overflow),
  * runs longer than --hang seconds,
  * uses more than --max-rss megabytes of memory (peak resident set, from wait4),
  * exits with a code other than 0 or 1, or
  * prints an error that is not located (`path:line:col: error: …`).

Every failing input is saved in the corpus folder (kept in the repository as regression tests:
Tests/ReportgenCoreTests/Fixtures/fuzz-corpus/, replayed by FuzzCorpusTests).

    scripts/fuzz.py --seed 1 --seconds 60          # make fuzz runs it for FUZZ_SECONDS
"""

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUMENT = os.path.join(REPO, "Tests/ReportgenCoreTests/Fixtures/small-report.md")
DATA = os.path.join(REPO, "Data/isoflop-small.csv")
LOCATED = re.compile(r"^\S[^:]*:\d+:\d+: error: ")

# A table directive and a second paragraph make the base document exercise more of the pipeline.
EXTRA = """
```{table} tbl-exp
kind: exponents
fits: isoflops
caption: Exponents, see @fig:fig-isoflops and [the paper](https://arxiv.org/abs/2203.15556).
```

A list:

- item with $x^{2}$ and **strong _emphasis_**
- > a quote

$$ L(N, D) = E + \\frac{A}{N^{\\alpha}} + \\frac{B}{D^{\\beta}} $$ {#eq:loss}
"""

# Fragments a mutation may insert: syntax, and the shapes that broke the tool before.
FRAGMENTS = [
    "$", "$$", "\\", "`", "```", "{", "}", "[", "]", "(", ")", "*", "_", "**", "^", "@fig:", "[@k]", "|",
    "> ", "- ", "1. ", "# ", "\n", "\n\n", "\t", "<b>", "&amp;", "\u00e9", "\U0001F600", "\uffff", "\ufdd0",
    "\x00", "\x01", "\x7f", "0x10", "1e309", "-1", "2147483648", "9223372036854775807", "nan", "inf",
    "[x](javascript:alert(1))", "[x](data:text/html,hi)", "<javascript:alert(1)>", "[y](#sec:x)",
    "`=isoflops.a:.3f`", "`=isoflops.zz`", "\\frac{", "\\sqrt{", "\\left(", "\\right)", "x_{", "&a ", "*a ",
]


def deep(rng):
    """A deeply nested construct of a random kind and depth."""
    k = rng.choice([10, 40, 200, 1500, 3000, 6000])
    kind = rng.randrange(9)
    if kind == 0:
        return "$" + "{" * k + "x" + "}" * k + "$"
    if kind == 1:
        return "$" + "\\frac{" * k + "x" + "}{y}" * k + "$"
    if kind == 2:
        return "$" + "\\left(" * k + "x" + "\\right)" * k + "$"
    if kind == 3:
        return ">" * k + " x\n"
    if kind == 4:
        return "".join("  " * i + "- x\n" for i in range(min(k, 400)))
    if kind == 5:
        return "> - " * k + "x\n"
    if kind == 6:
        return "*" * k + "x" + "*" * k
    if kind == 7:
        return "[" * k + "x" + "](https://a)" * k
    return "$" + "x^{" * k + "1" + "}" * k + "$"


def yaml_bomb(rng):
    levels = rng.randrange(3, 12)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def integer_option(rng):
    key = rng.choice(["envelope-points", "smoothing-window", "exclude-highest-loss", "approach", "resamples", "seed"])
    value = rng.choice(["2147483648", "9223372036854775807", "99999999999999999999", "-1", "0x10", "1e3", "100000000"])
    if key in ("resamples", "seed"):
        return f"intervals: {{scheme: bootstrap, {key}: {value}}}\n"
    return f"{key}: {value}\n"


def mutate_text(rng, text):
    """One to four edits of a document's text."""
    for _ in range(rng.randrange(1, 5)):
        choice = rng.randrange(10)
        pos = rng.randrange(len(text) + 1)
        if choice < 3:
            text = text[:pos] + rng.choice(FRAGMENTS) * rng.choice([1, 1, 2, 50, 5000]) + text[pos:]
        elif choice == 3:
            text = text[:pos] + deep(rng) + text[pos:]
        elif choice == 4:
            # YAML into the front matter or a directive body.
            lines = text.split("\n")
            at = rng.randrange(1, max(2, len(lines)))
            lines.insert(at, rng.choice([yaml_bomb(rng), integer_option(rng), "huber-delta: 1e-300", "url: javascript:x"]).rstrip("\n"))
            text = "\n".join(lines)
        elif choice == 5:
            end = min(len(text), pos + rng.randrange(1, 200))
            text = text[:pos] + text[end:]
        elif choice == 6:
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            lines.insert(rng.randrange(len(lines) + 1), lines[i])
            text = "\n".join(lines)
        elif choice == 7:
            text = text[:pos] + "x" * rng.choice([200, 20000, 120000]) + text[pos:]
        elif choice == 8:
            text = text[:pos] + "|" * rng.choice([100, 20000]) + text[pos:]
        else:
            text = text[:pos] + rng.choice(FRAGMENTS) + text[pos:]
    return text


def mutate_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randrange(1, 8)):
        if not data:
            break
        i = rng.randrange(len(data))
        op = rng.randrange(4)
        if op == 0:
            data[i] = rng.randrange(256)
        elif op == 1:
            del data[i:i + rng.randrange(1, 64)]
        elif op == 2:
            data[i:i] = bytes([rng.choice([0x00, 0xff, 0xc3, 0x80, 0x22, 0x2c, 0x0a])])
        else:
            data[i:i] = data[i:i + rng.randrange(1, 200)]
    return bytes(data)


def mutate_data(rng, text):
    lines = text.split("\n")
    header, rows = lines[0], [l for l in lines[1:] if l]
    op = rng.randrange(8)
    if op == 0:
        cells = ["0x10", "inf", "nan", "-1", "0", "1e309", "", "\"x", "1e-320", "\u00e9"]
        i = rng.randrange(len(rows))
        parts = rows[i].split(",")
        parts[rng.randrange(len(parts))] = rng.choice(cells)
        rows[i] = ",".join(parts)
    elif op == 1:
        # 30000 copies of the fixture's 81 rows pass the row limit (2 000 000): refused while
        # parsing. Files just under the limit are legitimate work, seconds per 10⁵ rows, and are
        # measured by Benchmarks/document_scale.py, not fuzzed against the hang limit.
        rows = rows * rng.choice([2, 10, 100, 30000])
    elif op == 2:
        # Every loss equal.
        rows = [",".join(r.split(",")[:-1] + ["2.5"]) for r in rows]
    elif op == 3:
        rows = rows[: rng.randrange(0, 6)]
    elif op == 4:
        header = rng.choice(["params,flops", "a,b,c", "", header + ",extra", "params,params,loss"])
    elif op == 5:
        rng.shuffle(rows)
    elif op == 6:
        return mutate_bytes(rng, text.encode()).decode("utf-8", "surrogateescape")
    else:
        rows = [rows[0]] * len(rows)
    return "\n".join([header] + rows) + "\n"


class Project:
    def __init__(self, binary):
        self.root = tempfile.mkdtemp(prefix="reportgen-fuzz-")
        self.binary = binary
        os.makedirs(os.path.join(self.root, ".git"))
        os.makedirs(os.path.join(self.root, "Reports"))
        os.makedirs(os.path.join(self.root, "Data"))
        shutil.copytree(os.path.join(REPO, "Templates"), os.path.join(self.root, "Templates"))
        with open(DOCUMENT, encoding="utf-8") as f:
            self.document = f.read() + EXTRA
        with open(DATA, encoding="utf-8") as f:
            self.data = f.read()
        self.peak_rss = 0.0
        self.reset()

    def reset(self):
        self.write("Reports/small.md", self.document.encode())
        self.write("Data/isoflop-small.csv", self.data.encode())

    def write(self, path, data):
        with open(os.path.join(self.root, path), "wb") as f:
            f.write(data)

    def cache_entries(self):
        cache = os.path.join(self.root, ".reportgen/cache")
        out = []
        for folder, _, files in os.walk(cache):
            out += [os.path.join(folder, f) for f in files if not f.startswith(".")]
        return sorted(out)

    def run(self, args, hang):
        """Runs the binary; returns (exit code, -signal or "hang"; stderr; seconds; peak RSS in MB)."""
        started = time.monotonic()
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen([self.binary] + args, cwd=self.root, stdout=subprocess.DEVNULL, stderr=err)
            timed_out = threading.Event()

            def stop():
                timed_out.set()
                proc.kill()

            timer = threading.Timer(hang, stop)
            timer.start()
            # wait4 gives this child's own peak resident set size.
            _, status, usage = os.wait4(proc.pid, 0)
            timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        seconds = time.monotonic() - started
        code = "hang" if timed_out.is_set() else proc.returncode
        self.peak_rss = max(getattr(self, "peak_rss", 0), usage.ru_maxrss / 1024)
        return code, stderr, seconds, usage.ru_maxrss / 1024

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def problem(code, stderr, seconds, rss, args):
    if code == "hang":
        return f"hang: over {args.hang} s"
    if isinstance(code, int) and code < 0:
        return f"killed by signal {signal.Signals(-code).name}"
    if rss > args.max_rss:
        return f"peak memory {rss:.0f} MB"
    if code not in (0, 1):
        return f"exit code {code}"
    for line in stderr.splitlines():
        if " error: " in line or line.startswith("error:"):
            if not LOCATED.match(line):
                return f"unlocated error: {line.strip()[:200]}"
    return None


def save(corpus, kind, data):
    os.makedirs(corpus, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    ext = {"document": "md", "data": "csv", "fit": "csv", "cache": "md"}[kind]
    path = os.path.join(corpus, f"{kind}-{digest}.{ext}")
    with open(path, "wb") as f:
        f.write(data)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--hang", type=float, default=5)
    parser.add_argument("--max-rss", type=float, default=1024, help="megabytes")
    parser.add_argument("--binary", default=os.path.join(REPO, ".build/release/reportgen"))
    parser.add_argument("--corpus", default=os.path.join(REPO, "Tests/ReportgenCoreTests/Fixtures/fuzz-corpus"))
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} is not built (make build)")
    rng = random.Random(args.seed)
    project = Project(args.binary)
    counts = {"document": 0, "data": 0, "cache": 0, "fit": 0}
    failures = []
    slowest = (0.0, "")
    try:
        code, stderr, _, _ = project.run(["build", "Reports/small.md"], 60)
        if code != 0:
            sys.exit("the unmutated project does not build:\n" + stderr)
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            project.reset()
            r = rng.random()
            build = ["build", "Reports/small.md"]
            if r < 0.55:
                kind = "document"
                text = mutate_text(rng, project.document)
                data = text.encode("utf-8", "surrogatepass") if rng.random() < 0.9 else mutate_bytes(rng, text.encode("utf-8", "surrogatepass"))
                project.write("Reports/small.md", data)
                command = build + (["--no-cache"] if rng.random() < 0.5 else [])
            elif r < 0.8:
                kind = "data"
                data = mutate_data(rng, project.data).encode("utf-8", "surrogateescape")
                project.write("Data/isoflop-small.csv", data)
                command = build
            elif r < 0.9:
                kind = "fit"
                data = mutate_data(rng, project.data).encode("utf-8", "surrogateescape")
                project.write("Data/isoflop-small.csv", data)
                # Approach 3 runs the paper's 4500-start grid, a few seconds per thousand runs:
                # legitimate work, so it is fuzzed on files of the fixture's size only.
                approaches = ["1", "2", "3"] if data.count(b"\n") < 400 else ["1", "2"]
                command = ["fit", "Data/isoflop-small.csv", "--approach", rng.choice(approaches), "--json"]
            else:
                kind = "cache"
                data = project.document.encode()
                entries = project.cache_entries()
                if entries:
                    target = rng.choice(entries)
                    op = rng.randrange(3)
                    if op == 0:
                        with open(target, "rb") as f:
                            blob = f.read()
                        with open(target, "wb") as f:
                            f.write(mutate_bytes(rng, blob))
                    elif op == 1:
                        shutil.copyfile(rng.choice(entries), target)
                    else:
                        with open(target, "wb") as f:
                            f.write(b"")
                # Invalidate the output folder so the build reads the cache.
                shutil.rmtree(os.path.join(project.root, "build"), ignore_errors=True)
                command = build
            counts[kind] += 1
            code, stderr, seconds, rss = project.run(command, args.hang)
            if seconds > slowest[0]:
                slowest = (seconds, kind)
            why = problem(code, stderr, seconds, rss, args)
            if why:
                path = save(args.corpus, kind, data)
                failures.append((why, path))
                print(f"FAIL {why}  ({kind}, saved {os.path.relpath(path, REPO)})", flush=True)
    finally:
        project.remove()
    total = sum(counts.values())
    print(f"fuzz: seed {args.seed}, {total} runs in {args.seconds:.0f} s "
          f"({', '.join(f'{v} {k}' for k, v in counts.items())}); slowest {slowest[0]:.2f} s ({slowest[1]}); "
          f"peak memory {project.peak_rss:.0f} MB; {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
