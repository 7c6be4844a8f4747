#!/usr/bin/env python3
"""Start-up and idle-memory benchmark for nodewatch.

Measures, for the embedded default configuration (ports moved to free ones):
  * time from process start (fork/exec of bin/nodewatch) to the first 200 from /readyz, median of N runs;
  * resident memory (VmRSS) after 60 s idle, median of N agents running side by side.
Prints a Markdown table; --write appends it with the machine and command to BENCHMARKS.md.

Usage: bench/startup.py [--runs 5] [--idle 60] [--write]
"""
import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "bin", "nodewatch")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(workdir, port):
    path = os.path.join(workdir, "nodewatch.yaml")
    with open(path, "w") as f:
        f.write(f"data_dir: {workdir}/data\nserver:\n  listen: 127.0.0.1:{port}\ndebug:\n  listen: \"\"\n")
    return path


def start(workdir, port):
    config = write_config(workdir, port)
    log = open(os.path.join(workdir, "agent.log"), "w")
    return subprocess.Popen([LAUNCHER, "--config", config], cwd=workdir, stdout=log, stderr=subprocess.STDOUT)


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def wait_ready(proc, port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"agent exited with {proc.returncode}")
        if ready(port):
            return
        time.sleep(0.005)
    raise RuntimeError("agent not ready in time")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def stop(proc):
    proc.terminate()
    code = proc.wait(timeout=30)
    if code != 0:
        raise RuntimeError(f"agent exited with {code} on SIGTERM")


def measure_startup(runs):
    times = []
    with tempfile.TemporaryDirectory() as workdir:
        # One run to let bin/nodewatch write the class-data-sharing archive when it is missing or stale.
        port = free_port()
        proc = start(workdir, port)
        wait_ready(proc, port)
        stop(proc)
        for _ in range(runs):
            port = free_port()
            t0 = time.monotonic()
            proc = start(workdir, port)
            wait_ready(proc, port)
            times.append((time.monotonic() - t0) * 1000)
            stop(proc)
    return times


def measure_idle_rss(runs, idle_seconds):
    dirs = [tempfile.TemporaryDirectory() for _ in range(runs)]
    agents = []
    try:
        for d in dirs:
            port = free_port()
            proc = start(d.name, port)
            wait_ready(proc, port)
            agents.append(proc)
        time.sleep(idle_seconds)
        return [rss_mib(p.pid) for p in agents]
    finally:
        for p in agents:
            stop(p)
        for d in dirs:
            d.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=int, default=60, help="seconds idle before reading RSS")
    parser.add_argument("--write", action="store_true", help="append the result to BENCHMARKS.md")
    args = parser.parse_args()

    startup = measure_startup(args.runs)
    rss = measure_idle_rss(args.runs, args.idle)
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    table = "\n".join([
        "| measure | median | all runs | target |",
        "|---|---|---|---|",
        f"| start to /readyz 200 | {statistics.median(startup):.0f} ms | "
        f"{', '.join(f'{t:.0f}' for t in startup)} | ≤ 1000 ms |",
        f"| RSS after {args.idle} s idle | {statistics.median(rss):.1f} MiB | "
        f"{', '.join(f'{r:.1f}' for r in rss)} | ≤ 96 MiB |",
    ])
    print(table)
    if args.write:
        with open(os.path.join(ROOT, "BENCHMARKS.md"), "a") as f:
            f.write(f"\n### Start-up and idle memory — {time.strftime('%Y-%m-%d')}\n\n")
            f.write(f"Machine: {os.cpu_count()} cores, {platform.machine()}, {java}. "
                    f"Command: `bench/startup.py --runs {args.runs} --idle {args.idle}`\n\n{table}\n")


if __name__ == "__main__":
    sys.exit(main())
