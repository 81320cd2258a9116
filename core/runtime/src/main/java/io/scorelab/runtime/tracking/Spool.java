package io.scorelab.runtime.tracking;

import com.google.gson.JsonParseException;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run's write-ahead journal of requests to a tracking server, in the directory {@code
 * tracking-spool/} of the run: every request is appended to {@code journal.jsonl} before it is sent,
 * and {@code sent} counts the journal's lines the server has acknowledged. What the server has not
 * acknowledged survives the run (a server that went away, a crash) and is sent in order later by
 * {@code scorelab tracking sync}. Files to upload are staged in {@code files/}.
 *
 * <pre>
 * tracking-spool/
 *   run.json        the server, experiment, run name, start time and tags; the run id once created
 *   journal.jsonl   one request per line: a log-batch, an artifact upload or the run's end
 *   sent            how many lines of the journal the server has acknowledged
 *   rejected.jsonl  requests the server refused (they are not retried)
 *   files/          the staged artifacts not yet uploaded
 * </pre>
 */
final class Spool {

    /** The name of a run's spool directory inside the run's directory. */
    static final String DIRECTORY = "tracking-spool";

    /** The file a completed spool leaves in the run's directory. */
    static final String SENT_MARKER = "tracking-sent.json";

    private static final String HEADER = "run.json";
    private static final String JOURNAL = "journal.jsonl";
    private static final String SENT = "sent";
    private static final String REJECTED = "rejected.jsonl";
    private static final String FILES = "files";

    /**
     * What the server needs to create the run, and its ids once it exists.
     *
     * @param server the server's URI
     * @param experimentName the experiment's name
     * @param runName the run's name, or null
     * @param startTime when the run started, milliseconds since the epoch
     * @param tags the run's tags at its start
     * @param spoolId this spool's id, set on the server's run as the tag {@link #ORIGIN_TAG}
     * @param experimentId the experiment's id on the server, null before the run is created
     * @param runId the run's id on the server, null before it is created
     * @param artifactUri the run's artifact URI, null before it is created
     */
    record Header(String server, String experimentName, String runName, long startTime, Map<String, String> tags,
            String spoolId, String experimentId, String runId, String artifactUri) {

        /** The tag that ties a server's run to where it was first recorded (its spool or its local run), so that it is created once. */
        static final String ORIGIN_TAG = "scorelab.origin_id";

        Header withRun(String newExperimentId, String newRunId, String newArtifactUri) {
            return new Header(server, experimentName, runName, startTime, tags, spoolId, newExperimentId, newRunId,
                    newArtifactUri);
        }
    }

    private final Path dir;
    private final boolean standalone;
    private final Deque<SpoolEntry> unsent;
    private Header header;
    private long sent;
    private long staged;

    private Spool(Path dir, boolean standalone, Header header, Deque<SpoolEntry> unsent, long sent) {
        this.dir = dir;
        this.standalone = standalone;
        this.header = header;
        this.unsent = unsent;
        this.sent = sent;
    }

    /**
     * @param dir the spool's directory, which must not hold a spool yet
     * @param header the run's header
     * @param standalone whether the directory holding the spool was made for it alone (a run
     *     without a directory of its own), so that completing removes it too
     * @return an empty spool
     */
    static Spool create(Path dir, Header header, boolean standalone) {
        if (Files.exists(dir.resolve(HEADER))) {
            throw new ScorelabException(dir + " holds the spool of another run: send it first with 'scorelab tracking"
                    + " sync " + dir.getParent() + "', or remove it");
        }
        try {
            Files.createDirectories(dir.resolve(FILES));
        } catch (IOException e) {
            throw LocalTracker.failure("create", dir, e);
        }
        Spool spool = new Spool(dir, standalone, header, new ArrayDeque<>(), 0);
        spool.header(header);
        spool.writeSent();
        return spool;
    }

