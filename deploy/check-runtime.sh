#!/bin/sh
# What the Dockerfile's runtime stage does, without Docker: jlink a runtime of the modules jdeps finds (plus the same
# extras), start the agent on it with the embedded default configuration, check /readyz and /metrics, stop it with
# SIGTERM and check the class-data-sharing archive it leaves.
# Usage: deploy/check-runtime.sh [JDK home, 21 or newer; default $JAVA_HOME]
set -eu
cd "$(dirname "$0")/.."
jdk=${1:-${JAVA_HOME:?give a JDK 21+ home}}
jar=agent/target/nodewatch.jar
[ -f "$jar" ] || ./mvnw -q -B -DskipTests package
work=$(mktemp -d)
trap 'kill "$agent" 2>/dev/null || true; rm -rf "$work"' EXIT
feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release")
modules=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release "$feature" --print-module-deps "$jar" | tail -1)
echo "modules: $modules"
"$jdk/bin/jlink" --add-modules "$modules,jdk.crypto.ec,jdk.management,jdk.unsupported" --strip-debug \
  --no-man-pages --no-header-files --compress=zip-6 --generate-cds-archive --output "$work/runtime" >/dev/null
mkdir -p "$work/opt/agent/target" "$work/opt/bin" "$work/run"
cp "$jar" "$work/opt/agent/target/" && cp bin/nodewatch "$work/opt/bin/"
echo "runtime: $(du -sh "$work/runtime" | cut -f1)"
(cd "$work/run" && JAVA_HOME="$work/runtime" exec "$work/opt/bin/nodewatch" >"$work/agent.log" 2>&1) &
agent=$!
for _ in $(seq 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' localhost:9102/readyz || true)" = 200 ] && break
  sleep 0.2
done
curl -sf localhost:9102/readyz >/dev/null
echo "series: $(curl -sf localhost:9102/metrics | grep -vc '^#')"
kill -TERM "$agent"
wait "$agent"
test -s "$work/opt/agent/target/nodewatch.jsa"
echo "archive: $(du -h "$work/opt/agent/target/nodewatch.jsa" | cut -f1); ok"
