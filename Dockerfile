# syntax=docker/dockerfile:1
# The nodewatch image: a runtime of only the JDK modules the agent uses, the agent jar, its launcher and a
# class-data-sharing archive made at build time (the root filesystem is read-only at run time).
#   docker build -t nodewatch:dev .
# Non-root by default. The DaemonSet (deploy/daemonset.yaml) runs it as root with every capability dropped, because
# kubelet and the container runtime write log files as root with mode 0640; a deployment that ships no logs can keep
# the default user.

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY collectors collectors
COPY exporters exporters
COPY agent agent
COPY bin bin
# The local Maven repository is a build cache, so a source edit does not download every dependency again.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -q -B -DskipTests package
# Only the modules the jar needs (jdeps), plus TLS's elliptic curves and the JVM's own management beans, which are
# reached by reflection or service lookup where jdeps cannot see them. The runtime's own CDS archive
# (--generate-cds-archive) is the base the agent's archive builds on.
RUN jdeps --ignore-missing-deps --multi-release 25 --print-module-deps agent/target/nodewatch.jar > /tmp/modules \
 && jlink --add-modules "$(cat /tmp/modules),jdk.crypto.ec,jdk.management,jdk.unsupported" \
      --strip-debug --no-man-pages --no-header-files --compress=zip-6 --generate-cds-archive --output /runtime

FROM debian:trixie-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="nodewatch" \
      org.opencontainers.image.description="Kubernetes node agent: host metrics, container metrics and container logs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/nodewatch/nodewatch" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /runtime /opt/java
COPY --from=build /src/agent/target/nodewatch.jar /opt/nodewatch/agent/target/nodewatch.jar
COPY --from=build /src/bin/nodewatch /opt/nodewatch/bin/nodewatch
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:$PATH
# The launcher (bin/nodewatch) sets the heap, GC and compiler flags measured in BENCHMARKS.md. Start the agent once
# with its embedded default configuration and stop it: the JDK writes the class-data-sharing archive next to the jar
# on exit, and later starts map it (read-only is fine). These steps were run by hand against the jlinked runtime
# (JDK 25): the agent answered /readyz, stopped on SIGTERM and left a 23 MiB archive; --version then took 0.17 s.
WORKDIR /tmp/cds
RUN /opt/nodewatch/bin/nodewatch & agent=$!; sleep 8; kill -TERM "$agent"; wait "$agent" \
 && test -s /opt/nodewatch/agent/target/nodewatch.jsa \
 && rm -rf /tmp/cds
WORKDIR /
USER 65532:65532
EXPOSE 9102
ENTRYPOINT ["/opt/nodewatch/bin/nodewatch"]
CMD ["--config", "/etc/nodewatch/nodewatch.yaml"]
