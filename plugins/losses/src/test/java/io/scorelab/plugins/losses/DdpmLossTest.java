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
import io.scorelab.plugins.schedules.GeometricSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DdpmLossTest {

    private static final VpSchedule VP = new VpSchedule(0.1, 20, 1e-3, 1e-5);
    private static final Map<String, NoiseSchedule> SCHEDULES = Map.of(
            "vp", VP, "geometric", new GeometricSchedule(0.01, 10, 10));

    /**
     * The value is Ho's ||eps - eps_theta||^2 averaged over the dimensions, with eps_theta = -sigma s:
     * a score model whose noise prediction is eps + 0.1 in every coordinate costs 0.1^2 = 0.01 on every
     * example, at every time.
     */
    @Test
    void isTheNoisePredictionErrorAveragedOverDimensions() {
        int n = 1000;
        Engine.getInstance().setRandomSeed(71);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, 1f, new Shape(n, 3), DataType.FLOAT32);
            NDArray z = manager.randomNormal(0f, 1f, new Shape(n, 3), DataType.FLOAT32);
            ScoreFunction offByATenth = (x, t) -> z.add(0.1f).div(VP.sigma(t).reshape(-1, 1)).neg();

            LossValue value = new DdpmLoss().compute(offByATenth, VP, x0, z);

            // sigma (-(eps + 0.1) / sigma) in float32 is eps + 0.1 up to 2e-7 relative: with |eps| < 6 the
            // residual 0.1 is off by < 2e-6, its square by < 1e-6.
            assertThat(value.perExample().sub(0.01f).abs().max().getFloat()).isLessThan(1e-6f);
            assertThat((double) value.loss().getFloat()).isCloseTo(0.01, within(1e-6));
        }
    }

    /**
     * At the exact score of N(0, c I) data the residual eps + sigma s has per-coordinate variance u =
     * alpha^2 c / (alpha^2 c + sigma^2) (see {@link SdeLossTest}), so each term is u chi^2_d / d with
     * mean u and variance 2 u^2 / d given its time; the batch mean of term - u is checked within 4
     * standard errors, on a continuous (vp) and a discrete (geometric) schedule.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vp", "geometric"})
    void meanLossAtTheExactScoreMatchesTheClosedForm(String name) {
        int n = 50_000;
        int d = 4;
        double c = 0.8;
        NoiseSchedule schedule = SCHEDULES.get(name);
        Engine.getInstance().setRandomSeed(72);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, (float) Math.sqrt(c), new Shape(n, d), DataType.FLOAT32);
            NDArray[] times = new NDArray[1];
            ScoreFunction exact = GaussianData.exactScore(schedule, c);

            LossValue value = new DdpmLoss().compute((x, t) -> {
                times[0] = t;
                return exact.score(x, t);
            }, schedule, x0);

            float[] t = times[0].toFloatArray();
            float[] terms = value.perExample().toFloatArray();
            double deviation = 0;
            double variance = 0;
            for (int i = 0; i < n; i++) {
                double alpha2c = Math.pow(schedule.alphaAt(t[i]), 2) * c;
                double u = alpha2c / (alpha2c + Math.pow(schedule.sigmaAt(t[i]), 2));
                deviation += (terms[i] - u) / n;
                variance += 2 * u * u / d / n / n;
            }
            assertThat(deviation).isCloseTo(0, within(4 * Math.sqrt(variance)));
        }
    }
}
