package io.scorelab.runtime.tracking;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One request of a run to a tracking server, as its {@link Spool} journals it: a {@code log-batch}
 * of metrics, params and tags within MLflow's limits, an artifact upload, or the run's end.
 */
sealed interface SpoolEntry {

    /** What a run asks to record; consecutive metrics, params and tags are sent as batches. */
    sealed interface Op {}

    /** One metric point. */
    record Metric(String key, double value, long timestamp, long step) implements Op {}

    /** One param. */
    record Param(String key, String value) implements Op {}

    /** One tag. */
    record Tag(String key, String value) implements Op {}

    /** A {@code log-batch} request. */
    record Batch(List<Metric> metrics, List<Param> params, List<Tag> tags) implements SpoolEntry {

        int size() {
            return metrics.size() + params.size() + tags.size();
        }
    }

    /**
     * An upload of a file the spool holds.
     *
     * @param stagedFile the file's name in the spool's {@code files/}
     * @param path where it goes under the run's artifacts, for example {@code plots/samples.png}
     */
    record Artifact(String stagedFile, String path) implements SpoolEntry, Op {}

    /** The run's end. */
    record End(RunStatus status, long endTime) implements SpoolEntry, Op {}

    Gson JSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

    /**
     * Groups ops into requests in their order: runs of metrics, params and tags become batches of at
     * most {@link MlflowLimits#MAX_BATCH_METRICS} metrics, {@link MlflowLimits#MAX_BATCH_PARAMS}
     * params, {@link MlflowLimits#MAX_BATCH_TAGS} tags and {@link MlflowLimits#MAX_BATCH_ENTITIES} in
     * all; a param or tag key repeated starts a new batch, since MLflow refuses a batch that names a
     * key twice.
     */
    static List<SpoolEntry> group(List<? extends Op> ops) {
        List<SpoolEntry> entries = new ArrayList<>();
        BatchBuilder batch = new BatchBuilder();
        for (Op op : ops) {
            if (op instanceof Artifact || op instanceof End) {
                batch.flushInto(entries);
                entries.add((SpoolEntry) op);
                continue;
            }
            if (!batch.accepts(op)) {
                batch.flushInto(entries);
            }
            batch.add(op);
        }
        batch.flushInto(entries);
        return entries;
    }

    /** @return the entry as one line of JSON */
    default String toJson() {
        JsonObject line = new JsonObject();
        String type = this instanceof Batch ? "batch" : this instanceof Artifact ? "artifact" : "end";
        line.addProperty("type", type);
        line.add("entry", JSON.toJsonTree(this));
        return JSON.toJson(line);
    }

    /**
     * @param line a line {@link #toJson()} wrote
     * @return the entry
     * @throws JsonParseException for a malformed line
     */
    static SpoolEntry fromJson(String line) {
        JsonObject object = JSON.fromJson(line, JsonObject.class);
        if (object == null || !object.has("type") || !object.has("entry")) {
            throw new JsonParseException("not a spool entry");
        }
        Class<? extends SpoolEntry> type = switch (object.get("type").getAsString()) {
            case "batch" -> Batch.class;
            case "artifact" -> Artifact.class;
            case "end" -> End.class;
            default -> throw new JsonParseException("unknown entry type " + object.get("type"));
        };
        return JSON.fromJson(object.get("entry"), type);
    }

    /** Collects one batch within MLflow's limits. */
    final class BatchBuilder {
        private List<Metric> metrics = new ArrayList<>();
        private List<Param> params = new ArrayList<>();
        private List<Tag> tags = new ArrayList<>();
        private Set<String> paramKeys = new HashSet<>();
        private Set<String> tagKeys = new HashSet<>();

        boolean accepts(Op op) {
            if (metrics.size() + params.size() + tags.size() >= MlflowLimits.MAX_BATCH_ENTITIES) {
                return false;
            }
            if (op instanceof Metric) {
                return metrics.size() < MlflowLimits.MAX_BATCH_METRICS;
            }
            if (op instanceof Param p) {
                return params.size() < MlflowLimits.MAX_BATCH_PARAMS && !paramKeys.contains(p.key());
            }
            return op instanceof Tag t && tags.size() < MlflowLimits.MAX_BATCH_TAGS && !tagKeys.contains(t.key());
        }

        void add(Op op) {
            if (op instanceof Metric m) {
                metrics.add(m);
            } else if (op instanceof Param p) {
                params.add(p);
                paramKeys.add(p.key());
            } else if (op instanceof Tag t) {
                tags.add(t);
                tagKeys.add(t.key());
            } else {
                throw new IllegalArgumentException("not a batch op: " + op);
            }
        }

        /**
         * Adds all of a batch's ops if they fit within the limits together with what is here.
         *
         * @return whether the batch was added
         */
        boolean tryAdd(Batch batch) {
            int total = metrics.size() + params.size() + tags.size() + batch.size();
            if (total > MlflowLimits.MAX_BATCH_ENTITIES
                    || metrics.size() + batch.metrics().size() > MlflowLimits.MAX_BATCH_METRICS
                    || params.size() + batch.params().size() > MlflowLimits.MAX_BATCH_PARAMS
                    || tags.size() + batch.tags().size() > MlflowLimits.MAX_BATCH_TAGS
                    || batch.params().stream().anyMatch(p -> paramKeys.contains(p.key()))
                    || batch.tags().stream().anyMatch(t -> tagKeys.contains(t.key()))) {
                return false;
            }
            batch.metrics().forEach(this::add);
            batch.params().forEach(this::add);
            batch.tags().forEach(this::add);
            return true;
        }

        /** @return what was added, as one batch */
        Batch build() {
            return new Batch(List.copyOf(metrics), List.copyOf(params), List.copyOf(tags));
        }

        void flushInto(List<SpoolEntry> entries) {
            if (metrics.isEmpty() && params.isEmpty() && tags.isEmpty()) {
                return;
            }
            entries.add(new Batch(List.copyOf(metrics), List.copyOf(params), List.copyOf(tags)));
            metrics = new ArrayList<>();
            params = new ArrayList<>();
            tags = new ArrayList<>();
            paramKeys = new HashSet<>();
            tagKeys = new HashSet<>();
        }
    }
}
