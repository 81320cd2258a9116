package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third-party plugin of docs/examples/custom-loss-plugin, built the way its own Maven project
 * builds it (compiled against the API and what the API depends on, nothing else of scorelab),
 * dropped into a plugin directory, listed, and chosen by name on the command line.
 */
class CustomPluginTest {

    private static final Path EXAMPLE = Path.of("../../docs/examples/custom-loss-plugin");

    @TempDir
    Path dir;

    @Test
    void aPluginBuiltAgainstTheApiAloneAddsALossByName() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = build(plugins.resolve("custom-loss-plugin-1.0.0.jar"));

        CliRun listing = CliRun.of("plugins", "--plugin-dir", plugins.toString());
        assertThat(listing.exitCode()).as(listing.err()).isZero();
        assertThat(listing.out()).containsPattern("loss\\s+power_dsm\\s+example-power-dsm\\s+1\\.0\\.0\\s+custom-loss-plugin-1\\.0\\.0\\.jar");

        CliRun run = CliRun.run(dir, CliRun.QUICKSTART, "plugins.dirs=[\"" + plugins + "\"]", "loss=power_dsm",
                "loss.power=1.5", "trainer.steps=10", "trainer.log_every=5", "trainer.warmup=2", "eval.samples=100",
                "sampler.steps_per_level=1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path store = CliRun.onlyRun(dir);
        assertThat(Files.readString(store.resolve("params/loss.name"))).isEqualTo("power_dsm");
        assertThat(Files.readString(store.resolve("params/loss.power"))).isEqualTo("1.5");
        assertThat(CliRun.tag(store, "scorelab.plugin.example-power-dsm.jar")).isEqualTo(jar.getFileName().toString());
        assertThat(CliRun.tag(store, "scorelab.plugin.example-power-dsm.version")).isEqualTo("1.0.0");

        CliRun wrong = CliRun.run(dir, CliRun.QUICKSTART, "plugins.dirs=[\"" + plugins + "\"]", "loss=power_dsm",
                "loss.power=9");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("loss.power = 9: expected a number in [0.0, 4.0]");
    }

    /** Compiles the example's sources and packs them with its resources, as {@code mvn package} does. */
    private Path build(Path jar) throws IOException, URISyntaxException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> sources;
        try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
        assertThat(sources).hasSize(2);
        List<String> classpath = new ArrayList<>();
        for (Class<?> type : List.of(io.scorelab.api.Plugin.class, ai.djl.ndarray.NDArray.class,
                com.google.inject.Inject.class, jakarta.inject.Inject.class, com.typesafe.config.Config.class)) {
            classpath.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", classes.toString(),
                "-cp", String.join(java.io.File.pathSeparator, classpath)));
        args.addAll(sources);
        StringWriter errors = new StringWriter();
        int code = compiler.run(null, null, new OutputStream() {
            @Override
            public void write(int b) {
                errors.write(b);
            }
        }, args.toArray(String[]::new));
        assertThat(code).as("javac: " + errors).isZero();

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "1.0.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            TreeSet<String> directories = new TreeSet<>();
            for (Path root : List.of(classes, EXAMPLE.resolve("src/main/resources"))) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(root)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    String name = root.relativize(file).toString().replace('\\', '/');
                    // directory entries, as jar tools write them: config-group listings rely on them
                    for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                        if (directories.add(name.substring(0, slash + 1))) {
                            out.putNextEntry(new JarEntry(name.substring(0, slash + 1)));
                            out.closeEntry();
                        }
                    }
                    out.putNextEntry(new JarEntry(name));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
        }
        return jar;
    }
}
