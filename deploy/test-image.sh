#!/usr/bin/env bash
# Builds the image with podman from a Debian made here (no registry is reachable) and runs it the way
# deploy/daemonset.yaml does: host /proc, /sys and / and a pod-log tree mounted read-only, the data dir writable, a
# read-only root, every capability dropped, the host's PID namespace, the ConfigMap's own nodewatch.yaml plus a file
# sink. Checks readiness, node_exporter and cAdvisor families (a test cgroup with a process in it), lines reaching the
# sink, SIGTERM, and a restart that resumes from the queue without loss; prints the image's size, start-to-ready time
# and idle RSS.
#
# Usage: deploy/test-image.sh          (root; installs podman, buildah, runc, catatonit and debootstrap when missing)
#   NODEWATCH_IMAGE_WORK  where the base image's root file system and podman's settings are kept between runs
#                         (default /var/tmp/nodewatch-image); the base images are made once and reused
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=${NODEWATCH_IMAGE_WORK:-/var/tmp/nodewatch-image}
image=localhost/nodewatch:test
base=localhost/debian:bookworm-slim
builder=localhost/nodewatch-build:bookworm
mkdir -p "$work"

say() { printf 'test-image: %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }

missing=()
# catatonit: podman's pause process, which kube play's pods need (only recommended by Debian's podman package)
for tool in podman buildah runc debootstrap catatonit; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    uidmap slirp4netns fuse-overlayfs iptables netavark aardvark-dns >/dev/null
fi

# What podman 4.3 needs on these machines, without touching /etc: root lacks CAP_SYS_RESOURCE (so no ulimits above
# its own), crun refuses the hybrid cgroup layout, and there is no systemd for the cgroup manager or the event log.
cat >"$work/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
export CONTAINERS_CONF=$work/containers.conf

if ! podman image exists "$base"; then
  mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  mirror=${mirror:-http://deb.debian.org/debian}
  say "making $base with debootstrap from $mirror"
  rm -rf "$work/rootfs"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  # as Debian's own -slim images: no downloaded packages, package lists, documentation or translations
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* \
    "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/info/* \
    "$work"/rootfs/usr/share/locale/*
  tar -C "$work/rootfs" -c . | podman import -q - "$base" >/dev/null
fi
if ! podman image exists "$builder"; then
  say "making $builder (Debian's OpenJDK 17; binutils for jlink's --strip-debug)"
  printf 'FROM %s\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless binutils >/dev/null && rm -rf /var/lib/apt/lists/*\n' \
    "$base" | podman build -q -t "$builder" -f - "$work" >/dev/null
fi

say "building $image"
start=$(date +%s)
# offline, from the host's Maven repository (the Maven tests before this filled it)
podman build -q --volume "$HOME/.m2:/m2" --build-arg MAVEN_USER_HOME=/m2 --build-arg MAVEN_ARGS=--offline \
  --build-arg BUILD_IMAGE="$builder" --build-arg RUNTIME_IMAGE="$base" -t "$image" . >"$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log"; fail "podman build"; }
podman image prune -f >/dev/null # the stages of earlier builds
size=$(podman image inspect --format '{{.Size}}' "$image")
say "built in $(($(date +%s) - start)) s, $((size / 1000000)) MB"
# -Xshare:on makes a JVM that cannot map its class-data-sharing archives fail instead of starting without them
podman run --rm -e JAVA_OPTS=-Xshare:on "$image" --version >"$work/cds.log" 2>&1 \
  || { cat "$work/cds.log"; fail "the image's JVM does not map its CDS archives"; }
# the image is the runtime's few files, not a distribution: no shell beyond sh, no package manager
podman run --rm --entrypoint /bin/sh "$image" -c 'for c in apt-get dpkg bash perl; do command -v $c && exit 1; done; exit 0' \
  >"$work/tools.log" 2>&1 || fail "the image still has $(cat "$work/tools.log")"

# --- the test tree: a node's pod logs, a container cgroup, the ConfigMap's configuration ---------------------------
test=$(mktemp -d /var/tmp/nodewatch-image-test.XXXXXX)
uid=$(cat /proc/sys/kernel/random/uuid)
cid=$(tr -d '-' </proc/sys/kernel/random/uuid)$(tr -d '-' </proc/sys/kernel/random/uuid)
cgroup=nodewatch-image-${uid:0:8}/kubepods/burstable/pod$uid/$cid
holder=
cleanup() {
  podman rm -f -t 0 nodewatch-test >/dev/null 2>&1 || true
  if [ -f "$test/kube.yaml" ]; then podman kube down "$test/kube.yaml" >/dev/null 2>&1 || true; fi
  [ -n "$holder" ] && kill "$holder" 2>/dev/null || true
  wait 2>/dev/null || true
  for controller in memory cpu cpuacct pids; do
    d=/sys/fs/cgroup/$controller/$cgroup
    while [ "$d" != "/sys/fs/cgroup/$controller" ]; do rmdir "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  done
  rm -rf "$test"
}
trap cleanup EXIT

pods=$test/log/pods/shop_cart-0_$uid/app
mkdir -p "$pods" "$test/log/containers" "$test/data" "$test/serviceaccount"
# What Kubernetes mounts into every pod; no kubelet answers at NODE_IP here, which the agent counts and survives.
echo "not-a-real-token" >"$test/serviceaccount/token"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=test-cluster-ca -days 1 \
  -keyout "$test/serviceaccount/ca.key" -out "$test/serviceaccount/ca.crt" >/dev/null 2>&1
ln -s "/var/log/pods/shop_cart-0_$uid/app/0.log" "$test/log/containers/cart-0_shop_app-$cid.log"
line() { printf '%s stdout F %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$1"; }
for i in $(seq 1 100); do line "before-start $i"; done >"$pods/0.log"

sleep 600 &
holder=$!
for controller in memory cpu cpuacct pids; do
  mkdir -p "/sys/fs/cgroup/$controller/$cgroup"
  echo "$holder" >"/sys/fs/cgroup/$controller/$cgroup/cgroup.procs"
done

# The ConfigMap's nodewatch.yaml as the manifest has it (shipped.yaml), and with one change: a file sink in the data
# dir.
sed -n '/^  nodewatch.yaml: |$/,/^---$/p' deploy/daemonset.yaml | sed '1d;$d' | sed 's/^    //' >"$test/shipped.yaml"
sed 's|^sinks: \[\]$|sinks:\n  - {name: file, type: file, path: /var/lib/nodewatch/records.ndjson}|' \
  "$test/shipped.yaml" >"$test/nodewatch.yaml"
grep -q 'type: file' "$test/nodewatch.yaml" || fail "the ConfigMap's 'sinks: []' was not found to add a file sink"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_agent() { # [configuration file, default: the one with the file sink]
  podman run -d --name nodewatch-test --pid=host --user 0 --read-only --tmpfs /tmp:size=16m \
    --cap-drop=ALL --security-opt no-new-privileges -e NODE_NAME=testnode -e NODE_IP=127.0.0.1 \
    -e JAVA_OPTS=-Djna.tmpdir=/tmp -p "127.0.0.1:$port:9102" \
    -v "${1:-$test/nodewatch.yaml}:/etc/nodewatch/nodewatch.yaml:ro" -v "$test/data:/var/lib/nodewatch" \
    -v "$test/serviceaccount:/var/run/secrets/kubernetes.io/serviceaccount:ro" \
    -v /proc:/host/proc:ro -v /sys:/host/sys:ro -v /:/host/root:ro,rslave -v "$test/log:/var/log:ro" \
    "$image" >/dev/null
}
ready_ms() {
  local begin=$(date +%s%N)
  for _ in $(seq 1 100); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = 200 ]; then
      echo $((($(date +%s%N) - begin) / 1000000))
      return 0
    fi
    sleep 0.05
  done
  podman logs nodewatch-test 2>&1 | tail -20 >&2
  return 1
}
records_with() { grep -c "\"message\":\"$1 " "$test/data/records.ndjson" 2>/dev/null || true; }
wait_for() { # $1 prefix, $2 count
  for _ in $(seq 1 150); do
    [ "$(records_with "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  fail "$2 records '$1 …' in the file sink, found $(records_with "$1")"
}
distinct() { grep -o "\"message\":\"$1 [0-9]*\"" "$test/data/records.ndjson" | sort -u | wc -l; }

# --- 1. podman run as the DaemonSet runs it ----------------------------------------------------------------------------
run_agent
ms=$(ready_ms) || fail "/readyz not 200 within 5 s"
say "ready ${ms} ms after podman run"
metrics=$(curl -sf "http://127.0.0.1:$port/metrics")
for family in node_cpu_seconds_total node_memory_MemTotal_bytes node_filesystem_avail_bytes \
    node_network_receive_bytes_total container_cpu_usage_seconds_total container_memory_working_set_bytes; do
  grep -q "^$family[{ ]" <<<"$metrics" || fail "/metrics has no $family"
done
grep -q "^container_memory_working_set_bytes{.*id=\"/$cgroup\"" <<<"$metrics" \
  || fail "/metrics has no series for the test cgroup /$cgroup"
wait_for before-start 100
for i in $(seq 1 100); do line "while-running $i"; done >>"$pods/0.log"
wait_for while-running 100
say "the ConfigMap's configuration: node and container families served, 200 lines in the file sink"

podman stop -t 30 nodewatch-test >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' nodewatch-test)
[ "$code" = 0 ] || { podman logs nodewatch-test 2>&1 | tail -20; fail "exit code $code after SIGTERM"; }
podman rm nodewatch-test >/dev/null
for i in $(seq 1 100); do line "while-stopped $i"; done >>"$pods/0.log"
run_agent
ready_ms >/dev/null || fail "/readyz not 200 within 5 s after the restart"
wait_for while-stopped 100
for prefix in before-start while-running while-stopped; do
  [ "$(distinct "$prefix")" = 100 ] || fail "after the restart, $(distinct "$prefix") of 100 '$prefix' lines"
done
say "SIGTERM: exit 0; the restart resumed from the queue (300 of 300 lines)"
podman stop -t 30 nodewatch-test >/dev/null
podman rm nodewatch-test >/dev/null

# --- 2. podman kube play of deploy/daemonset.yaml itself -------------------------------------------------------------
mkdir -p "$test/kube-data" "$test/docker"
python3 deploy/test-image-manifest.py "$test" "$image" >"$test/kube.yaml"
podman kube play "$test/kube.yaml" >"$test/kube-play.log" 2>&1 || { cat "$test/kube-play.log"; fail "podman kube play"; }
kube_container=$(podman ps --format '{{.Names}}' | grep -E '^nodewatch-pod-[0-9]+-nodewatch$' | head -1)
[ -n "$kube_container" ] || { cat "$test/kube-play.log"; podman ps -a; fail "no nodewatch container from kube play"; }
kube_ip=$(podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' \
  "$(podman pod inspect --format '{{.InfraContainerID}}' "${kube_container%-nodewatch}")")
kube_status() { curl -s -o /dev/null -w '%{http_code}' "http://$kube_ip:9102/readyz" || true; }
for _ in $(seq 1 100); do
  [ "$(kube_status)" = 200 ] && break
  sleep 0.1
done
[ "$(kube_status)" = 200 ] || { podman logs "$kube_container" 2>&1 | tail -20; fail "the kube-played pod's /readyz"; }
kube_metrics=$(curl -sf "http://$kube_ip:9102/metrics") || fail "the kube-played pod's /metrics"
grep -q '^node_cpu_seconds_total{' <<<"$kube_metrics" || fail "the kube-played pod's /metrics has no node_cpu_seconds_total"
[ "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$kube_container")" = true ] \
  || fail "the kube-played container's root file system is writable"
# (without systemd, podman complains on stderr that it cannot set up the probe's timer; the probe itself runs)
podman healthcheck run "$kube_container" 2>"$test/health.err" \
  || { cat "$test/health.err"; fail "the manifest's liveness probe (podman healthcheck run)"; }
podman kube down "$test/kube.yaml" >/dev/null 2>&1
say "podman kube play of deploy/daemonset.yaml: ready, /metrics served, read-only root, liveness probe passes"

# --- 3. numbers: start to ready and idle RSS, median of 5 -----------------------------------------------------------
times=()
for _ in 1 2 3 4 5; do
  run_agent
  times+=("$(ready_ms)") || fail "/readyz"
  podman rm -f -t 30 nodewatch-test >/dev/null
done
idle_rss_mib() { # the configuration
  run_agent "$1"
  ready_ms >/dev/null || fail "/readyz"
  sleep 60
  awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$(podman inspect --format '{{.State.Pid}}' nodewatch-test)/status"
  podman rm -f -t 30 nodewatch-test >/dev/null
}
shipped=$(idle_rss_mib "$test/shipped.yaml")
with_sink=$(idle_rss_mib "$test/nodewatch.yaml")
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
say "image $((size / 1000000)) MB; start to ready median ${median} ms (${times[*]}); RSS after 60 s idle" \
  "${shipped} MiB with the ConfigMap as shipped, ${with_sink} MiB with the file sink added"
