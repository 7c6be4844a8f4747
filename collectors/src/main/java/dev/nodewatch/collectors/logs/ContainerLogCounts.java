package dev.nodewatch.collectors.logs;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one container's log files gave, under cAdvisor's label names: the lines appended to the queue and the bytes
 * read. Kept while any file of the container is tailed, so its series go with its files; which pod floods the
 * node is one query away:
 *
 * <pre>
 * nodewatch_container_log_lines_total{namespace="shop",pod="web-7d9f",container="app"} 120431
 * nodewatch_container_log_bytes_total{namespace="shop",pod="web-7d9f",container="app"} 2.4e+07
 * </pre>
 */
public final class ContainerLogCounts {

  private final String namespace;
  private final String pod;
  private final String container;
  final LongAdder lines = new LongAdder();
  final LongAdder bytes = new LongAdder();
  /** Tailed files of the container; the counts are dropped at zero. */
  int files;

  ContainerLogCounts(String namespace, String pod, String container) {
    this.namespace = namespace;
    this.pod = pod;
    this.container = container;
  }

  public String namespace() {
    return namespace;
  }

  public String pod() {
    return pod;
  }

  public String container() {
    return container;
  }

  public long lines() {
    return lines.sum();
  }

  public long bytes() {
    return bytes.sum();
  }
}
