package io.scorelab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** One in-process invocation of the command line, with what it printed. */
record CliRun(int exitCode, String out, String err) {

    static final Path QUICKSTART = Path.of("../../experiments/quickstart.conf");

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs {@code scorelab run <experiment> <overrides>} writing outputs and the store under {@code dir}. */
    static CliRun run(Path dir, Path experiment, String... overrides) {
        List<String> args = new ArrayList<>(List.of("run", experiment.toString(),
                "output.dir=\"" + dir.resolve("outputs") + "\"", "tracking.root=\"" + dir.resolve("mlruns") + "\""));
        args.addAll(Arrays.asList(overrides));
        return of(args.toArray(String[]::new));
    }

    /** @return the directory of the only run in the store under {@code dir} */
    static Path onlyRun(Path dir) throws IOException {
        List<Path> runs = runs(dir);
        if (runs.size() != 1) {
            throw new AssertionError("expected one run in the store, found " + runs);
        }
        return runs.get(0);
    }

    /** @return the directories of every run in the store under {@code dir} */
    static List<Path> runs(Path dir) throws IOException {
        try (Stream<Path> metas = Files.walk(dir.resolve("mlruns"), 3)) {
            return metas.filter(p -> p.getFileName().toString().equals("meta.yaml"))
                    .map(Path::getParent)
                    .filter(p -> Files.isDirectory(p.resolve("metrics")))
                    .sorted()
                    .toList();
        }
    }

    /** @return the MLflow status number a run's meta.yaml records (3 FINISHED, 4 FAILED, 5 KILLED) */
    static int status(Path run) throws IOException {
        String meta = Files.readString(run.resolve("meta.yaml"));
        java.util.regex.Matcher status = java.util.regex.Pattern.compile("(?m)^status: (\\d+)$").matcher(meta);
        if (!status.find()) {
            throw new AssertionError("no status in " + run.resolve("meta.yaml"));
        }
        return Integer.parseInt(status.group(1));
    }

    /** @return a tag of a run, or null when it has none */
    static String tag(Path run, String key) throws IOException {
        Path file = run.resolve("tags").resolve(key);
        return Files.isRegularFile(file) ? Files.readString(file) : null;
    }
}
