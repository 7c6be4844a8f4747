#!/bin/sh
# Container-metrics collection cost at N containers on a synthetic cgroup v2 tree (issue: container metrics).
# Usage: bench/containers.sh [containers=1000] [iterations=100]
# Prints one Markdown row: p50 and p99 wall time per collection, CPU and allocation per collection, series count.
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000}
iterations=${2:-100}
./mvnw -q -B -DskipTests -pl collectors -am install >/dev/null
./mvnw -q -B -pl collectors dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
./mvnw -q -B -pl collectors test-compile >/dev/null
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
echo "| tree | collection p50 | p99 | CPU per collection | allocated per collection | series |"
echo "|---|---|---|---|---|---|"
java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "collectors/target/classes:collectors/target/test-classes:$(cat collectors/target/bench.classpath)" \
  dev.nodewatch.collectors.cgroup.ContainerCollectionBench "$n" "$iterations" "$tree/cgroup"
