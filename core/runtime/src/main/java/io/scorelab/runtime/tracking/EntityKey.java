package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A validated key of a param, metric or tag (or an artifact directory), by MLflow's rules: it
 * names a file below the run's directory, so it may contain only letters, digits, {@code _ - .
 * space /}, and must not resolve to another name as a path.
 *
 * @param kind what the key names, for messages: {@code param}, {@code metric}, {@code tag}
 * @param name the key
 */
record EntityKey(String kind, String name) {

    /** MLflow's limit on the length of a key. */
    static final int MAX_LENGTH = 250;

    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N}_\\-. /]+");

    /**
     * @param kind what the key names, for messages
     * @param name the key to check
     * @return the key
     * @throws ScorelabException naming the key and what is wrong with it
     */
    static EntityKey of(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw new ScorelabException("a " + kind + " key is missing: keys must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw invalid(kind, name, "keys may be at most " + MAX_LENGTH + " characters long");
        }
        if (!ALLOWED.matcher(name).matches()) {
            throw invalid(kind, name,
                    "keys may contain only letters, digits, underscores (_), dashes (-), periods (.), spaces ( ) and slashes (/)");
        }
        if (!isNormalPath(name)) {
            throw invalid(kind, name,
                    "a key names a file, so it must not start or end with '/', hold '//', '.' or '..' between slashes, or start with '..'");
        }
        return new EntityKey(kind, name);
    }

    /**
     * @param directory the directory holding keys of this kind
     * @return the key's file: a key with slashes lies in subdirectories, as in MLflow
     */
    Path resolveIn(Path directory) {
        return directory.resolve(name);
    }

    /** The same test as MLflow's {@code posixpath.normpath(name) == name}, plus no leading '..'. */
    private static boolean isNormalPath(String name) {
        if (name.startsWith("/") || name.startsWith("..")) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static ScorelabException invalid(String kind, String name, String rule) {
        return new ScorelabException("invalid " + kind + " key '" + name + "': " + rule);
    }
}
