package io.scorelab.runtime.compare;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.tracking.MetricPoint;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackingServer;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.Page;

/**
 * Runs from an MLflow tracking server, read through the MLflow Java client. A run's latest value of
 * a metric is chosen from the metric's whole history by {@link LocalRunSource}'s rule, so that a
 * server and a local store holding the same runs give the same table:
 *
 * <pre>
 * latest = the point p maximizing (p.step, p.timestamp, p.value), compared in that order
 * </pre>
 *
 * Deleted runs and experiments are left out, as MLflow's default view does.
 */
public final class ServerRunSource implements RunSource, AutoCloseable {

    /** Runs per search request; MLflow's default page size. */
    private static final int PAGE_SIZE = 1000;
    /** Points per metric history request; what the MLflow Java client asks for. */
    private static final int HISTORY_PAGE_SIZE = 25_000;
    /** Experiments per request when listing them for a message. */
    private static final int EXPERIMENT_PAGE_SIZE = 1000;
    /** How many experiments a message names before "and N more". */
    private static final int NAMED_EXPERIMENTS = 20;
    private static final String ACTIVE = "active";
    /**
     * LocalStoreReader's order of points. The server's own latest value (a run's {@code
     * data.metrics}, its {@code latest_metrics} table) compares the same (step, timestamp, value),
     * but with a NaN stored as 0 (SQL has no NaN): on a tie of step and timestamp it keeps 0.2 over a
     * later NaN, where this order (like the local store's) takes the NaN. Hence the history.
     */
    private static final Comparator<MetricPoint> LATEST = Comparator.comparingLong(MetricPoint::step)
            .thenComparingLong(MetricPoint::timestamp)
            .thenComparing(MetricPoint::value, Double::compare);

    private final TrackingServer server;
    private final MlflowClient client;
    private final int runsPerPage;
    private final int pointsPerPage;

    /** @param server the tracking server */
    public ServerRunSource(TrackingServer server) {
        this(server, PAGE_SIZE, HISTORY_PAGE_SIZE);
    }

    /**
     * @param runsPerPage runs per search request
     * @param pointsPerPage points per metric history request (both small in tests, to read several pages)
     */
    ServerRunSource(TrackingServer server, int runsPerPage, int pointsPerPage) {
        this.server = server;
        this.client = new MlflowClient(server.hostCredentials());
        this.runsPerPage = runsPerPage;
        this.pointsPerPage = pointsPerPage;
    }

    @Override
    public List<RunRecord> runs(String experiment, String metric) {
        String experimentId = experimentId(experiment);
        List<Service.Run> found = new ArrayList<>();
        String what = "search the runs of experiment '" + experiment + "'";
        Page<Service.Run> page = call(what, () -> client.searchRuns(List.of(experimentId), null,
                Service.ViewType.ACTIVE_ONLY, runsPerPage, List.of()));
        while (true) {
            page.getItems().forEach(found::add);
            if (!page.hasNextPage()) {
                break;
            }
            Page<Service.Run> current = page;
            page = call(what, current::getNextPage);
        }
        return found.stream()
                .sorted(Comparator.comparingLong((Service.Run run) -> run.getInfo().getStartTime())
                        .thenComparing(run -> run.getInfo().getRunId()))
                .map(run -> record(run, metric))
                .toList();
    }

