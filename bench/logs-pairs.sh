#!/bin/sh
# The file -> queue benchmark (bench/logs.py) for two builds in turns, so a change is judged against the same
# minutes of this noisy machine: BASE (a commit, built in a temporary worktree) and the working tree, each started
# through its own bin/nodewatch with its own jar, on the same generated files.
# Usage: [BENCH_ARGS="--lines 10000000"] bench/logs-pairs.sh BASE [pairs=3] [scenario...=one hundred]
# Prints one JSON line per run, prefixed with base or new; the base runs first in odd pairs, second in even ones.
set -eu
cd "$(dirname "$0")/.."
base=$1
pairs=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
scenarios=${*:-one hundred}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/base" "$base"
for dir in "$work/base" .; do
  (cd "$dir" && ./mvnw -q -B -DskipTests package >/dev/null)
done
for i in $(seq 1 "$pairs"); do
  for scenario in $scenarios; do
    # odd pairs start with the base, even pairs with the new build: the first run of a sitting tends to be the fastest
    order="$work/base $PWD"
    [ $((i % 2)) -eq 0 ] && order="$PWD $work/base"
    for build in $order; do
      label=new
      [ "$build" = "$work/base" ] && label=base
      printf '%s ' "$label"
      # the new build's generator and measuring loop for both, so only the agent differs
      # shellcheck disable=SC2086 # BENCH_ARGS holds several words on purpose
      NODEWATCH_ROOT="$build" python3 bench/logs.py "$scenario" ${BENCH_ARGS:-}
    done
  done
done
