package io.scorelab.api;

/**
 * The components of a mixture: where each mode is and the probability of drawing from it.
 *
 * @param means one row per mode, each of the data's dimension
 * @param weights the mixture weights, summing to 1
 */
public record Modes(double[][] means, double[] weights) {

    public Modes {
        if (means.length != weights.length) {
            throw new IllegalArgumentException(
                    means.length + " means but " + weights.length + " weights");
        }
    }

    /** @return the number of modes */
    public int count() {
        return weights.length;
    }
}
