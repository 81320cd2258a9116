package io.scorelab.cli;

import ai.djl.ndarray.NDArray;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Components;
import io.scorelab.api.Loss;
import io.scorelab.api.LossValue;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScoreFunction;

/** A loss that turns NaN from a given step on, to test what a non-finite loss does to a run. */
public final class FailingLossPlugin implements Plugin {

    @Override
    public String name() {
        return "failing-loss";
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public void declare(Components components) {
        components.loss("nan_after", NanAfter.class);
    }

    /** 1/2 E||s||^2 at sigma(t) for the first {@code steps} calls, NaN after. */
    public static final class NanAfter implements Loss {
        private final int steps;
        private int calls;

        @Inject
        NanAfter(@Named("loss") Options options) {
            this.steps = options.positiveInt("steps");
        }

        @Override
        public LossValue compute(ScoreFunction model, NoiseSchedule schedule, NDArray x0) {
            calls++;
            NDArray t = schedule.sampleTrainingTimes(x0.getManager(), (int) x0.getShape().get(0));
            NDArray perExample = model.score(x0, t).square().sum(new int[] {1}).mul(0.5);
            if (calls > steps) {
                perExample = perExample.mul(Float.NaN);
            }
            return new LossValue(perExample.mean(), perExample, schedule.sigma(t));
        }
    }
}
