package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.MetricInput;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.plugins.datasets.GaussianDataset;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FisherDivergenceMetricTest {

    /** N(mu, Sigma) with Sigma = [[2, 0.5], [0.5, 1]]: correlated, so the exact score is not per coordinate. */
    private static final GaussianDataset DATA =
            new GaussianDataset(new double[] {1, -2}, new double[][] {{2, 0.5}, {0.5, 1}});

    /** VP: alpha(t) is far from 1 at large sigma (0.44 at sigma = 0.9); sigma(t_eps) = 0.0105, so 0.005 is outside. */
    private static final NoiseSchedule VP = new VpSchedule(0.1, 20, 1e-3, 1e-5);

    private static final double[] SIGMAS = {0.005, 0.3, 0.9};

    /** s(x, t) = k grad log p_t(x) + c, from the data set's exact density, in float32 like a network. */
    private static ScoreFunction model(NoiseSchedule schedule, double k, float... c) {
        AnalyticDensity density = DATA.density().orElseThrow();
        return (x, t) -> {
            NDArray alpha = schedule.alpha(t).reshape(-1, 1);
            NDArray exact = density.score(x.div(alpha), schedule.sigma(t).div(alpha.reshape(-1))).div(alpha);
            return c.length == 0 ? exact.mul(k) : exact.mul(k).add(x.getManager().create(c).reshape(1, -1));
        };
    }

    private static Map<String, Double> fisher(ScoreFunction model, NoiseSchedule schedule, int samples, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray samplesOfTheModel = DATA.sample(manager, 10);
            Map<String, Double> values = new FisherDivergenceMetric(SIGMAS, samples)
                    .evaluate(new MetricInput(samplesOfTheModel, DATA, model, schedule, manager));
            assertThat(manager.getManagedArrays()).containsExactly(samplesOfTheModel);
            return values;
        }
    }

    /** tr((alpha^2 Sigma + sigma^2 I)^-p) for p = 1, 2, with t = t(sigma) of the VP schedule. */
    private static double traceOfInversePower(double sigma, int p) {
        double t = VP.timeOfSigma(sigma);
        double a2 = VP.alphaAt(t) * VP.alphaAt(t);
        double s2 = VP.sigmaAt(t) * VP.sigmaAt(t);
        double trace = 3 * a2 + 2 * s2;
        double det = (2 * a2 + s2) * (a2 + s2) - 0.25 * a2 * a2;
        return p == 1 ? trace / det : (trace * trace - 2 * det) / (det * det);
    }

    @Test
    void theExactScoreHasDivergenceZeroAndLevelsOutsideTheScheduleAreSkipped() {
        Map<String, Double> values = fisher(model(VP, 1), VP, 2000, 1);
        // sigma = 0.005 lies below sigma(t_eps) = 0.0105 of the VP schedule: no key for it.
        assertThat(values).containsOnlyKeys("fisher/0.3", "fisher/0.3_se", "fisher/0.9", "fisher/0.9_se");
        // The model's float32 score against the metric's float64 one: squared rounding errors, about 1e-13.
        assertThat(values.values()).allSatisfy(value -> assertThat(value).isCloseTo(0.0, within(1e-9)));
    }

    @Test
    void aConstantOffsetCostsItsSquaredNormAtEveryLevel() {
        // s = exact + c with ||c||^2 = 0.09 + 0.16 = 0.25: e_i = ||c||^2 for every point, so the mean is exact
        // and its standard error 0, up to float32 rounding of scores of size ~5 (1e-6 relative).
        Map<String, Double> values = fisher(model(VP, 1, 0.3f, -0.4f), VP, 500, 2);
        assertThat(values.get("fisher/0.3")).isCloseTo(0.25, within(1e-5));
        assertThat(values.get("fisher/0.9")).isCloseTo(0.25, within(1e-5));
        assertThat(values.get("fisher/0.3_se")).isCloseTo(0.0, within(1e-6));
        assertThat(values.get("fisher/0.9_se")).isCloseTo(0.0, within(1e-6));
    }

    /**
     * s = k grad log p_t: e = (k - 1)^2 ||grad log p_t||^2 and x_t ~ N(alpha mu, M), M = alpha^2 Sigma + sigma^2 I,
     * so E e = (k - 1)^2 tr(M^-1) and Var e = 2 (k - 1)^4 tr(M^-2) (a weighted sum of chi^2_1 in M's eigenbasis).
     * Forgetting alpha (0.44 at sigma = 0.9) would change tr(M^-1) by a factor of 2.5.
     */
    @Test
    void aScaledScoreMatchesTheGaussianClosedFormWithinItsStandardError() {
        double k = 0.5;
        int n = 4000;
        Map<String, Double> values = fisher(model(VP, k), VP, n, 3);
        for (double sigma : new double[] {0.3, 0.9}) {
            String key = "fisher/" + FisherDivergenceMetric.level(sigma);
            double expected = (k - 1) * (k - 1) * traceOfInversePower(sigma, 1);
            double standardError = (k - 1) * (k - 1) * Math.sqrt(2 * traceOfInversePower(sigma, 2) / n);
            // The reported SE estimates the exact one; its own relative error is about sqrt((kurtosis - 1) / 4n)
            // <= sqrt(14 / 16000) = 0.03 (kurtosis of chi^2_1 is 15): 20% is over 6 of those.
            assertThat(values.get(key + "_se")).isCloseTo(standardError, within(0.2 * standardError));
            // Monte Carlo over n = 4000 points: 4 standard errors.
            assertThat(values.get(key)).isCloseTo(expected, within(4 * standardError));
        }
    }

    @Test
    void withAlphaOneTheVeScheduleGivesTheSameClosedForm() {
        // VE: x_t = x_0 + sigma z, M = Sigma + sigma^2 I at t = t(sigma); the offset test again, plus a level
        // that is at the schedule's end exactly (sigma_max = 0.9 is inside the range).
        NoiseSchedule ve = new VeSchedule(0.01, 0.9, 0);
        Map<String, Double> values = fisher(model(ve, 1, 0f, 1f), ve, 200, 4);
        assertThat(values).containsOnlyKeys("fisher/0.3", "fisher/0.3_se", "fisher/0.9", "fisher/0.9_se");
        // As in the offset test: float32 rounding only.
        assertThat(values.get("fisher/0.9")).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void dataWithoutAnExactScoreIsAUserError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.zeros(new Shape(4, 2));
            MetricInput input = new MetricInput(x, ToyData.normal(2, 0, 1), model(VP, 1), VP, manager);
            assertThatThrownBy(() -> new FisherDivergenceMetric(SIGMAS, 10).evaluate(input))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("fisher needs exact scores")
                    .hasMessageContaining("dataset=gaussian or dataset=gmm");
        }
    }

    @Test
    void levelsThatAreAllOutsideTheScheduleAreAUserError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.zeros(new Shape(4, 2));
            MetricInput input = new MetricInput(x, DATA, model(VP, 1), VP, manager);
            assertThatThrownBy(() -> new FisherDivergenceMetric(new double[] {0.001, 5}, 10).evaluate(input))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("every noise level")
                    .hasMessageContaining("outside the schedule's range [0.01048");
        }
    }

    @ParameterizedTest
    @CsvSource({"0.01, 0.01", "0.1, 0.1", "1.0, 1", "0.123456, 0.123", "50, 50", "1000, 1000", "0.000025, 0.000025",
        "2.0e-7, 0.0000002"})
    void levelsAreThreeSignificantDigitsWithoutTrailingZerosOrExponents(double sigma, String level) {
        assertThat(FisherDivergenceMetric.level(sigma)).isEqualTo(level);
    }

    @Test
    void levelsThatNameTheSameKeyAreRefused() {
        assertThatThrownBy(() -> new FisherDivergenceMetric(new double[] {0.1, 0.10001}, 10))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("fisher/0.1 twice");
    }
}
