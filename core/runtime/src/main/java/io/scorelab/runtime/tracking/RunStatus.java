package io.scorelab.runtime.tracking;

/** The status of a run, numbered in the file store as MLflow numbers it (1 to 5). */
public enum RunStatus {
    /** Started and not yet ended (1). */
    RUNNING(1),
    /** Queued and not yet started (2). */
    SCHEDULED(2),
    /** Ended normally (3). */
    FINISHED(3),
    /** Ended by an error (4). */
    FAILED(4),
    /** Stopped from outside (5). */
    KILLED(5);

    private final int code;

    RunStatus(int code) {
        this.code = code;
    }

    /** @return the number MLflow's file store writes for this status */
    int code() {
        return code;
    }

    /** @return whether the run has ended */
    boolean isTerminal() {
        return this == FINISHED || this == FAILED || this == KILLED;
    }

    /**
     * @param code a status number from a meta.yaml
     * @return the status, or null for a number MLflow does not define
     */
    static RunStatus ofCode(long code) {
        for (RunStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        return null;
    }
}
