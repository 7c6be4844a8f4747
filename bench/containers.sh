#!/bin/sh
# What a scrape of container metrics costs at N containers on a synthetic cgroup v2 tree (issue: container metrics):
# one collection through the agent's runner plus rendering the Prometheus text format.
# Usage: bench/containers.sh [containers=1000] [iterations=100]
# Prints Markdown rows (steady: limits cached; cold: every file read): p50 wall time per scrape and of the collection
# alone, p99 per scrape, CPU and
# heap allocation per scrape (all threads), series per container, body size.
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000}
iterations=${2:-100}
./mvnw -q -B -DskipTests install >/dev/null
./mvnw -q -B -pl exporters dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
./mvnw -q -B -pl exporters test-compile >/dev/null
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
echo "| tree | scrape p50 | of which collection | p99 | CPU per scrape | allocated per scrape | series per container | body |"
echo "|---|---|---|---|---|---|---|---|"
# The agent's own JVM flags (bin/nodewatch): C1 only, serial GC, a 16-64 MiB heap.
java -Xms16m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "exporters/target/classes:exporters/target/test-classes:$(cat exporters/target/bench.classpath)" \
  dev.nodewatch.exporters.prometheus.ContainerScrapeBench "$n" "$iterations" "$tree/cgroup"
