package io.scorelab.runtime.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A shutdown hook (Ctrl-C, SIGTERM from a sweep) for something that is still being created, such as
 * a run: it is registered first, so that no signal falls between the creation and the hook. A
 * signal that comes during the creation waits for it (up to {@link #CREATION_WAIT_SECONDS}) and
 * then stops what was created; nothing is left RUNNING because the signal came a moment too early.
 *
 * @param <T> what is stopped
 */
public final class StopHook<T> extends Thread {
    /** How long the hook waits for what is still being created (a tracking server may be slow). */
    static final long CREATION_WAIT_SECONDS = 10;

    private final Consumer<T> stop;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile T subject;

    /** Not registered: {@link #register} registers one. */
    StopHook(String name, Consumer<T> stop) {
        super(name);
        this.stop = stop;
    }

    /**
     * @param name the hook thread's name
     * @param stop what to do with what was created when the JVM stops
     * @return the hook, registered with the JVM
     */
    public static <T> StopHook<T> register(String name, Consumer<T> stop) {
        StopHook<T> hook = new StopHook<>(name, stop);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** @param created what was created: the hook stops it if the JVM stops */
    public void created(T created) {
        subject = created;
        settled.countDown();
    }

    /** Nothing could be created: the hook has nothing to stop, and is removed. */
    public void notCreated() {
        settled.countDown();
        remove();
    }

    /** Unregisters the hook, unless the JVM is already shutting down (then it runs). */
    public void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(this);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running
        }
    }

    @Override
    public void run() {
        try {
            settled.await(CREATION_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        T created = subject;
        if (created != null) {
            stop.accept(created);
        }
    }
}
