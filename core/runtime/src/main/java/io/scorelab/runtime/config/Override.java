package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import io.scorelab.api.ScorelabException;
import java.util.regex.Pattern;

/**
 * One command-line override, in Hydra's grammar: {@code key=value} sets a key that exists (or
 * chooses a group's option), {@code +key=value} adds a key that does not, {@code ++key=value} sets
 * or adds, {@code ~key} (or {@code ~key=value}) deletes. Values are HOCON values.
 *
 * @param action what to do with the key
 * @param key the config path, for example {@code trainer.lr}
 * @param value the parsed value, null for a deletion without a value
 * @param text the override as typed, for messages
 */
public record Override(Action action, String key, ConfigValue value, String text) {

    /** What an override does. */
    public enum Action { SET, ADD, SET_OR_ADD, DELETE }

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_\\-]+");

    /**
     * @param text an override as typed on the command line
     * @return the parsed override
     * @throws ScorelabException naming the override and the position of the problem
     */
    public static Override parse(String text) {
        Action action = Action.SET;
        int start = 0;
        if (text.startsWith("~")) {
            action = Action.DELETE;
            start = 1;
        } else if (text.startsWith("++")) {
            action = Action.SET_OR_ADD;
            start = 2;
        } else if (text.startsWith("+")) {
            action = Action.ADD;
            start = 1;
        }
        int equals = text.indexOf('=', start);
        if (equals < 0 && action != Action.DELETE) {
            throw malformed(text, text.length(), "expected key=value");
        }
        String key = equals < 0 ? text.substring(start) : text.substring(start, equals);
        checkKey(text, key, start);
        if (equals < 0) {
            return new Override(action, key, null, text);
        }
        String raw = text.substring(equals + 1);
        if (raw.isEmpty()) {
            throw malformed(text, equals + 1, "expected a value after '='");
        }
        return new Override(action, key, parseValue(text, raw, equals + 1), text);
    }

    private static void checkKey(String text, String key, int offset) {
        if (key.isEmpty()) {
            throw malformed(text, offset, "expected a key before '='");
        }
        int position = offset;
        for (String segment : key.split("\\.", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw malformed(text, position,
                        segment.isEmpty() ? "empty key segment" : "invalid key segment '" + segment + "'");
            }
            position += segment.length() + 1;
        }
    }

    private static ConfigValue parseValue(String text, String raw, int position) {
        try {
            Config parsed = ConfigFactory.parseString(
                    "v = " + raw,
                    ConfigParseOptions.defaults().setOriginDescription("command-line override '" + text + "'"));
            if (!parsed.hasPathOrNull("v") || parsed.root().size() != 1) {
                throw malformed(text, position, "expected one HOCON value");
            }
            return parsed.root().get("v");
        } catch (ConfigException e) {
            throw malformed(text, position, "not a HOCON value (" + e.getMessage().replaceFirst("^.*?: \\d+: ", "") + ")");
        }
    }

    private static ScorelabException malformed(String text, int position, String problem) {
        return new ScorelabException(
                "malformed override '" + text + "' at position " + position + ": " + problem
                        + "\n  " + text + "\n  " + " ".repeat(Math.max(0, position)) + "^");
    }
}
