#!/usr/bin/env python3
"""File -> queue benchmark of the nodewatch agent, the way bench/README-style runs are quoted in BENCHMARKS.md.

Scenarios (each starts a fresh agent through bin/nodewatch, with its production JVM flags, on a fresh queue):
  one      one CRI file of --lines lines (~200 bytes each), read from the beginning
  hundred  100 CRI files of --lines/100 lines each, read from the beginning
  gzip     the file of "one" as kubelet leaves a rotated file it compressed (0.log.<time>.gz beside an empty 0.log),
           read by decompressing it (logs.read_rotated_on_first_start, so the fresh agent reads it)
  idle     500 containers' files of one line each: 30 s after all are read, the agent's CPU over --seconds with
           nothing written (watching 500 container directories; the target is at most 1% of a core)
  latency  a writer appends timestamped lines at --rate lines/s for --seconds; a file sink delivers them and the
           delay from write to arrival in the sink's file is measured (an upper bound of write -> queue append)

Throughput is lines / (time from the agent's readiness until the queue holds them all, per /debug/queue); CPU is
the agent's user+system time over the same span, per GiB of log file read; peak RSS is VmHWM.
The same files are generated (deterministically) for every run, under --dir.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
# NODEWATCH_ROOT: another checkout whose bin/nodewatch and jar to measure (bench/logs-pairs.sh)
ROOT = os.environ.get("NODEWATCH_ROOT") or os.path.dirname(HERE)
TICKS = os.sysconf("SC_CLK_TCK")


def cri_line(i, pod):
    message = f"line-{i} pod={pod} level=info msg=\"request served\" path=/api/v1/items/{i % 977} took={i % 13}ms "
    message += "x" * max(0, 160 - len(message))
    return f"2026-11-25T10:00:{i % 60:02d}.{i:09d}Z {'stderr' if i % 7 == 0 else 'stdout'} F {message}\n"


def make_files(base, files, lines_per_file):
    marker = os.path.join(base, f".made-{files}x{lines_per_file}")
    if os.path.exists(marker):
        return
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "containers"))
    for f in range(files):
        pod = f"bench-{f}"
        d = os.path.join(base, "pods", f"bench_{pod}_0000-{f:04d}", "app")
        os.makedirs(d)
        path = os.path.join(d, "0.log")
        with open(path, "w") as out:
            chunk = []
            for i in range(lines_per_file):
                chunk.append(cri_line(i, pod))
                if len(chunk) == 10000:
                    out.write("".join(chunk))
                    chunk = []
            out.write("".join(chunk))
        os.symlink(path, os.path.join(base, "containers", f"{pod}_bench_app-{f:064x}.log"))
    open(marker, "w").close()


def make_gzip_files(base, lines):
    """The single file of "one", rotated and compressed as kubelet does, beside an empty live file."""
    marker = os.path.join(base, f".made-gz-{lines}")
    if os.path.exists(marker):
        return
    plain = os.path.join(args_dir_of(base), "files-1")
    make_files(plain, 1, lines)
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(plain, base, symlinks=True)
    d = os.path.join(base, "pods", "bench_bench-0_0000-0000", "app")
    subprocess.run(["gzip", "-6", os.path.join(d, "0.log")], check=True)
    os.rename(os.path.join(d, "0.log.gz"), os.path.join(d, "0.log.20261125-100000.gz"))
    open(os.path.join(d, "0.log"), "w").close()
    link = os.path.join(base, "containers", f"bench-0_bench_app-{0:064x}.log")
    os.remove(link)
    os.symlink(os.path.join(d, "0.log"), link)
    for m in os.listdir(base):
        if m.startswith(".made-") and m != os.path.basename(marker):
            os.remove(os.path.join(base, m))
    open(marker, "w").close()


def args_dir_of(base):
    return os.path.dirname(base)


def config(work, include, sinks="", logs_extra=""):
    path = os.path.join(work, "nodewatch.yaml")
    with open(path, "w") as out:
        out.write(f"""data_dir: {work}/data
server:
  listen: 127.0.0.1:0
debug:
  listen: 127.0.0.1:0
containers:
  enabled: false
