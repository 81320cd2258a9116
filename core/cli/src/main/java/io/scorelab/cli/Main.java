package io.scorelab.cli;

import io.scorelab.api.ScorelabException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code scorelab} command line. The only place that prints to the terminal. */
@Command(
        name = "scorelab",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Experiments with score-based generative models: train, sample, evaluate, track in MLflow.",
        subcommands = {RunCommand.class, ConfigCommand.class, SampleCommand.class, EvalCommand.class, CompareCommand.class,
            TrackingCommand.class,
            PluginsCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code of a user's mistake. */
    static final int USER_ERROR = 2;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** @return the exit code of one invocation: 0, 1 for a bug of ours, 2 for a user's mistake */
    static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** @return the exit code of one invocation that prints to {@code out} and {@code err} */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(Main::handle);
        return commandLine.execute(args);
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof ScorelabException) {
            err.println("error: " + e.getMessage());
            LoggerFactory.getLogger(Main.class).debug("user error", e);
            err.flush();
            return USER_ERROR;
        }
        LoggerFactory.getLogger(Main.class).error("internal error", e);
        err.println("internal error (a bug in scorelab, please report it with this trace):");
        e.printStackTrace(err);
        err.flush();
        return 1;
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "scorelab " + (version != null ? version : "dev"),
                "scorelab API version " + io.scorelab.api.Plugin.API_VERSION,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
