package io.scorelab.api;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link Sampler} returns.
 *
 * @param samples shape (n, d...)
 * @param nfe the number of score evaluations per sample (the cost of the sampler)
 */
public record SampleResult(NDArray samples, int nfe) {}
