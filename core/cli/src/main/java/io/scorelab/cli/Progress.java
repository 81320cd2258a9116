package io.scorelab.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.scorelab.runtime.run.RunListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.LoggerFactory;

/**
 * Shows a run on the terminal: a progress bar with the loss and examples/s when the terminal is
 * interactive, one line per log otherwise; and writes the run's full log to {@code run.log} in its
 * output directory.
 */
final class Progress implements RunListener, AutoCloseable {

    private final PrintWriter out;
    private final boolean interactive;
    private ProgressBar bar;
    private FileAppender<ILoggingEvent> log;

    /** @param out the terminal, or null to write only {@code run.log} (a job of a sweep in this process) */
    Progress(PrintWriter out) {
        this.out = out;
        this.interactive = out != null && System.console() != null;
    }

    @Override
    public void onStart(Path outputDirectory, String runId, long totalSteps) {
        log = runLog(outputDirectory.resolve("run.log"));
        if (out == null) {
            return;
        }
        out.printf("run %s -> %s%n", runId, outputDirectory);
        out.flush();
        if (interactive) {
            bar = new ProgressBarBuilder()
                    .setTaskName("train")
                    .setInitialMax(totalSteps)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250)
                    .showSpeed()
                    .setUnit(" steps", 1)
                    .build();
        }
    }

    @Override
    public void onStep(long step) {
        if (bar != null) {
            bar.stepTo(step);
        }
    }

    @Override
    public void onLog(long step, Map<String, Double> metrics) {
        String line = String.format(Locale.ROOT, "loss %.4g | %.0f ex/s",
                metrics.get("train/loss"), metrics.get("train/examples_per_sec"));
        LoggerFactory.getLogger("io.scorelab.train").info("step {}: {}", step, metrics);
        if (bar != null) {
            bar.setExtraMessage(" | " + line);
        } else if (out != null) {
            out.printf("step %d: %s%n", step, line);
            out.flush();
        }
    }

    @Override
    public void onEvaluation(long step, Map<String, Double> metrics) {
        LoggerFactory.getLogger("io.scorelab.eval").info("step {}: {}", step, metrics);
        if (bar != null) {
            bar.setExtraMessage(" | eval " + metrics);
        } else if (out != null) {
            out.printf("eval at step %d: %s%n", step, metrics);
            out.flush();
        }
    }

    private static FileAppender<ILoggingEvent> runLog(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return null;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{36}: %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("run-log");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
        if (log != null) {
            ((LoggerContext) LoggerFactory.getILoggerFactory())
                    .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(log);
            log.stop();
        }
    }
}
