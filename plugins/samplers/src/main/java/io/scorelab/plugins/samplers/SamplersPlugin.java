package io.scorelab.plugins.samplers;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/** The samplers that ship with scorelab: {@code annealed_langevin}. */
public final class SamplersPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-samplers";
    }

    @Override
    public void declare(Components components) {
        components.sampler("annealed_langevin", AnnealedLangevinSampler.class);
    }
}
