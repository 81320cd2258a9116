package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.scorelab.api.SampleResult.Trajectory;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the states of the first m = min(n, {@link #PATHS}) samples at evenly spaced updates of a run,
 * without knowing the number of updates U in advance (rk45 chooses its own): the state after update u
 * is kept when u is a multiple of the stride s, which starts at 1 and doubles, dropping every other
 * kept state, whenever 2K intervals are kept (K = {@link #INTERVALS}). After U updates
 *
 * <pre>
 *   s = the smallest power of 2 with U &lt; 2 K s,    states at u = 0, s, 2 s, ..., floor(U / s) s, and U,
 * </pre>
 *
 * that is U + 1 states for U &lt; 2K and between K + 1 and 2K + 1 otherwise. Each kept state is a copy
 * of m rows on the device, owned by the run's manager; at most 2K + 1 are held at once.
 */
final class TrajectoryRecorder {

    /** The number of samples m whose paths are kept, at most. */
    static final int PATHS = 64;
    /** K: at least K intervals are kept once the run has that many updates, at most 2K. */
    static final int INTERVALS = 20;

    private final NDManager manager;
    private final List<NDArray> states = new ArrayList<>();
    private final List<Double> times = new ArrayList<>();
    private int updates;
    private int stride = 1;
    private boolean endKept;
    private double lastTime;

    /** @param manager owns the kept states and the stacked trajectory */
    TrajectoryRecorder(NDManager manager) {
        this.manager = manager;
    }

    /** Keeps the prior draw x_T at time t. */
    void start(NDArray x, double t) {
        keep(x, t);
        endKept = true;
        lastTime = t;
    }

    /** Counts one update that led to x at time t, and keeps x if the update falls on the stride. */
    void update(NDArray x, double t) {
        updates++;
        lastTime = t;
        endKept = updates % stride == 0;
        if (endKept) {
            keep(x, t);
            if (states.size() == 2 * INTERVALS + 1) {
                thin();
            }
        }
    }

    /**
     * @param x the final state (the returned samples), the one of the last update
     * @return the kept states stacked into shape (k, m, d...), with the final state last
     */
    Trajectory finish(NDArray x) {
        if (!endKept) {
            keep(x, lastTime);
        }
        NDArray stacked = NDArrays.stack(new NDList(states));
        stacked.attach(manager);
        states.forEach(NDArray::close);
        states.clear();
        return new Trajectory(times.stream().mapToDouble(Double::doubleValue).toArray(), stacked);
    }

    /** Copies the first m rows of x (a copy, so that x's storage is not held) into the run's manager. */
    private void keep(NDArray x, double t) {
        long m = Math.min(PATHS, x.getShape().get(0));
        try (NDArray rows = x.get(new NDIndex("0:{}", m))) {
            NDArray copy = rows.duplicate();
            copy.attach(manager);
            states.add(copy);
        }
        times.add(t);
    }

    /** Drops every other kept state (those at odd multiples of the stride) and doubles the stride. */
    private void thin() {
        for (int j = states.size() - 2; j > 0; j -= 2) {
            states.remove(j).close();
            times.remove(j);
        }
        stride *= 2;
    }
}
