#!/usr/bin/env python3
"""Host metrics side by side: nodewatch and node_exporter (apt prometheus-node-exporter) in one run.

Both run the same collectors with the same filesystem exclusions. Each is scraped at a fixed rate (default 10/s),
interleaved so both see the same machine noise, twice: "cold" right after start (the JVM still compiling), then
"steady" after --warmup scrapes. The table gives latency p50/p99, CPU per scrape,
memory allocated per scrape (nodewatch: jvm_gc_memory_allocated_bytes_total; node_exporter:
go_memstats_alloc_bytes_total) and body size, with nodewatch/node_exporter ratios. --soak N then scrapes nodewatch
N times back to back and reports RSS after warm-up and at the end.

Usage: bench/host.py [--rate 10] [--cold 30] [--warmup 3000] [--seconds 60] [--soak 10000] [--write]
"""
import argparse
import http.client
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scrape  # noqa: E402
import startup  # noqa: E402

COLLECTORS = ["arp", "conntrack", "cpu", "diskstats", "entropy", "filefd", "filesystem", "hwmon", "loadavg",
              "meminfo", "netclass", "netdev", "netstat", "os", "pressure", "schedstat", "sockstat", "softnet",
              "stat", "textfile", "thermal_zone", "time", "timex", "udp_queues", "uname", "vmstat"]
MOUNT_POINTS_EXCLUDE = "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)"
FS_TYPES_EXCLUDE = ("^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|"
                    "mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$")


def counter(body, name):
    m = re.search(r"^" + re.escape(name) + r"(?:\{[^}]*\})? (\S+)$", body, re.M)
    return float(m.group(1)) if m else float("nan")


class Target:
    def __init__(self, label, port, pid, alloc_metric):
        self.label, self.port, self.pid, self.alloc_metric = label, port, pid, alloc_metric
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.latencies, self.sizes = [], []

    def get(self):
        self.conn.request("GET", "/metrics")
        return self.conn.getresponse().read().decode()

    def timed(self):
        t0 = time.monotonic()
        body = self.get()
        self.latencies.append((time.monotonic() - t0) * 1000)
        self.sizes.append(len(body))


def measure(targets, rate, seconds):
    """Scrapes every target at `rate` for `seconds`, interleaved; returns a row of figures per target."""
    for t in targets:
        t.latencies, t.sizes = [], []
    start = {t.label: (scrape.cpu_seconds(t.pid), counter(t.get(), t.alloc_metric)) for t in targets}
    n = int(rate * seconds)
    interval = 1.0 / rate
    next_at = time.monotonic()
    for _ in range(n):
        next_at += interval
        for t in targets:
            t.timed()
        time.sleep(max(0.0, next_at - time.monotonic()))
    rows = {}
    for t in targets:
        cpu0, alloc0 = start[t.label]
        cpu = (scrape.cpu_seconds(t.pid) - cpu0) / (n + 1) * 1000
        alloc = (counter(t.get(), t.alloc_metric) - alloc0) / (n + 1) / 1024
        rows[t.label] = (statistics.median(t.latencies), scrape.percentile(t.latencies, 99), cpu, alloc,
                         statistics.median(t.sizes) / 1024, startup.rss_mib(t.pid))
    return rows


