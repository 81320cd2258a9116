package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.Sampler;
import io.scorelab.api.ScoreFunction;
import io.scorelab.plugins.datasets.GaussianMixtureDataset;
import io.scorelab.plugins.schedules.VeSchedule;
import org.junit.jupiter.api.Test;

/**
 * NCSN's example (Song and Ermon 2019, section 3.2.2): 0.8 N(m_1, I) + 0.2 N(m_2, I) with ||m_1 - m_2|| = 14.1,
 * here on the x axis, driven by its exact score on the VE schedule from sigma = 20 to 0.01. The annealed Langevin
 * half of the example (0.8 recovered) is in {@link AnnealedLangevinSamplerTest}. n = 1000 samples: the fraction at
 * the heavy mode has binomial standard error sqrt(0.8 0.2 / n) = 0.013, and the tolerances are 4 of them.
 */
class TwoModeMixtureTest {

    private static final GaussianMixtureDataset MIXTURE = new GaussianMixtureDataset(2, 5 * Math.sqrt(2), 1.0,
            new double[] {0.8, 0.2});
    private static final NoiseSchedule VE = new VeSchedule(0.01, 20, 1e-5);
    private static final int N = 1000;

    /** @return the fraction of samples nearer to the heavy mode (at +7.07 on the first axis) */
    private static double heavyFraction(Sampler sampler) {
        AnalyticDensity density = MIXTURE.density().orElseThrow();
        ScoreFunction exact = (x, t) -> density.score(x, VE.sigma(t));
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = sampler.sample(exact, VE, new SampleNoise(17, 0), manager, new Shape(N, 2));
            double mean = MIXTURE.modes().orElseThrow().means()[0][0];
            return result.samples().get(":, 0").mul(Math.signum(mean)).gt(0).toType(DataType.FLOAT64, false)
                    .mean().getDouble();
        }
    }

    /** The reverse SDE carries the weights down from the levels where the noise still joins the modes. */
    @Test
    void predictorCorrectorRecoversTheWeights() {
        assertThat(heavyFraction(new PcSampler(200, "auto", "auto", 1, 0.16, true)))
                .isCloseTo(0.8, within(4 * Math.sqrt(0.8 * 0.2 / N)));
    }

    /**
     * Langevin dynamics at sigma = 0.5 alone cannot cross the 14-wide gap between the modes: each chain falls into
     * the basin it starts in. From the prior N(0, 20^2 I) the basins' boundary (where the weighted densities are
     * equal) lies 0.12 from the midpoint, so about half of the chains (0.502) reach each mode whatever the
     * weights: the 0.8 / 0.2 split is lost. Binomial standard error at 0.5: 0.016; tolerance 4 of them.
     */
    @Test
    void langevinAtOneLevelLosesTheWeights() {
        double fraction = heavyFraction(new LangevinSampler(0.5, 300, 0.1, false));
        assertThat(fraction).isCloseTo(0.502, within(4 * Math.sqrt(0.25 / N)));
        assertThat(Math.abs(fraction - 0.8)).isGreaterThan(0.2);
    }
}
