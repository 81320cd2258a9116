package io.scorelab.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.LossValue;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import org.junit.jupiter.api.Test;

class EdmLossTest {

    /**
     * Worked values at sigma = 1 (p_mean = 0, p_std = 0), sigma_data = 0.5, so lambda = (1 + 0.25) /
     * 0.25 = 5. 1-D: x_0 = 2, z = 0.5, s = -0.4: x = 2.5, D = x + s = 2.1, loss 5 * 0.1^2 = 0.05. 2-D:
     * z = (0.5, 1), s = (-0.4, -1.2): D - x_0 = z + s = (0.1, -0.2), loss 5 (0.01 + 0.04) / 2 =
     * 0.125 (the mean over the dimensions).
     */
    @Test
    void matchesWorkedValues() {
        VeSchedule schedule = new VeSchedule(0.01, 50, 0);
        EdmLoss loss = new EdmLoss(0, 0, 0.5);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray[] seen = new NDArray[1];
            LossValue one = loss.compute((x, t) -> {
                seen[0] = x;
                return x.zerosLike().sub(0.4f);
            }, schedule, manager.create(new float[][] {{2f}}), manager.create(new float[][] {{0.5f}}));
            LossValue two = loss.compute((x, t) -> manager.create(new float[][] {{-0.4f, -1.2f}}), schedule,
                    manager.create(new float[][] {{2f, -1f}}), manager.create(new float[][] {{0.5f, 1f}}));

            // sigma(t) at the float32 time of sigma = 1 is 1 within 1e-6 relative; the values move by less.
            assertThat((double) one.noiseLevel().getFloat(0)).isCloseTo(1.0, within(1e-5));
            assertThat((double) seen[0].getFloat(0, 0)).isCloseTo(2.5, within(1e-5));
            assertThat((double) one.loss().getFloat()).isCloseTo(0.05, within(1e-5));
            assertThat((double) two.perExample().getFloat(0)).isCloseTo(0.125, within(1e-5));
        }
    }

    /**
     * At the exact score -x / (c + sigma^2) of N(0, c I) data, D - x_0 = (c sigma z - sigma^2 x_0) /
     * (c + sigma^2) has per-coordinate variance c sigma^2 / (c + sigma^2), so each term is u chi^2_d /
     * d with u = c (sigma^2 + sigma_data^2) / (sigma_data^2 (c + sigma^2)) (1 for every sigma when
     * sigma_data^2 = c: the EDM weighting makes the optimum's loss flat). The batch mean of term - u,
     * u from each example's sigma, is checked within 4 standard errors (variance 2 u^2 / d).
     */
    @Test
    void meanLossAtTheExactScoreMatchesTheClosedForm() {
        int n = 50_000;
        int d = 4;
        double c = 1.0;
        double sigmaData = 0.5;
        VeSchedule schedule = new VeSchedule(1e-3, 100, 0);
        Engine.getInstance().setRandomSeed(81);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, (float) Math.sqrt(c), new Shape(n, d), DataType.FLOAT32);

            LossValue value = new EdmLoss(-1.2, 1.2, sigmaData).compute(GaussianData.exactScore(schedule, c), schedule, x0);

            float[] sigmas = value.noiseLevel().toFloatArray();
            float[] terms = value.perExample().toFloatArray();
            double deviation = 0;
            double variance = 0;
            for (int i = 0; i < n; i++) {
                double s2 = (double) sigmas[i] * sigmas[i];
                double u = c * (s2 + sigmaData * sigmaData) / (sigmaData * sigmaData * (c + s2));
                deviation += (terms[i] - u) / n;
                variance += 2 * u * u / d / n / n;
            }
            assertThat(deviation).isCloseTo(0, within(4 * Math.sqrt(variance)));
        }
    }

    /**
     * ln sigma ~ N(-1.2, 1.2^2): on a schedule wide enough that no draw is clamped (its range [1e-5,
     * 1e4] lies beyond 6.7 standard deviations), the sample mean and standard deviation of ln sigma
     * are within 4 standard errors (1.2 / sqrt(n) and 1.2 / sqrt(2 n)) of -1.2 and 1.2.
     */
    @Test
    void drawsLogNormalNoiseLevels() {
        int n = 50_000;
        Engine.getInstance().setRandomSeed(82);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.zeros(new Shape(n, 1));

            LossValue value = new EdmLoss(-1.2, 1.2, 0.5).compute((x, t) -> x.zerosLike(), new VeSchedule(1e-5, 1e4, 0), x0);

            NDArray logs = value.noiseLevel().log();
            double mean = logs.mean().getFloat();
            double sd = Math.sqrt(logs.sub((float) mean).square().sum().getFloat() / (n - 1));
            assertThat(mean).isCloseTo(-1.2, within(4 * 1.2 / Math.sqrt(n)));
            assertThat(sd).isCloseTo(1.2, within(4 * 1.2 / Math.sqrt(2.0 * n)));
        }
    }

    /**
     * Draws outside the schedule's range are clamped to it: on [0.1, 1], P(sigma <= 0.1) =
     * Phi((ln 0.1 + 1.2) / 1.2) = Phi(-0.9188) = 0.17909 and P(sigma >= 1) = 1 - Phi(1) = 0.15866;
     * the fractions at each bound are within 4 binomial standard deviations.
     */
    @Test
    void clampsNoiseLevelsToTheSchedulesRange() {
        int n = 20_000;
        Engine.getInstance().setRandomSeed(83);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.zeros(new Shape(n, 1));

            LossValue value = new EdmLoss(-1.2, 1.2, 0.5).compute((x, t) -> x.zerosLike(), new VeSchedule(0.1, 1, 0), x0);

            float[] sigmas = value.noiseLevel().toFloatArray();
            int low = 0;
            int high = 0;
            for (float sigma : sigmas) {
                // float32 sigma(t) at the bounds: within 1e-6 relative.
                assertThat((double) sigma).isBetween(0.1 * (1 - 1e-6), 1 + 1e-6);
                low += sigma < 0.1 * (1 + 1e-6) ? 1 : 0;
                high += sigma > 1 - 1e-6 ? 1 : 0;
            }
            assertThat((double) low / n).isCloseTo(0.17909, within(4 * Math.sqrt(0.17909 * 0.82091 / n)));
            assertThat((double) high / n).isCloseTo(0.15866, within(4 * Math.sqrt(0.15866 * 0.84134 / n)));
        }
    }

    @Test
    void aScheduleThatScalesTheDataIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.zeros(new Shape(4, 1));
            ScoreFunction zero = (x, t) -> x.zerosLike();
            assertThatThrownBy(() -> new EdmLoss(-1.2, 1.2, 0.5).compute(zero, new VpSchedule(0.1, 20, 1e-3, 1e-5), x0))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("needs a schedule with alpha(t) = 1")
                    .hasMessageContaining("VpSchedule")
                    .hasMessageEndingWith("(schedule=ve or schedule=edm)");
        }
        assertThatThrownBy(() -> new EdmLoss(0, -1, 0.5)).isInstanceOf(ScorelabException.class);
    }
}
