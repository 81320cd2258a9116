package io.scorelab.runtime.config;

import com.typesafe.config.ConfigValue;
import io.scorelab.api.ScorelabException;
import java.util.List;

/**
 * One command-line override, in Hydra's grammar:
 *
 * <pre>
 *   group=option        choose another option of a config group (loss=dsm, architecture/block=resnet)
 *   key=value           set a key that exists; the value is HOCON (3e-4, [mmd,nll], "with spaces", null)
 *   +key=value          add a key that does not exist
 *   ++key=value         set or add
 *   ~key, ~key=value    delete a key that exists (with a value: only if it has that value)
 * </pre>
 *
 * A {@code /} in the key reads as {@code .}; a {@code 'single-quoted'} value is a string as it is.
 *
 * @param action what to do with the key
 * @param key the config path, for example {@code trainer.lr}
 * @param value the parsed value, null for a deletion without a value
 * @param text the override as typed, for messages
 */
public record Override(Action action, String key, ConfigValue value, String text) {

    /** What an override does. */
    public enum Action { SET, ADD, SET_OR_ADD, DELETE }

    /**
     * @param text an override as typed on the command line
     * @return the parsed override
     * @throws ScorelabException naming the override and the column (counted from 1) of the problem
     */
    public static Override parse(String text) {
        OverrideSyntax syntax = OverrideSyntax.split(text);
        if (syntax.raw() == null) {
            return new Override(syntax.action(), syntax.key(), null, text);
        }
        List<Integer> parts = OverrideSyntax.topLevelCommas(text, syntax.valueStart(), text.length());
        if (parts.size() > 2 || SweepOverride.isFunction(syntax.raw())) {
            throw OverrideSyntax.malformed(text, parts.size() > 2 ? parts.get(1) - 1 : syntax.valueStart(),
                    "several values are a sweep: run it with -m (multirun), or quote the value (key=\"a,b\")");
        }
        return new Override(syntax.action(), syntax.key(),
                OverrideSyntax.parseValue(text, syntax.valueStart(), text.length()), text);
    }
}
