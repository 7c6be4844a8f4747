#!/usr/bin/env python3
"""Files -> queue -> sink benchmark of the nodewatch agent, against a real Kafka broker or ClickHouse server, or the
tests' Loki receiver.

Scenarios:
  throughput  the agent, started by bin/nodewatch with its production flags, tails the same generated CRI files as
              bench/logs.py (2M lines of ~200 bytes, one file) from the beginning and ships them. Throughput is
              lines / (agent ready -> the sink has had every line accepted, per /debug/sinks); CPU is the agent's
              user+system time over that span per GiB of log read; peak RSS is the agent's VmHWM; gc_share is
              the agent's GC pauses over that span (its jvm_gc_pause_seconds) per CPU second.
  latency     a writer appends lines at --rate lines/s for --warmup + --seconds while /debug/sinks is polled every
              5 ms; a line's delay is from its write to the first poll that shows the sink accepted it (one file,
              one sender: lines are accepted in order). Resolution about 5-10 ms. The first --warmup seconds are
              left out of the percentiles and reported apart: the Kafka producer's first request (metadata,
              producer id) takes about a second once per start.

Servers: --sink kafka is a one-node KRaft broker (the tests' broker, run from the exporters test classpath);
--sink clickhouse is Debian's clickhouse-server (18.16 here), started on free ports under --dir; --sink loki is the
tests' Loki receiver (exporters test classpath), which decodes every push with the generated PushRequest classes
(or as JSON) and counts, and reports the bytes per line on the wire (--compression json for encoding: json, gzip;
anything else is protobuf with snappy). All listen on loopback and run on the same 2 cores as the agent, whose CPU
figures do not include theirs.

Usage: bench/forward.sh [throughput|latency ...] [--sink kafka|clickhouse|loki] [--concurrency 1] [--lines 2000000]
                        [--compression none|lz4|zstd|gzip] [--max-events N] [--rate 10000] [--seconds 20]
                        [--warmup 2]
                        [--dir /var/tmp/nodewatch-bench-logs]
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logs  # noqa: E402  (the same files and agent helpers)

# the servers come from this checkout, whichever build's agent is measured (bench/forward-pairs.sh)
SERVERS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_classpath(work):
    """The exporters' test classpath, where the servers run from."""
    cp_file = os.path.join(work, "cp.txt")
    subprocess.run(["./mvnw", "-q", "-B", "-o", "-pl", "exporters",
                    "org.apache.maven.plugins:maven-dependency-plugin:3.11.0:build-classpath",
                    "-Dmdep.includeScope=test", f"-Dmdep.outputFile={cp_file}"], cwd=SERVERS, check=True)
    return ":".join([os.path.join(SERVERS, "exporters/target/test-classes"),
                     os.path.join(SERVERS, "exporters/target/classes"),
                     open(cp_file).read().strip()])


