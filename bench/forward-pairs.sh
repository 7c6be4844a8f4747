#!/bin/sh
# The forwarding benchmark (bench/forward.py) for two builds in turns, so a change is judged against the same
# minutes of this noisy machine: BASE (a commit, built in a temporary worktree) and the working tree, each started
# through its own bin/nodewatch with its own jar, against the same local server (from the working tree).
# Usage: bench/forward-pairs.sh BASE [pairs=3] [forward.py arguments...=throughput --sink kafka]
# Prints one JSON line per run, prefixed with base or new; the base runs first in odd pairs, second in even ones.
set -eu
cd "$(dirname "$0")/.."
base=$1
pairs=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
[ $# -gt 0 ] || set -- throughput --sink kafka
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/base" "$base"
(cd "$work/base" && ./mvnw -q -B -DskipTests package >/dev/null)
./mvnw -q -B -DskipTests install >/dev/null
for i in $(seq 1 "$pairs"); do
  # the first run of a sitting is often the fastest, whichever build it is (ClickHouse: 206-211k lines/s against
  # 120-150k after): odd pairs start with the base, even pairs with the new build
  order="$work/base $PWD"
  [ $((i % 2)) -eq 0 ] && order="$PWD $work/base"
  for build in $order; do
    label=new
    [ "$build" = "$work/base" ] && label=base
    printf '%s ' "$label"
    NODEWATCH_ROOT="$build" python3 bench/forward.py "$@"
  done
done
