package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships a run's records to the tracking server on a background thread, so that training never waits
 * on the network. The run's thread only puts ops on a bounded queue; this thread groups them into
 * requests within MLflow's limits, journals them in the run's {@link Spool} before sending, and sends
 * them in order. When the server is away the requests stay journaled and sending is retried with
 * exponential backoff (1 s doubling to {@link #MAX_BACKOFF}); when it is back they go in order.
 */
final class LogShipper {

    /** Ops the queue holds; a full queue makes the run's thread wait (a warning says so). */
    static final int QUEUE_CAPACITY = 100_000;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final long FIRST_BACKOFF_MILLIS = 1000;
    /** How long the thread lingers after an op for more, so that ops logged together go in one batch. */
    private static final long LINGER_MILLIS = 1000;
    private static final long POLL_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(LogShipper.class);

    private final BlockingQueue<SpoolEntry.Op> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Spool spool;
    private final SpoolDrain drain;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile long finishBy = Long.MAX_VALUE;
    private volatile boolean finishing;
    private volatile RuntimeException failure;
    private boolean warnedFull;
    private boolean away;

    LogShipper(Spool spool, MlflowServer server) {
        this.spool = spool;
        this.drain = new SpoolDrain(spool, server);
        this.thread = new Thread(this::loop, "scorelab-tracking-" + spool.header().spoolId().substring(0, 8));
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues an op without waiting, unless the queue is full.
     *
     * @throws ScorelabException if the spool could not be written, so nothing more can be recorded
     */
    void submit(SpoolEntry.Op op) {
        if (failure != null) {
            throw new ScorelabException("tracking stopped: " + failure.getMessage(), failure);
        }
        if (queue.offer(op)) {
            return;
        }
        synchronized (this) {
            if (!warnedFull) {
                warnedFull = true;
                LOG.warn("The tracking queue is full ({} records): the run waits for the spool to take them",
                        QUEUE_CAPACITY);
            }
        }
        try {
            queue.put(op);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a tracking record", e);
        }
    }

    /**
     * Sends what is queued and journaled, trying for at most {@code timeout} while the server is away.
     *
     * @return whether everything reached the server (the spool is then removed)
     */
    boolean finish(Duration timeout) {
        finishBy = System.nanoTime() + timeout.toNanos();
        finishing = true;
        try {
            // The thread stops by the deadline unless a request hangs; a hung request is cut off here.
            if (!stopped.await(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS)) {
                LOG.warn("The tracking server at {} did not answer in time", spool.header().server());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean complete = queue.isEmpty() && spool.pending() == 0;
        if (complete && !spool.hasRejected()) {
            spool.complete();
        }
        return complete;
    }

    private void loop() {
        long backoff = 0;
        long nextAttempt = 0;
        List<SpoolEntry.Op> ops = new ArrayList<>();
        try {
            while (true) {
                boolean closing = finishing;
                SpoolEntry.Op first = queue.poll(closing ? 0 : POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    ops.add(first);
                    if (!closing) {
                        Thread.sleep(LINGER_MILLIS);
                    }
                    queue.drainTo(ops);
                    spool.append(SpoolEntry.group(ops));
                    ops.clear();
                }
                long now = System.nanoTime();
                if (spool.pending() > 0 && now >= nextAttempt) {
                    try {
                        int sent = drain.drain();
                        if (away) {
                            away = false;
                            LOG.info("The tracking server at {} is back; sent {} spooled requests",
                                    spool.header().server(), sent);
                        }
                        backoff = 0;
                    } catch (ServerUnavailableException e) {
                        if (!away) {
                            away = true;
                            LOG.warn("The tracking server is away ({}); recording to {} and retrying",
                                    e.getMessage(), spool.directory());
                        }
                        backoff = backoff == 0 ? FIRST_BACKOFF_MILLIS : Math.min(2 * backoff, MAX_BACKOFF.toMillis());
                        // While the run ends, try again every second until the deadline.
                        nextAttempt = now + TimeUnit.MILLISECONDS.toNanos(closing ? FIRST_BACKOFF_MILLIS : backoff);
                    }
                }
                if (closing && queue.isEmpty()
                        && (spool.pending() == 0 || System.nanoTime() >= finishBy || nextAttempt >= finishBy)) {
                    return;
                }
                if (closing && first == null && spool.pending() > 0) {
                    Thread.sleep(Math.max(0, Math.min(FIRST_BACKOFF_MILLIS,
                            TimeUnit.NANOSECONDS.toMillis(nextAttempt - System.nanoTime()))));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("Tracking stopped: {}; what was not sent is kept in {}", e.toString(), spool.directory());
        } finally {
            stopped.countDown();
        }
    }
}
