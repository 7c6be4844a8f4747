package dev.nodewatch.collectors.metrics;

import java.util.List;

/** One series of a family: its label values, in the family's label-name order, and its value. */
public record Sample(List<String> labelValues, double value) {}
