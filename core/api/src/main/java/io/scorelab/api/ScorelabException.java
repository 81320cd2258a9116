package io.scorelab.api;

/**
 * A mistake of the user's: a bad config value, an unknown component, a corrupt file.
 *
 * <p>The command line answers it with its message alone and exit code 2, never a stack trace, so
 * the message must say everything: the file and line, the key, the value, what was expected and the
 * valid choices. Any other exception is a bug of ours (exit code 1, stack trace in the log).
 */
public class ScorelabException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message the complete, user-facing explanation */
    public ScorelabException(String message) {
        super(message);
    }

    /**
     * @param message the complete, user-facing explanation
     * @param cause the underlying error, kept for the log
     */
    public ScorelabException(String message, Throwable cause) {
        super(message, cause);
    }
}
