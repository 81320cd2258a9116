package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records runs in a local directory in MLflow's file-store layout, so that {@code mlflow ui
 * --backend-store-uri <root>} and {@code mlflow.search_runs} read them:
 *
 * <pre>
 * root/
 *   .trash/                          deleted experiments (MLflow's)
 *   0/meta.yaml                      the experiment "Default"
 *   &lt;experiment id&gt;/meta.yaml        name, artifact_location, creation_time, ...
 *   &lt;experiment id&gt;/&lt;run id&gt;/
 *     meta.yaml                      run_id, run_name, status, start_time, end_time, ...
 *     params/&lt;key&gt;                   the value
 *     metrics/&lt;key&gt;                  lines "timestamp value step"
 *     tags/&lt;key&gt;                     the value
 *     artifacts/                     logged files
 * </pre>
 *
 * <p>Several processes may share a root: a new experiment's id is derived from its name, so
 * processes creating the same experiment at once race for one directory and agree on the winner.
 */
public final class LocalTracker implements Tracker {

    /** The directory MLflow uses when given none. */
    public static final Path DEFAULT_ROOT = Path.of("mlruns");

    static final String ACTIVE = "active";
    static final String META_FILE = "meta.yaml";
    private static final String TRASH = ".trash";
    private static final String DEFAULT_EXPERIMENT_ID = "0";
    private static final String DEFAULT_EXPERIMENT_NAME = "Default";
    private static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
    private static final long EXPERIMENT_ID_BASE = 100_000_000_000_000_000L;
    private static final int MAX_ID_ATTEMPTS = 16;
    private static final long META_WAIT_MILLIS = 2_000;
    private static final Pattern EXPERIMENT_ID = Pattern.compile("[a-zA-Z0-9][\\w\\-]{0,63}");
    private static final Pattern RUN_ID = Pattern.compile("[a-zA-Z0-9][\\w\\-]{0,255}");
    private static final Logger LOG = LoggerFactory.getLogger(LocalTracker.class);

    private final Path root;

    /** A tracker writing to {@link #DEFAULT_ROOT} in the working directory. */
    public LocalTracker() {
        this(DEFAULT_ROOT);
    }

    /** @param root the store's directory, created when the first run starts */
    public LocalTracker(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** @return the store's directory, absolute */
    public Path root() {
        return root;
    }

    @Override
    public TrackedRun startRun(String experimentName, String runName, Map<String, String> tags) {
        Map<String, String> allTags = new LinkedHashMap<>(tags == null ? Map.of() : tags);
        allTags.keySet().forEach(key -> EntityKey.of("tag", key));
        String tagName = allTags.get(LocalRun.RUN_NAME_TAG);
        if (runName != null && tagName != null && !runName.equals(tagName)) {
            throw new ScorelabException("run name '" + runName + "' differs from the tag " + LocalRun.RUN_NAME_TAG
                    + "='" + tagName + "'; give one of them or the same value");
        }
        Experiment experiment = experiment(experimentName);
        String runId = UUID.randomUUID().toString().replace("-", "");
        String name = runName != null ? runName : tagName != null ? tagName : "run-" + runId.substring(0, 8);
        String user = allTags.getOrDefault(LocalRun.USER_TAG, System.getProperty("user.name", "unknown"));
        allTags.putIfAbsent(LocalRun.RUN_NAME_TAG, name);
        allTags.putIfAbsent(LocalRun.USER_TAG, user);

        Path runDir = experiment.dir().resolve(runId);
        RunMeta meta = new RunMeta(runId, name, experiment.id(),
                experiment.artifactLocation() + "/" + runId + "/artifacts", user, RunStatus.RUNNING,
                System.currentTimeMillis(), null, ACTIVE);
        Path artifacts = localPath(meta.artifactUri(), experiment.dir().resolve(META_FILE));
        // meta.yaml goes last: readers (and MLflow) see a run only once it has one, so a process
        // killed while creating its run never leaves a visible run without its tags
        LocalRun run = new LocalRun(runDir, artifacts, meta);
        try {
            Files.createDirectory(runDir);
            for (String folder : List.of(LocalRun.METRICS, LocalRun.PARAMS, LocalRun.TAGS, LocalRun.ARTIFACTS)) {
                Files.createDirectories(runDir.resolve(folder));
            }
            Files.createDirectories(artifacts);
            allTags.forEach(run::setTag);
            run.publish();
        } catch (IOException e) {
            throw failure("create the run directory", runDir, e);
        }
        LOG.info("Run {} ({}) of experiment '{}' recorded in {}", runId, name, experimentName, runDir);
        return run;
    }

    @Override
    public TrackedRun openRun(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new ScorelabException("invalid run id '" + runId + "'");
        }
        Path runDir = findRun(root, runId).orElseThrow(() -> missingRun(runId));
        Path metaFile = runDir.resolve(META_FILE);
        RunMeta meta = RunMeta.of(FlatYaml.parse(read(metaFile), metaFile), metaFile);
        if (!meta.runId().equals(runId) || !meta.experimentId().equals(runDir.getParent().getFileName().toString())) {
            throw new ScorelabException(metaFile + ": records run " + meta.runId() + " of experiment "
                    + meta.experimentId() + ", not what its directory says");
        }
        if (!meta.lifecycleStage().equals(ACTIVE)) {
            throw new ScorelabException("run " + runId + " is deleted (" + metaFile + "); restore it first");
        }
        LocalRun run = new LocalRun(runDir, localPath(meta.artifactUri(), metaFile), meta);
        run.resume();
        return run;
    }

    private ScorelabException missingRun(String runId) {
        Optional<Path> deleted = findRun(root.resolve(TRASH), runId);
        return deleted.isPresent()
                ? new ScorelabException("run " + runId + " belongs to the deleted experiment "
                        + deleted.get().getParent().getFileName() + " (in " + root.resolve(TRASH) + "); restore it first")
                : new ScorelabException("no run " + runId + " in " + root);
    }

    private static Optional<Path> findRun(Path parent, String runId) {
        return subdirectories(parent).stream()
                .filter(dir -> EXPERIMENT_ID.matcher(dir.getFileName().toString()).matches())
                .map(dir -> dir.resolve(runId))
                .filter(dir -> Files.isRegularFile(dir.resolve(META_FILE)))
                .findFirst();
    }

    /** An experiment as its meta.yaml records it. */
    private record Experiment(String id, String name, String lifecycleStage, String artifactLocation, Path dir) {}

    /** Finds the experiment of that name, creating it (and the store) if there is none. */
    private Experiment experiment(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
            throw new ScorelabException("invalid experiment name '" + name + "': it must have 1 to "
                    + MAX_EXPERIMENT_NAME_LENGTH + " characters");
        }
        if (name.indexOf('\'') >= 0) {
            // MLflow finds experiments by the filter "name = '<name>'", which a quote breaks.
            throw new ScorelabException("invalid experiment name \"" + name
                    + "\": MLflow cannot look up a name containing a single quote (')");
        }
        try {
            Files.createDirectories(root.resolve(TRASH));
        } catch (IOException e) {
            throw failure("create the tracking store", root, e);
        }
        claim(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME);
        Optional<Experiment> existing = experiments(root).stream().filter(e -> e.name().equals(name)).findFirst();
        if (existing.isPresent()) {
            return active(existing.get());
        }
        experiments(root.resolve(TRASH)).stream().filter(e -> e.name().equals(name)).findFirst().ifPresent(e -> {
            throw new ScorelabException("experiment '" + name + "' is deleted (" + e.dir()
                    + "); restore it with 'mlflow experiments restore --experiment-id " + e.id()
                    + "' or remove it from " + root.resolve(TRASH) + " to reuse the name");
        });
        for (int attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
            String id = candidateId(name, attempt);
            if (Files.exists(root.resolve(TRASH).resolve(id))) {
                continue;
            }
            Experiment claimed = claim(id, name);
            if (claimed.name().equals(name)) {
                return active(claimed);
            }
        }
        throw new ScorelabException("cannot find a free id for experiment '" + name + "' in " + root);
    }

    private static Experiment active(Experiment experiment) {
        if (!experiment.lifecycleStage().equals(ACTIVE)) {
            throw new ScorelabException("experiment '" + experiment.name() + "' (" + experiment.dir() + ") is "
                    + experiment.lifecycleStage() + ", not active");
        }
        return experiment;
    }

    /**
     * Creates the experiment directory {@code id} for {@code name}, or reads the experiment already
     * there. Creating the directory is the atomic step: of several processes only one succeeds and
     * writes meta.yaml, the others wait for it. A directory left without meta.yaml by a process that
     * died is completed: its id was derived from the same name, so the content is the same.
     */
    private Experiment claim(String id, String name) {
        Path dir = root.resolve(id);
        Path metaFile = dir.resolve(META_FILE);
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            Optional<Experiment> existing = awaitExperiment(dir);
            if (existing.isPresent()) {
                return existing.get();
            }
            LOG.warn("Experiment directory {} has no {}; completing it for experiment '{}'", dir, META_FILE, name);
        } catch (IOException e) {
            throw failure("create the experiment directory", dir, e);
        }
        long now = System.currentTimeMillis();
        String artifactLocation = fileUri(root) + "/" + id;
        FlatYaml meta = new FlatYaml()
                .put("artifact_location", artifactLocation)
                .put("creation_time", now)
                .put("experiment_id", id)
                .put("last_update_time", now)
                .put("lifecycle_stage", ACTIVE)
                .put("name", name);
        replaceFile(metaFile, meta.render(), dir);
        return new Experiment(id, name, ACTIVE, artifactLocation, dir);
    }

    private static Optional<Experiment> awaitExperiment(Path dir) {
        long deadline = System.currentTimeMillis() + META_WAIT_MILLIS;
        while (!Files.exists(dir.resolve(META_FILE)) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScorelabException("interrupted while waiting for " + dir.resolve(META_FILE), e);
            }
        }
        return Files.exists(dir.resolve(META_FILE)) ? Optional.of(readExperiment(dir)) : Optional.empty();
    }

    /** The experiments under a directory (the root or the trash); malformed ones are skipped, as MLflow does. */
    private static List<Experiment> experiments(Path parent) {
        List<Experiment> experiments = new ArrayList<>();
        for (Path dir : subdirectories(parent)) {
            if (!EXPERIMENT_ID.matcher(dir.getFileName().toString()).matches()
                    || !Files.isRegularFile(dir.resolve(META_FILE))) {
                continue;
            }
            try {
                experiments.add(readExperiment(dir));
            } catch (ScorelabException e) {
                LOG.warn("Skipping malformed experiment: {}", e.getMessage());
            }
        }
        return experiments;
    }

    private static Experiment readExperiment(Path dir) {
        Path metaFile = dir.resolve(META_FILE);
        FlatYaml meta = FlatYaml.parse(read(metaFile), metaFile);
        String id = meta.string("experiment_id");
        String name = meta.string("name");
        String location = meta.string("artifact_location");
        if (id == null || name == null || location == null) {
            throw new ScorelabException(metaFile + ": missing experiment_id, name or artifact_location");
        }
        if (!id.equals(dir.getFileName().toString())) {
            throw new ScorelabException(metaFile + ": records experiment id " + id + ", not its directory's name");
        }
        String stage = meta.string("lifecycle_stage");
        return new Experiment(id, name, stage == null ? ACTIVE : stage, location, dir);
    }

    /** @return the directories in a directory, sorted; none if it does not exist */
    static List<Path> subdirectories(Path parent) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(parent)) {
            return children.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw failure("list", parent, e);
        }
    }

    /**
     * An 18-digit id (like MLflow's random ones) derived from the name and the attempt, so that
     * processes creating the same experiment try the same directories in the same order.
     */
    static String candidateId(String name, int attempt) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((attempt + ":" + name).getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                bits = (bits << 8) | (hash[i] & 0xff);
            }
            return Long.toString(EXPERIMENT_ID_BASE + Math.floorMod(bits, 9 * EXPERIMENT_ID_BASE));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** @return the directory's file URI as MLflow writes it: percent-encoded, no trailing slash */
    static String fileUri(Path dir) {
        String uri = dir.toAbsolutePath().normalize().toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /** @return the local directory of an artifact location: a file URI or, as old MLflow wrote, a path */
    private static Path localPath(String location, Path source) {
        if (location.startsWith("file:")) {
            return Path.of(URI.create(location));
        }
        if (location.matches("^[A-Za-z][A-Za-z0-9+.\\-]+:.*")) {
            throw new ScorelabException(source + ": artifacts are stored at " + location
                    + ", which the local tracker cannot write; use a file: location");
        }
        return Path.of(location);
    }

    /**
     * Replaces a file's content atomically: readers see the old or the new content, never a part.
     *
     * @param file the file
     * @param content its new content, written as UTF-8
     * @param tempDir where to write the temporary file: a directory on the same file system that
     *     MLflow does not read files from
     */
    static void replaceFile(Path file, String content, Path tempDir) {
        Path temp = null;
        try {
            temp = Files.createTempFile(tempDir, "." + file.getFileName(), ".tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", file, e);
        }
    }

    static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("Cannot delete the temporary file {}: {}", temp, e.toString());
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw failure("read", file, e);
        }
    }

    static ScorelabException failure(String action, Path file, IOException e) {
        return new ScorelabException("cannot " + action + " " + file + ": " + describe(e), e);
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        } else if (e instanceof NoSuchFileException missing) {
            return "no such file or directory " + missing.getFile();
        } else if (e instanceof FileAlreadyExistsException exists) {
            return "in the way: " + exists.getFile();
        } else if (e instanceof NotDirectoryException notDirectory) {
            return "not a directory: " + notDirectory.getFile();
        } else if (e instanceof DirectoryNotEmptyException notEmpty) {
            return "a directory is in the way: " + notEmpty.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
