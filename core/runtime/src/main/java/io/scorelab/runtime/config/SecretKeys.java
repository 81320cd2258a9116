package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Config keys that hold secrets, whose values scorelab never records or prints: a key whose last
 * name has the word password, passwd, token, secret, key, apikey or credentials in it (words split at
 * {@code _}, {@code -} and camelCase), for example {@code api_key}, {@code accessToken}, {@code
 * db.password}. Their values become {@value #REDACTED} in the run's params, its saved config.conf and
 * {@code scorelab config}.
 */
public final class SecretKeys {

    /** What a secret value is replaced with. */
    public static final String REDACTED = "[redacted]";

    private static final Set<String> WORDS =
            Set.of("password", "passwd", "token", "secret", "key", "apikey", "credential", "credentials");

    private SecretKeys() {}

    /**
     * @param path a config path, for example {@code data.api_key}
     * @return whether its last name says it holds a secret
     */
    public static boolean isSecret(String path) {
        List<String> names = ConfigUtil.splitPath(path);
        String last = names.get(names.size() - 1);
        for (String word : last.split("[_\\-]|(?<=[a-z0-9])(?=[A-Z])")) {
            if (WORDS.contains(word.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param overrides command-line overrides as typed, for example {@code +data.api_key=abc}
     * @return the same, with the value of each that sets a secret key replaced by {@value #REDACTED}
     *     (an override that does not parse is kept as typed: it never reached a run)
     */
    public static List<String> redactOverrides(List<String> overrides) {
        return overrides.stream().map(SecretKeys::redactOverride).toList();
    }

    private static String redactOverride(String text) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            return text;
        }
        try {
            Override override = Override.parse(text);
            return isSecret(override.key()) ? text.substring(0, equals + 1) + REDACTED : text;
        } catch (io.scorelab.api.ScorelabException e) {
            return text;
        }
    }

    /** @return the config with the value of every secret key replaced by {@value #REDACTED} */
    public static Config redact(Config config) {
        Config redacted = config;
        for (Map.Entry<String, ?> entry : config.entrySet()) {
            if (isSecret(entry.getKey())) {
                redacted = redacted.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(REDACTED));
            }
        }
        return redacted;
    }
}
