package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A flat YAML mapping of scalars: the shape of MLflow's meta.yaml files. Values are strings, longs,
 * null or the empty list. Writing quotes every string (double-quoted, escaped), so no value can
 * change type or break the file; reading understands what PyYAML writes for such a mapping (plain,
 * single- and double-quoted scalars, folded over several lines). Keys are written sorted, as
 * MLflow writes them.
 */
final class FlatYaml {

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, Object> entries = new TreeMap<>();

    /**
     * Sets an entry.
     *
     * @param key a plain key, such as {@code run_id}
     * @param value a String, Long, Integer, null or an empty List
     * @return this
     */
    FlatYaml put(String key, Object value) {
        if (!PLAIN_KEY.matcher(key).matches()
                || !(value == null || value instanceof String || value instanceof Long || value instanceof Integer
                        || value instanceof List<?> list && list.isEmpty())) {
            throw new IllegalArgumentException("cannot write " + key + ": " + value);
        }
        entries.put(key, value instanceof Integer i ? Long.valueOf(i) : value);
        return this;
    }

    /**
     * @param key a key
     * @return its value as a string (a number in its decimal form), or null if absent or null
     */
    String string(String key) {
        Object value = entries.get(key);
        return value == null || value instanceof List ? null : value.toString();
    }

    /**
     * @param key a key
     * @return its value as a number, or null if absent, null or not a number
     */
    Long number(String key) {
        Object value = entries.get(key);
        if (value instanceof Long number) {
            return number;
        }
        return value instanceof String text && INTEGER.matcher(text).matches() ? Long.valueOf(text) : null;
    }

    /** @return the mapping as YAML text, one line per key, ending with a newline */
    String render() {
        StringBuilder out = new StringBuilder();
        entries.forEach((key, value) -> {
            out.append(key).append(": ");
            if (value == null) {
                out.append("null");
            } else if (value instanceof List) {
                out.append("[]");
            } else if (value instanceof Long) {
                out.append(value);
            } else {
                quote((String) value, out);
            }
            out.append('\n');
        });
        return out.toString();
    }

