package io.scorelab.runtime.plugin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Components;
import io.scorelab.api.Dataset;
import io.scorelab.api.Loss;
import io.scorelab.api.LossValue;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScoreFunction;
import java.util.Map;

/** A plugin of inert components, for testing composition and wiring without tensors. */
public final class FakePlugin implements Plugin {

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String version() {
        return "1.2.3";
    }

    @Override
    public void declare(Components components) {
        components.dataset("points", Points.class)
                .loss("l2", L2.class)
                .loss("l1", L2.class)
                .metric("mean", Mean.class);
    }

    /** A dataset whose only option is a positive size. */
    public static final class Points implements Dataset {
        final int size;

        @Inject
        Points(@Named("dataset") Options options) {
            this.size = options.positiveInt("size");
        }

        @Override
        public Shape exampleShape() {
            return new Shape(size);
        }

        @Override
        public NDArray sample(NDManager manager, int n) {
            return manager.zeros(new Shape(n, size));
        }
    }

    /** A loss that reads one number. */
    public static final class L2 implements Loss {
        final double weight;

        @Inject
        L2(@Named("loss") Options options) {
            this.weight = options.getDouble("weight");
        }

        @Override
        public LossValue compute(ScoreFunction model, NoiseSchedule schedule, NDArray x0) {
            throw new UnsupportedOperationException("composition tests never train");
        }
    }

    /** A metric with its own options subtree. */
    public static final class Mean implements Metric {
        final int digits;

        @Inject
        Mean(@Named("metric.mean") Options options) {
            this.digits = options.positiveInt("digits");
        }

        @Override
        public Map<String, Double> evaluate(MetricInput input) {
            return Map.of();
        }
    }
}
