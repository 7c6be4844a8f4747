package dev.nodewatch.collectors.metrics;

import java.util.List;

/**
 * A metric family as collectors produce it, independent of how it leaves the node (Prometheus exposition now,
 * remote_write later). Names, types, label names and units follow node_exporter and cAdvisor exactly.
 */
public record MetricFamily(String name, MetricType type, String help, List<String> labelNames,
    List<Sample> samples) {

  public static Builder gauge(String name, String help, String... labelNames) {
    return new Builder(name, MetricType.GAUGE, help, labelNames);
  }

  public static Builder counter(String name, String help, String... labelNames) {
    return new Builder(name, MetricType.COUNTER, help, labelNames);
  }

  public static Builder untyped(String name, String help, String... labelNames) {
    return new Builder(name, MetricType.UNTYPED, help, labelNames);
  }

  /** A family with a single unlabelled sample. */
  public static MetricFamily single(String name, MetricType type, String help, double value) {
    return new MetricFamily(name, type, help, List.of(), List.of(new Sample(List.of(), value)));
  }

  /** Collects samples for one family; label values are given in the order of the label names. */
  public static final class Builder {
    private final String name;
    private final MetricType type;
    private final String help;
    private final List<String> labelNames;
    private final java.util.ArrayList<Sample> samples = new java.util.ArrayList<>();

    private Builder(String name, MetricType type, String help, String[] labelNames) {
      this.name = name;
      this.type = type;
      this.help = help;
      this.labelNames = List.of(labelNames);
    }

    public Builder add(double value, String... labelValues) {
      if (labelValues.length != labelNames.size()) {
        throw new IllegalArgumentException(name + " takes labels " + labelNames + ", given "
            + List.of(labelValues));
      }
      samples.add(new Sample(List.of(labelValues), value));
      return this;
    }

    /** Adds a sample whose label values are already a list; an immutable one is kept as is, not copied. */
    public Builder add(double value, List<String> labelValues) {
      if (labelValues.size() != labelNames.size()) {
        throw new IllegalArgumentException(name + " takes labels " + labelNames + ", given " + labelValues);
      }
      samples.add(new Sample(List.copyOf(labelValues), value));
      return this;
    }

    public boolean isEmpty() {
      return samples.isEmpty();
    }

    /** Appends the samples of another builder of the same family (built in parallel over part of the input). */
    public Builder addAll(Builder other) {
      if (!other.name.equals(name)) {
        throw new IllegalArgumentException("cannot add samples of " + other.name + " to " + name);
      }
      samples.addAll(other.samples);
      return this;
    }

    public MetricFamily build() {
      return new MetricFamily(name, type, help, labelNames, List.copyOf(samples));
    }

    /** Adds the family to {@code out} unless it has no samples (node_exporter omits empty families too). */
    public void addTo(List<MetricFamily> out) {
      if (!samples.isEmpty()) {
        out.add(build());
      }
    }
  }
}
