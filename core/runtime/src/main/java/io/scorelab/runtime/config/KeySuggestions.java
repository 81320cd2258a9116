package io.scorelab.runtime.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The existing keys nearest to a mistyped one, by edit distance. */
final class KeySuggestions {

    private KeySuggestions() {}

    /** @return up to three keys of {@code known} close to {@code key}, nearest first */
    static List<String> nearest(String key, Collection<String> known) {
        int limit = Math.max(2, key.length() / 3);
        String last = key.substring(key.lastIndexOf('.') + 1);
        return known.stream()
                .filter(candidate -> distance(key, candidate) <= limit
                        || candidate.endsWith("." + last) || candidate.equals(last))
                .sorted(Comparator.comparingInt((String candidate) -> distance(key, candidate))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(3)
                .toList();
    }

    /** @return a sentence for an error message: "; did you mean a or b?" or "" */
    static String didYouMean(String key, Collection<String> known) {
        List<String> near = nearest(key, known);
        return near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?";
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
