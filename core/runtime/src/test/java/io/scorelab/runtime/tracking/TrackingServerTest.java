package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackingServerTest {

    @Test
    void aTokenIsABearerAndNeverPrinted() {
        TrackingServer server = TrackingServer.of("http://mlflow:5000/", Map.of("MLFLOW_TRACKING_TOKEN", "tok-12345"));
        assertThat(server.authorization()).contains("Bearer tok-12345");
        assertThat(server.toString()).isEqualTo("http://mlflow:5000");
        assertThat(server.redact("Authorization: Bearer tok-12345")).isEqualTo("Authorization: Bearer [redacted]");
        assertThat(server.hostCredentials().getToken()).isEqualTo("tok-12345");
    }

    @Test
    void basicCredentialsComeFromTheEnvironmentOrTheUri() {
        TrackingServer fromEnv = TrackingServer.of("https://host", Map.of("MLFLOW_TRACKING_USERNAME", "ada",
                "MLFLOW_TRACKING_PASSWORD", "s3cret-pw"));
        assertThat(fromEnv.authorization()).contains("Basic " + Base64.getEncoder().encodeToString("ada:s3cret-pw".getBytes()));
        assertThat(fromEnv.redact("pw=s3cret-pw")).isEqualTo("pw=[redacted]");

        TrackingServer fromUri = TrackingServer.of("http://ada:hunter22@host:5000", Map.of());
        assertThat(fromUri.uri().toString()).isEqualTo("http://host:5000");
        assertThat(fromUri.authorization()).contains("Basic " + Base64.getEncoder().encodeToString("ada:hunter22".getBytes()));
        assertThat(fromUri.redact("hunter22")).isEqualTo(TrackingServer.REDACTED);
    }

    @Test
    void onlyHttpUrisAreServers() {
        assertThatThrownBy(() -> TrackingServer.of("ftp://host", Map.of())).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("expected http://host:port");
        assertThat(TrackingTarget.resolve(null, Path.of("mlruns"), Map.of())).isEqualTo(
                new TrackingTarget.LocalStore(Path.of("mlruns")));
        assertThat(TrackingTarget.resolve(null, Path.of("mlruns"), Map.of("MLFLOW_TRACKING_URI", "/tmp/store")))
                .isEqualTo(new TrackingTarget.LocalStore(Path.of("/tmp/store")));
        assertThat(TrackingTarget.resolve("http://a:1", Path.of("mlruns"), Map.of("MLFLOW_TRACKING_URI", "http://b:2"))
                .location()).as("the config wins over the environment").isEqualTo("http://a:1");
        assertThat(TrackingTarget.resolve(null, Path.of("mlruns"), Map.of("MLFLOW_TRACKING_URI", "file:///tmp/s")))
                .isEqualTo(new TrackingTarget.LocalStore(Path.of("/tmp/s")));
    }
}
