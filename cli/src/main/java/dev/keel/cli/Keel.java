package dev.keel.cli;

import dev.keel.cli.demo.DemoCommand;
import dev.keel.cli.parity.DigestCommand;
import dev.keel.cli.parity.ParityCommand;
import dev.keel.cli.proof.ProofCommand;
import dev.keel.cli.replay.ReplayCommand;
import dev.keel.cli.snapshot.SnapshotCommand;
import dev.keel.cli.wal.WalCommand;
import dev.keel.storage.api.KeelException;
import dev.keel.storage.api.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code keel} command.
 *
 * <p>Exit codes: {@value ExitCode#OK} on success; {@value ExitCode#SOFTWARE} when a check fails
 * or Keel reports an error (one {@code keel: error: ...} line on stderr, the stack trace only with
 * {@code --verbose}); {@value ExitCode#USAGE} for a command line that does not parse.
 *
 * <p>Stdout carries only results (replay output is compared byte for byte); progress, warnings,
 * errors and log lines go to stderr.
 */
@Command(name = "keel",
        mixinStandardHelpOptions = true,
        versionProvider = Keel.VersionProvider.class,
        description = "Keel: an embedded versioned key-value store with state commitments.",
        subcommands = {DemoCommand.class, ReplayCommand.class, ProofCommand.class, WalCommand.class, SnapshotCommand.class,
            DigestCommand.class, ParityCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a check failed (e.g. a proof is invalid, a WAL record is corrupt, two backends diverged), or Keel reported an error",
            "2:the command line is not valid",
            "11-14:'snapshot verify': check 1-4 failed (length, token, header, checksum)"})
public final class Keel implements Callable<Integer> {
    private static final String VERBOSE = "--verbose";
    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @Spec
    private CommandSpec spec;

    // Declared for parsing and help only: it may follow the subcommand (scope INHERIT), so it is
    // read from the parse result (isVerbose) rather than from this field.
    @Option(names = VERBOSE, scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error, and the backends' log lines.")
    private boolean verbose;

    /**
     * Runs the command and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Builds the command with Keel's error reporting; tests execute it in-process after
     * {@link CommandLine#setOut} / {@link CommandLine#setErr}.
     *
     * @return a new command line for {@code keel}
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Keel());
        cl.setExecutionStrategy(Keel::execute);
        cl.setExecutionExceptionHandler(Keel::reportError);
        cl.setParameterExceptionHandler(Keel::reportUsageError);
        return cl;
    }

    /** {@code keel} without a subcommand: show what there is, as a usage error. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("keel: error: a command is required");
        spec.commandLine().usage(err);
        return ExitCode.USAGE;
    }

    private static int execute(ParseResult parseResult) {
        if (isVerbose(parseResult) && System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            // Read by slf4j-simple when the first logger is made, which is after parsing.
            System.setProperty(LOG_LEVEL_PROPERTY, "debug");
        }
        return new RunLast().execute(parseResult);
    }

    private static int reportError(Exception e, CommandLine cl, ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        boolean verbose = isVerbose(parseResult);
        err.println("keel: error: " + describe(e, verbose));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.SOFTWARE;
    }

    private static String describe(Exception e, boolean verbose) {
        if (e instanceof KeelException && e.getMessage() != null) {
            return e.getMessage();
        }
        // Anything else is a surprise (a bug here or in a backend): name its type as well.
        String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (e instanceof UncheckedIOException || e instanceof IOException) {
            what = "I/O failure: " + what;
        }
        return verbose ? what : what + " (run with " + VERBOSE + " for the stack trace)";
    }

    private static int reportUsageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("keel: error: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE;
    }

    private static boolean isVerbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** {@code keel --version}: the build's version, the JVM, and the backends on the class path. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            List<String> backends = Stores.backends();
            return new String[] {
                "keel " + buildVersion(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                "backends: " + (backends.isEmpty() ? "none" : String.join(", ", backends))
            };
        }

        private static String buildVersion() {
            try (InputStream in = Keel.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "(unknown version)";
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "(unknown version)");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the build version", e);
            }
        }
    }
}