    private RunRecord record(Service.Run run, String metric) {
        Service.RunInfo info = run.getInfo();
        Map<String, String> params = new TreeMap<>();
        run.getData().getParamsList().forEach(param -> params.put(param.getKey(), param.getValue()));
        Map<String, String> tags = new TreeMap<>();
        run.getData().getTagsList().forEach(tag -> tags.put(tag.getKey(), tag.getValue()));
        Set<String> metrics = run.getData().getMetricsList().stream().map(Service.Metric::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        OptionalDouble latest = OptionalDouble.empty();
        if (metrics.contains(metric)) {
            latest = history(info.getRunId(), metric).stream().max(LATEST)
                    .map(point -> OptionalDouble.of(point.value())).orElse(OptionalDouble.empty());
        }
        return new RunRecord(info.getRunId(), info.getRunName(), RunStatus.valueOf(info.getStatus().name()), params,
                tags, metrics, latest);
    }

    /**
     * Reads the pages of {@code metrics/get-history} here: the Java client's getMetricHistory fails
     * on a second page (it adds to the first page's unmodifiable list), so on more than 25,000 points.
     *
     * @return every point of the run's metric
     */
    private List<MetricPoint> history(String runId, String key) {
        String what = "read metric '" + key + "' of run " + runId;
        String query = "metrics/get-history?run_id=" + encoded(runId) + "&metric_key=" + encoded(key)
                + "&max_results=" + pointsPerPage;
        List<MetricPoint> points = new ArrayList<>();
        String token = "";
        do {
            String page = query + (token.isEmpty() ? "" : "&page_token=" + encoded(token));
            String body = call(what, () -> client.sendGet(page));
            try {
                JsonObject response = JsonParser.parseString(body).getAsJsonObject();
                if (response.has("metrics")) {
                    for (JsonElement metric : response.getAsJsonArray("metrics")) {
                        JsonObject point = metric.getAsJsonObject();
                        // Absent fields have their protobuf defaults, as the Java client reads them.
                        points.add(new MetricPoint(point.has("timestamp") ? point.get("timestamp").getAsLong() : 0,
                                point.has("value") ? value(point.get("value")) : 0,
                                point.has("step") ? point.get("step").getAsLong() : 0));
                    }
                }
                token = response.has("next_page_token") ? response.get("next_page_token").getAsString() : "";
            } catch (JsonParseException | IllegalStateException | UnsupportedOperationException
                    | NumberFormatException e) {
                throw new ScorelabException("cannot " + what + " on " + server + ": the answer is not a metric"
                        + " history: " + e.getMessage(), e);
            }
        } while (!token.isEmpty());
        return points;
    }

    /**
     * @return the value as logged: NaN and infinities come as the strings "NaN", "Infinity" and
     *     "-Infinity", and MLflow's SQL store keeps an infinity as the largest finite double of its
     *     sign (SQL has no infinities), which is read back as that infinity
     */
    private static double value(JsonElement json) {
        double value = json.getAsDouble();
        return Math.abs(value) == Double.MAX_VALUE ? Math.copySign(Double.POSITIVE_INFINITY, value) : value;
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * Searches rather than gets by name: a name that is not there would be a 404, which the Java
     * client sends twice more, warning each time of a rate limit.
     */
    private String experimentId(String name) {
        String filter = "name = '" + name.replace("'", "\\'") + "'";
        Optional<Service.Experiment> active = named(name, filter, Service.ViewType.ACTIVE_ONLY);
        if (active.isPresent()) {
            return active.get().getExperimentId();
        }
        named(name, filter, Service.ViewType.DELETED_ONLY).ifPresent(deleted -> {
            throw new ScorelabException("experiment '" + name + "' on " + server + " is deleted; restore it with"
                    + " 'mlflow experiments restore --experiment-id " + deleted.getExperimentId() + "'");
        });
        List<String> names = new ArrayList<>();
        Page<Service.Experiment> page = call("list experiments", () -> client.searchExperiments(null,
                Service.ViewType.ACTIVE_ONLY, EXPERIMENT_PAGE_SIZE, List.of()));
        while (true) {
            page.getItems().forEach(experiment -> names.add(experiment.getName()));
            if (!page.hasNextPage()) {
                break;
            }
            Page<Service.Experiment> current = page;
            page = call("list experiments", current::getNextPage);
        }
        names.sort(Comparator.naturalOrder());
        String listed = names.stream().limit(NAMED_EXPERIMENTS).map(n -> "'" + n + "'")
                .collect(Collectors.joining(", "))
                + (names.size() > NAMED_EXPERIMENTS ? " and " + (names.size() - NAMED_EXPERIMENTS) + " more" : "");
        throw new ScorelabException("no experiment '" + name + "' on " + server
                + (names.isEmpty() ? ": the server has none" : "; experiments there: " + listed));
    }

    private Optional<Service.Experiment> named(String name, String filter, Service.ViewType view) {
        return call("find experiment '" + name + "'", () -> client.searchExperiments(filter, view, 10, List.of()))
                .getItems().stream().filter(experiment -> experiment.getName().equals(name)).findFirst();
    }

    @Override
    public RunStatus status(String runId) {
        return RunStatus.valueOf(activeRun(runId).getInfo().getStatus().name());
    }

    /**
     * @param runId a run's id on the server
     * @return the run's tags
     * @throws ScorelabException if the server has no such active run, or cannot be reached
     */
    public Map<String, String> tags(String runId) {
        Map<String, String> tags = new LinkedHashMap<>();
        activeRun(runId).getData().getTagsList().forEach(tag -> tags.put(tag.getKey(), tag.getValue()));
        return tags;
    }

    /** An unknown id costs three requests and two of the Java client's warnings (see experimentId). */
    private Service.Run activeRun(String runId) {
        Service.Run run;
        try {
            run = client.getRun(runId);
        } catch (MlflowHttpException e) {
            if (e.getStatusCode() == 404) {
                throw new ScorelabException("no run " + runId + " on " + server, e);
            }
            throw failure("read run " + runId, e);
        } catch (MlflowClientException e) {
            throw failure("read run " + runId, e);
        }
        if (!ACTIVE.equals(run.getInfo().getLifecycleStage())) {
            throw new ScorelabException("run " + runId + " on " + server + " is deleted");
        }
        return run;
    }

    @Override
    public String location() {
        return server.toString();
    }

    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (MlflowClientException e) {
            throw failure(what, e);
        }
    }

    /** @return the failure as one message: what the server answered, or that it cannot be reached */
    private ScorelabException failure(String what, MlflowClientException e) {
        if (e instanceof MlflowHttpException http) {
            return new ScorelabException("cannot " + what + " on " + server + ": HTTP " + http.getStatusCode() + " "
                    + server.redact(http.getBodyMessage() == null ? http.getReasonPhrase() : http.getBodyMessage()), e);
        }
        Throwable cause = e.getCause() == null ? e : e.getCause();
        String reason = cause instanceof UnknownHostException ? "unknown host " + cause.getMessage()
                : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ScorelabException("the tracking server " + server + " is unreachable (" + server.redact(reason)
                + ") trying to " + what + ": start it, or point --tracking-uri (or MLFLOW_TRACKING_URI) at a running"
                + " server", e);
    }

    @Override
    public void close() {
        client.close();
    }
}