    private static void quote(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (paired) {
                out.append(c).append(value.charAt(++i));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    || c == '\ufeff' || c >= '\ufffe' || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /**
     * @param text the content of a meta.yaml
     * @param source the file, for messages
     * @return its top-level scalar entries; nested values (which MLflow does not write) are skipped
     * @throws ScorelabException naming the file and line if it is not such a mapping
     */
    static FlatYaml parse(String text, Object source) {
        FlatYaml yaml = new FlatYaml();
        List<String> lines = text.lines().toList();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            int lineNumber = i + 1;
            i++;
            if (line.isBlank() || line.startsWith("#") || line.equals("---") || line.equals("...")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                throw malformed(source, lineNumber, "unexpected indentation");
            }
            int colon = line.indexOf(": ");
            if (colon < 0 && line.endsWith(":")) {
                colon = line.length() - 1;
            }
            if (colon <= 0) {
                throw malformed(source, lineNumber, "expected 'key: value'");
            }
            String key = line.substring(0, colon);
            StringBuilder raw = new StringBuilder(line.substring(Math.min(line.length(), colon + 2)).strip());
            boolean nested = raw.length() == 0;
            while (i < lines.size() && (lines.get(i).isEmpty() || Character.isWhitespace(lines.get(i).charAt(0)))) {
                raw.append('\n').append(lines.get(i));
                i++;
            }
            if (nested) {
                continue;
            }
            yaml.entries.put(key, scalar(raw.toString().stripTrailing(), source, lineNumber));
        }
        return yaml;
    }

    private static Object scalar(String raw, Object source, int lineNumber) {
        char first = raw.charAt(0);
        if (first == '"' || first == '\'') {
            return quoted(raw, first, source, lineNumber);
        }
        if (raw.equals("[]")) {
            return List.of();
        }
        if ("[{|>&*!%@`".indexOf(first) >= 0) {
            throw malformed(source, lineNumber, "unsupported YAML value '" + raw + "'");
        }
        String plain = fold(raw);
        if (plain.equals("null") || plain.equals("Null") || plain.equals("NULL") || plain.equals("~")) {
            return null;
        }
        return INTEGER.matcher(plain).matches() ? Long.valueOf(plain) : plain;
    }

    /** Folds a plain scalar's lines: a single line break becomes a space, each blank line a newline. */
    private static String fold(String raw) {
        StringBuilder out = new StringBuilder();
        int blanks = -1;
        for (String line : raw.split("\n", -1)) {
            String content = line.strip();
            if (content.isEmpty()) {
                blanks++;
                continue;
            }
            if (blanks >= 0) {
                out.append(blanks == 0 ? " " : "\n".repeat(blanks));
            }
            out.append(content);
            blanks = 0;
        }
        return out.toString();
    }

    private static String quoted(String raw, char quote, Object source, int lineNumber) {
        StringBuilder out = new StringBuilder();
        int keep = 0; // length of out that trailing-whitespace stripping at a line break must keep
        int i = 1;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == quote && quote == '\'' && i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
                out.append('\'');
                keep = out.length();
                i += 2;
            } else if (c == quote) {
                if (!raw.substring(i + 1).isBlank()) {
                    throw malformed(source, lineNumber, "text after the closing quote");
                }
                return out.toString();
            } else if (c == '\\' && quote == '"') {
                if (i + 1 >= raw.length()) {
                    break;
                }
                char next = raw.charAt(i + 1);
                if (next == '\n') {
                    i = skipIndentation(raw, i + 2);
                    keep = out.length();
                    continue;
                }
                i = unescape(raw, i + 1, out, source, lineNumber);
                keep = out.length();
            } else if (c == '\n') {
                out.setLength(Math.max(keep, lengthWithoutTrailingBlanks(out)));
                int breaks = 0;
                i = skipIndentation(raw, i + 1);
                while (i < raw.length() && raw.charAt(i) == '\n') {
                    breaks++;
                    i = skipIndentation(raw, i + 1);
                }
                out.append(breaks == 0 ? " " : "\n".repeat(breaks));
                keep = out.length();
            } else {
                out.append(c);
                if (c != ' ' && c != '\t') {
                    keep = out.length();
                }
                i++;
            }
        }
        throw malformed(source, lineNumber, "unterminated quoted value");
    }

    private static int lengthWithoutTrailingBlanks(StringBuilder text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return end;
    }

    private static int skipIndentation(String raw, int i) {
        while (i < raw.length() && (raw.charAt(i) == ' ' || raw.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** Decodes the escape at {@code i} (just after the backslash) and returns the index after it. */
    private static int unescape(String raw, int i, StringBuilder out, Object source, int lineNumber) {
        char c = raw.charAt(i);
        int hexDigits = switch (c) {
            case 'x' -> 2;
            case 'u' -> 4;
            case 'U' -> 8;
            default -> 0;
        };
        if (hexDigits > 0) {
            if (i + 1 + hexDigits > raw.length()) {
                throw malformed(source, lineNumber, "truncated escape '\\" + c + "'");
            }
            try {
                out.appendCodePoint(Integer.parseInt(raw.substring(i + 1, i + 1 + hexDigits), 16));
            } catch (IllegalArgumentException e) {
                throw malformed(source, lineNumber, "bad escape '\\" + raw.substring(i, i + 1 + hexDigits) + "'");
            }
            return i + 1 + hexDigits;
        }
        String decoded = switch (c) {
            case '0' -> "\0";
            case 'a' -> "\u0007";
            case 'b' -> "\b";
            case 't', '\t' -> "\t";
            case 'n' -> "\n";
            case 'v' -> "\u000b";
            case 'f' -> "\f";
            case 'r' -> "\r";
            case 'e' -> "\u001b";
            case ' ' -> " ";
            case '"' -> "\"";
            case '/' -> "/";
            case '\\' -> "\\";
            case 'N' -> "\u0085";
            case '_' -> "\u00a0";
            case 'L' -> "\u2028";
            case 'P' -> "\u2029";
            default -> throw malformed(source, lineNumber, "unknown escape '\\" + c + "'");
        };
        out.append(decoded);
        return i + 1;
    }

    private static ScorelabException malformed(Object source, int line, String problem) {
        return new ScorelabException(source + ":" + line + ": not a meta.yaml as MLflow writes it: " + problem);
    }
}
