package io.scorelab.runtime.compare;

import io.scorelab.api.ScorelabException;

/**
 * A {@code --filter key=value}: keeps the runs whose param {@code key} equals {@code value}, or,
 * for a run without that param, whose tag {@code key} does. Values compare as strings, exactly as
 * recorded (a param {@code trainer.lr} recorded as {@code 0.001} does not equal {@code 1e-3}).
 *
 * @param key a param's or tag's key, for example {@code loss.name} or {@code mlflow.parentRunId}
 * @param value the value to keep; may be empty
 */
public record RunFilter(String key, String value) {

    /**
     * @param text {@code key=value}; the key ends at the first {@code =}
     * @return the filter
     * @throws ScorelabException if there is no {@code =} or the key is empty
     */
    public static RunFilter parse(String text) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            throw new ScorelabException("--filter '" + text + "': expected key=value, for example loss.name=dsm");
        }
        String key = text.substring(0, equals).strip();
        if (key.isEmpty()) {
            throw new ScorelabException("--filter '" + text + "': the key before '=' is empty; expected key=value,"
                    + " for example loss.name=dsm");
        }
        return new RunFilter(key, text.substring(equals + 1));
    }

    /** @return the run's value of the key: its param, else its tag; null if it has neither */
    String valueOf(RunRecord run) {
        String param = run.params().get(key);
        return param != null ? param : run.tags().get(key);
    }

    /** @return whether the run passes the filter */
    boolean matches(RunRecord run) {
        return value.equals(valueOf(run));
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
