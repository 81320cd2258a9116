package io.scorelab.runtime.tracking;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A run as the local store holds it, read by {@link LocalStoreReader}: its meta.yaml, params and
 * tags, and the keys of its metrics (their values are read on demand).
 *
 * @param runId the run's id
 * @param runName the run's name, or null if meta.yaml has none
 * @param experimentId the id of its experiment
 * @param status its status
 * @param startTime when it started, milliseconds since the epoch
 * @param endTime when it ended, milliseconds since the epoch, or null while it has not
 * @param params key to value, keys with slashes as written ({@code a/b})
 * @param tags key to value
 * @param metrics the keys of its metrics
 * @param directory the run's directory
 */
public record StoredRun(
        String runId,
        String runName,
        String experimentId,
        RunStatus status,
        long startTime,
        Long endTime,
        Map<String, String> params,
        Map<String, String> tags,
        Set<String> metrics,
        Path directory) {}
