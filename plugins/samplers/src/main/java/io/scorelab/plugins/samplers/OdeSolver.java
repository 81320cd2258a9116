package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.scorelab.api.ScorelabException;
import java.util.Arrays;
import java.util.List;

/**
 * Integrators of dy/dt = F(y, t) for a batch y, forward or backward in time. The fixed-step ones step
 * between consecutive times of a grid, with h = t_{k+1} - t_k and k_1 = F(y, t):
 *
 * <pre>
 *   euler:  y &lt;- y + h k_1                                                                    (order 1, 1 evaluation)
 *   heun:   k_2 = F(y + h k_1, t + h),   y &lt;- y + h (k_1 + k_2) / 2                          (order 2, 2 evaluations)
 *   rk4:    k_2 = F(y + h k_1 / 2, t + h / 2),   k_3 = F(y + h k_2 / 2, t + h / 2),   k_4 = F(y + h k_3, t + h),
 *           y &lt;- y + h (k_1 + 2 k_2 + 2 k_3 + k_4) / 6                                      (order 4, 4 evaluations)
 * </pre>
 *
 * {@code rk45} is Dormand and Prince's embedded 5(4) pair with adaptive steps from the first time
 * of the grid to its last, as in scipy's {@code solve_ivp(method="RK45")}: the fifth-order solution
 * is kept (FSAL: the last stage is the next step's first), the error estimate err = h sum_j E_j k_j
 * is measured as
 *
 * <pre>
 *   ||err|| = RMS over every entry of the batch of err / (atol + rtol max(|y|, |y_new|)),
 * </pre>
 *
 * a step is accepted when ||err|| &lt; 1, and the next step size is h min(10, max(0.2, 0.9 ||err||^(-1/5)))
 * (no growth right after a rejection); the first step size comes from Hairer's rule (one extra
 * evaluation). The whole batch is one system with one step size, as in score_sde, which flattens its
 * batch into one vector for scipy: a sample's result can depend on its batch within the tolerance.
 * Evaluations: 2 + 6 per attempted step, rejected ones included.
 */
enum OdeSolver {
    EULER("euler") {
        @Override
        NDArray step(VectorField field, NDArray y, double t, double h) {
            return y.add(field.at(y, t).mul(h));
        }
    },
    HEUN("heun") {
        @Override
        NDArray step(VectorField field, NDArray y, double t, double h) {
            NDArray k1 = field.at(y, t);
            NDArray k2 = field.at(y.add(k1.mul(h)), t + h);
            return y.add(k1.add(k2).mul(h / 2));
        }
    },
    RK4("rk4") {
        @Override
        NDArray step(VectorField field, NDArray y, double t, double h) {
            NDArray k1 = field.at(y, t);
            NDArray k2 = field.at(y.add(k1.mul(h / 2)), t + h / 2);
            NDArray k3 = field.at(y.add(k2.mul(h / 2)), t + h / 2);
            NDArray k4 = field.at(y.add(k3.mul(h)), t + h);
            return y.add(k1.add(k2.mul(2)).add(k3.mul(2)).add(k4).mul(h / 6));
        }
    },
    RK45("rk45") {
        @Override
        NDArray step(VectorField field, NDArray y, double t, double h) {
            throw new UnsupportedOperationException("rk45 chooses its own steps");
        }

        @Override
        Solution solve(VectorField field, NDArray y0, double[] times, double rtol, double atol, NDManager manager,
                Observer observer) {
            return dormandPrince(field, y0, times[0], times[times.length - 1], rtol, atol, manager, observer);
        }
    };

    /** The time derivative F(y, t) of a batch of states; its results belong to y's manager. */
    @FunctionalInterface
    interface VectorField {
        NDArray at(NDArray y, double t);
    }

    /** Sees the state after each accepted step, owned by the manager given to {@link #solve}, and its time. */
    @FunctionalInterface
    interface Observer {
        void reached(NDArray y, double t);
    }

    /**
     * @param y the state at the last time, owned by the manager given to {@link #solve}
     * @param evaluations the number of evaluations of F
     */
    record Solution(NDArray y, int evaluations) {}

