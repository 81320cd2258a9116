package io.scorelab.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.scorelab.api.LossValue;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.plugins.schedules.GeometricSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DsmLossTest {

    private static final GeometricSchedule SCHEDULE = new GeometricSchedule(0.01, 10, 10);

    /**
     * The cheatsheet's worked example: sigma = 1, x = 2, eps = 0.5, so x~ = 2.5 and the target
     * -eps / sigma = -0.5.
     */
    @ParameterizedTest
    @CsvSource({"-0.5, 0", "-0.4, 0.005", "0, 0.125"})
    void matchesTheWorkedExample(float output, double expectedLoss) {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<float[]> seen = new ArrayList<>();
            ScoreFunction constant = (x, t) -> {
                seen.add(x.toFloatArray());
                seen.add(t.toFloatArray());
                return x.zerosLike().add(output);
            };

            LossValue value = new DsmLoss(1.0).compute(
                    constant, SCHEDULE, manager.create(new float[][] {{2f}}), manager.create(new float[][] {{0.5f}}));

            // t = sigma^-1(1) is held in float32: its rounding (relative 6e-8) moves sigma(t) by
            // ln(sigma_max / sigma_min) t 6e-8 = 3e-7 relative, and every value below by less than 1e-6.
            assertThat(seen.get(0)[0]).isCloseTo(2.5f, within(1e-6f));
            assertThat((double) seen.get(1)[0]).isCloseTo(SCHEDULE.timeOfSigma(1.0), within(1e-6));
            assertThat((double) value.loss().getFloat()).isCloseTo(expectedLoss, within(1e-6));
            assertThat((double) value.perExample().getFloat(0)).isCloseTo(expectedLoss, within(1e-6));
            assertThat((double) value.noiseLevel().getFloat(0)).isCloseTo(1.0, within(1e-6));
        }
    }

    /**
     * Gaussian data N(0, c I) in d dimensions noised at sigma has the exact score -x / (c + sigma^2),
     * where sigma s + z = (c z - sigma x_0) / (c + sigma^2) has per-coordinate variance v = c / (c +
     * sigma^2). So l = |w|^2 / (2 sigma^2) with w ~ N(0, v I): E[l] = d v / (2 sigma^2) and Var[l] =
     * d v^2 / (2 sigma^4).
     */
    @Test
    void meanLossAtTheExactScoreMatchesTheClosedForm() {
        int n = 100_000;
        int d = 16;
        double c = 2.0;
        double sigma = 0.5;
        Engine.getInstance().setRandomSeed(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, (float) Math.sqrt(c), new Shape(n, d), DataType.FLOAT32);

            LossValue value = new DsmLoss(sigma).compute(exactScore(SCHEDULE, c), SCHEDULE, x0);

            double v = c / (c + sigma * sigma);
            double expected = d * v / (2 * sigma * sigma);
            double standardError = Math.sqrt(d * v * v / (2 * Math.pow(sigma, 4)) / n);
            // 4 standard errors: a false alarm has probability 6e-5 (the mean of 1e5 terms is normal).
            assertThat((double) value.loss().getFloat()).isCloseTo(expected, within(4 * standardError));
            assertThat(value.perExample().getShape()).isEqualTo(new Shape(n));
            // Every example is noised at sigma, up to float32 rounding of t and sigma(t) (< 1e-6).
            assertThat(value.noiseLevel().sub((float) sigma).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }

    /**
     * The exact score minimizes J: scaling it by 1 + eps raises the expected term by
     * 1/2 eps^2 E|s|^2 = eps^2 d / (2 (c + sigma^2)), with the same noise and data for both.
     */
    @Test
    void theExactScoreIsTheMinimizer() {
        int n = 50_000;
        int d = 4;
        double c = 1.0;
        double sigma = 0.3;
        double eps = 0.2;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(12);
            NDArray x0 = manager.randomNormal(0f, (float) Math.sqrt(c), new Shape(n, d), DataType.FLOAT32);
            ScoreFunction exact = exactScore(SCHEDULE, c);
            Engine.getInstance().setRandomSeed(13);
            LossValue atExact = new DsmLoss(sigma).compute(exact, SCHEDULE, x0);
            Engine.getInstance().setRandomSeed(13);
            LossValue perturbed = new DsmLoss(sigma).compute((x, t) -> exact.score(x, t).mul(1 + eps), SCHEDULE, x0);

            NDArray difference = perturbed.perExample().sub(atExact.perExample());
            double mean = difference.mean().getFloat();
            // The standard error of the mean difference, estimated from the n differences themselves.
            double standardError = Math.sqrt(difference.sub(mean).square().sum().getFloat() / (n - 1.0) / n);
            assertThat(atExact.loss().getFloat()).isLessThan(perturbed.loss().getFloat());
            assertThat(mean).isCloseTo(eps * eps * d / (2 * (c + sigma * sigma)), within(4 * standardError));
        }
    }

    /**
     * Gradients flow from the loss into the model: for s = -a x at a = 0, the per-example gradient is
     * dl/da = -(z . x_0) / sigma - |z|^2, of mean -d and variance d c / sigma^2 + 2 d.
     */
    @Test
    void gradientReachesTheModelAndMatchesTheClosedForm() {
        int n = 50_000;
        int d = 4;
        double c = 1.0;
        double sigma = 0.5;
        Engine.getInstance().setRandomSeed(14);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, (float) Math.sqrt(c), new Shape(n, d), DataType.FLOAT32);
            NDArray a = manager.create(0f);
            a.setRequiresGradient(true);

            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(new DsmLoss(sigma).compute((x, t) -> x.mul(a).neg(), SCHEDULE, x0).loss());
            }

            double standardError = Math.sqrt((d * c / (sigma * sigma) + 2 * d) / n);
            try (NDArray gradient = a.getGradient()) {
                assertThat((double) gradient.getFloat()).isCloseTo(-d, within(4 * standardError));
            }
        }
    }

    @Test
    void aSigmaOutsideTheScheduleIsAUserError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.zeros(new Shape(2, 1));
            assertThatThrownBy(() -> new DsmLoss(100).compute((x, t) -> x, SCHEDULE, x0))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageStartingWith("loss.sigma = 100.0 does not fit the schedule: sigma = 100.0 is outside");
        }
        assertThatThrownBy(() -> new DsmLoss(0)).isInstanceOf(ScorelabException.class);
    }

    /** The exact score -x / (c + sigma(t)^2) of N(0, c I) noised along a schedule with alpha = 1. */
    static ScoreFunction exactScore(GeometricSchedule schedule, double c) {
        return (x, t) -> x.div(schedule.sigma(t).square().add((float) c).reshape(-1, 1)).neg();
    }
}
