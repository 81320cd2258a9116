package io.scorelab.plugins.samplers;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/**
 * The samplers that ship with scorelab ({@code langevin}, {@code annealed_langevin}, {@code
 * euler_maruyama}, {@code reverse_diffusion}, {@code ancestral}, {@code pc}, {@code ode}, {@code ddim},
 * {@code edm}) and the likelihood metric {@code nll}, which shares the probability-flow ODE solvers.
 */
public final class SamplersPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-samplers";
    }

    @Override
    public void declare(Components components) {
        components.sampler("langevin", LangevinSampler.class)
                .sampler("annealed_langevin", AnnealedLangevinSampler.class)
                .sampler("euler_maruyama", EulerMaruyamaSampler.class)
                .sampler("reverse_diffusion", ReverseDiffusionSampler.class)
                .sampler("ancestral", AncestralSampler.class)
                .sampler("pc", PcSampler.class)
                .sampler("ode", OdeSampler.class)
                .sampler("ddim", DdimSampler.class)
                .sampler("edm", EdmSampler.class)
                .metric("nll", NllMetric.class);
    }
}