    /**
     * @param dir a spool's directory
     * @return the spool with the entries the server has not acknowledged
     * @throws ScorelabException naming the file and line of a malformed spool
     */
    static Spool open(Path dir) {
        Path headerFile = dir.resolve(HEADER);
        if (!Files.isRegularFile(headerFile)) {
            throw new ScorelabException("no tracking spool in " + dir + ": " + headerFile + " does not exist");
        }
        Header header;
        try {
            header = SpoolEntry.JSON.fromJson(LocalTracker.read(headerFile), Header.class);
        } catch (JsonParseException e) {
            throw new ScorelabException(headerFile + ": malformed spool header: " + e.getMessage(), e);
        }
        long sent;
        try {
            sent = Long.parseLong(LocalTracker.read(dir.resolve(SENT)).strip());
        } catch (NumberFormatException e) {
            throw new ScorelabException(dir.resolve(SENT) + ": expected the number of sent requests", e);
        }
        Deque<SpoolEntry> unsent = new ArrayDeque<>();
        Path journal = dir.resolve(JOURNAL);
        if (Files.isRegularFile(journal)) {
            String text = LocalTracker.read(journal);
            List<String> lines = text.lines().toList();
            // A last line without its line break was torn by a crash while being written: never sent.
            int complete = text.isEmpty() || text.endsWith("\n") ? lines.size() : lines.size() - 1;
            for (int i = (int) sent; i < complete; i++) {
                try {
                    unsent.add(SpoolEntry.fromJson(lines.get(i)));
                } catch (JsonParseException e) {
                    throw new ScorelabException(journal + ":" + (i + 1) + ": malformed request: " + e.getMessage(), e);
                }
            }
        }
        return new Spool(dir, false, header, unsent, sent);
    }

    Path directory() {
        return dir;
    }

    synchronized Header header() {
        return header;
    }

    /** Replaces the header, for example once the server has created the run. */
    synchronized void header(Header newHeader) {
        LocalTracker.replaceFile(dir.resolve(HEADER), SpoolEntry.JSON.toJson(newHeader), dir);
        header = newHeader;
    }

    /** Appends requests to the journal, each as one line written whole. */
    synchronized void append(List<SpoolEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        entries.forEach(entry -> lines.append(entry.toJson()).append('\n'));
        ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        Path journal = dir.resolve(JOURNAL);
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw LocalTracker.failure("append to", journal, e);
        }
        unsent.addAll(entries);
    }

    /**
     * Copies a file into the spool, so that later changes to it do not change what is uploaded.
     *
     * @return the staged file's name in {@code files/}
     */
    synchronized String stage(Path file) {
        String name = String.format("%06d-%s", staged++, file.getFileName());
        Path target = dir.resolve(FILES).resolve(name);
        try {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ScorelabException("cannot log artifact " + file + ": " + e.getMessage(), e);
        }
        return name;
    }

    Path stagedFile(String name) {
        return dir.resolve(FILES).resolve(name);
    }

    /** @return the oldest request the server has not acknowledged, or null if none */
    synchronized SpoolEntry next() {
        return unsent.peekFirst();
    }

    /** @return up to {@code max} of the oldest unacknowledged requests */
    synchronized List<SpoolEntry> next(int max) {
        return unsent.stream().limit(max).toList();
    }

    /** @return the requests the server has not acknowledged, oldest first */
    synchronized List<SpoolEntry> pendingEntries() {
        return List.copyOf(unsent);
    }

    /** @return how many requests the server has not acknowledged */
    synchronized int pending() {
        return unsent.size();
    }

    /** Records that the server acknowledged the {@code count} oldest unsent requests. */
    synchronized void acknowledge(int count) {
        for (int i = 0; i < count; i++) {
            SpoolEntry entry = unsent.removeFirst();
            if (entry instanceof SpoolEntry.Artifact artifact) {
                LocalTracker.deleteQuietly(stagedFile(artifact.stagedFile()));
            }
        }
        sent += count;
        writeSent();
    }

    /**
     * Moves the oldest unsent request, which the server refused, to {@code rejected.jsonl} (a staged
     * file stays in {@code files/}), so that the requests after it can go.
     */
    synchronized void reject() {
        SpoolEntry entry = unsent.removeFirst();
        Path rejected = dir.resolve(REJECTED);
        try {
            Files.writeString(rejected, entry.toJson() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw LocalTracker.failure("append to", rejected, e);
        }
        sent++;
        writeSent();
    }

    /** @return whether the server refused any request of this spool */
    boolean hasRejected() {
        return Files.exists(dir.resolve(REJECTED));
    }

    /**
     * Removes the spool, everything in it having reached the server, and leaves {@value #SENT_MARKER}
     * beside it: the server and the run's id there. A standalone spool's directory goes entirely.
     */
    synchronized void complete() {
        if (standalone) {
            delete();
            return;
        }
        LocalTracker.replaceFile(dir.resolveSibling(SENT_MARKER), SpoolEntry.JSON.toJson(
                Map.of("server", header.server(), "run_id", header.runId())), dir.getParent());
        delete();
    }

    /** Removes the spool's directory, and the directory made for a standalone spool. */
    synchronized void delete() {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(LocalTracker::deleteQuietly);
        } catch (IOException e) {
            throw LocalTracker.failure("remove", dir, e);
        }
        if (standalone) {
            LocalTracker.deleteQuietly(dir.getParent());
        }
    }

    private void writeSent() {
        LocalTracker.replaceFile(dir.resolve(SENT), Long.toString(sent), dir);
    }
}
