package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.mlflow.api.proto.Service;

/**
 * Sends runs to a tracking server after the fact, idempotently: syncing twice creates nothing twice.
 *
 * <ul>
 *   <li>{@link #sendSpool}: what a run could not send (its {@code tracking-spool/}), in order; the
 *       spool counts what the server acknowledged, so nothing is sent twice.
 *   <li>{@link #publishLocalRun}: a run of the local store (trained offline, published later). The
 *       server's run is found by the tag {@code scorelab.origin_id} (the local run's id) or created;
 *       params and tags are set (setting them again changes nothing), only the metric points the
 *       server lacks are sent, and artifacts replace the same paths.
 * </ul>
 */
public final class TrackingSync {

    /**
     * What a sync did.
     *
     * @param runId the run's id on the server
     * @param requests how many requests were sent
     * @param metricPoints how many metric points were sent
     * @param artifacts how many files were uploaded
     * @param rejected whether the server refused any request (kept in the spool's rejected.jsonl)
     */
    public record Result(String runId, int requests, long metricPoints, int artifacts, boolean rejected) {}

    private final TrackingServer server;

    /** @param server the server to send to */
    public TrackingSync(TrackingServer server) {
        this.server = server;
    }

    /** @return whether a run directory holds a spool of unsent requests */
    public static boolean hasSpool(Path runDirectory) {
        return Files.isRegularFile(runDirectory.resolve(Spool.DIRECTORY).resolve("run.json"));
    }

    /**
     * @param runDirectory a run's directory
     * @return the server and run id its completed spool recorded ({@code server}, {@code run_id}), if
     *     everything it spooled was sent
     */
    public static Optional<Map<String, String>> sent(Path runDirectory) {
        Path marker = runDirectory.resolve(Spool.SENT_MARKER);
        if (!Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        Map<String, String> sent = new LinkedHashMap<>();
        SpoolEntry.JSON.fromJson(LocalTracker.read(marker), com.google.gson.JsonObject.class).entrySet()
                .forEach(entry -> sent.put(entry.getKey(), entry.getValue().getAsString()));
        return Optional.of(sent);
    }

    /** @return the server a run directory's spool was recording to */
    public static String spoolServer(Path runDirectory) {
        return Spool.open(runDirectory.resolve(Spool.DIRECTORY)).header().server();
    }

    /**
     * Sends a run directory's spool and removes it once everything is acknowledged.
     *
     * @throws ScorelabException if the server is unreachable (what was sent stays acknowledged)
     */
    public Result sendSpool(Path runDirectory) {
        Spool spool = Spool.open(runDirectory.resolve(Spool.DIRECTORY));
        long points = 0;
        int files = 0;
        for (SpoolEntry entry : spool.pendingEntries()) {
            if (entry instanceof SpoolEntry.Batch batch) {
                points += batch.metrics().size();
            } else if (entry instanceof SpoolEntry.Artifact) {
                files++;
            }
        }
        try (MlflowServer connection = new MlflowServer(server)) {
            int sent = new SpoolDrain(spool, connection).drain();
            boolean rejected = spool.hasRejected();
            String runId = spool.header().runId();
            if (!rejected) {
                spool.complete();
            }
            return new Result(runId, sent, points, files, rejected);
        } catch (ServerUnavailableException e) {
            throw unreachable(e);
        }
    }

    /**
     * Publishes a run of the local store to the server.
     *
     * @param store the local store
     * @param runId the run's id there
     * @throws ScorelabException if the server is unreachable or refuses the run
     */
    public Result publishLocalRun(LocalStoreReader store, String runId) {
        StoredRun run = store.run(runId);
        String experiment = store.experimentName(run.experimentId());
        Path staging;
        try {
            staging = Files.createTempDirectory("scorelab-sync");
        } catch (IOException e) {
            throw new ScorelabException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try (MlflowServer connection = new MlflowServer(server)) {
            Map<String, String> tags = new LinkedHashMap<>(run.tags());
            // The parent goes in at creation, which links it to the parent's run on the server.
            String parent = tags.remove(SpoolDrain.PARENT_TAG);
            Spool.Header header = new Spool.Header(server.toString(), experiment, run.runName(), run.startTime(),
                    parent == null ? Map.of() : Map.of(SpoolDrain.PARENT_TAG, parent), run.runId(), null, null, null);
            Spool spool = Spool.create(staging.resolve(Spool.DIRECTORY), header, true);
            SpoolDrain drain = new SpoolDrain(spool, connection);
            header = drain.createdRun();
            List<SpoolEntry.Op> ops = new ArrayList<>();
            run.params().forEach((key, value) -> ops.add(new SpoolEntry.Param(key, value)));
            tags.forEach((key, value) -> ops.add(new SpoolEntry.Tag(key, value)));
            long points = 0;
            for (String key : run.metrics()) {
                Set<MetricPoint> onServer = new HashSet<>();
                for (Service.Metric metric : connection.metricHistory(header.runId(), key)) {
                    onServer.add(new MetricPoint(metric.getTimestamp(), metric.getValue(), metric.getStep()));
                }
                for (MetricPoint point : store.metricHistory(run, key)) {
                    if (!onServer.contains(point)) {
                        ops.add(new SpoolEntry.Metric(key, point.value(), point.timestamp(), point.step()));
                        points++;
                    }
                }
            }
            int files = 0;
            Path artifacts = run.directory().resolve(LocalRun.ARTIFACTS);
            for (Path file : files(artifacts)) {
                ops.add(new SpoolEntry.Artifact(spool.stage(file), relativeKey(artifacts, file)));
                files++;
            }
            if (run.status().isTerminal()) {
                ops.add(new SpoolEntry.End(run.status(), run.endTime() == null ? run.startTime() : run.endTime()));
            }
            spool.append(SpoolEntry.group(ops));
            int sent = drain.drain();
            return new Result(header.runId(), sent, points, files, spool.hasRejected());
        } catch (ServerUnavailableException e) {
            throw unreachable(e);
        } finally {
            try (Stream<Path> walk = Files.walk(staging)) {
                walk.sorted(Comparator.reverseOrder()).forEach(LocalTracker::deleteQuietly);
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }

    private ScorelabException unreachable(ServerUnavailableException e) {
        return new ScorelabException("the tracking server is unreachable: " + e.getMessage()
                + "; nothing was lost, run the same command again when it is back", e);
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw LocalTracker.failure("list", dir, e);
        }
    }

    private static String relativeKey(Path root, Path file) {
        List<String> names = new ArrayList<>();
        root.relativize(file).forEach(name -> names.add(name.toString()));
        return String.join("/", names);
    }
}
