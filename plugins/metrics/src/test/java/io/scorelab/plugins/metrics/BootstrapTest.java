package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void countsAreMultinomialMultiplicitiesOfTheRows() {
        int n = 1000;
        int replicates = 50;
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            double[][] counts = Resampling.counts(manager, n, replicates);
            double sum = 0;
            double squares = 0;
            for (double[] column : counts) {
                double total = 0;
                for (double c : column) {
                    assertThat(c).isGreaterThanOrEqualTo(0).isEqualTo(Math.rint(c));
                    total += c;
                    squares += (c - 1) * (c - 1);
                }
                // n draws per replicate, exactly.
                assertThat(total).isEqualTo(n);
                sum += total;
            }
            assertThat(sum).isEqualTo((double) n * replicates);
            // Multinomial(n, 1/n): each count has mean 1 and variance 1 - 1/n. Over 50000 counts the sample
            // variance has sd about sqrt((mu_4 - 1) / 50000) = sqrt(3 / 50000) = 0.008 (Poisson(1): mu_4 = 4); 4 sd.
            assertThat(squares / (n * replicates)).isCloseTo(1 - 1.0 / n, within(4 * 0.008));
            // The replicates are different draws.
            assertThat(counts[0]).isNotEqualTo(counts[1]);
        }
    }

    @Test
    void theStandardErrorIsTheSampleStandardDeviationOfTheReplicates() {
        // mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over B - 1 = 3.
        assertThat(Bootstrap.standardError(new double[] {1, 2, 3, 4})).isCloseTo(Math.sqrt(5.0 / 3), within(1e-15));
    }
}
