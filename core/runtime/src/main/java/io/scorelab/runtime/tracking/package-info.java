/**
 * Recording runs in MLflow's data model: {@link io.scorelab.runtime.tracking.Tracker} starts and
 * reopens runs, {@link io.scorelab.runtime.tracking.TrackedRun} logs params, metrics, tags and
 * artifacts, and {@link io.scorelab.runtime.tracking.LocalTracker} writes them in MLflow's file-store
 * layout (see docs/tracking.md); {@link io.scorelab.runtime.tracking.LocalStoreReader} reads such a
 * store back.
 */
package io.scorelab.runtime.tracking;
