# syntax=docker/dockerfile:1
# The nodewatch image: a runtime of only the JDK modules the agent uses, the agent jar, its launcher and a
# class-data-sharing archive made at build time (the root filesystem is read-only at run time).
#   docker build -t nodewatch:dev .            (or: podman build / buildah bud -t nodewatch:dev .)
# The base images are build arguments: BUILD_IMAGE needs a JDK (17 or newer, with jlink) and a shell, RUNTIME_IMAGE
# is a Debian or Ubuntu (glibc, apt for curl) the final image takes its few files from. deploy/test-image.sh builds
# from a Debian made locally with debootstrap and Debian's OpenJDK:
#   podman build --build-arg BUILD_IMAGE=localhost/nodewatch-build:bookworm \
#                --build-arg RUNTIME_IMAGE=localhost/debian:bookworm-slim -t nodewatch:dev .
# Non-root by default. The DaemonSet (deploy/daemonset.yaml) runs it as root with every capability dropped, because
# kubelet and the container runtime write log files as root with mode 0640; a deployment that ships no logs can keep
# the default user.

ARG BUILD_IMAGE=eclipse-temurin:25-jdk
ARG RUNTIME_IMAGE=debian:trixie-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY collectors collectors
COPY exporters exporters
COPY agent agent
COPY bin bin
# The local Maven repository is a build cache, so a source edit does not download every dependency again.
# MAVEN_USER_HOME and MAVEN_ARGS let a build use a repository it is given instead, offline: deploy/test-image.sh
# mounts the host's (--volume ~/.m2:/m2 --build-arg MAVEN_USER_HOME=/m2 --build-arg MAVEN_ARGS=--offline).
ARG MAVEN_USER_HOME=
ARG MAVEN_ARGS=
RUN --mount=type=cache,target=/root/.m2 ./mvnw -q -B -DskipTests \
      ${MAVEN_USER_HOME:+-Dmaven.repo.local=$MAVEN_USER_HOME/repository} $MAVEN_ARGS package
# Only the modules the jar needs (jdeps), plus TLS's elliptic curves and the JVM's own management beans, which are
# reached by reflection or service lookup where jdeps cannot see them. Not java.desktop (10 MB): jdeps lists it for
# code the agent never runs (JNA's window handles, SnakeYAML's bean introspection, Jackson's java.beans
# annotations, which it looks up and does without). The runtime's own CDS archive (--generate-cds-archive) is the
# base the agent's archive builds on.
# JDK 21 names jlink's compression levels zip-0..9; 17 knows only 0-2. The runtime's second CDS archive
# (classes_nocoops.jsa, for heaps over 32 GiB without compressed pointers) is 11 MB the 64 MiB heap never maps.
RUN feature=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p') \
 && compress=zip-6 && if [ "$feature" -lt 21 ]; then compress=2; fi \
 && jdeps --ignore-missing-deps --multi-release "$feature" --print-module-deps agent/target/nodewatch.jar \
    | tr , '\n' | grep -vx java.desktop | paste -sd , > /tmp/modules \
 && jlink --add-modules "$(cat /tmp/modules),jdk.crypto.ec,jdk.management,jdk.unsupported" \
      --strip-debug --no-man-pages --no-header-files --compress="$compress" --generate-cds-archive --output /runtime \
 && rm -f /runtime/lib/server/classes_nocoops.jsa

# The runtime's root file system: from RUNTIME_IMAGE only what the agent runs on (deploy/image-rootfs.sh says what).
FROM ${RUNTIME_IMAGE} AS rootfs
# curl: podman runs a pod's httpGet probes as `curl -f` inside the container (deploy/test-image.sh), and on call
# `kubectl exec` reaches the debug listener, which answers only on the pod's loopback, with it.
RUN command -v curl >/dev/null || { apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl >/dev/null; }
COPY --from=build /runtime /opt/java
COPY deploy/image-rootfs.sh /usr/local/bin/
RUN image-rootfs.sh /rootfs /opt/java

FROM scratch
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="nodewatch" \
      org.opencontainers.image.description="Kubernetes node agent: host metrics, container metrics and container logs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/nodewatch/nodewatch" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=rootfs /rootfs /
COPY --from=build /runtime /opt/java
COPY --from=build /src/agent/target/nodewatch.jar /opt/nodewatch/agent/target/nodewatch.jar
COPY --from=build /src/bin/nodewatch /opt/nodewatch/bin/nodewatch
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:/usr/bin:/bin
# The launcher (bin/nodewatch) sets the heap, GC and compiler flags measured in BENCHMARKS.md. Start the agent once
# and stop it: the JDK writes the class-data-sharing archive next to the jar on exit, and later starts map it
# (read-only is fine). The embedded default configuration plus a kubelet client, as the DaemonSet's ConfigMap has
# (here against a port nothing listens on): the TLS and crypto classes it loads cost 14 MiB of idle RSS when they
# are parsed at run time instead of mapped from the archive (deploy/test-image.sh, BENCHMARKS.md).
WORKDIR /tmp/cds
RUN printf 'data_dir: /tmp/cds/data\nkubelet:\n  endpoint: https://127.0.0.1:9\n  token_file: /tmp/cds/token\n  insecure_skip_verify: true\n' >nodewatch.yaml \
 && echo recording >token \
 && { /opt/nodewatch/bin/nodewatch --config nodewatch.yaml & agent=$!; sleep 8; kill -TERM "$agent"; wait "$agent"; } \
 && test -s /opt/nodewatch/agent/target/nodewatch.jsa \
 && rm -rf /tmp/cds
WORKDIR /
USER 65532:65532
EXPOSE 9102
ENTRYPOINT ["/opt/nodewatch/bin/nodewatch"]
CMD ["--config", "/etc/nodewatch/nodewatch.yaml"]
