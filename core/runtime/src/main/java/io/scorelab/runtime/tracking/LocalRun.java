package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A run of a {@link LocalTracker}: writes go straight to the run's directory. */
final class LocalRun implements TrackedRun {

    static final String METRICS = "metrics";
    static final String PARAMS = "params";
    static final String TAGS = "tags";
    static final String ARTIFACTS = "artifacts";
    static final String RUN_NAME_TAG = "mlflow.runName";
    static final String USER_TAG = "mlflow.user";
    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);

    private final Path dir;
    private final Path artifacts;
    private final Map<String, FileChannel> metricFiles = new HashMap<>();
    private RunMeta meta;
    private boolean ended;

    /**
     * @param dir the run's directory, which exists
     * @param artifacts the directory its artifact_uri names
     * @param meta its meta.yaml
     */
    LocalRun(Path dir, Path artifacts, RunMeta meta) {
        this.dir = dir;
        this.artifacts = artifacts;
        this.meta = meta;
    }

    @Override
    public String runId() {
        return meta.runId();
    }

    @Override
    public String experimentId() {
        return meta.experimentId();
    }

    @Override
    public synchronized void logParams(Map<String, String> params) {
        checkOpen();
        Map<EntityKey, String> valid = new LinkedHashMap<>();
        params.forEach((key, value) -> valid.put(EntityKey.of("param", key),
                MlflowLimits.paramValue(key, value)));
        valid.forEach((key, value) -> {
            Path file = key.resolveIn(dir.resolve(PARAMS));
            if (Files.isRegularFile(file)) {
                String logged = LocalTracker.read(file);
                if (logged.equals(value)) {
                    return;
                }
                throw new ScorelabException("param '" + key.name() + "' of run " + runId() + " was logged as '" + logged
                        + "' and cannot change to '" + value + "': params are immutable (" + file + ")");
            }
            write(key, file, value);
        });
    }

    @Override
    public synchronized void logMetric(String key, double value, long step, long timestampMillis) {
        checkOpen();
        EntityKey metric = EntityKey.of("metric", key);
        if (timestampMillis < 0) {
            throw new IllegalArgumentException("metric '" + key + "': negative timestamp " + timestampMillis);
        }
        Path file = metric.resolveIn(dir.resolve(METRICS));
        // One write of a whole line to a file opened for appending: a crash cannot leave half a line.
        ByteBuffer line = ByteBuffer.wrap((timestampMillis + " " + format(value) + " " + step + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        try {
            FileChannel channel = metricFiles.get(key);
            if (channel == null) {
                createParent(metric, file);
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                metricFiles.put(key, channel);
            }
            while (line.hasRemaining()) {
                channel.write(line);
            }
        } catch (IOException e) {
            throw LocalTracker.failure("append to", file, e);
        }
    }

    /** @return the value as Python's float() reads it, exactly */
    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return Double.toString(value);
    }

    @Override
    public synchronized void setTag(String key, String value) {
        checkOpen();
        EntityKey tag = EntityKey.of("tag", key);
        String text = MlflowLimits.tagValue(key, value);
        write(tag, tag.resolveIn(dir.resolve(TAGS)), text);
        if (key.equals(RUN_NAME_TAG) && !text.equals(meta.runName())) {
            writeMeta(meta.withName(text));
        }
    }

    @Override
    public synchronized void logArtifact(Path file, String artifactDirectory) {
        checkOpen();
        if (!Files.isRegularFile(file)) {
            throw new ScorelabException("cannot log artifact " + file + ": "
                    + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        Path targetDir = artifactDirectory == null || artifactDirectory.isEmpty()
                ? artifacts
                : EntityKey.of("artifact directory", artifactDirectory).resolveIn(artifacts);
        Path target = targetDir.resolve(file.getFileName().toString());
        Path temp = null;
        try {
            Files.createDirectories(targetDir);
            temp = Files.createTempFile(dir, ".artifact", ".tmp");
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LocalTracker.deleteQuietly(temp);
            throw LocalTracker.failure("copy " + file + " to", target, e);
        }
    }

    @Override
    public synchronized void end(RunStatus status) {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("a run ends FINISHED, FAILED or KILLED, not " + status);
        }
        if (ended) {
            LOG.debug("Run {} has ended already; it stays {}", runId(), meta.status());
            return;
        }
        ended = true;
        closeMetricFiles();
        writeMeta(meta.withStatus(status, System.currentTimeMillis()));
    }

    @Override
    public void close() {
        end(RunStatus.FAILED);
    }

    /** Marks a reopened run running again and drops a torn last line a crash left in a metric file. */
    synchronized void resume() {
        Path metrics = dir.resolve(METRICS);
        if (Files.isDirectory(metrics)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(metrics)) {
                files = walk.filter(Files::isRegularFile).toList();
            } catch (IOException e) {
                throw LocalTracker.failure("list", metrics, e);
            }
            files.forEach(LocalRun::dropTornLine);
        }
        writeMeta(meta.withStatus(RunStatus.RUNNING, null));
    }

    private static void dropTornLine(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                channel.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                LOG.warn("Dropping the incomplete last line of {}", file);
                channel.truncate(end);
            }
        } catch (IOException e) {
            throw LocalTracker.failure("repair", file, e);
        }
    }

    private void write(EntityKey key, Path file, String value) {
        createParent(key, file);
        LocalTracker.replaceFile(file, value, dir);
    }

    /** Creates the directories of a key with slashes; one already a file is a clash of two keys. */
    private static void createParent(EntityKey key, Path file) {
        try {
            Files.createDirectories(file.getParent());
        } catch (FileAlreadyExistsException e) {
            throw new ScorelabException(key.kind() + " '" + key.name() + "' clashes with the " + key.kind() + " "
                    + e.getFile() + ": a key cannot be both a value and a directory of keys", e);
        } catch (IOException e) {
            throw LocalTracker.failure("create", file.getParent(), e);
        }
        if (Files.isDirectory(file)) {
            throw new ScorelabException(key.kind() + " '" + key.name() + "' clashes with " + key.kind()
                    + "s named '" + key.name() + "/...': " + file + " is a directory");
        }
    }

    /** Writes the run's meta.yaml, which makes the run visible to readers of the store. */
    void publish() {
        writeMeta(meta);
    }

    private void writeMeta(RunMeta newMeta) {
        LocalTracker.replaceFile(dir.resolve(LocalTracker.META_FILE), newMeta.toYaml().render(), dir);
        meta = newMeta;
    }

    private void checkOpen() {
        if (ended) {
            throw new IllegalStateException("run " + runId() + " has ended");
        }
    }

    private void closeMetricFiles() {
        for (Map.Entry<String, FileChannel> entry : metricFiles.entrySet()) {
            try {
                entry.getValue().close();
            } catch (IOException e) {
                LOG.warn("Cannot close the file of metric '{}': {}", entry.getKey(), e.toString());
            }
        }
        metricFiles.clear();
    }
}
