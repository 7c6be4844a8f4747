#!/usr/bin/env python3
"""Files -> queue -> Kafka benchmark of the nodewatch agent.

A one-node KRaft broker (the tests' broker, run from the exporters test classpath) listens on loopback; the agent,
started by bin/nodewatch with its production flags, tails the same generated CRI files as bench/logs.py (2M lines
of ~200 bytes, one file) from the beginning and ships them to the broker (idempotent producer, acks=all).
Throughput is lines / (agent ready -> the Kafka sink has had every line accepted, per /debug/sinks); CPU is the
agent's user+system time over that span per GiB of log read; peak RSS is the agent's VmHWM. The broker's own CPU
is not counted (it runs on the same 2 cores, so it slows the agent down).

Usage: bench/forward.sh [--lines 2000000] [--compression none|lz4|zstd] [--dir /var/tmp/nodewatch-bench-logs]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logs  # noqa: E402  (the same files and agent helpers)

ROOT = logs.ROOT


def broker(work):
    cp_file = os.path.join(work, "cp.txt")
    subprocess.run(["./mvnw", "-q", "-B", "-o", "-pl", "exporters", "dependency:build-classpath",
                    "-Dmdep.includeScope=test", f"-Dmdep.outputFile={cp_file}"], cwd=ROOT, check=True)
    cp = ":".join([os.path.join(ROOT, "exporters/target/test-classes"), os.path.join(ROOT, "exporters/target/classes"),
                   open(cp_file).read().strip()])
    proc = subprocess.Popen(["java", "-Xmx512m", "-cp", cp, "dev.nodewatch.exporters.kafka.KafkaBrokerMain",
                             os.path.join(work, "kafka")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=open(os.path.join(work, "broker.log"), "w"), text=True)
    for line in proc.stdout:
        if line.startswith("bootstrap "):
            return proc, line.split()[1]
    raise SystemExit("the broker did not start: see " + os.path.join(work, "broker.log"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lines", type=int, default=2_000_000)
    p.add_argument("--compression", default="lz4")
    p.add_argument("--dir", default="/var/tmp/nodewatch-bench-logs")
    args = p.parse_args()
    base = os.path.join(args.dir, "files-1")
    logs.make_files(base, 1, args.lines)
    total_bytes = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(os.path.join(base, "pods"))
                      for f in fs)
    work = os.path.join(args.dir, "forward")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    kafka, bootstrap = broker(work)
    try:
        cfg = logs.config(work, os.path.join(base, "containers", "*.log"), f"""sinks:
  - name: kafka
    type: kafka
    brokers: [{bootstrap}]
    topic: logs.{{namespace}}
    compression: {args.compression}
""")
        agent = logs.Agent(work, cfg)
        try:
            elapsed, cpu, rss = agent.measure_until(lambda: sent(agent), args.lines)
        finally:
            agent.stop()
    finally:
        kafka.stdin.close()
        kafka.wait(60)
    gib = total_bytes / 2**30
    print(json.dumps({"scenario": "kafka", "compression": args.compression, "lines": args.lines,
                      "seconds": round(elapsed, 2), "lines_per_s": round(args.lines / elapsed),
                      "cpu_s": round(cpu, 2), "cpu_s_per_gib": round(cpu / gib, 1), "peak_rss_mib": round(rss, 1)}))


def sent(agent):
    body = urllib.request.urlopen(f"http://127.0.0.1:{agent.port}/debug/sinks", timeout=5).read()
    return sum(s["sent_events"] for s in json.loads(body)["sinks"])


if __name__ == "__main__":
    main()
