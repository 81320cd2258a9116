package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A server that takes connections and never answers: requests time out and their connections are closed. */
class MlflowServerTest {

    @Test
    void aServerThatNeverAnswersCountsAsAwayAndTheStuckConnectionIsClosed() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            // Reads the first request, then waits for the client to close the connection.
            CompletableFuture<Boolean> closedByClient = CompletableFuture.supplyAsync(() -> {
                try (Socket connection = silent.accept(); InputStream in = connection.getInputStream()) {
                    byte[] buffer = new byte[8192];
                    while (in.read(buffer) >= 0) {
                        // the request, then nothing comes until the client gives up
                    }
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            TrackingServer server = TrackingServer.of("http://127.0.0.1:" + silent.getLocalPort(), Map.of());
            try (MlflowServer mlflow = new MlflowServer(server, Duration.ofMillis(500))) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> mlflow.getRun("0123456789abcdef0123456789abcdef"))
                        .isInstanceOf(ServerUnavailableException.class)
                        .hasMessageContaining("no answer in 0.5 s");
                // The 500 ms timeout plus thread hand-offs; far below "forever", which it was before.
                assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
                assertThat(closedByClient.get(5, TimeUnit.SECONDS)).as("the stuck connection was closed").isTrue();
            }
        }
    }
}
