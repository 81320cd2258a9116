package io.scorelab.runtime.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.scorelab.api.ScorelabException;

/**
 * Starts DJL's PyTorch engine the way scorelab needs it: pinned to PyTorch, offline (no network call
 * at start-up, no usage tracking), with the thread counts of the config. The engine reads these
 * settings once, so {@link #configure} must run before anything touches {@link Engine}.
 */
public final class EngineSetup {

    private EngineSetup() {}

    /**
     * @param threads intra-op threads; 0 keeps the engine's default
     */
    public static void configure(int threads) {
        System.setProperty("ai.djl.default_engine", "PyTorch");
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * @param name {@code auto} (a GPU when there is one), {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return the device
     */
    public static Device device(String name) {
        Engine engine = Engine.getInstance();
        int gpus = engine.getGpuCount();
        switch (name) {
            case "auto":
                return gpus > 0 ? Device.gpu() : Device.cpu();
            case "cpu":
                return Device.cpu();
            default:
                if (!name.matches("gpu(:\\d+)?")) {
                    throw new ScorelabException("device = " + name + ": expected auto, cpu, gpu or gpu:N");
                }
                int index = name.contains(":") ? Integer.parseInt(name.substring(4)) : 0;
                if (index >= gpus) {
                    throw new ScorelabException("device = " + name + ": this machine has " + gpus
                            + " GPU(s) visible to the engine; use device=cpu or device=auto");
                }
                return Device.gpu(index);
        }
    }
}
