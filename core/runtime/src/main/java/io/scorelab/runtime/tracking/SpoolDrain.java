package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link Spool}'s unacknowledged requests to the server in their order, creating the run
 * first if the spool was started while the server was away. Creating is idempotent: the run carries
 * the spool's id as a tag, and a run with that tag is reused.
 */
final class SpoolDrain {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolDrain.class);
    /** How many journaled requests are looked at for merging into one. */
    private static final int MERGE_WINDOW = 1000;

    private final Spool spool;
    private final MlflowServer server;

    SpoolDrain(Spool spool, MlflowServer server) {
        this.spool = spool;
        this.server = server;
    }

    /**
     * Sends every unacknowledged request. A request the server refuses is moved aside (see {@link
     * Spool#reject}) and logged, so that one bad request cannot hold back the rest.
     *
     * @return how many requests were sent
     * @throws ServerUnavailableException when the server is away; what was sent stays acknowledged
     */
    int drain() {
        Spool.Header header = createdRun();
        int sent = 0;
        for (List<SpoolEntry> next = spool.next(MERGE_WINDOW); !next.isEmpty(); next = spool.next(MERGE_WINDOW)) {
            // Consecutive batches journaled apart (while the server was away) go as one request.
            SpoolEntry request = next.get(0);
            int count = 1;
            if (request instanceof SpoolEntry.Batch first) {
                SpoolEntry.BatchBuilder merged = new SpoolEntry.BatchBuilder();
                merged.tryAdd(first);
                while (count < next.size() && next.get(count) instanceof SpoolEntry.Batch batch && merged.tryAdd(batch)) {
                    count++;
                }
                request = merged.build();
            }
            try {
                send(header, request);
                spool.acknowledge(count);
            } catch (ScorelabException e) {
                LOG.error("The tracking server refused a request of run {}; it is kept in {}: {}", header.runId(),
                        spool.directory(), e.getMessage());
                spool.reject();
                count = 1;
            }
            sent += count;
        }
        return sent;
    }

    /** @return the header, with the run created on the server if it was not */
    Spool.Header createdRun() {
        Spool.Header header = spool.header();
        if (header.runId() != null) {
            return header;
        }
        String experimentId = server.experimentId(header.experimentName());
        List<String> existing = server.runsTagged(experimentId, Spool.Header.ORIGIN_TAG, header.spoolId());
        Service.RunInfo info;
        if (!existing.isEmpty()) {
            info = server.getRun(existing.get(0)).getInfo();
        } else {
            Map<String, String> tags = new LinkedHashMap<>(header.tags());
            tags.put(Spool.Header.ORIGIN_TAG, header.spoolId());
            info = server.createRun(experimentId, header.runName(), header.startTime(), tags);
            LOG.info("Created run {} on {} for the spooled run {}", info.getRunId(), server.server(), header.spoolId());
        }
        Spool.Header created = header.withRun(experimentId, info.getRunId(), info.getArtifactUri());
        spool.header(created);
        return created;
    }

    private void send(Spool.Header header, SpoolEntry entry) {
        if (entry instanceof SpoolEntry.Batch batch) {
            server.logBatch(header.runId(),
                    batch.metrics().stream().map(m -> Service.Metric.newBuilder().setKey(m.key()).setValue(m.value())
                            .setTimestamp(m.timestamp()).setStep(m.step()).build()).toList(),
                    batch.params().stream().map(p -> Service.Param.newBuilder().setKey(p.key()).setValue(p.value())
                            .build()).toList(),
                    batch.tags().stream().map(t -> Service.RunTag.newBuilder().setKey(t.key()).setValue(t.value())
                            .build()).toList());
        } else if (entry instanceof SpoolEntry.Artifact artifact) {
            server.uploadArtifact(header.artifactUri(), artifact.path(), spool.stagedFile(artifact.stagedFile()));
        } else if (entry instanceof SpoolEntry.End end) {
            server.setStatus(header.runId(), end.status(), end.endTime());
        }
    }
}