def wait_http(port, proc, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/metrics")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("did not answer")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--cold", type=int, default=30, help="seconds measured right after start")
    parser.add_argument("--warmup", type=int, default=3000, help="scrapes (unpaced) before the steady phase")
    parser.add_argument("--seconds", type=int, default=60, help="seconds measured in the steady phase")
    parser.add_argument("--soak", type=int, default=0, help="then scrape nodewatch N times back to back")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    exporter = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    if not exporter:
        sys.exit("node_exporter not found: apt-get install prometheus-node-exporter")
    work = tempfile.TemporaryDirectory()
    ne_port = startup.free_port()
    ne = subprocess.Popen([exporter, "--collector.disable-defaults", f"--web.listen-address=127.0.0.1:{ne_port}",
                           f"--collector.filesystem.mount-points-exclude={MOUNT_POINTS_EXCLUDE}",
                           f"--collector.filesystem.fs-types-exclude={FS_TYPES_EXCLUDE}",
                           # Debian's build excludes lo by default; upstream, like nodewatch, does not.
                           "--collector.netdev.device-exclude="]
                          + [f"--collector.{c}" for c in COLLECTORS],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nw_port = startup.free_port()
    config = os.path.join(work.name, "nodewatch.yaml")
    with open(config, "w") as f:
        f.write(f"data_dir: {work.name}/data\nserver:\n  listen: 127.0.0.1:{nw_port}\ndebug:\n  listen: \"\"\n"
                f"host:\n  collectors: [{', '.join(COLLECTORS)}]\n")
    log = open(os.path.join(work.name, "agent.log"), "w")
    nw = subprocess.Popen([startup.LAUNCHER, "--config", config], cwd=work.name, stdout=log, stderr=log)
    try:
        wait_http(ne_port, ne)
        startup.wait_ready(nw, nw_port)
        targets = [Target("node_exporter", ne_port, ne.pid, "go_memstats_alloc_bytes_total"),
                   Target("nodewatch", nw_port, nw.pid, "jvm_gc_memory_allocated_bytes_total")]
        rows = {"cold": measure(targets, args.rate, args.cold)}
        for t in targets:
            for _ in range(args.warmup):
                t.get()
        rows["steady"] = measure(targets, args.rate, args.seconds)
        soak = None
        if args.soak:
            t = targets[1]
            warm_rss = startup.rss_mib(t.pid)
            for _ in range(args.soak):
                t.get()
            soak = (args.soak, warm_rss, startup.rss_mib(t.pid))
    finally:
        for p in (nw, ne):
            p.terminate()
            p.wait(timeout=30)
        work.cleanup()

    header = ("| phase | target | latency p50 | latency p99 | CPU per scrape | allocated per scrape | body | RSS |\n"
              "|---|---|---|---|---|---|---|---|")
    lines = [header]
    for phase, phase_rows in rows.items():
        for label, (p50, p99, cpu, alloc, size, rss) in phase_rows.items():
            lines.append(f"| {phase} | {label} | {p50:.2f} ms | {p99:.2f} ms | {cpu:.2f} ms | {alloc:.0f} KiB | "
                         f"{size:.0f} KiB | {rss:.1f} MiB |")
        a, b = phase_rows["nodewatch"], phase_rows["node_exporter"]
        lines.append(f"| {phase} | **ratio nodewatch / node_exporter** | {a[0] / b[0]:.2f} | {a[1] / b[1]:.2f} | "
                     f"{a[2] / b[2]:.2f} | {a[3] / b[3]:.2f} | {a[4] / b[4]:.2f} | {a[5] / b[5]:.2f} |")
    table = "\n".join(lines)
    print(table)
    if soak:
        print(f"\nsoak: {soak[0]} scrapes back to back: RSS {soak[1]:.1f} MiB after warm-up, {soak[2]:.1f} MiB after")
    if args.write:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        ne_version = subprocess.run([exporter, "--version"], capture_output=True, text=True)
        ne_version = (ne_version.stdout or ne_version.stderr).splitlines()[0]
        with open(os.path.join(startup.ROOT, "BENCHMARKS.md"), "a") as f:
            f.write(f"\n### Host metrics vs node_exporter — {time.strftime('%Y-%m-%d')}\n\n"
                    f"Machine: {os.cpu_count()} cores, {platform.machine()}, {java}; {ne_version}. Both with the "
                    f"same {len(COLLECTORS)} collectors, scraped interleaved at {args.rate:g}/s each: cold = the "
                    f"first {args.cold} s after start, steady = {args.seconds} s after {args.warmup} more scrapes. "
                    f"Command: `bench/host.sh"
                    f"{' --soak ' + str(args.soak) if args.soak else ''}`\n\n{table}\n")
            if soak:
                f.write(f"\nSoak: {soak[0]} scrapes back to back: nodewatch RSS {soak[1]:.1f} MiB after warm-up, "
                        f"{soak[2]:.1f} MiB after.\n")


if __name__ == "__main__":
    sys.exit(main())
