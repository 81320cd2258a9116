package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.scorelab.api.ScorelabException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lexical side of an override, shared by single and sweep overrides:
 *
 * <pre>
 *   override := prefix? key ('=' value)?      prefix := '~' | '+' | '++'
 *   key      := segment (('.' | '/') segment)*   segment := [A-Za-z0-9_-]+
 *   value    := a HOCON value, or a 'single-quoted' string
 * </pre>
 *
 * Every error names the override and the 1-based column of the problem, with a caret under it.
 *
 * @param action what the prefix asks for
 * @param key the key with {@code /} read as {@code .}
 * @param typedKey the prefix and the key as typed, to rebuild an override from one value
 * @param raw the text after the first {@code =}, or null when there is none
 * @param valueStart the 0-based index of {@code raw} in {@code text}
 * @param text the override as typed
 */
record OverrideSyntax(Override.Action action, String key, String typedKey, String raw, int valueStart, String text) {

    /**
     * @param text an override as typed
     * @return its parts
     * @throws ScorelabException for a missing or malformed key, a doubled {@code =} or a missing value
     */
    static OverrideSyntax split(String text) {
        Override.Action action = Override.Action.SET;
        int start = 0;
        if (text.startsWith("~")) {
            action = Override.Action.DELETE;
            start = 1;
        } else if (text.startsWith("++")) {
            action = Override.Action.SET_OR_ADD;
            start = 2;
        } else if (text.startsWith("+")) {
            action = Override.Action.ADD;
            start = 1;
        }
        int equals = text.indexOf('=', start);
        int keyEnd = equals < 0 ? text.length() : equals;
        String key = checkKey(text, start, keyEnd);
        if (equals < 0) {
            if (action != Override.Action.DELETE) {
                throw malformed(text, text.length(), "expected '=' and a value after the key (key=value)");
            }
            return new OverrideSyntax(action, key, text, null, text.length(), text);
        }
        String raw = text.substring(equals + 1);
        if (raw.startsWith("=")) {
            throw malformed(text, equals + 1, "unexpected second '=' (write key=value)");
        }
        if (raw.isBlank()) {
            throw malformed(text, text.length(), "expected a value after '=' (for an empty string write "
                    + text.substring(0, equals) + "=\"\")");
        }
        return new OverrideSyntax(action, key, text.substring(0, equals), raw, equals + 1, text);
    }

    private static String checkKey(String text, int start, int end) {
        if (start == end) {
            throw malformed(text, start, "expected a key" + (end < text.length() ? " before '='" : ""));
        }
        int segmentStart = start;
        for (int i = start; i <= end; i++) {
            char c = i < end ? text.charAt(i) : '.';
            if (c == '.' || c == '/') {
                if (i == segmentStart) {
                    throw malformed(text, i, "empty key segment" + (i == end ? " at the end of the key" : ""));
                }
                segmentStart = i + 1;
            } else if (!(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-')) {
                throw malformed(text, i, "unexpected character " + quote(c)
                        + " in the key (keys are names of letters, digits, _ and - joined by '.')");
            }
        }
        return text.substring(start, end).replace('/', '.');
    }

    /**
     * Checks that brackets, braces, parentheses and quotes of a value balance.
     *
     * @param from the 0-based index in {@code text} where the value starts
     * @param to where it ends (exclusive)
     */
    static void checkBalanced(String text, int from, int to) {
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = closingQuote(text, i, to);
            } else if (c == '[' || c == '{' || c == '(') {
                open.push(i);
            } else if (c == ']' || c == '}' || c == ')') {
                if (open.isEmpty()) {
                    throw malformed(text, i, "unexpected " + quote(c) + " with nothing open before it");
                }
                int opener = open.pop();
                char expected = closer(text.charAt(opener));
                if (c != expected) {
                    throw malformed(text, i, "expected " + quote(expected) + " to close " + quote(text.charAt(opener))
                            + " of column " + (opener + 1) + ", found " + quote(c));
                }
            }
        }
        if (!open.isEmpty()) {
            int opener = open.getLast();
            throw malformed(text, opener, "unclosed " + quote(text.charAt(opener))
                    + " (expected " + quote(closer(text.charAt(opener))) + " before the end)");
        }
    }

    /** @return the index of the quote that closes the one at {@code start}; backslash escapes in "..." */
    private static int closingQuote(String text, int start, int to) {
        char quote = text.charAt(start);
        for (int i = start + 1; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\\' && quote == '"') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        throw malformed(text, start, "unterminated string: no closing " + quote(quote));
    }

    private static char closer(char opener) {
        return opener == '[' ? ']' : opener == '{' ? '}' : ')';
    }

    /**
     * Splits {@code text[from, to)} at the commas outside quotes and brackets.
     *
     * @return the 0-based start index of each part, followed by {@code to}
     */
    static List<Integer> topLevelCommas(String text, int from, int to) {
        List<Integer> bounds = new ArrayList<>();
        bounds.add(from);
        int depth = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = closingQuote(text, i, to);
            } else if (c == '[' || c == '{' || c == '(') {
                depth++;
            } else if (c == ']' || c == '}' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                bounds.add(i + 1);
            }
        }
        bounds.add(to + 1);
        return bounds;
    }

    /** A URL such as {@code http://host:5000}: HOCON would read its {@code //} as a comment. */
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s,\\[\\]{}\"'$]+");

    /**
     * Parses one value: a {@code 'single-quoted'} string or a URL as it is, anything else as HOCON.
     *
     * @param from the 0-based index in {@code text} where the value starts
     * @param to where it ends (exclusive)
     */
    static ConfigValue parseValue(String text, int from, int to) {
        String raw = text.substring(from, to).strip();
        int at = from;
        while (at < to && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        if (raw.isEmpty()) {
            throw malformed(text, from, "expected a value");
        }
        checkBalanced(text, from, to);
        String origin = "command-line override '" + text + "'";
        if (raw.length() >= 2 && raw.startsWith("'") && raw.endsWith("'") && closingQuote(raw, 0, raw.length()) == raw.length() - 1) {
            return ConfigValueFactory.fromAnyRef(raw.substring(1, raw.length() - 1), origin);
        }
        if (URL.matcher(raw).matches()) {
            return ConfigValueFactory.fromAnyRef(raw, origin);
        }
        try {
            Config parsed = ConfigFactory.parseString("v = " + raw, ConfigParseOptions.defaults()
                    .setOriginDescription(origin).setAllowMissing(false));
            if (parsed.root().size() != 1 || !parsed.root().containsKey("v")) {
                throw malformed(text, at, "expected one value, not " + raw);
            }
            return parsed.root().get("v");
        } catch (ConfigException e) {
            String reason = e.getMessage().replaceFirst("^.*?: \\d+: ", "").replace("'v'", "the value");
            throw malformed(text, at, "not a HOCON value (" + reason + ")");
        }
    }

    /**
     * @param text the override
     * @param index the 0-based index of the problem in {@code text}
     * @param problem what is wrong there
     * @return the error, with the column counted from 1 and a caret under it
     */
    static ScorelabException malformed(String text, int index, String problem) {
        String shown = text.replaceAll("[\\p{Cntrl}]", "?");
        return new ScorelabException("malformed override '" + shown + "' at column " + (index + 1) + ": " + problem
                + "\n  " + shown + "\n  " + " ".repeat(Math.max(0, index)) + "^");
    }

    private static String quote(char c) {
        return Character.isISOControl(c) ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}
