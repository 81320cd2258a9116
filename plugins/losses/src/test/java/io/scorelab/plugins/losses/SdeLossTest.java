package io.scorelab.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.LossValue;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;
import io.scorelab.plugins.losses.SdeLoss.Reduce;
import io.scorelab.plugins.losses.SdeLoss.Weighting;
import io.scorelab.plugins.schedules.SubVpSchedule;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SdeLossTest {

    private static final Map<String, NoiseSchedule> SCHEDULES = Map.of(
            "ve", new VeSchedule(0.01, 50, 1e-5),
            "vp", new VpSchedule(0.1, 20, 1e-3, 1e-5),
            "subvp", new SubVpSchedule(0.1, 20, 1e-3, 1e-5));

    /**
     * Gaussian data N(0, c I) in d dimensions at the exact score -x / v, v = alpha^2 c + sigma^2: the
     * residual sigma s + z = (alpha^2 c z - alpha sigma x_0) / v has per-coordinate variance u = alpha^2
     * c / v = 1 - sigma^2 / v, so E ||sigma s + z||^2 = d - sigma^2 tr((alpha^2 Sigma + sigma^2 I)^-1) =
     * d u. Given its time, each term is u chi^2_d / 2 (sum: mean d u / 2, variance d u^2 / 2) or u
     * chi^2_d / d (mean: mean u, variance 2 u^2 / d). The batch mean of term - E[term | t] is checked
     * within 4 standard errors, with u computed in float64 from the time each example was given.
     */
    @ParameterizedTest
    @CsvSource({"ve, SUM", "ve, MEAN", "vp, SUM", "vp, MEAN", "subvp, SUM"})
    void meanLossAtTheExactScoreMatchesTheClosedFormAtEveryTime(String name, Reduce reduce) {
        int n = 50_000;
        int d = 4;
        double c = 1.5;
        NoiseSchedule schedule = SCHEDULES.get(name);
        Engine.getInstance().setRandomSeed(61);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, (float) Math.sqrt(c), new Shape(n, d), DataType.FLOAT32);
            NDArray[] times = new NDArray[1];
            ScoreFunction exact = GaussianData.exactScore(schedule, c);

            LossValue value = new SdeLoss(Weighting.SIGMA2, reduce).compute((x, t) -> {
                times[0] = t;
                return exact.score(x, t);
            }, schedule, x0);

            float[] t = times[0].toFloatArray();
            float[] terms = value.perExample().toFloatArray();
            float[] levels = value.noiseLevel().toFloatArray();
            double deviation = 0;
            double variance = 0;
            for (int i = 0; i < n; i++) {
                assertThat((double) t[i]).isBetween(0.0, 1.0);
                double alpha2c = Math.pow(schedule.alphaAt(t[i]), 2) * c;
                double sigma = schedule.sigmaAt(t[i]);
                // float32 sigma(t): relative rounding 1e-6.
                assertThat((double) levels[i]).isCloseTo(sigma, within(1e-5 * sigma));
                double u = alpha2c / (alpha2c + sigma * sigma);
                double mean = reduce == Reduce.SUM ? d * u / 2 : u;
                deviation += (terms[i] - mean) / n;
                variance += (reduce == Reduce.SUM ? d * u * u / 2 : 2 * u * u / d) / n / n;
            }
            assertThat(deviation).isCloseTo(0, within(4 * Math.sqrt(variance)));
            assertThat((double) value.loss().getFloat()).isCloseTo(mean(terms), within(1e-5));
        }
    }

    /**
     * The likelihood weighting is g(t)^2 / sigma(t)^2 times the sigma2 weighting, example by example
     * (same times and noise from the same seed), for any model: g^2 ||s + z / sigma||^2 = g^2 /
     * sigma^2 ||sigma s + z||^2. On ve the factor is the constant 2 ln(sigma_max / sigma_min).
     */
    @ParameterizedTest
    @CsvSource({"ve, SUM", "vp, MEAN", "subvp, SUM"})
    void likelihoodWeightingIsGSquaredOverSigmaSquaredTimesSigma2(String name, Reduce reduce) {
        int n = 2000;
        NoiseSchedule schedule = SCHEDULES.get(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(62);
            NDArray x0 = manager.randomNormal(0f, 1f, new Shape(n, 3), DataType.FLOAT32);
            ScoreFunction model = (x, t) -> x.neg().add(0.3f);
            Engine.getInstance().setRandomSeed(63);
            LossValue sigma2 = new SdeLoss(Weighting.SIGMA2, reduce).compute(model, schedule, x0);
            Engine.getInstance().setRandomSeed(63);
            NDArray[] times = new NDArray[1];
            LossValue likelihood = new SdeLoss(Weighting.LIKELIHOOD, reduce).compute((x, t) -> {
                times[0] = t;
                return model.score(x, t);
            }, schedule, x0);

            float[] g = schedule.diffusion(times[0]).toFloatArray();
            float[] sigma = sigma2.noiseLevel().toFloatArray();
            float[] weighted = sigma2.perExample().toFloatArray();
            float[] terms = likelihood.perExample().toFloatArray();
            assertThat(likelihood.noiseLevel().toFloatArray()).containsExactly(sigma);
            for (int i = 0; i < n; i++) {
                double expected = (double) g[i] * g[i] / ((double) sigma[i] * sigma[i]) * weighted[i];
                // float32: a few roundings of relative size 6e-8 each, in both values.
                assertThat((double) terms[i]).as("example %d", i).isCloseTo(expected, within(1e-5 * expected));
            }
            if (name.equals("ve")) {
                assertThat((double) g[0] * g[0] / ((double) sigma[0] * sigma[0])).isCloseTo(2 * Math.log(5000), within(1e-4));
            }
        }
    }

    /** score_sde's reduce ops on one known residual: sum gives 1/2 sum, mean the mean over dims. */
    @Test
    void reducesLikeScoreSde() {
        VeSchedule schedule = new VeSchedule(1.0, 2.0, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.create(new float[][] {{0f, 0f, 0f, 0f}});
            NDArray z = manager.create(new float[][] {{1f, 2f, -1f, 0f}});
            // s = 0: sigma s + z = z, ||z||^2 = 6.
            ScoreFunction zero = (x, t) -> x.zerosLike();

            double sum = new SdeLoss(Weighting.SIGMA2, Reduce.SUM).compute(zero, schedule, x0, z).loss().getFloat();
            double mean = new SdeLoss(Weighting.SIGMA2, Reduce.MEAN).compute(zero, schedule, x0, z).loss().getFloat();

            assertThat(sum).isCloseTo(3.0, within(1e-6));
            assertThat(mean).isCloseTo(1.5, within(1e-6));
        }
    }

    static double mean(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
