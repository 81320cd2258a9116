package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The requests scorelab makes of an MLflow tracking server: the REST API through the MLflow Java
 * client, and artifact uploads over the server's {@code mlflow-artifacts} HTTP API (the Java client's
 * own upload shells out to the Python CLI). Every request that fails because the server is away
 * throws {@link ServerUnavailableException}; one the server refuses throws {@link
 * ScorelabException} with the server's message.
 */
final class MlflowServer implements AutoCloseable {

    /**
     * The client's shaded HTTP library logs every retried I/O error at INFO through java.util.logging,
     * which prints to the console; a server away is reported once by {@link LogShipper} instead. Held
     * here so that the setting is not collected with the logger.
     */
    private static final java.util.logging.Logger HTTP_LOG = quiet("org.mlflow_project.apachehttp");
    private static final String ARTIFACTS_SCHEME = "mlflow-artifacts:";
    private static final String ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts/";

    /** How long a REST request may go unanswered before the server counts as away. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final TrackingServer server;
    private final HttpClient http;
    private final Duration requestTimeout;
    /**
     * Runs the Java client's requests, which have no timeout of their own, so that the caller can
     * stop waiting; a thread left on a request that never ends does not hold back the next one.
     */
    private final ExecutorService requests = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "scorelab-mlflow-request");
        thread.setDaemon(true);
        return thread;
    });
    private volatile MlflowClient client;

    MlflowServer(TrackingServer server) {
        this(server, REQUEST_TIMEOUT);
    }

    /** @param requestTimeout how long a REST request may go unanswered */
    MlflowServer(TrackingServer server, Duration requestTimeout) {
        this.server = server;
        this.requestTimeout = requestTimeout;
        this.client = new MlflowClient(server.hostCredentials());
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    TrackingServer server() {
        return server;
    }

    /** @return the id of the active experiment of that name, created if there is none */
    String experimentId(String name) {
        Optional<Service.Experiment> existing = findExperiment(name);
        if (existing.isPresent()) {
            if (!"active".equals(existing.get().getLifecycleStage())) {
                throw new ScorelabException("experiment '" + name + "' on " + server + " is "
                        + existing.get().getLifecycleStage() + "; restore it or choose another experiment.name");
            }
            return existing.get().getExperimentId();
        }
        try {
            return call("create experiment '" + name + "'", c -> c.createExperiment(name));
        } catch (ScorelabException e) {
            // Another run created it in between.
            return findExperiment(name).orElseThrow(() -> e).getExperimentId();
        }
    }

    /** Searches rather than gets by name: the Java client retries a get's 404 as if it were rate limiting. */
    private Optional<Service.Experiment> findExperiment(String name) {
        String filter = "name = '" + name.replace("'", "\\'") + "'";
        return call("find experiment '" + name + "'", c -> c.searchExperiments(filter, Service.ViewType.ALL, 10,
                List.of())).getItems().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    /** @return the new run's id and artifact URI */
    Service.RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags) {
        Service.CreateRun.Builder request = Service.CreateRun.newBuilder()
                .setExperimentId(experimentId)
                .setStartTime(startTime);
        if (runName != null) {
            request.setRunName(runName);
        }
        tags.forEach((key, value) -> request.addTags(Service.RunTag.newBuilder().setKey(key).setValue(value)));
        Service.RunInfo info = call("create a run", c -> c.createRun(request.build()));
        artifactPath(info.getArtifactUri(), "");
        return info;
    }

    /** @return the run, deleted or not */
    Service.Run getRun(String runId) {
        return call("read run " + runId, c -> c.getRun(runId));
    }

    /** @return the ids of the experiment's runs (any lifecycle stage) carrying the tag with that value */
    List<String> runsTagged(String experimentId, String tag, String value) {
        String filter = "tags.`" + tag + "` = '" + value.replace("'", "\\'") + "'";
        return call("search runs", c -> c.searchRuns(List.of(experimentId), filter,
                Service.ViewType.ALL)).stream().map(Service.RunInfo::getRunId).toList();
    }

    List<Service.Metric> metricHistory(String runId, String key) {
        return call("read metric '" + key + "' of run " + runId, c -> c.getMetricHistory(runId, key));
    }

    void logBatch(String runId, List<Service.Metric> metrics, List<Service.Param> params, List<Service.RunTag> tags) {
        call("log a batch to run " + runId, c -> {
            c.logBatch(runId, metrics, params, tags);
            return null;
        });
    }

    void setStatus(String runId, RunStatus status, Long endTime) {
        Service.RunStatus mlflowStatus = Service.RunStatus.valueOf(status.name());
        call("set run " + runId + " " + status, c -> {
            if (endTime == null) {
                c.sendPost("runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"" + mlflowStatus + "\"}");
            } else {
                c.setTerminated(runId, mlflowStatus, endTime);
            }
            return null;
        });
    }

    /**
     * Uploads a file to {@code <artifactUri>/<directory>/<name>}, replacing one there.
     *
     * @param artifactUri the run's artifact URI
     * @param relativePath the file's path under the run's artifacts, slashes between names
     */
    void uploadArtifact(String artifactUri, String relativePath, Path file) {
        URI target = URI.create(server.uri() + ARTIFACTS_API + artifactPath(artifactUri, relativePath));
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(5));
        server.authorization().ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response;
        try {
            response = http.send(request.PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (FileNotFoundException e) {
            throw new ScorelabException("cannot upload artifact " + file + ": the file is gone", e);
        } catch (IOException e) {
            throw new ServerUnavailableException("cannot upload " + relativePath + " to " + server + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerUnavailableException("interrupted while uploading " + relativePath, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String message = "uploading " + relativePath + " to " + server + " failed: HTTP " + status + " "
                    + response.body().lines().findFirst().orElse("");
            if (isTransient(status)) {
                throw new ServerUnavailableException(message, null);
            }
            throw new ScorelabException(message);
        }
    }

    /**
     * @return the artifact's path for the server's artifact API
     * @throws ScorelabException if the run's artifacts are stored where only the server's own
     *     machine can write (a file: URI, a cloud bucket): the server must proxy artifacts
     */
    private String artifactPath(String artifactUri, String relativePath) {
        String base;
        if (artifactUri.startsWith(ARTIFACTS_SCHEME)) {
            URI uri = URI.create(artifactUri);
            base = uri.getPath();
        } else if (artifactUri.startsWith(server.uri() + ARTIFACTS_API)) {
            base = artifactUri.substring((server.uri() + ARTIFACTS_API).length());
        } else {
            throw new ScorelabException("the server " + server + " stores this run's artifacts at " + artifactUri
                    + ", which scorelab cannot write over HTTP: start the server so that it serves artifacts"
                    + " (mlflow server --artifacts-destination <dir>, the default since MLflow 2)");
        }
        StringJoiner path = new StringJoiner("/");
        for (String name : (base + "/" + relativePath).split("/")) {
            if (!name.isEmpty()) {
                path.add(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return path.toString();
    }

    private <T> T call(String what, Function<MlflowClient, T> request) {
        MlflowClient current = client;
        Future<T> answer = requests.submit(() -> request.apply(current));
        try {
            return answer.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Closing the client closes its connections, which ends the request stuck on one.
            answer.cancel(true);
            replace(current);
            throw new ServerUnavailableException("cannot " + what + " on " + server + ": no answer in "
                    + String.format(Locale.ROOT, "%.1f s", requestTimeout.toMillis() / 1000.0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerUnavailableException("interrupted while waiting to " + what + " on " + server, e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        }
    }

    private synchronized void replace(MlflowClient stuck) {
        if (client == stuck) {
            client = new MlflowClient(server.hostCredentials());
            stuck.close();
        }
    }

    /** @return the exception for a request that failed: away (retry later) or refused (the server's message) */
    private RuntimeException failure(String what, Throwable cause) {
        if (cause instanceof MlflowHttpException e) {
            String message = "cannot " + what + " on " + server + ": HTTP " + e.getStatusCode() + " "
                    + server.redact(e.getBodyMessage() == null ? e.getReasonPhrase() : e.getBodyMessage());
            return isTransient(e.getStatusCode()) ? new ServerUnavailableException(message, e)
                    : new ScorelabException(message, e);
        }
        if (cause instanceof MlflowClientException e) {
            Throwable reason = e.getCause() == null ? e : e.getCause();
            return new ServerUnavailableException("cannot " + what + " on " + server + ": "
                    + server.redact(reason.getMessage() == null ? reason.toString() : reason.getMessage()), e);
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return cause instanceof RuntimeException e ? e : new IllegalStateException(cause);
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    private static boolean isTransient(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    @Override
    public void close() {
        requests.shutdownNow();
        client.close();
    }
}
