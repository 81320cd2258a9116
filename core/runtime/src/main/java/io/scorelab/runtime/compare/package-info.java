/**
 * Ablation tables ({@code scorelab compare}): {@link io.scorelab.runtime.compare.Comparison} groups
 * an experiment's FINISHED runs by the values of some params and computes the mean, sample standard
 * deviation, min and max of a metric's last value per group; {@link
 * io.scorelab.runtime.compare.ComparisonReport} writes it as Markdown, CSV and a PNG bar chart and
 * logs them into a sweep's parent run. Runs are read through {@link
 * io.scorelab.runtime.compare.RunSource}: {@link io.scorelab.runtime.compare.LocalRunSource} for the
 * local store, {@link io.scorelab.runtime.compare.ServerRunSource} for a tracking server (see
 * docs/tracking.md).
 */
package io.scorelab.runtime.compare;
