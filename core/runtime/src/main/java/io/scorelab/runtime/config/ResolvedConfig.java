package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.scorelab.api.ComponentKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The composed, resolved and validated configuration of one run.
 *
 * @param config the resolved configuration
 * @param choices the chosen option of each group, for example {@code LOSS -> "ncsn"}
 * @param metrics the chosen metrics
 * @param experimentFile the experiment file it was composed from
 * @param overrides the command-line overrides, as typed
 */
public record ResolvedConfig(
        Config config,
        Map<ComponentKind, String> choices,
        List<String> metrics,
        Path experimentFile,
        List<String> overrides) {

    /** @return the command-line overrides as typed, the values of secret keys redacted */
    public List<String> redactedOverrides() {
        return SecretKeys.redactOverrides(overrides);
    }

    /** @return the configuration as JSON, secrets redacted */
    public String renderJson() {
        return SecretKeys.redact(config).root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(true));
    }

    /** @return the configuration as HOCON, as saved next to the run; secrets redacted (see {@link SecretKeys}) */
    public String render() {
        return SecretKeys.redact(config).root().render(ConfigRenderOptions.defaults()
                .setOriginComments(false).setComments(false).setJson(false).setFormatted(true));
    }

    /** @return every leaf key with its value as text, secrets redacted: the run's MLflow params */
    public Map<String, String> flatten() {
        Map<String, String> flat = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> entry : SecretKeys.redact(config).entrySet()) {
            ConfigValue value = entry.getValue();
            Object unwrapped = value.unwrapped();
            flat.put(entry.getKey(), unwrapped instanceof String s ? s : value.render(ConfigRenderOptions.concise()));
        }
        return flat;
    }
}
