#!/bin/sh
# The container scrape benchmark (bench/containers.sh) for two builds in turns, so a change is judged against the
# same minutes of this noisy machine: BASE (a commit, built in a temporary worktree) and the working tree.
# Usage: bench/containers-pairs.sh BASE [pairs=5] [iterations=100] [containers=1000]
# Prints the steady row of each run; the base runs first in odd pairs, second in even ones.
set -eu
cd "$(dirname "$0")/.."
base=$1
pairs=${2:-5}
iterations=${3:-100}
n=${4:-1000}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/base" "$base"
for dir in "$work/base" .; do
  (cd "$dir" && ./mvnw -q -B -DskipTests install -pl collectors,exporters -am >/dev/null \
    && ./mvnw -q -B -pl exporters test-compile >/dev/null)
done
./mvnw -q -B -pl exporters dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
# the collectors module comes from each build's own classes, not from the installed jar
deps=$(tr ':' '\n' < exporters/target/bench.classpath | grep -v nodewatch-collectors | paste -sd: -)
for i in $(seq 1 "$pairs"); do
  # odd pairs start with the base, even pairs with the new build: the first run of a sitting tends to be the fastest
  order="$work/base $PWD"
  [ $((i % 2)) -eq 0 ] && order="$PWD $work/base"
  for build in $order; do
    label=new
    [ "$build" = "$work/base" ] && label=base
    printf '%s ' "$label"
    java -Xms16m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -cp "$build/exporters/target/classes:$build/exporters/target/test-classes:$build/collectors/target/classes:$deps" \
      dev.nodewatch.exporters.prometheus.ContainerScrapeBench "$n" "$iterations" "$work/tree-$label-$i" 2>/dev/null \
      | grep steady
    rm -rf "$work/tree-$label-$i"
  done
done
