#!/usr/bin/env python3
"""A fresh clone building the flagship against a warm remote cache, against a cold build.

Starts nginx (WebDAV) on a loopback port with a temporary configuration, seeds it with one build
(--remote-cache-upload), then measures, each as the median of several runs, in a new copy of the
project every time (no .reportgen/, no build/):
  cold         a build with no cache at all
  warm remote  a build with the remote cache only (read-only)
  warm local   then, in that clone, a build without build/ that reads the entries fetched into
               .reportgen/cache (what the remote costs over the local store)
and prints the wall time and the steps that ran or came from the remote.
Usage: python3 Benchmarks/remote_cache.py [--runs N] [--document Reports/chinchilla.md]
Needs the release binary (make build) and nginx (make deps).
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARY = re.compile(r"(\d+) steps ran, (\d+) cached(?: \((\d+) from the remote cache)?")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(prefix, port):
    os.makedirs(os.path.join(prefix, "store", "cache"))
    os.makedirs(os.path.join(prefix, "temp"))
    user = "user root root;" if os.geteuid() == 0 else ""
    config = f"""{user}
daemon off; master_process off; worker_processes 1;
pid {prefix}/nginx.pid; error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/temp/body; proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi; uwsgi_temp_path {prefix}/temp/uwsgi; scgi_temp_path {prefix}/temp/scgi;
    client_max_body_size 1g;
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/store;
        location /cache/ {{ dav_methods PUT; create_full_put_path on; }}
    }}
}}
"""
    path = os.path.join(prefix, "nginx.conf")
    with open(path, "w") as f:
        f.write(config)
    server = subprocess.Popen(["nginx", "-p", prefix, "-e", f"{prefix}/error.log", "-c", path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return server
        except OSError:
            time.sleep(0.025)
    server.kill()
    sys.exit("nginx did not start")


def clone(work):
    """A fresh copy of what the report reads, with no cache and no outputs."""
    shutil.rmtree(work, ignore_errors=True)
    for folder in ["Reports", "Data", "Templates"]:
        if os.path.isdir(os.path.join(ROOT, folder)):
            shutil.copytree(os.path.join(ROOT, folder), os.path.join(work, folder), symlinks=True)
    os.makedirs(os.path.join(work, ".git"))


def build(binary, document, cwd, extra):
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTGEN_REMOTE_CACHE")}
    result = subprocess.run([binary, "build", document, *extra], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr}")
    match = SUMMARY.search(result.stdout)
    if not match:
        sys.exit(f"no summary line in: {result.stdout}")
    return elapsed, int(match.group(1)), int(match.group(3) or 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--document", default="Reports/chinchilla.md")
    args = parser.parse_args()
    binary = os.path.join(ROOT, ".build/release/reportgen")
    if not os.path.exists(binary):
        sys.exit("build the release binary first: make build")
    scratch = tempfile.mkdtemp(prefix="reportgen-remote-bench-")
    port = free_port()
    server = start_nginx(os.path.join(scratch, "nginx"), port)
    url = f"http://127.0.0.1:{port}/cache"
    work = os.path.join(scratch, "clone")
    try:
        clone(work)
        _, seeded, _ = build(binary, args.document, work, ["--remote-cache", url, "--remote-cache-upload"])
        cold, warm, local = [], [], []
        for _ in range(args.runs):
            clone(work)
            cold.append(build(binary, args.document, work, ["--no-remote-cache"]))
            clone(work)
            warm.append(build(binary, args.document, work, ["--remote-cache", url]))
            shutil.rmtree(os.path.join(work, "build"))
            local.append(build(binary, args.document, work, ["--no-remote-cache"]))
        print(f"{args.document}: {seeded} steps seeded; medians of {args.runs} fresh clones")
        for name, runs in [("cold", cold), ("warm remote", warm), ("warm local", local)]:
            print(f"  {name:12s} {statistics.median(r[0] for r in runs):7.2f} s   "
                  f"steps ran {statistics.median(r[1] for r in runs):.0f}, "
                  f"from the remote {statistics.median(r[2] for r in runs):.0f}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
