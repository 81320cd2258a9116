package io.scorelab.plugins.datasets;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/** The toy data sets that ship with scorelab: {@code gmm}, the Gaussian mixture on a ring. */
public final class DatasetsPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-datasets";
    }

    @Override
    public void declare(Components components) {
        components.dataset("gmm", GaussianMixtureDataset.class);
    }
}