logs:
  include: [{include}]
{logs_extra}{sinks}""")
    return path


class Agent:
    def __init__(self, work, cfg):
        self.stdout = open(os.path.join(work, "agent.out"), "w+")
        env = dict(os.environ, NODEWATCH_CDS="off")
        self.proc = subprocess.Popen([os.path.join(ROOT, "bin", "nodewatch"), "--config", cfg],
                                     stdout=self.stdout, stderr=subprocess.STDOUT, env=env)
        self.port = None
        deadline = time.time() + 60
        while self.port is None and time.time() < deadline:
            self.stdout.seek(0)
            m = re.search(r"serving \\?/debug on [^\"]*?:(\d+)\"", self.stdout.read())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None:
                raise SystemExit("agent exited: see " + self.stdout.name)
            else:
                time.sleep(0.01)

    def appended(self):
        """Records in the queue, from the debug page (cheaper to poll 20 times a second than a full scrape)."""
        body = urllib.request.urlopen(f"http://127.0.0.1:{self.port}/debug/queue", timeout=5).read()
        return json.loads(body)["records_appended"]

    def gc_seconds(self):
        """The agent's GC pauses so far, in seconds, from its own jvm_gc_pause_seconds (Micrometer) on /metrics."""
        self.stdout.seek(0)
        port = re.search(r"serving \\?/metrics [^\"]*?:(\d+)\"", self.stdout.read()).group(1)
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
                   if line.startswith("jvm_gc_pause_seconds_sum"))

    def vm_thread_cpu_seconds(self):
        """CPU time of the JVM's "VM Thread", which runs the serial collector's pauses (and little else)."""
        for task in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                with open(f"/proc/{self.proc.pid}/task/{task}/stat") as f:
                    stat = f.read()
            except FileNotFoundError:
                continue
            if "(VM Thread)" in stat:
                fields = stat.rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / TICKS
        return 0.0

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def hwm_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024

    def rss_kinds_mib(self):
        """RssAnon and RssFile now: the heap and native memory apart from Chronicle's mapped queue pages."""
        kinds = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(("RssAnon:", "RssFile:")):
                    kinds[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
        return kinds

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)

    def measure_until(self, count, target, limit=600):
        """Seconds and CPU seconds until count() reaches target, and the peak RSS (MiB) by then."""
        t0, c0 = time.monotonic(), self.cpu_seconds()
        while count() < target:
            time.sleep(0.05)
            if time.monotonic() - t0 > limit:
                raise SystemExit(f"not done after {limit} s")
        return time.monotonic() - t0, self.cpu_seconds() - c0, self.hwm_mib()


