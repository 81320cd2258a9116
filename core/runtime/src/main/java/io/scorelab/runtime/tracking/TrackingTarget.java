package io.scorelab.runtime.tracking;

import io.scorelab.api.Options;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where runs are recorded: {@code tracking.uri} from the config if set, else {@code
 * MLFLOW_TRACKING_URI}, else the local store at {@code tracking.root}. A URI that is a directory or a
 * {@code file:} URI names a local store; an {@code http(s)://} URI a tracking server.
 */
public sealed interface TrackingTarget {

    /** The environment variable MLflow reads the tracking URI from. */
    String URI_VARIABLE = "MLFLOW_TRACKING_URI";

    /** @param root the local store's directory */
    record LocalStore(Path root) implements TrackingTarget {}

    /** @param server the tracking server */
    record Server(TrackingServer server) implements TrackingTarget {}

    /**
     * @param configuredUri {@code tracking.uri}, or null or blank if not set
     * @param defaultRoot {@code tracking.root}
     * @param environment the environment ({@link #URI_VARIABLE} and the server's credentials)
     * @return the target
     * @throws io.scorelab.api.ScorelabException for a URI that is neither a directory nor http(s)
     */
    static TrackingTarget resolve(String configuredUri, Path defaultRoot, Map<String, String> environment) {
        String uri = configuredUri == null || configuredUri.isBlank() ? environment.get(URI_VARIABLE) : configuredUri;
        if (uri == null || uri.isBlank()) {
            return new LocalStore(defaultRoot);
        }
        if (uri.startsWith("file:")) {
            return new LocalStore(Path.of(URI.create(uri)));
        }
        if (!uri.contains("://")) {
            return new LocalStore(Path.of(uri));
        }
        return new Server(TrackingServer.of(uri, environment));
    }

    /**
     * @param root the run's configuration (its {@code tracking} block)
     * @param environment the environment
     * @return the target of that configuration
     */
    static TrackingTarget of(Options root, Map<String, String> environment) {
        String uri = root.has("tracking.uri") ? root.getString("tracking.uri") : null;
        return resolve(uri, Path.of(root.getString("tracking.root")), environment);
    }

    /**
     * @param root the run's configuration: {@code tracking.on_unavailable}, {@code tracking.spool_dir}
     *     and {@code tracking.flush_timeout} apply to a server
     * @return a tracker for this target
     */
    default Tracker tracker(Options root) {
        if (this instanceof LocalStore local) {
            return new LocalTracker(local.root());
        }
        ServerTracker.OnUnavailable onUnavailable = ServerTracker.OnUnavailable.valueOf(root
                .oneOf("tracking.on_unavailable", List.of("fail", "spool")).toUpperCase(Locale.ROOT));
        Duration flushTimeout = Duration.ofMillis(Math.round(1000 * root.positiveDouble("tracking.flush_timeout")));
        return new ServerTracker(((Server) this).server(), onUnavailable, Path.of(root.getString("tracking.spool_dir")),
                flushTimeout);
    }

    /** @return where runs go, for messages: a directory or the server's URI (no credentials) */
    default String location() {
        return this instanceof LocalStore local ? local.root().toString() : ((Server) this).server().toString();
    }
}
