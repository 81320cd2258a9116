package io.scorelab.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretKeysTest {

    @Test
    void keysNamingASecretAreSecret() {
        for (String key : new String[] {"api_key", "data.apiKey", "s3.secret_access_key", "db.password",
            "accessToken", "hub.token", "client-secret", "credentials"}) {
            assertThat(SecretKeys.isSecret(key)).as(key).isTrue();
        }
        for (String key : new String[] {"tracking.uri", "keys", "monkey", "keyboard.layout", "tokens_per_batch",
            "\"secret.in.quotes\".name"}) {
            assertThat(SecretKeys.isSecret(key)).as(key).isFalse();
        }
    }

    @Test
    void redactionReplacesOnlySecretValues() {
        Config config = ConfigFactory.parseString("data { api_key = abc123, name = gmm }, db.password = pw");
        Config redacted = SecretKeys.redact(config);
        assertThat(redacted.getString("data.api_key")).isEqualTo(SecretKeys.REDACTED);
        assertThat(redacted.getString("db.password")).isEqualTo(SecretKeys.REDACTED);
        assertThat(redacted.getString("data.name")).isEqualTo("gmm");
    }

    @Test
    void overridesOfSecretKeysAreRedactedAsTyped() {
        assertThat(SecretKeys.redactOverrides(List.of("+extra.api_key=abc", "++db.password='p w'", "trainer.lr=1e-3",
                "not an override"))).containsExactly("+extra.api_key=[redacted]", "++db.password=[redacted]",
                "trainer.lr=1e-3", "not an override");
    }
}
