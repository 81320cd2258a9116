package io.scorelab.plugins.datasets;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/**
 * The data sets that ship with scorelab: {@code gmm} and {@code gaussian}, which know their noised scores
 * exactly; the 2-D sample-only toys {@code checkerboard}, {@code rings}, {@code moons} and {@code swissroll};
 * and the image data sets {@code digits} (bundled), {@code idx} (MNIST-format files) and {@code cifar10}.
 */
public final class DatasetsPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-datasets";
    }

    @Override
    public void declare(Components components) {
        components.dataset("gmm", GaussianMixtureDataset.class);
        components.dataset("gaussian", GaussianDataset.class);
        components.dataset("checkerboard", CheckerboardDataset.class);
        components.dataset("rings", RingsDataset.class);
        components.dataset("moons", MoonsDataset.class);
        components.dataset("swissroll", SwissRollDataset.class);
        components.dataset("digits", DigitsDataset.class);
        components.dataset("idx", IdxDataset.class);
        components.dataset("cifar10", Cifar10Dataset.class);
    }
}
