package io.scorelab.plugins.losses;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.scorelab.api.Loss;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;

/**
 * Hyvärinen's worked example (reference 003): the linear score model s(x) = A (x - b) fitted to
 * 2-D Gaussian data by full-batch gradient descent on a score-matching loss. For data noised at
 * sigma with sample mean m and (biased) sample covariance S, the expected implicit objective is
 * minimized by A = -(S + sigma^2 I)^-1 and b = m.
 */
final class LinearScoreFit {

    /** Mean and covariance of the test data: a non-diagonal Sigma. */
    static final double[] MU = {1.0, -2.0};
    static final double[][] SIGMA = {{2.0, 0.6}, {0.6, 1.0}};

    /** The fitted parameters. */
    record Fit(double[][] a, double[] b) {}

    private LinearScoreFit() {}

    /** @return n draws of N(MU, SIGMA): x = MU + L z with L the Cholesky factor of SIGMA */
    static NDArray data(NDManager manager, int n) {
        double l11 = Math.sqrt(SIGMA[0][0]);
        double l21 = SIGMA[1][0] / l11;
        double l22 = Math.sqrt(SIGMA[1][1] - l21 * l21);
        NDArray lT = manager.create(new float[][] {{(float) l11, (float) l21}, {0f, (float) l22}});
        return manager.randomNormal(0f, 1f, new Shape(n, 2), DataType.FLOAT32).matMul(lT)
                .add(manager.create(new float[] {(float) MU[0], (float) MU[1]}));
    }

    /**
     * Gradient descent from A = -I, b = 0, at the given rate for the first half of the steps and a rate
     * decaying linearly to 0 over the second half (which averages out the noise of stochastic
     * objectives). The losses' vector-Jacobian products accumulate into the
     * parameters' gradients too, so those are zeroed after the loss and before the backward pass,
     * and again after each update.
     */
    static Fit fit(Loss loss, NoiseSchedule schedule, NDArray x0, int steps, float rate) {
        NDManager manager = x0.getManager();
        NDArray a = manager.create(new float[][] {{-1f, 0f}, {0f, -1f}});
        NDArray b = manager.zeros(new Shape(2));
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
        ScoreFunction model = (x, t) -> x.sub(b).matMul(a.transpose());
        for (int step = 0; step < steps; step++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray value = loss.compute(model, schedule, x0).loss();
                    zeroGradient(a);
                    zeroGradient(b);
                    collector.backward(value);
                }
                float current = step < steps / 2 ? rate : rate * 2f * (steps - step) / steps;
                a.subi(a.getGradient().mul(current));
                b.subi(b.getGradient().mul(current));
                zeroGradient(a);
                zeroGradient(b);
            }
        }
        float[] av = a.toFloatArray();
        float[] bv = b.toFloatArray();
        return new Fit(new double[][] {{av[0], av[1]}, {av[2], av[3]}}, new double[] {bv[0], bv[1]});
    }

    private static void zeroGradient(NDArray parameter) {
        NDArray gradient = parameter.getGradient();
        gradient.subi(gradient);
    }

    /** @return -(S + sigma^2 I)^-1 and the mean of the data x0 (n, 2), computed on the host in float64 */
    static Fit optimum(NDArray x0, double sigma) {
        float[] values = x0.toFloatArray();
        int n = values.length / 2;
        double[] mean = new double[2];
        for (int i = 0; i < n; i++) {
            mean[0] += values[2 * i] / n;
            mean[1] += values[2 * i + 1] / n;
        }
        double[][] s = new double[2][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 2; k++) {
                    s[j][k] += (values[2 * i + j] - mean[j]) * (values[2 * i + k] - mean[k]) / n;
                }
            }
        }
        return new Fit(negativeInverse(s, sigma * sigma), mean);
    }

    /** @return -(m + shift I)^-1 of a 2x2 matrix */
    static double[][] negativeInverse(double[][] m, double shift) {
        double p = m[0][0] + shift;
        double q = m[1][1] + shift;
        double det = p * q - m[0][1] * m[1][0];
        return new double[][] {{-q / det, m[0][1] / det}, {m[1][0] / det, -p / det}};
    }
}