    private static final double SAFETY = 0.9;
    private static final double MIN_FACTOR = 0.2;
    private static final double MAX_FACTOR = 10;
    /** Dormand-Prince nodes c_j, weights a_jl of the stages, 5th-order weights b_j and error weights e_j. */
    private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1};
    private static final double[][] A = {
        {},
        {1.0 / 5},
        {3.0 / 40, 9.0 / 40},
        {44.0 / 45, -56.0 / 15, 32.0 / 9},
        {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
        {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    };
    private static final double[] B = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84};
    private static final double[] E = {
        -71.0 / 57600, 0, 71.0 / 16695, -71.0 / 1920, 17253.0 / 339200, -22.0 / 525, 1.0 / 40};

    private final String key;

    OdeSolver(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(OdeSolver::key).toList();
    }

    static OdeSolver of(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst().orElseThrow();
    }

    /** @return whether the solver steps on the given grid (rather than choosing its own steps) */
    boolean fixedStep() {
        return this != RK45;
    }

    /** @return y + the integral of F over one step of size h from t, for a fixed-step solver */
    abstract NDArray step(VectorField field, NDArray y, double t, double h);

    /**
     * Integrates from times[0] to the last time; y0 is left as it is. Each step runs in a sub-manager
     * of {@code manager}, so memory stays flat.
     *
     * @param field F
     * @param y0 the state at times[0]
     * @param times a monotone grid; rk45 uses only its two ends
     * @param rtol the relative tolerance of rk45
     * @param atol the absolute tolerance of rk45
     * @param manager owns the result
     * @return the state at the last time and the number of evaluations of F
     */
    Solution solve(VectorField field, NDArray y0, double[] times, double rtol, double atol, NDManager manager) {
        return solve(field, y0, times, rtol, atol, manager, (y, t) -> { });
    }

    /** {@link #solve(VectorField, NDArray, double[], double, double, NDManager)}, showing each accepted step to the observer. */
    Solution solve(VectorField field, NDArray y0, double[] times, double rtol, double atol, NDManager manager,
            Observer observer) {
        int[] evaluations = {0};
        VectorField counted = (y, t) -> {
            evaluations[0]++;
            return field.at(y, t);
        };
        NDArray y = y0.duplicate();
        y.attach(manager);
        for (int k = 0; k + 1 < times.length; k++) {
            try (NDManager scope = manager.newSubManager()) {
                y.attach(scope);
                NDArray next = step(counted, y, times[k], times[k + 1] - times[k]);
                next.attach(manager);
                y = next;
            }
            observer.reached(y, times[k + 1]);
        }
        return new Solution(y, evaluations[0]);
    }

    private static Solution dormandPrince(VectorField field, NDArray y0, double t0, double t1, double rtol, double atol,
            NDManager manager, Observer observer) {
        double direction = Math.signum(t1 - t0);
        NDArray y = y0.duplicate();
        y.attach(manager);
        NDArray f;
        double hAbs;
        try (NDManager scope = manager.newSubManager()) {
            y.attach(scope);
            f = field.at(y, t0);
            hAbs = initialStep(field, y, f, t0, t1, rtol, atol);
            f.attach(manager);
            y.attach(manager);
        }
        int evaluations = 2;
        double t = t0;
        boolean rejected = false;
        while (direction * (t1 - t) > 0) {
            double minStep = 10 * Math.ulp(t);
            if (hAbs < minStep) {
                throw new ScorelabException("rk45: the step size fell to " + hAbs + " at t = " + t
                        + "; the probability-flow ODE is too stiff for rtol = " + rtol + ", atol = " + atol
                        + ", or the score is not finite");
            }
            double tNew = t + direction * hAbs;
            if (direction * (tNew - t1) > 0) {
                tNew = t1;
            }
            double h = tNew - t;
            hAbs = Math.abs(h);
            boolean accepted;
            NDArray yNew;
            NDArray fNew;
            try (NDManager scope = manager.newSubManager()) {
                y.attach(scope);
                f.attach(scope);
                NDArray[] k = new NDArray[7];
                k[0] = f;
                for (int s = 1; s < 6; s++) {
                    NDArray stage = y;
                    for (int l = 0; l < s; l++) {
                        stage = stage.add(k[l].mul(h * A[s][l]));
                    }
                    k[s] = field.at(stage, t + C[s] * h);
                }
                yNew = y;
                for (int s = 0; s < 6; s++) {
                    if (B[s] != 0) {
                        yNew = yNew.add(k[s].mul(h * B[s]));
                    }
                }
                fNew = field.at(yNew, tNew);
                k[6] = fNew;
                evaluations += 6;
                NDArray error = k[0].mul(h * E[0]);
                for (int s = 1; s < 7; s++) {
                    if (E[s] != 0) {
                        error = error.add(k[s].mul(h * E[s]));
                    }
                }
                NDArray scale = y.abs().maximum(yNew.abs()).mul(rtol).add(atol);
                double errorNorm = rms(error.div(scale));
                accepted = errorNorm < 1;
                double growth = SAFETY * Math.pow(errorNorm, -0.2);
                if (accepted) {
                    double factor = errorNorm == 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, growth);
                    hAbs *= rejected ? Math.min(1, factor) : factor;
                    yNew.attach(manager);
                    fNew.attach(manager);
                } else {
                    hAbs *= Double.isFinite(growth) ? Math.max(MIN_FACTOR, growth) : MIN_FACTOR;
                    y.attach(manager);
                    f.attach(manager);
                }
            }
            if (accepted) {
                y = yNew;
                f = fNew;
                t = tNew;
                rejected = false;
                observer.reached(y, t);
            } else {
                rejected = true;
            }
        }
        f.close();
        return new Solution(y, evaluations);
    }

    /** Hairer, Norsett and Wanner's starting step (scipy's {@code select_initial_step}); one evaluation. */
    private static double initialStep(
            VectorField field, NDArray y, NDArray f, double t0, double t1, double rtol, double atol) {
        double interval = Math.abs(t1 - t0);
        double direction = Math.signum(t1 - t0);
        NDArray scale = y.abs().mul(rtol).add(atol);
        double d0 = rms(y.div(scale));
        double d1 = rms(f.div(scale));
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.min(h0, interval);
        NDArray f1 = field.at(y.add(f.mul(h0 * direction)), t0 + h0 * direction);
        double d2 = rms(f1.sub(f).div(scale)) / h0;
        double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 0.2);
        return Math.min(Math.min(100 * h0, h1), interval);
    }

    /** @return the root mean square of every entry, on the host */
    private static double rms(NDArray values) {
        return values.toType(DataType.FLOAT64, false).square().mean().sqrt().getDouble();
    }
}