def throughput(args, name, files, compressed=False):
    if compressed:
        base = os.path.join(args.dir, "files-gz")
        make_gzip_files(base, args.lines)
        total_bytes = os.path.getsize(os.path.join(args.dir, "files-1", "pods", "bench_bench-0_0000-0000", "app",
                                                   "0.log"))
    else:
        base = os.path.join(args.dir, f"files-{files}")
        make_files(base, files, args.lines // files)
        total_bytes = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(os.path.join(base, "pods"))
                          for f in fs)
    work = os.path.join(args.dir, "run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    extra = "  read_rotated_on_first_start: true\n" if compressed else ""
    agent = Agent(work, config(work, os.path.join(base, "containers", "*.log"), logs_extra=extra))
    try:
        elapsed, cpu, rss = agent.measure_until(agent.appended, args.lines)
        kinds = agent.rss_kinds_mib()
    finally:
        agent.stop()
    gib = total_bytes / 2**30
    print(json.dumps({"scenario": name, "lines": args.lines, "files": files, "seconds": round(elapsed, 2),
                      "lines_per_s": round(args.lines / elapsed), "cpu_s": round(cpu, 2),
                      "cpu_s_per_gib": round(cpu / gib, 1), "peak_rss_mib": round(rss, 1),
                      "rss_anon_mib": kinds.get("RssAnon"), "rss_file_mib": kinds.get("RssFile")}))


def idle(args):
    files = 500
    base = os.path.join(args.dir, f"files-{files}x1")
    make_files(base, files, 1)
    work = os.path.join(args.dir, "run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    agent = Agent(work, config(work, os.path.join(base, "containers", "*.log")))
    try:
        agent.measure_until(agent.appended, files)
        time.sleep(30)  # past start-up's compilation: idle is what a node pays all day
        t0, c0 = time.monotonic(), agent.cpu_seconds()
        time.sleep(args.seconds)
        elapsed, cpu = time.monotonic() - t0, agent.cpu_seconds() - c0
        kinds = agent.rss_kinds_mib()
    finally:
        agent.stop()
    print(json.dumps({"scenario": "idle", "files": files, "seconds": round(elapsed, 1), "cpu_s": round(cpu, 2),
                      "cpu_percent_of_a_core": round(100 * cpu / elapsed, 2), "rss_anon_mib": kinds.get("RssAnon"),
                      "rss_file_mib": kinds.get("RssFile")}))


def live_log(base, work):
    """An empty pod log under base (with its /var/log/containers-style link) and an empty work directory."""
    shutil.rmtree(base, ignore_errors=True)
    d = os.path.join(base, "pods", "bench_live_0000-live", "app")
    os.makedirs(d)
    os.makedirs(os.path.join(base, "containers"))
    log = os.path.join(d, "0.log")
    open(log, "w").close()
    os.symlink(log, os.path.join(base, "containers", "live_bench_app-" + "0" * 64 + ".log"))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    return log


def latency(args):
    base = os.path.join(args.dir, "latency")
    work = os.path.join(args.dir, "run")
    log = live_log(base, work)
    sink = os.path.join(work, "out.ndjson")
    agent = Agent(work, config(work, os.path.join(base, "containers", "*.log"),
                               f"sinks:\n  - name: file\n    type: file\n    path: {sink}\n"))
    delays = []
    try:
        total = args.rate * args.seconds
        with open(log, "a", buffering=1) as out:
            reader = None
            start = time.time()
            for i in range(total):
                due = start + i / args.rate
                now = time.time()
                if due > now:
                    time.sleep(due - now)
                out.write(f"2026-11-25T10:00:00.000000000Z stdout F sent={time.time_ns()} line-{i} {'y' * 120}\n")
                if reader is None and os.path.exists(sink):
                    reader = open(sink, "rb")
                if reader is not None and i % 50 == 0:
                    collect(reader, delays)
            deadline = time.time() + 10
            while len(delays) < total and time.time() < deadline:
                if reader is None and os.path.exists(sink):
                    reader = open(sink, "rb")
                if reader is not None:
                    collect(reader, delays)
                time.sleep(0.005)
    finally:
        agent.stop()
    delays.sort()
    pct = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))] / 1e6
    print(json.dumps({"scenario": "latency", "rate": args.rate, "lines": len(delays),
                      "p50_ms": round(pct(0.50), 1), "p99_ms": round(pct(0.99), 1), "max_ms": round(delays[-1] / 1e6, 1)}))


def collect(reader, delays):
    now = time.time_ns()
    for line in reader.readlines():
        if not line.endswith(b"\n"):
            reader.seek(-len(line), os.SEEK_CUR)  # the sink is mid-write: read this line again next time
            break
        sent = int(re.search(rb"sent=(\d+)", line).group(1))
        delays.append(now - sent)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenarios", nargs="*", default=["one", "hundred", "latency"])
    p.add_argument("--lines", type=int, default=2_000_000)
    p.add_argument("--rate", type=int, default=10_000)
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--dir", default="/var/tmp/nodewatch-bench-logs")
    args = p.parse_args()
    if not os.path.exists(os.path.join(ROOT, "agent", "target", "nodewatch.jar")):
        sys.exit("build first: ./mvnw -q -DskipTests package")
    for s in args.scenarios:
        if s == "one":
            throughput(args, "one", 1)
        elif s == "hundred":
            throughput(args, "hundred", 100)
        elif s == "idle":
            idle(args)
        elif s == "gzip":
            throughput(args, "gzip", 1, compressed=True)
        elif s == "latency":
            latency(args)
        else:
            sys.exit("unknown scenario " + s)


if __name__ == "__main__":
    main()
