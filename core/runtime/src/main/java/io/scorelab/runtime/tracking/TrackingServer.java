package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * Where an MLflow tracking server listens and how to authenticate to it: a bearer token from {@code
 * MLFLOW_TRACKING_TOKEN}, or basic authentication from {@code MLFLOW_TRACKING_USERNAME} and {@code
 * MLFLOW_TRACKING_PASSWORD} (or the URI's {@code user:password@}). The credentials are held here
 * only: {@link #toString()} and {@link #uri()} leave them out, and {@link #redact(String)} removes
 * them from any text before it is logged or recorded.
 */
public final class TrackingServer {

    /** What a secret is replaced with wherever scorelab would print or record it. */
    public static final String REDACTED = "[redacted]";

    private final URI uri;
    private final String token;
    private final String username;
    private final String password;

    private TrackingServer(URI uri, String token, String username, String password) {
        this.uri = uri;
        this.token = token;
        this.username = username;
        this.password = password;
    }

    /**
     * @param uri the server's {@code http://} or {@code https://} URI, as in {@code MLFLOW_TRACKING_URI}
     * @param environment the environment to read credentials from, usually {@link System#getenv()}
     * @return the server
     * @throws ScorelabException for a URI that is not http(s) or malformed
     */
    public static TrackingServer of(String uri, Map<String, String> environment) {
        URI parsed;
        try {
            parsed = new URI(uri.strip());
        } catch (URISyntaxException e) {
            throw new ScorelabException("tracking URI '" + uri + "' is malformed: " + e.getReason());
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || parsed.getHost() == null) {
            throw new ScorelabException("tracking URI '" + withoutUserInfo(parsed) + "' is not a server: expected"
                    + " http://host:port or https://host:port");
        }
        String username = blankToNull(environment.get("MLFLOW_TRACKING_USERNAME"));
        String password = blankToNull(environment.get("MLFLOW_TRACKING_PASSWORD"));
        if (parsed.getUserInfo() != null && username == null) {
            String[] parts = parsed.getUserInfo().split(":", 2);
            username = parts[0];
            password = parts.length > 1 ? parts[1] : null;
        }
        return new TrackingServer(withoutUserInfo(parsed), blankToNull(environment.get("MLFLOW_TRACKING_TOKEN")),
                username, password);
    }

    /** @return the server's URI, without credentials and without a trailing slash */
    public URI uri() {
        return uri;
    }

    /**
     * @param text any text about to be printed, logged or recorded
     * @return the text with every occurrence of the token and the password replaced by {@link #REDACTED}
     */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets()) {
            result = result.replace(secret, REDACTED);
        }
        return result;
    }

    /** @return the value of an {@code Authorization} header, if there are credentials */
    Optional<String> authorization() {
        if (token != null) {
            return Optional.of("Bearer " + token);
        }
        if (username != null) {
            String pair = username + ":" + (password == null ? "" : password);
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    /** @return the MLflow Java client's view of the host and credentials */
    public BasicMlflowHostCreds hostCredentials() {
        String host = uri.toString();
        if (token != null) {
            return new BasicMlflowHostCreds(host, token);
        }
        if (username != null) {
            return new BasicMlflowHostCreds(host, username, password == null ? "" : password);
        }
        return new BasicMlflowHostCreds(host);
    }

    private List<String> secrets() {
        List<String> secrets = new ArrayList<>(2);
        // Very short secrets would redact ordinary text; they are still never logged on purpose.
        for (String secret : new String[] {token, password}) {
            if (secret != null && secret.length() >= 4) {
                secrets.add(secret);
            }
        }
        return secrets;
    }

    @Override
    public String toString() {
        return uri.toString();
    }

    private static URI withoutUserInfo(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new ScorelabException("tracking URI is malformed: " + e.getReason());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
