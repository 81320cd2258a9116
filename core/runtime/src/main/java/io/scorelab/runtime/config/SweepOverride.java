package io.scorelab.runtime.config;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One override of a multirun, which may name several values of a key (Hydra's basic sweeper):
 *
 * <pre>
 *   key=a,b,c                     the values a, b, c (commas inside quotes or brackets do not split)
 *   key=range(start, stop, step)  start, start + step, ... while below stop; step 1 by default;
 *                                 range(stop) starts at 0; range(0,1,0.25) = 0, 0.25, 0.5, 0.75
 *   key=choice(a, b)              the values a and b
 * </pre>
 *
 * @param key the config path (or group) the values are for
 * @param overrides one single-valued override per value, for example {@code [loss=dsm, loss=ncsn]}
 * @param swept whether several values (or a function) were named; false for a plain override
 * @param text the override as typed, or where it came from
 */
public record SweepOverride(String key, List<String> overrides, boolean swept, String text) {

    /** The most values one key may sweep over. */
    static final int MAX_VALUES = 10_000;

    private static final Pattern FUNCTION = Pattern.compile("(?s)\\s*(range|choice)\\s*\\((.*)\\)\\s*");
    private static final Pattern PLAIN_STRING = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

    /**
     * @param text an override as typed after {@code -m}
     * @return its values, each as a single-valued override
     * @throws ScorelabException naming the override and the column (counted from 1) of the problem
     */
    public static SweepOverride parse(String text) {
        OverrideSyntax syntax = OverrideSyntax.split(text);
        if (syntax.raw() == null) {
            return new SweepOverride(syntax.key(), List.of(Override.parse(text).text()), false, text);
        }
        Matcher function = FUNCTION.matcher(syntax.raw());
        List<String> values = new ArrayList<>();
        boolean swept;
        if (function.matches()) {
            int argsStart = syntax.valueStart() + function.start(2);
            int argsEnd = syntax.valueStart() + function.end(2);
            OverrideSyntax.checkBalanced(text, argsStart, argsEnd);
            List<Integer> bounds = OverrideSyntax.topLevelCommas(text, argsStart, argsEnd);
            values = function.group(1).equals("range") ? range(text, bounds) : elements(text, bounds);
            swept = true;
        } else {
            List<Integer> bounds = OverrideSyntax.topLevelCommas(text, syntax.valueStart(), text.length());
            values = elements(text, bounds);
            swept = values.size() > 1;
        }
        if (syntax.action() == Override.Action.DELETE && swept) {
            throw OverrideSyntax.malformed(text, syntax.valueStart(), "a deletion cannot sweep over values");
        }
        List<String> overrides = new ArrayList<>();
        for (String value : values) {
            overrides.add(Override.parse(syntax.typedKey() + "=" + value).text());
        }
        return new SweepOverride(syntax.key(), List.copyOf(overrides), swept, text);
    }

    /**
     * An entry of an experiment file's {@code sweep} block: a list is the values, a string is read
     * like the right-hand side of a command-line override ({@code "range(0,3)"}, {@code "dsm,ncsn"}),
     * anything else is one value.
     *
     * @param key the swept key, for example {@code seed}
     * @param value the entry's value
     * @return its values, each as a single-valued override
     */
    public static SweepOverride fromFile(String key, ConfigValue value) {
        String where = Options.where(value.origin());
        try {
            if (ConfigComposer.typeOf(value) == ConfigValueType.STRING) {
                SweepOverride parsed = parse(key + "=" + value.unwrapped());
                return new SweepOverride(parsed.key(), parsed.overrides(), true, where + "sweep." + key);
            }
            List<String> overrides = new ArrayList<>();
            if (ConfigComposer.typeOf(value) == ConfigValueType.LIST) {
                for (ConfigValue element : (Iterable<ConfigValue>) value) {
                    overrides.add(Override.parse(key + "=" + render(element)).text());
                }
            } else {
                overrides.add(Override.parse(key + "=" + render(value)).text());
            }
            if (overrides.isEmpty()) {
                throw new ScorelabException("the list is empty");
            }
            return new SweepOverride(key.replace('/', '.'), List.copyOf(overrides), true, where + "sweep." + key);
        } catch (ScorelabException e) {
            throw new ScorelabException(where + "sweep." + key + " = " + value.render(ConfigRenderOptions.concise())
                    + ": expected a list of values, or a string such as \"range(0,3)\" or \"a,b\" (" + e.getMessage() + ")", e);
        }
    }

    /** @return whether a value names a sweep function, {@code range(...)} or {@code choice(...)} */
    static boolean isFunction(String raw) {
        return FUNCTION.matcher(raw).matches();
    }

    private static String render(ConfigValue value) {
        if (ConfigComposer.typeOf(value) == ConfigValueType.STRING) {
            String string = (String) value.unwrapped();
            if (PLAIN_STRING.matcher(string).matches() && !List.of("true", "false", "null").contains(string)) {
                return string;
            }
        }
        return value.render(ConfigRenderOptions.concise());
    }

    private static List<String> elements(String text, List<Integer> bounds) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) {
            int from = bounds.get(i);
            int to = bounds.get(i + 1) - 1;
            if (isFunction(text.substring(from, to)) && bounds.size() > 2) {
                throw OverrideSyntax.malformed(text, from, "range(...) and choice(...) cannot be one of several values");
            }
            OverrideSyntax.parseValue(text, from, to);
            values.add(text.substring(from, to).strip());
            if (values.size() > MAX_VALUES) {
                throw OverrideSyntax.malformed(text, from, "more than " + MAX_VALUES + " values");
            }
        }
        return values;
    }

    private static List<String> range(String text, List<Integer> bounds) {
        int count = bounds.size() - 1;
        if (count > 3) {
            throw OverrideSyntax.malformed(text, bounds.get(3) - 1, "range takes at most 3 arguments (start, stop, step)");
        }
        BigDecimal[] args = new BigDecimal[count];
        boolean integers = true;
        for (int i = 0; i < count; i++) {
            int from = bounds.get(i);
            String arg = text.substring(from, bounds.get(i + 1) - 1).strip();
            try {
                args[i] = new BigDecimal(arg);
            } catch (NumberFormatException e) {
                throw OverrideSyntax.malformed(text, from, "range arguments are numbers, not '" + arg + "'");
            }
            if (args[i].precision() - args[i].scale() > 18 || args[i].scale() > 18) {
                throw OverrideSyntax.malformed(text, from, "range arguments have at most 18 digits before and after the point");
            }
            integers &= arg.matches("[+-]?\\d+");
        }
        BigDecimal start = count == 1 ? BigDecimal.ZERO : args[0];
        BigDecimal stop = count == 1 ? args[0] : args[1];
        BigDecimal step = count == 3 ? args[2] : BigDecimal.ONE;
        int where = bounds.get(0);
        if (step.signum() == 0) {
            throw OverrideSyntax.malformed(text, bounds.get(2), "the step of range must not be 0");
        }
        List<String> values = new ArrayList<>();
        for (BigDecimal v = start; step.signum() > 0 ? v.compareTo(stop) < 0 : v.compareTo(stop) > 0; v = v.add(step)) {
            if (values.size() == MAX_VALUES) {
                throw OverrideSyntax.malformed(text, where, "range has more than " + MAX_VALUES + " values");
            }
            values.add(integers ? v.toBigInteger().toString() : v.stripTrailingZeros().toPlainString());
        }
        if (values.isEmpty()) {
            throw OverrideSyntax.malformed(text, where, "the range is empty (stop must lie "
                    + (step.signum() > 0 ? "above" : "below") + " start)");
        }
        return values;
    }
}
