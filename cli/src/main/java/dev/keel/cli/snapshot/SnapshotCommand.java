package dev.keel.cli.snapshot;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keel snapshot}: operator tools for Keel snapshot files ({@code docs/snapshot-format.md}).
 * Only groups its subcommands; run alone it prints its usage as a usage error.
 */
@Command(name = "snapshot",
        subcommands = {SnapshotInspectCommand.class, SnapshotVerifyCommand.class, SnapshotCreateCommand.class},
        description = "Inspect, verify and create Keel snapshot files.")
public final class SnapshotCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("keel: error: a 'snapshot' subcommand is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
