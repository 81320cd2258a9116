package io.scorelab.runtime.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.tracking.TrackingServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ServerRunSource} without a server (see ServerRunSourceIT for one). */
class ServerRunSourceTest {

    /** @return a loopback port nothing listens on: one the system just handed out and took back */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void anUnreachableServerIsOneClearMessageWithoutItsCredentials() throws IOException {
        int port = closedPort();
        TrackingServer server = TrackingServer.of("http://alice:s3cret-pass@127.0.0.1:" + port + "/", Map.of());

        try (ServerRunSource source = new ServerRunSource(server)) {
            assertThat(source.location()).isEqualTo("http://127.0.0.1:" + port);
            assertThatThrownBy(() -> source.runs("ablation", "eval/mmd"))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageStartingWith("the tracking server http://127.0.0.1:" + port + " is unreachable (")
                    .hasMessageContaining("trying to find experiment 'ablation'",
                            "start it, or point --tracking-uri (or MLFLOW_TRACKING_URI) at a running server")
                    .hasMessageNotContaining("s3cret-pass")
                    .hasMessageNotContaining("Exception"); // the reason, not the client's class names
            assertThatThrownBy(() -> source.status("0123456789abcdef0123456789abcdef"))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("is unreachable", "trying to read run 0123456789abcdef0123456789abcdef");
        }
    }
}