def loki(work):
    """The tests' Loki receiver: decodes every push with the generated PushRequest classes, counts, keeps nothing."""
    proc = subprocess.Popen(["java", "-Xmx256m", "-XX:+UseSerialGC", "-cp", test_classpath(work),
                             "dev.nodewatch.exporters.sink.loki.LokiReceiverMain"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=open(os.path.join(work, "loki.log"), "w"), text=True)
    for line in proc.stdout:
        if line.startswith("endpoint "):
            return proc, line.split()[1]
    raise SystemExit("the Loki receiver did not start: see " + os.path.join(work, "loki.log"))


def loki_encoding(args):
    return "json" if args.compression in ("json", "gzip") else "protobuf"


def broker(work):
    cp = test_classpath(work)
    # the benchmark files' namespace is "bench": its topic exists before the first record, as in production
    proc = subprocess.Popen(["java", "-Xmx512m", "-cp", cp, "dev.nodewatch.exporters.sink.kafka.KafkaBrokerMain",
                             os.path.join(work, "kafka"), "logs.bench"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=open(os.path.join(work, "broker.log"), "w"), text=True)
    for line in proc.stdout:
        if line.startswith("bootstrap "):
            return proc, line.split()[1]
    raise SystemExit("the broker did not start: see " + os.path.join(work, "broker.log"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClickHouse:
    """Debian's clickhouse-server with a configuration of its own under work/clickhouse."""

    def __init__(self, work):
        d = os.path.join(work, "clickhouse")
        os.makedirs(d)
        self.port = free_port()
        with open(os.path.join(d, "config.xml"), "w") as f:
            f.write(f"""<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{d}/server.log</log><errorlog>{d}/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host><http_port>{self.port}</http_port><tcp_port>{free_port()}</tcp_port>
  <path>{d}/data/</path><tmp_path>{d}/tmp/</tmp_path><user_files_path>{d}/user_files/</user_files_path>
  <format_schema_path>{d}/format_schemas/</format_schema_path><users_config>{d}/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
</yandex>
""")
        with open(os.path.join(d, "users.xml"), "w") as f:
            f.write("""<?xml version="1.0"?>
<yandex><profiles><default></default></profiles>
<users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile>
<quota>default</quota></default></users><quotas><default></default></quotas></yandex>
""")
        binary = shutil.which("clickhouse-server") or "/usr/sbin/clickhouse-server"
        self.proc = subprocess.Popen([binary, f"--config-file={d}/config.xml"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                if self.query("SELECT 1").strip() == "1":
                    return
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise SystemExit("clickhouse-server did not start: see " + d)
                time.sleep(0.1)

    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def query(self, sql):
        url = self.endpoint() + "/?query=" + urllib.parse.quote(sql)
        return urllib.request.urlopen(urllib.request.Request(url, data=b""), timeout=30).read().decode()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)


def batch(args):
    return f"    batch: {{max_events: {args.max_events}}}\n" if args.max_events else ""


def sink_server(args, work):
    """Starts the server; returns its stop function (which returns what the server counted) and the sinks: YAML."""
    if args.sink == "loki":
        receiver, endpoint = loki(work)

        def stop():
            receiver.stdin.close()
            counted = receiver.stdout.readline().split()  # entries N wire_bytes B
            receiver.wait(60)
            return {"wire_bytes_per_line": round(int(counted[3]) / max(1, int(counted[1])), 1)}
        return stop, f"""sinks:
  - name: loki
    type: loki
    endpoint: {endpoint}
    encoding: {loki_encoding(args)}
    concurrency: {args.concurrency}
{batch(args)}"""
    if args.sink == "kafka":
        kafka, bootstrap = broker(work)

        def stop():
            kafka.stdin.close()
            kafka.wait(60)
        return stop, f"""sinks:
  - name: kafka
    type: kafka
    brokers: [{bootstrap}]
    topic: logs.{{namespace}}
    compression: {args.compression}
    concurrency: {args.concurrency}
{batch(args)}"""
    clickhouse = ClickHouse(work)
    return clickhouse.stop, f"""sinks:
  - name: clickhouse
    type: clickhouse
    endpoint: {clickhouse.endpoint()}
    database: bench
    table: logs
    compression: {"none" if args.compression == "none" else "gzip"}
    concurrency: {args.concurrency}
{batch(args)}"""


def throughput(args):
    base = os.path.join(args.dir, "files-1")
    logs.make_files(base, 1, args.lines)
    total_bytes = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(os.path.join(base, "pods"))
                      for f in fs)
    work = os.path.join(args.dir, "forward")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    stop_server, sinks = sink_server(args, work)
    try:
        agent = logs.Agent(work, logs.config(work, os.path.join(base, "containers", "*.log"), sinks))
        try:
            gc, vm = agent.gc_seconds(), agent.vm_thread_cpu_seconds()
            elapsed, cpu, rss = agent.measure_until(lambda: sent(agent), args.lines)
            gc, vm = agent.gc_seconds() - gc, agent.vm_thread_cpu_seconds() - vm
        finally:
            agent.stop()
    finally:
        counted = stop_server() or {}
    gib = total_bytes / 2**30
    compression = args.compression
    if args.sink == "loki":
        compression = "json+gzip" if loki_encoding(args) == "json" else "protobuf+snappy"
    print(json.dumps({"scenario": "throughput", "sink": args.sink, "compression": compression, **counted,
                      "concurrency": args.concurrency,
                      "lines": args.lines, "seconds": round(elapsed, 2), "lines_per_s": round(args.lines / elapsed),
                      "cpu_s": round(cpu, 2), "cpu_s_per_gib": round(cpu / gib, 1), "peak_rss_mib": round(rss, 1),
                      "gc_share": round(gc / cpu, 3), "gc_cpu_share": round(vm / cpu, 3)}))


def latency(args):
    base = os.path.join(args.dir, "forward-latency")
    work = os.path.join(args.dir, "forward")
    log = logs.live_log(base, work)
    stop_server, sinks = sink_server(args, work)
    total = args.rate * (args.warmup + args.seconds)
    written = []
    acked = []  # (time, lines accepted so far)
    try:
        agent = logs.Agent(work, logs.config(work, os.path.join(base, "containers", "*.log"), sinks))
        done = threading.Event()

        def poll():
            while not done.is_set():
                acked.append((time.monotonic_ns(), sent(agent)))
                if acked[-1][1] >= total:
                    return
                time.sleep(0.005)
        poller = threading.Thread(target=poll)
        try:
            poller.start()
            with open(log, "a", buffering=1) as out:
                start = time.monotonic()
                for i in range(total):
                    due = start + i / args.rate
                    now = time.monotonic()
                    if due > now:
                        time.sleep(due - now)
                    out.write(f"2026-11-25T10:00:00.000000000Z stdout F line-{i} {'y' * 150}\n")
                    written.append(time.monotonic_ns())
            poller.join(30)
        finally:
            done.set()
            agent.stop()
    finally:
        stop_server()
    delays = []
    j = 0
    for i, t in enumerate(written):
        while j < len(acked) and acked[j][1] <= i:
            j += 1
        if j == len(acked):
            raise SystemExit(f"line {i} of {total} was not accepted within 30 s of the last write")
        delays.append(acked[j][0] - t)
    warm = args.warmup * args.rate
    warmup_max = max(delays[:warm]) / 1e6 if warm else 0
    delays = sorted(delays[warm:])
    pct = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))] / 1e6
    print(json.dumps({"scenario": "latency", "sink": args.sink, "rate": args.rate, "lines": len(delays),
                      "warmup_s": args.warmup, "warmup_max_ms": round(warmup_max, 1),
                      "p50_ms": round(pct(0.50), 1), "p99_ms": round(pct(0.99), 1),
                      "max_ms": round(delays[-1] / 1e6, 1)}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenarios", nargs="*", default=["throughput"])
    p.add_argument("--sink", choices=["kafka", "clickhouse", "loki"], default="kafka")
    p.add_argument("--lines", type=int, default=2_000_000)
    p.add_argument("--compression", default="lz4")
    p.add_argument("--concurrency", type=int, default=1, help="the sink's concurrency: batches in flight")
    p.add_argument("--max-events", type=int, default=None, help="the sink's batch.max_events (default: the agent's)")
    p.add_argument("--rate", type=int, default=10_000)
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2,
                   help="seconds of lines written first and left out of the percentiles (reported as warmup_max_ms)")
    p.add_argument("--dir", default="/var/tmp/nodewatch-bench-logs")
    args = p.parse_args()
    for s in args.scenarios:
        if s == "throughput":
            throughput(args)
        elif s == "latency":
            latency(args)
        else:
            raise SystemExit("unknown scenario " + s)


def sent(agent):
    body = urllib.request.urlopen(f"http://127.0.0.1:{agent.port}/debug/sinks", timeout=5).read()
    return sum(s["sent_events"] for s in json.loads(body)["sinks"])


if __name__ == "__main__":
    main()
