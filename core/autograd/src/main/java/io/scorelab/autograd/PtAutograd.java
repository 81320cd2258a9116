package io.scorelab.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.scorelab.api.Autograd;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * {@link Autograd} on the PyTorch engine: runs {@code torch.autograd.grad([y], [x], [v],
 * create_graph=True)} from a three-line TorchScript module ({@code vjp.pt}, written by {@code
 * src/main/python/make_vjp.py}). This is the only class that calls the engine's JNI.
 *
 * <p>Why not {@code backward(create_graph=True)}, which DJL's JNI also offers: it accumulates
 * graph-connected gradients into x.grad and into every parameter's .grad, which makes reference
 * cycles (parameter -> .grad -> graph -> parameter) that leak a graph per training step unless .grad
 * is reset to None, which DJL cannot do. {@code autograd.grad} writes no .grad at all.
 */
public final class PtAutograd implements Autograd {

    private static final String MODULE = "vjp.pt";

    private final PtSymbolBlock module;
    private final ParameterStore parameters;

    /** Loads the TorchScript module into a manager of its own that lives as long as the JVM. */
    public PtAutograd() {
        PtNDManager manager = (PtNDManager) NDManager.newBaseManager();
        try (InputStream in = PtAutograd.class.getResourceAsStream(MODULE)) {
            if (in == null) {
                throw new IllegalStateException(MODULE + " is missing from the scorelab-autograd jar");
            }
            module = JniUtils.loadModule(manager, in, false, false);
            parameters = new ParameterStore(manager, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + MODULE, e);
        }
    }

    @Override
    public NDArray leaf(NDArray x) {
        NDArray leaf = x.stopGradient();
        leaf.setRequiresGradient(true);
        return leaf;
    }

    @Override
    public NDArray vjp(NDArray output, NDArray input, NDArray cotangent) {
        if (!input.hasGradient()) {
            throw new ScorelabException("a gradient with respect to an array was asked for, but the array does not"
                    + " require gradients (make it with Autograd.leaf)");
        }
        if (!cotangent.getShape().equals(output.getShape())) {
            throw new IllegalArgumentException(
                    "cotangent shape " + cotangent.getShape() + " differs from output shape " + output.getShape());
        }
        // Run in training mode: in inference mode the module runs without autograd and the result would be
        // cut from the graph.
        NDArray gradient = module.forward(parameters, new NDList(output, input, cotangent), true).singletonOrThrow();
        if (!gradient.getShape().equals(input.getShape())) {
            gradient.close();
            throw new ScorelabException("the output does not depend on the input it is differentiated with respect to");
        }
        return gradient;
    }

    @Override
    public <T> T recording(Supplier<T> f) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            return f.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    @Override
    public boolean isRecording() {
        return JniUtils.isGradMode();
    }
}
