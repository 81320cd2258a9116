package io.scorelab.runtime.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) with global gradient-norm clipping, written out so that its state can
 * be checkpointed and a non-finite step masked on the device:
 *
 * <pre>
 *   g   = grad * min(1, c / ||grad||)                    (||.|| over all parameters)
 *   m   = b1 m + (1 - b1) g,    v = b2 v + (1 - b2) g^2
 *   p  -= lr * (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps)
 * </pre>
 *
 * <p>When {@code ok} is false (a non-finite loss or gradient) m, v and p are left as they were; the
 * decision stays on the device, so a step needs no host round trip. On PyTorch, DJL does not zero
 * gradients between backward passes, so each step zeroes the gradients of the parameters it owns.
 */
final class Adam {

    private final List<Parameter> parameters;
    private final TrainerOptions options;
    private final NDArray[] firstMoments;
    private final NDArray[] secondMoments;
    private long updates;

    Adam(List<Parameter> parameters, TrainerOptions options) {
        this.parameters = parameters;
        this.options = options;
        this.firstMoments = new NDArray[parameters.size()];
        this.secondMoments = new NDArray[parameters.size()];
        for (int i = 0; i < parameters.size(); i++) {
            NDArray weight = parameters.get(i).getArray();
            firstMoments[i] = weight.zerosLike();
            secondMoments[i] = weight.zerosLike();
        }
    }

    /**
     * Applies one update from the gradients of the last backward pass, then zeroes them.
     *
     * @param step the memory of this step; every temporary lands here
     * @param lossIsFinite a boolean scalar on the device
     * @param lr the learning rate of this step
     * @return the global gradient norm before clipping (a scalar on the device) and the boolean
     *     scalar that says whether the update was applied
     */
    NDList update(NDManager step, NDArray lossIsFinite, double lr) {
        NDArray[] gradients = new NDArray[parameters.size()];
        NDArray squaredNorm = null;
        for (int i = 0; i < gradients.length; i++) {
            gradients[i] = parameters.get(i).getArray().getGradient();
            gradients[i].attach(step);
            NDArray squares = gradients[i].square().sum();
            squaredNorm = squaredNorm == null ? squares : squaredNorm.add(squares);
        }
        NDArray norm = squaredNorm.sqrt();
        NDArray ok = lossIsFinite.logicalAnd(norm.isInfinite().logicalOr(norm.isNaN()).logicalNot());
        NDArray scale = options.gradClip() > 0
                ? norm.add(1e-6).pow(-1).mul(options.gradClip()).minimum(1f)
                : step.create(1f);
        updates++;
        double correction1 = 1 - Math.pow(options.beta1(), updates);
        double correction2 = 1 - Math.pow(options.beta2(), updates);
        for (int i = 0; i < gradients.length; i++) {
            NDArray g = gradients[i].mul(scale);
            NDArray m = firstMoments[i].mul(options.beta1()).add(g.mul(1 - options.beta1()));
            NDArray v = secondMoments[i].mul(options.beta2()).add(g.square().mul(1 - options.beta2()));
            NDArray delta = m.div(correction1).div(v.div(correction2).sqrt().add(options.eps())).mul(lr);
            NDArray keep = ok.broadcast(delta.getShape()); // DJL's where does not broadcast
            parameters.get(i).getArray().subi(NDArrays.where(keep, delta, delta.zerosLike()));
            firstMoments[i] = replace(firstMoments[i], NDArrays.where(keep, m, firstMoments[i]));
            secondMoments[i] = replace(secondMoments[i], NDArrays.where(keep, v, secondMoments[i]));
            // zero in place, also when the gradient holds NaN (x - x would keep the NaN)
            gradients[i].set(new NDIndex("..."), 0f);
        }
        return new NDList(norm, ok);
    }

    private static NDArray replace(NDArray old, NDArray next) {
        NDManager owner = old.getManager();
        next.attach(owner);
        NDScope.unregister(next);
        old.close();
        return next;
    }

    void save(DataOutputStream out) throws IOException {
        out.writeLong(updates);
        NDList state = new NDList();
        state.addAll(List.of(firstMoments));
        state.addAll(List.of(secondMoments));
        byte[] encoded = state.encode();
        out.writeInt(encoded.length);
        out.write(encoded);
    }

    void load(DataInputStream in, NDManager manager) throws IOException {
        updates = in.readLong();
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        NDList state = NDList.decode(manager, encoded);
        for (int i = 0; i < firstMoments.length; i++) {
            firstMoments[i] = replace(firstMoments[i], state.get(i));
            secondMoments[i] = replace(secondMoments[i], state.get(firstMoments.length + i));
        }
    }
}
