package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run of a {@link ServerTracker}: checks what is logged as the local store does (keys, immutable
 * params), then hands it to a {@link LogShipper}, which sends it in the background. Secrets of the
 * server's credentials are redacted from every value.
 */
final class ServerRun implements TrackedRun {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRun.class);

    private final String runId;
    private final String experimentId;
    private final Spool spool;
    private final LogShipper shipper;
    private final TrackingServer server;
    private final Duration flushTimeout;
    private final Map<String, String> params = new HashMap<>();
    private boolean ended;

    ServerRun(String runId, String experimentId, Spool spool, MlflowServer server, Duration flushTimeout) {
        this.runId = runId;
        this.experimentId = experimentId;
        this.spool = spool;
        this.server = server.server();
        this.flushTimeout = flushTimeout;
        this.shipper = new LogShipper(spool, server);
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public String experimentId() {
        return experimentId;
    }

    @Override
    public synchronized void logParams(Map<String, String> newParams) {
        checkOpen();
        Map<String, String> valid = new LinkedHashMap<>();
        newParams.forEach((key, value) -> valid.put(EntityKey.of("param", key).name(),
                MlflowLimits.paramValue(key, server.redact(value))));
        valid.forEach((key, value) -> {
            String logged = params.get(key);
            if (logged != null && !logged.equals(value)) {
                throw new ScorelabException("param '" + key + "' of run " + runId + " was logged as '" + logged
                        + "' and cannot change to '" + value + "': params are immutable");
            }
        });
        valid.forEach((key, value) -> {
            if (params.putIfAbsent(key, value) == null) {
                shipper.submit(new SpoolEntry.Param(key, value));
            }
        });
    }

    @Override
    public synchronized void logMetric(String key, double value, long step, long timestampMillis) {
        checkOpen();
        EntityKey.of("metric", key);
        if (timestampMillis < 0) {
            throw new IllegalArgumentException("metric '" + key + "': negative timestamp " + timestampMillis);
        }
        shipper.submit(new SpoolEntry.Metric(key, value, timestampMillis, step));
    }

    @Override
    public synchronized void setTag(String key, String value) {
        checkOpen();
        EntityKey.of("tag", key);
        shipper.submit(new SpoolEntry.Tag(key, MlflowLimits.tagValue(key, server.redact(value))));
    }

    @Override
    public synchronized void logArtifact(Path file, String artifactDirectory) {
        checkOpen();
        if (!Files.isRegularFile(file)) {
            throw new ScorelabException("cannot log artifact " + file + ": "
                    + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        String name = file.getFileName().toString();
        String path = artifactDirectory == null || artifactDirectory.isEmpty() ? name
                : EntityKey.of("artifact directory", artifactDirectory).name() + "/" + name;
        shipper.submit(new SpoolEntry.Artifact(spool.stage(file), path));
    }

    @Override
    public void end(RunStatus status) {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("a run ends FINISHED, FAILED or KILLED, not " + status);
        }
        synchronized (this) {
            if (ended) {
                LOG.debug("Run {} has ended already", runId);
                return;
            }
            ended = true;
            try {
                shipper.submit(new SpoolEntry.End(status, System.currentTimeMillis()));
            } catch (ScorelabException e) {
                // The spool could not be written; the sender said so when it stopped. Ending must not throw.
                LOG.error("Run {} could not record its end: {}", runId, e.getMessage());
                return;
            }
        }
        if (!shipper.finish(flushTimeout)) {
            Path runDirectory = spool.directory().getParent();
            LOG.warn("The tracking server at {} did not take all of run {}: {} requests are kept in {}. Send them"
                    + " with:\n  scorelab tracking sync {}", server, runId, spool.pending(), spool.directory(),
                    runDirectory);
        }
    }

    @Override
    public void close() {
        end(RunStatus.FAILED);
    }

    private void checkOpen() {
        if (ended) {
            throw new IllegalStateException("run " + runId + " has ended");
        }
    }
}
