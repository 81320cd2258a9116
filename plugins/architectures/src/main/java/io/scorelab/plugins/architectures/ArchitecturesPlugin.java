package io.scorelab.plugins.architectures;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/**
 * The network architectures that ship with scorelab: {@code mlp} ({@link MlpArchitecture}), {@code resmlp}
 * ({@link ResMlpArchitecture}) and {@code unet} ({@link UNetArchitecture}).
 */
public final class ArchitecturesPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-architectures";
    }

    @Override
    public void declare(Components components) {
        components.architecture("mlp", MlpArchitecture.class)
                .architecture("resmlp", ResMlpArchitecture.class)
                .architecture("unet", UNetArchitecture.class);
    }
}
