package io.scorelab.runtime.training;

import io.scorelab.api.ScorelabException;

/** A non-finite loss stopped training ({@code trainer.on_nan = stop}). */
public final class NonFiniteLossException extends ScorelabException {

    private static final long serialVersionUID = 1L;

    NonFiniteLossException(long step, double lastFiniteLoss) {
        super("the loss became non-finite at step " + step + " (last finite loss "
                + (Double.isNaN(lastFiniteLoss) ? "none" : Double.toString(lastFiniteLoss))
                + "); lower trainer.lr, raise trainer.warmup or set trainer.on_nan = skip to skip such batches");
    }
}
