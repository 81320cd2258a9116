package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a store in MLflow's file-store layout (the one {@link LocalTracker} writes) without
 * changing it: experiments by name, their active runs with status, params, tags and metric keys,
 * and a metric's latest value, chosen as MLflow's file store chooses it for {@code search_runs}:
 *
 * <pre>
 * latest = the point p maximizing (p.step, p.timestamp, p.value), compared in that order
 * </pre>
 *
 * Deleted runs and experiments are left out, as MLflow's default view does; a run whose meta.yaml
 * is malformed is skipped with a warning, as MLflow skips it.
 */
public final class LocalStoreReader {

    private static final String TRASH = ".trash";
    private static final Comparator<MetricPoint> LATEST = Comparator.comparingLong(MetricPoint::step)
            .thenComparingLong(MetricPoint::timestamp)
            .thenComparing(MetricPoint::value, Double::compare);
    private static final Pattern RUN_ID = Pattern.compile("[a-zA-Z0-9][\\w\\-]{0,255}");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final Logger LOG = LoggerFactory.getLogger(LocalStoreReader.class);

    private final Path root;

    /** @param root the store's directory, for example {@code mlruns} */
    public LocalStoreReader(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** @return the store's directory, absolute */
    public Path root() {
        return root;
    }

    /**
     * @param name an experiment's name
     * @return the id of the active experiment of that name
     * @throws ScorelabException if the store does not exist, or there is no such experiment (naming
     *     the ones there), or it is deleted
     */
    public String experimentId(String name) {
        if (!Files.isDirectory(root)) {
            throw new ScorelabException("no tracking store at " + root + ": the directory does not exist");
        }
        Map<String, FlatYaml> experiments = experiments(root);
        for (Map.Entry<String, FlatYaml> experiment : experiments.entrySet()) {
            if (name.equals(experiment.getValue().string("name"))) {
                String stage = experiment.getValue().string("lifecycle_stage");
                if (stage != null && !stage.equals(LocalTracker.ACTIVE)) {
                    throw new ScorelabException("experiment '" + name + "' (" + root.resolve(experiment.getKey())
                            + ") is " + stage + ", not active");
                }
                return experiment.getKey();
            }
        }
        experiments(root.resolve(TRASH)).forEach((id, meta) -> {
            if (name.equals(meta.string("name"))) {
                throw new ScorelabException("experiment '" + name + "' is deleted (" + root.resolve(TRASH).resolve(id)
                        + "); restore it with 'mlflow experiments restore --experiment-id " + id + "'");
            }
        });
        String names = experiments.values().stream().map(meta -> meta.string("name"))
                .filter(n -> n != null).sorted().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        throw new ScorelabException("no experiment '" + name + "' in " + root
                + (names.isEmpty() ? ": the store has none" : "; experiments there: " + names));
    }

    /**
     * @param experimentId an experiment's id
     * @return its active runs, oldest first
     */
    public List<StoredRun> runs(String experimentId) {
        List<StoredRun> runs = new ArrayList<>();
        for (Path dir : LocalTracker.subdirectories(root.resolve(experimentId))) {
            if (!Files.isRegularFile(dir.resolve(LocalTracker.META_FILE))) {
                continue; // not a run: MLflow keeps an experiment's own tags/ here
            }
            try {
                RunMeta meta = meta(dir);
                if (meta.lifecycleStage().equals(LocalTracker.ACTIVE)) {
                    runs.add(read(dir, meta));
                }
            } catch (ScorelabException e) {
                LOG.warn("Skipping malformed run: {}", e.getMessage());
            }
        }
        runs.sort(Comparator.comparingLong(StoredRun::startTime).thenComparing(StoredRun::runId));
        return runs;
    }

    /**
     * @param runId a run's id
     * @return the run, in whichever active experiment holds it
     * @throws ScorelabException if there is no such run or it is deleted
     */
    public StoredRun run(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new ScorelabException("invalid run id '" + runId + "'");
        }
        for (String experimentId : experiments(root).keySet()) {
            Path dir = root.resolve(experimentId).resolve(runId);
            if (Files.isRegularFile(dir.resolve(LocalTracker.META_FILE))) {
                RunMeta meta = meta(dir);
                if (!meta.lifecycleStage().equals(LocalTracker.ACTIVE)) {
                    throw new ScorelabException("run " + runId + " is deleted (" + dir + ")");
                }
                return read(dir, meta);
            }
        }
        throw new ScorelabException("no run " + runId + " in " + root);
    }

    /**
     * @param run a run of this store
     * @param key a metric's key, for example {@code eval/mmd}
     * @return its latest point (see the class comment), or empty if the run has no such metric
     * @throws ScorelabException naming the file and line of a malformed point
     */
    public Optional<MetricPoint> latestMetric(StoredRun run, String key) {
        return metricHistory(run, key).stream().max(LATEST);
    }

