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
 * the spool's id as a tag, and a run with that tag is reused. A parent and its children may reach
 * the server in any order: whichever comes second sets the child's {@code mlflow.parentRunId} to
 * the parent's id on the server.
 */
final class SpoolDrain {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolDrain.class);
    /** How many journaled requests are looked at for merging into one. */
    private static final int MERGE_WINDOW = 1000;
    /** MLflow's tag naming a run's parent. */
    static final String PARENT_TAG = "mlflow.parentRunId";

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
        linkParent(experimentId, info.getRunId(), header.tags().get(PARENT_TAG));
        adoptChildren(experimentId, info.getRunId(), header.spoolId());
        Spool.Header created = header.withRun(experimentId, info.getRunId(), info.getArtifactUri());
        spool.header(created);
        return created;
    }

    /**
     * Points the run at its parent's id on the server when the parent was recorded under another
     * id (its spool's, or its id in the local store) and is on the server by now. Otherwise the
     * run keeps that id as its parent until the parent is created and {@link #adoptChildren
     * adopts} it. Each side looks for the other after creating its own run, so one of them finds it.
     */
    private void linkParent(String experimentId, String runId, String parent) {
        if (parent == null) {
            return;
        }
        List<String> onServer = server.runsTagged(experimentId, Spool.Header.ORIGIN_TAG, parent);
        if (!onServer.isEmpty() && !onServer.get(0).equals(parent)) {
            setParent(runId, onServer.get(0));
        }
    }

    /** Points the runs created before this one, naming it by its origin id as their parent, at its id on the server. */
    private void adoptChildren(String experimentId, String runId, String originId) {
        for (String child : server.runsTagged(experimentId, PARENT_TAG, originId)) {
            setParent(child, runId);
        }
    }

    private void setParent(String runId, String parentRunId) {
        server.logBatch(runId, List.of(), List.of(),
                List.of(Service.RunTag.newBuilder().setKey(PARENT_TAG).setValue(parentRunId).build()));
        LOG.info("Run {} on {} now has the parent {}", runId, server.server(), parentRunId);
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
