package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.mlflow.api.proto.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records runs on an MLflow tracking server, through the MLflow Java client. Each run journals its
 * requests in a spool in its directory and sends them from a background thread (see {@link
 * LogShipper}), so nothing logged is lost when the server goes away: what it has not taken stays in
 * the spool for {@code scorelab tracking sync}.
 */
public final class ServerTracker implements Tracker {

    /** What to do when the server cannot be reached as a run starts. */
    public enum OnUnavailable {
        /** Fail the run's start with a message saying how to spool instead. */
        FAIL,
        /** Record the run in its spool and send it when the server is back, or later by sync. */
        SPOOL;

        /** @return the value for {@code tracking.on_unavailable} */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServerTracker.class);

    private final MlflowServer server;
    private final OnUnavailable onUnavailable;
    private final Path spoolRoot;
    private final Duration flushTimeout;

    /**
     * @param server the server
     * @param onUnavailable what to do when it cannot be reached as a run starts
     * @param spoolRoot where runs without a directory of their own keep their spool: {@code
     *     <spoolRoot>/<id>/tracking-spool}
     * @param flushTimeout how long the end of a run waits for an unreachable server before it leaves
     *     the rest in the spool
     */
    public ServerTracker(TrackingServer server, OnUnavailable onUnavailable, Path spoolRoot, Duration flushTimeout) {
        this.server = new MlflowServer(server);
        this.onUnavailable = onUnavailable;
        this.spoolRoot = spoolRoot;
        this.flushTimeout = flushTimeout;
    }

    /** @return the server's URI, without credentials */
    public TrackingServer server() {
        return server.server();
    }

    @Override
    public TrackedRun startRun(String experimentName, String runName, Map<String, String> tags) {
        return startRun(experimentName, runName, tags, null);
    }

    @Override
    public TrackedRun startRun(String experimentName, String runName, Map<String, String> tags, Path runDirectory) {
        String spoolId = UUID.randomUUID().toString().replace("-", "");
        Map<String, String> validTags = new LinkedHashMap<>();
        tags.forEach((key, value) -> validTags.put(EntityKey.of("tag", key).name(),
                MlflowLimits.tagValue(key, server.server().redact(value))));
        Path directory = (runDirectory != null ? runDirectory : spoolRoot.resolve(spoolId)).resolve(Spool.DIRECTORY);
        Spool.Header header = new Spool.Header(server.server().toString(), experimentName, runName,
                System.currentTimeMillis(), validTags, spoolId, null, null, null);
        Spool spool = Spool.create(directory, header, runDirectory == null);
        try {
            header = new SpoolDrain(spool, server).createdRun();
        } catch (ServerUnavailableException e) {
            if (onUnavailable == OnUnavailable.FAIL) {
                spool.delete();
                throw new ScorelabException("the tracking server is unreachable: " + e.getMessage() + ". Start it,"
                        + " or set tracking.on_unavailable=spool to record the run in its directory and send it"
                        + " later with 'scorelab tracking sync <run directory>'", e);
            }
            LOG.warn("The tracking server is unreachable ({}); recording run {} to {} and sending it when the"
                    + " server is back", e.getMessage(), spoolId, directory);
        } catch (ScorelabException e) {
            spool.delete();
            throw e;
        }
        String runId = header.runId() != null ? header.runId() : spoolId;
        return new ServerRun(runId, header.experimentId(), spool, server, flushTimeout);
    }

    @Override
    public TrackedRun openRun(String runId) {
        return openRun(runId, null);
    }

    @Override
    public TrackedRun openRun(String runId, Path runDirectory) {
        Service.RunInfo info;
        try {
            info = server.getRun(runId).getInfo();
            if (!"active".equals(info.getLifecycleStage())) {
                throw new ScorelabException("run " + runId + " on " + server.server() + " is deleted");
            }
            server.setStatus(runId, RunStatus.RUNNING, null);
        } catch (ServerUnavailableException e) {
            throw new ScorelabException("the tracking server is unreachable: " + e.getMessage(), e);
        }
        Spool.Header header = new Spool.Header(server.server().toString(), "", info.getRunName(), info.getStartTime(),
                Map.of(), UUID.randomUUID().toString().replace("-", ""), info.getExperimentId(), runId,
                info.getArtifactUri());
        Path directory = runDirectory != null ? runDirectory : spoolRoot.resolve(header.spoolId());
        Spool spool = Spool.create(directory.resolve(Spool.DIRECTORY), header, runDirectory == null);
        return new ServerRun(runId, info.getExperimentId(), spool, server, flushTimeout);
    }
}
