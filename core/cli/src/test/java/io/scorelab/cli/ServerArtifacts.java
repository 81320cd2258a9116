package io.scorelab.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * Reads a run's artifacts from a server over its {@code mlflow-artifacts} HTTP API, in tests (the
 * Java client's own artifact calls shell out to the Python CLI).
 */
final class ServerArtifacts {

    private static final String API = "/api/2.0/mlflow-artifacts/artifacts";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServerArtifacts() {}

    /** @return the paths of every file under the run's artifacts, sorted */
    static List<String> list(String server, String runId) throws IOException, InterruptedException {
        List<String> files = new ArrayList<>();
        String root = root(server, runId);
        walk(server, root, "", files);
        return files.stream().sorted().toList();
    }

    /** @return the text of one artifact */
    static String read(String server, String runId, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(server + API + "/" + root(server, runId) + "/" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static String root(String server, String runId) {
        try (MlflowClient client = new MlflowClient(server)) {
            Service.RunInfo info = client.getRun(runId).getInfo();
            return URI.create(info.getArtifactUri()).getPath().replaceFirst("^/", "");
        }
    }

    private static void walk(String server, String root, String relative, List<String> files)
            throws IOException, InterruptedException {
        String path = relative.isEmpty() ? root : root + "/" + relative;
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server + API + "?path="
                + URLEncoder.encode(path, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("listing " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
        if (!body.has("files")) {
            return;
        }
        for (JsonElement element : body.getAsJsonArray("files")) {
            JsonObject file = element.getAsJsonObject();
            String name = file.get("path").getAsString();
            String child = relative.isEmpty() ? name : relative + "/" + name;
            if (file.has("is_dir") && file.get("is_dir").getAsBoolean()) {
                walk(server, root, child, files);
            } else {
                files.add(child);
            }
        }
    }
}
