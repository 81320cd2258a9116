/**
 * Files that show a run's results: {@link io.scorelab.runtime.plot.Plots} draws PNG plots (samples,
 * loss curves) and {@link io.scorelab.runtime.plot.SampleTable} writes samples as CSV.
 */
package io.scorelab.runtime.plot;