    /**
     * @param run a run of this store
     * @param key a metric's key, for example {@code train/loss}
     * @return its points in the order they were logged; empty if the run has no such metric
     * @throws ScorelabException naming the file and line of a malformed point
     */
    public List<MetricPoint> metricHistory(StoredRun run, String key) {
        if (!run.metrics().contains(key)) {
            return List.of();
        }
        Path file = run.directory().resolve(LocalRun.METRICS).resolve(key);
        String text = LocalTracker.read(file);
        List<String> lines = text.lines().toList();
        // A last line without its line break is one still being written (or torn by a crash): not a point.
        int complete = text.isEmpty() || text.endsWith("\n") ? lines.size() : lines.size() - 1;
        List<MetricPoint> points = new ArrayList<>(complete);
        for (int i = 0; i < complete; i++) {
            if (!lines.get(i).isBlank()) {
                points.add(point(lines.get(i), file, i + 1));
            }
        }
        return points;
    }

    /**
     * @param experimentId an experiment's id
     * @return its name
     * @throws ScorelabException if there is no such experiment
     */
    public String experimentName(String experimentId) {
        Path metaFile = root.resolve(experimentId).resolve(LocalTracker.META_FILE);
        if (!Files.isRegularFile(metaFile)) {
            throw new ScorelabException("no experiment " + experimentId + " in " + root);
        }
        return FlatYaml.parse(LocalTracker.read(metaFile), metaFile).string("name");
    }

    private static MetricPoint point(String line, Path file, int lineNumber) {
        String[] fields = line.strip().split("\\s+");
        try {
            if (fields.length == 2 || fields.length == 3) {
                return new MetricPoint(Long.parseLong(fields[0]), value(fields[1]),
                        fields.length == 3 ? Long.parseLong(fields[2]) : 0);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ScorelabException(file + ":" + lineNumber + ": expected \"timestamp value step\", found '"
                + line + "'");
    }

    /** @return the value as Python's float() reads what MLflow writes: decimals, nan, inf, -inf */
    private static double value(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "nan", "+nan", "-nan" -> Double.NaN;
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> {
                if (!DECIMAL.matcher(text).matches()) {
                    throw new NumberFormatException(text);
                }
                yield Double.parseDouble(text);
            }
        };
    }

    private StoredRun read(Path dir, RunMeta meta) {
        return new StoredRun(meta.runId(), meta.runName(), meta.experimentId(), meta.status(), meta.startTime(),
                meta.endTime(), values(dir.resolve(LocalRun.PARAMS)), values(dir.resolve(LocalRun.TAGS)),
                keys(dir.resolve(LocalRun.METRICS)), dir);
    }

    private static RunMeta meta(Path dir) {
        Path metaFile = dir.resolve(LocalTracker.META_FILE);
        RunMeta meta = RunMeta.of(FlatYaml.parse(LocalTracker.read(metaFile), metaFile), metaFile);
        if (!meta.runId().equals(dir.getFileName().toString())) {
            throw new ScorelabException(metaFile + ": records run " + meta.runId() + ", not its directory's name");
        }
        return meta;
    }

    /** @return the files below {@code dir} by key ({@code a/b} for dir/a/b) to their content */
    private static Map<String, String> values(Path dir) {
        Map<String, String> values = new TreeMap<>();
        for (String key : keys(dir)) {
            values.put(key, LocalTracker.read(dir.resolve(key)));
        }
        return values;
    }

    /** @return the keys of the files below {@code dir}, {@code a/b} for dir/a/b */
    private static Set<String> keys(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> key(dir.relativize(file)))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw LocalTracker.failure("list", dir, e);
        }
    }

    /** @return the relative path's names joined by slashes, as MLflow names keys on every OS */
    private static String key(Path relative) {
        StringJoiner key = new StringJoiner("/");
        relative.forEach(name -> key.add(name.toString()));
        return key.toString();
    }

    /** @return the experiments under a directory (the root or the trash): id to meta.yaml; malformed ones skipped */
    private static Map<String, FlatYaml> experiments(Path parent) {
        Map<String, FlatYaml> experiments = new TreeMap<>();
        for (Path dir : LocalTracker.subdirectories(parent)) {
            Path metaFile = dir.resolve(LocalTracker.META_FILE);
            String id = dir.getFileName().toString();
            if (id.startsWith(".") || !Files.isRegularFile(metaFile)) {
                continue;
            }
            try {
                experiments.put(id, FlatYaml.parse(LocalTracker.read(metaFile), metaFile));
            } catch (ScorelabException e) {
                LOG.warn("Skipping malformed experiment: {}", e.getMessage());
            }
        }
        return experiments;
    }
}
