#!/usr/bin/env python3
"""Scrape-latency benchmark: GET /metrics at a fixed rate and report latency percentiles and CPU per scrape.

Starts bin/nodewatch (embedded default, free port) unless --url points at a running exporter, e.g. a
node_exporter started by hand, so both can be measured the same way. Requests are paced, not back to back, the way
Prometheus scrapes; latency is the time to read the whole body.

Usage: bench/scrape.py [--rate 10] [--seconds 60] [--url http://127.0.0.1:9100/metrics --pid PID] [--write]
"""
import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import startup  # noqa: E402  (shares the agent start/stop helpers)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(url, pid, rate, seconds):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    latencies, sizes = [], []
    # Warm-up: the first scrapes compile the exposition path; Prometheus' steady state is what matters.
    for _ in range(20):
        conn.request("GET", parts.path)
        conn.getresponse().read()
    cpu0 = cpu_seconds(pid)
    interval = 1.0 / rate
    next_at = time.monotonic()
    for _ in range(int(rate * seconds)):
        next_at += interval
        t0 = time.monotonic()
        conn.request("GET", parts.path, headers={"Accept-Encoding": "identity"})
        body = conn.getresponse().read()
        latencies.append((time.monotonic() - t0) * 1000)
        sizes.append(len(body))
        time.sleep(max(0.0, next_at - time.monotonic()))
    cpu = cpu_seconds(pid) - cpu0
    return latencies, cpu / len(latencies) * 1000, statistics.median(sizes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--url", help="scrape this instead of starting nodewatch")
    parser.add_argument("--pid", type=int, help="process behind --url, for CPU accounting")
    parser.add_argument("--label", default=None)
    parser.add_argument("--write", action="store_true", help="append the result to BENCHMARKS.md")
    args = parser.parse_args()

    proc = None
    workdir = None
    if args.url:
        url, pid, label = args.url, args.pid, args.label or args.url
    else:
        workdir = tempfile.TemporaryDirectory()
        port = startup.free_port()
        proc = startup.start(workdir.name, port)
        startup.wait_ready(proc, port)
        url, pid, label = f"http://127.0.0.1:{port}/metrics", proc.pid, args.label or "nodewatch"
    try:
        latencies, cpu_ms, size = run(url, pid, args.rate, args.seconds)
        rss = startup.rss_mib(pid)
    finally:
        if proc:
            startup.stop(proc)
            workdir.cleanup()
    row = (f"| {label} | {args.rate:g}/s × {args.seconds} s | {statistics.median(latencies):.1f} ms | "
           f"{percentile(latencies, 99):.1f} ms | {cpu_ms:.2f} ms | {size / 1024:.0f} KiB | {rss:.1f} MiB |")
    header = ("| target | load | latency p50 | latency p99 | CPU per scrape | body | RSS after |\n"
              "|---|---|---|---|---|---|---|")
    print(header)
    print(row)
    if args.write:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        with open(os.path.join(startup.ROOT, "BENCHMARKS.md"), "a") as f:
            f.write(f"\n### /metrics under load — {time.strftime('%Y-%m-%d')}\n\n")
            f.write(f"Machine: {os.cpu_count()} cores, {platform.machine()}, {java}. "
                    f"Command: `bench/scrape.py --rate {args.rate:g} --seconds {args.seconds}`\n\n"
                    f"{header}\n{row}\n")


if __name__ == "__main__":
    sys.exit(main())
