package io.scorelab.runtime.tracking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's limits on what one run records and on one {@code log-batch} request, shared by the local
 * store and the server so that both record the same values.
 */
final class MlflowLimits {

    /** The longest param value MLflow stores; longer values are truncated, as MLflow's own client does. */
    static final int MAX_PARAM_VALUE_LENGTH = 6000;
    /** The longest tag value MLflow stores. */
    static final int MAX_TAG_VALUE_LENGTH = 8000;
    /** At most this many metrics in one {@code log-batch} request. */
    static final int MAX_BATCH_METRICS = 1000;
    /** At most this many params in one {@code log-batch} request. */
    static final int MAX_BATCH_PARAMS = 100;
    /** At most this many tags in one {@code log-batch} request. */
    static final int MAX_BATCH_TAGS = 100;
    /** At most this many metrics, params and tags together in one {@code log-batch} request. */
    static final int MAX_BATCH_ENTITIES = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(MlflowLimits.class);

    private MlflowLimits() {}

    /** @return a param's value, truncated to {@link #MAX_PARAM_VALUE_LENGTH} characters; null as "" */
    static String paramValue(String key, String value) {
        return truncated("param", key, value, MAX_PARAM_VALUE_LENGTH);
    }

    /** @return a tag's value, truncated to {@link #MAX_TAG_VALUE_LENGTH} characters; null as "" */
    static String tagValue(String key, String value) {
        return truncated("tag", key, value, MAX_TAG_VALUE_LENGTH);
    }

    private static String truncated(String kind, String key, String value, int limit) {
        String text = value == null ? "" : value;
        if (text.codePointCount(0, text.length()) <= limit) {
            return text;
        }
        LOG.warn("The value of {} '{}' has more than {} characters; recording its first {}", kind, key, limit, limit);
        return text.substring(0, text.offsetByCodePoints(0, limit));
    }
}
