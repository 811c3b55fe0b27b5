package dev.keel.cli.wal;

import dev.keel.cli.CommandFailedException;
import dev.keel.raft.wal.SegmentedLogStorage;
import dev.keel.raft.wal.WalScanner;
import dev.keel.raft.wal.WalVisitor;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keel wal dump DIR}: prints a WAL directory record by record to stdout, one line each —
 * every segment with its header fields, every entry (index, term, type, payload size), every
 * hard-state, snapshot-token and truncation record — then the state the log recovers to.
 *
 * <p>Records are read by {@link WalScanner}, which runs the same checks as an open (frame CRCs,
 * the CRC chain, segment headers, replay rules) in read-only mode and never changes a file, not
 * even to cut a torn tail. Everything before the first failed check is printed; the failure stops
 * the dump with exit code 1 and names the segment file, the byte offset and what failed.
 */
@Command(name = "dump",
        description = {
            "Print the segments and records of a Keel WAL directory; never modifies it.",
            "",
            "Stops with exit code 1 at the first record that fails a check, naming the file and offset.",
            ""})
public final class WalDumpCommand implements Callable<Integer> {
    /** Segment file names, {@code docs/wal-format.md}: the sequence number in 16 decimal digits. */
    private static final Pattern SEGMENT = Pattern.compile("wal-(\\d{16})\\.seg");

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The WAL directory.")
    private Path dir;

    @Override
    public Integer call() throws IOException {
        requireSegments();
        PrintWriter out = spec.commandLine().getOut();
        try {
            WalScanner.scan(dir, new Printer(out));
            out.flush();
            try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).readOnly(true).open()) {
                out.println("log first-index " + log.firstIndex() + " last-index " + log.lastIndex());
                out.println(describe(log.hardState()));
                out.println(describe(log.snapshotToken()));
            }
        } catch (WalCorruptionException e) {
            out.flush();
            throw new CommandFailedException("corrupt WAL record, dump stopped: " + e.getMessage(), e);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** Prints each record as the scan reports it; what was printed stays printed if a later one is corrupt. */
    private static final class Printer implements WalVisitor {
        private final PrintWriter out;

        Printer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void segment(Path file, long sequence, long firstIndex, int chainSeed, HardState hardState,
                            Optional<SnapshotToken> snapshotToken, Map<Integer, Long> sealCounts) {
            out.println("segment " + file.getFileName() + " sequence " + sequence + " first-index " + firstIndex
                    + " chain-seed " + String.format("%08x", chainSeed) + " header-" + describe(hardState)
                    + " header-" + describe(snapshotToken) + " seal-counts " + sealCounts);
        }

        @Override
        public void entry(Path file, long offset, long index, long term, LogEntry.Type type, int payloadBytes,
                          int keyId) {
            out.println("entry index " + index + " term " + term + " type " + type + " payload " + payloadBytes
                    + (keyId == 0 ? "" : " sealed key-id " + keyId));
        }

        @Override
        public void hardState(Path file, long offset, HardState hardState) {
            out.println("record " + describe(hardState) + " offset " + offset);
        }

        @Override
        public void snapshotToken(Path file, long offset, SnapshotToken token) {
            out.println("record " + describe(Optional.of(token)) + " offset " + offset);
        }

        @Override
        public void truncation(Path file, long offset, long fromIndex) {
            out.println("record truncate from-index " + fromIndex + " offset " + offset);
        }

        @Override
        public void tornTail(Path file, long offset, long bytes) {
            out.println("torn-tail " + file.getFileName() + " offset " + offset + " bytes " + bytes
                    + " (an open for writing cuts it)");
        }
    }

    private static String describe(HardState hs) {
        return "hard-state term " + hs.term() + " voted-for \"" + hs.votedFor() + "\" commit-index " + hs.commitIndex();
    }

    private static String describe(Optional<SnapshotToken> token) {
        if (token.isEmpty()) {
            return "snapshot-token none";
        }
        SnapshotToken t = token.get();
        return "snapshot-token index " + t.index() + " term " + t.term() + " file-length " + t.fileLength()
                + " footer-crc32c " + String.format("%08x", t.footerCrc32c())
                + " header-crc32c " + String.format("%08x", t.headerCrc32c());
    }

    /** Refuses a path without segments: a read-only open would report an empty log, hiding a typo. */
    private void requireSegments() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CommandFailedException("no WAL in " + dir + (Files.exists(dir) ? " (not a directory)"
                    : " (no such directory)"));
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).toList();
        }
        if (segments.isEmpty()) {
            throw new CommandFailedException("no WAL in " + dir + " (no wal-NNNNNNNNNNNNNNNN.seg files)");
        }
    }
}
