package io.scorelab.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.util.Collection;
import java.util.List;

/**
 * The configuration subtree of one component (for example everything under {@code loss}), with
 * typed getters whose errors name the file and line, the key, the value and what was expected.
 *
 * <p>Components read their options in their constructor, so every bad value is reported before the
 * first tensor is made.
 */
public final class Options {

    private final Config root;
    private final String path;

    private Options(Config root, String path) {
        this.root = root;
        this.path = path;
    }

    /**
     * @param root the resolved configuration of the run
     * @param path the path of the component's subtree, for example {@code "loss"}
     * @return the options under {@code path}
     */
    public static Options of(Config root, String path) {
        return new Options(root, path);
    }

    /** @return the path of this subtree in the run's configuration, for example {@code "loss"} */
    public String path() {
        return path;
    }

    /** @return the raw subtree, for components that need more than the typed getters */
    public Config config() {
        return root.hasPath(path) ? root.getConfig(path) : com.typesafe.config.ConfigFactory.empty();
    }

    /** @return whether the key is set (and not null) */
    public boolean has(String key) {
        return root.hasPath(full(key));
    }

    public String getString(String key) {
        return read(key, "a string", () -> root.getString(full(key)));
    }

    public boolean getBoolean(String key) {
        return read(key, "a boolean (true or false)", () -> root.getBoolean(full(key)));
    }

    public int getInt(String key) {
        return read(key, "an integer", () -> root.getInt(full(key)));
    }

    public long getLong(String key) {
        return read(key, "an integer", () -> root.getLong(full(key)));
    }

    public double getDouble(String key) {
        return read(key, "a number", () -> root.getDouble(full(key)));
    }

    public List<Double> getDoubleList(String key) {
        return read(key, "a list of numbers", () -> root.getDoubleList(full(key)));
    }

    public List<String> getStringList(String key) {
        return read(key, "a list of strings", () -> root.getStringList(full(key)));
    }

    /** @return the integer at {@code key}, which must be at least 1 */
    public int positiveInt(String key) {
        int value = getInt(key);
        if (value <= 0) {
            throw invalid(key, "a positive integer");
        }
        return value;
    }

    /** @return the integer at {@code key}, which must be at least 0 */
    public int nonNegativeInt(String key) {
        int value = getInt(key);
        if (value < 0) {
            throw invalid(key, "an integer >= 0");
        }
        return value;
    }

    /** @return the number at {@code key}, which must be finite and greater than 0 */
    public double positiveDouble(String key) {
        double value = getDouble(key);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw invalid(key, "a positive number");
        }
        return value;
    }

    /** @return the number at {@code key}, which must lie in [lo, hi] */
    public double doubleIn(String key, double lo, double hi) {
        double value = getDouble(key);
        if (!(value >= lo && value <= hi)) {
            throw invalid(key, "a number in [" + lo + ", " + hi + "]");
        }
        return value;
    }

    /** @return the string at {@code key}, which must be one of {@code choices} */
    public String oneOf(String key, Collection<String> choices) {
        String value = getString(key);
        if (!choices.contains(value)) {
            throw invalid(key, "one of " + String.join(", ", choices));
        }
        return value;
    }

    /**
     * @param key a key of this subtree
     * @param expected what the value should have been, for example "a positive integer"
     * @return an error naming where the value came from, the key, the value and what was expected
     */
    public ScorelabException invalid(String key, String expected) {
        String fullKey = full(key);
        ConfigValue value = root.hasPathOrNull(fullKey) ? root.getValue(fullKey) : null;
        String rendered = value == null ? "(missing)" : value.render(com.typesafe.config.ConfigRenderOptions.concise());
        return new ScorelabException(
                where(value == null ? null : value.origin())
                        + fullKey + " = " + rendered + ": expected " + expected);
    }

    private String full(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private <T> T read(String key, String expected, java.util.function.Supplier<T> getter) {
        String fullKey = full(key);
        try {
            return getter.get();
        } catch (ConfigException.Missing e) {
            throw new ScorelabException(
                    "missing key " + fullKey + ": expected " + expected
                            + " (set it in the experiment file or with " + fullKey + "=...)");
        } catch (ConfigException.WrongType e) {
            throw invalid(key, expected);
        } catch (ConfigException.BadValue e) {
            throw invalid(key, expected);
        }
    }

    /** @return "file:line: " for an origin, or "" when it has neither */
    public static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "";
        }
        String file = origin.filename() != null ? origin.filename()
                : origin.resource() != null ? origin.resource()
                : origin.url() != null ? origin.url().toString() : null;
        if (file == null) {
            return origin.description().replaceFirst(": \\d+$", "") + ": ";
        }
        return origin.lineNumber() > 0 ? file + ":" + origin.lineNumber() + ": " : file + ": ";
    }
}
