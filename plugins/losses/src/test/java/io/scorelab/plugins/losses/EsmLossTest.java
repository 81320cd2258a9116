package io.scorelab.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.LossValue;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EsmLossTest {

    /**
     * The cheatsheet's worked example: N(0, 1) data, s(x) = -a x, J = (1 - a)^2 / 2 = 0, 0.02, 0.5 at
     * a = 1, 0.8, 0. At sigma = 1e-3 the noised data N(0, 1 + sigma^2) has score -x / (1 + sigma^2),
     * so J_sigma = (a - 1 / (1 + sigma^2))^2 (1 + sigma^2) / 2 differs from J by at most sigma^2 =
     * 1e-6: the tolerance is 4 standard errors of the Monte Carlo mean (from the n terms) plus 2e-6.
     */
    @ParameterizedTest
    @CsvSource({"1, 0", "0.8, 0.02", "0, 0.5"})
    void matchesTheWorkedExampleOnStandardNormalData(float a, double expected) {
        int n = 100_000;
        double sigma = 1e-3;
        VeSchedule schedule = new VeSchedule(1e-4, 10, 0);
        GaussianData data = new GaussianData(1.0, new Shape(1));
        Engine.getInstance().setRandomSeed(51);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = data.sample(manager, n);

            LossValue value = new EsmLoss(sigma, data.density().orElseThrow())
                    .compute((x, t) -> x.mul(-a), schedule, x0);

            assertThat((double) value.loss().getFloat()).isCloseTo(expected, within(4 * standardError(value) + 2e-6));
            assertThat(value.perExample().getShape()).isEqualTo(new Shape(n));
            // sigma(t) at the float32 time of sigma: relative rounding t ln(1e5) 6e-8 < 1e-6.
            assertThat(value.noiseLevel().sub((float) sigma).abs().max().getFloat()).isLessThan(1e-9f);
        }
    }

    /**
     * The target is the score of x_t = alpha x_0 + sigma z, not of the data: on vp with N(0, c I)
     * data, x_t ~ N(0, v I) with v = alpha^2 c + sigma^2 = 0.75 * 2 + 0.25 = 1.75 at sigma = 0.5. The
     * model -x / v is exact (J = 0, up to float32 rounding of alpha(t) and sigma(t)), and the model 0
     * costs the Fisher information E 1/2 ||x_t / v||^2 = d / (2 v).
     */
    @Test
    void theTargetIsTheScoreOfTheNoisedMarginal() {
        int n = 50_000;
        int d = 3;
        VpSchedule schedule = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        GaussianData data = new GaussianData(2.0, new Shape(d));
        Engine.getInstance().setRandomSeed(52);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = data.sample(manager, n);
            EsmLoss loss = new EsmLoss(0.5, data.density().orElseThrow());

            LossValue exact = loss.compute((x, t) -> x.div(-1.75f), schedule, x0);
            LossValue zero = loss.compute((x, t) -> x.zerosLike(), schedule, x0);

            // float32: alpha(t), sigma(t) within 1e-6 relative of sqrt(0.75), 0.5, so the score error is
            // below 1e-6 |x| and each term below 1e-11.
            assertThat(exact.perExample().max().getFloat()).isLessThan(1e-9f);
            assertThat((double) zero.loss().getFloat()).isCloseTo(d / (2 * 1.75), within(4 * standardError(zero)));
        }
    }

    /** @return the standard error of the batch mean, estimated from the per-example terms */
    static double standardError(LossValue value) {
        float[] terms = value.perExample().toFloatArray();
        double mean = 0;
        for (float term : terms) {
            mean += term / (double) terms.length;
        }
        double squares = 0;
        for (float term : terms) {
            squares += (term - mean) * (term - mean);
        }
        return Math.sqrt(squares / (terms.length - 1.0) / terms.length);
    }
}
