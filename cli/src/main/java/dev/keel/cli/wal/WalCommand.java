package dev.keel.cli.wal;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keel wal}: operator tools for a Keel write-ahead log directory. Only groups its
 * subcommands; run alone it prints its usage as a usage error.
 */
@Command(name = "wal",
        subcommands = WalDumpCommand.class,
        description = "Inspect a Keel write-ahead log directory.")
public final class WalCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("keel: error: a 'wal' subcommand is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
