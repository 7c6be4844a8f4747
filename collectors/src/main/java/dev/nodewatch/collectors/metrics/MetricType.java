package dev.nodewatch.collectors.metrics;

/** The Prometheus metric types node_exporter and cAdvisor use. */
public enum MetricType { COUNTER, GAUGE, UNTYPED }
