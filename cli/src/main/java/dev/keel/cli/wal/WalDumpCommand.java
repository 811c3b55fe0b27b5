package dev.keel.cli.wal;

import dev.keel.cli.CommandFailedException;
import dev.keel.raft.wal.SegmentedLogStorage;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keel wal dump DIR}: prints a WAL directory's segments, its recorded hard state and
 * snapshot token, and every entry (index, term, type, payload size) to stdout, one line each.
 *
 * <p>The log is opened through {@link SegmentedLogStorage}'s read-only open, which verifies every
 * record (frame CRCs, the CRC chain, segment headers, replay rules) and never changes a file,
 * not even to cut a torn tail. The first failed check stops the dump with exit code 1 and the
 * corruption's message: the segment file, the byte offset and what failed.
 *
 * <p>Limitation, until raft-engine has a public record reader: the log is shown as recovery
 * replays it (the entries it holds, the latest hard state and token), not record by record, so
 * per-segment header fields, individual hard-state/token/truncation records and overwritten
 * entries are not printed, and a corrupt record stops the dump before any entry is printed.
 */
@Command(name = "dump",
        description = {
            "Print the segments and entries of a Keel WAL directory; never modifies it.",
            "",
            "Stops with exit code 1 at the first record that fails a check, naming the file and offset.",
            ""})
public final class WalDumpCommand implements Callable<Integer> {
    /** Segment file names, {@code docs/wal-format.md}: the sequence number in 16 decimal digits. */
    private static final Pattern SEGMENT = Pattern.compile("wal-(\\d{16})\\.seg");
    /** Entries read per call; bounds memory for logs of any length. */
    private static final int CHUNK_ENTRIES = 1024;
    private static final long CHUNK_BYTES = 4L * 1024 * 1024;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The WAL directory.")
    private Path dir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> segments = listSegments();
        for (Path segment : segments) {
            Matcher m = SEGMENT.matcher(segment.getFileName().toString());
            if (!m.matches()) {
                throw new IllegalStateException("listed a file that is not a segment: " + segment);
            }
            out.println("segment " + segment.getFileName() + " sequence " + Long.parseLong(m.group(1))
                    + " bytes " + Files.size(segment));
        }
        out.flush();
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).readOnly(true).open()) {
            long first = log.firstIndex();
            long last = log.lastIndex();
            out.println("log first-index " + first + " last-index " + last);
            HardState hs = log.hardState();
            out.println("hard-state term " + hs.term() + " voted-for \"" + hs.votedFor() + "\" commit-index "
                    + hs.commitIndex());
            out.println(describe(log.snapshotToken()));
            out.flush();
            for (long lo = first; lo <= last; ) {
                List<LogEntry> chunk = log.entries(lo, Math.min(last + 1, lo + CHUNK_ENTRIES), CHUNK_BYTES);
                for (LogEntry e : chunk) {
                    out.println("entry index " + e.index() + " term " + e.term() + " type " + e.type()
                            + " payload " + e.payloadLength());
                }
                // Entries already printed stay on stdout if a later read finds corruption.
                out.flush();
                lo += chunk.size();
            }
        } catch (WalCorruptionException e) {
            throw new CommandFailedException("corrupt WAL record, dump stopped: " + e.getMessage(), e);
        }
        return ExitCode.OK;
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
    private List<Path> listSegments() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CommandFailedException("no WAL in " + dir + (Files.exists(dir) ? " (not a directory)"
                    : " (no such directory)"));
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        if (segments.isEmpty()) {
            throw new CommandFailedException("no WAL in " + dir + " (no wal-NNNNNNNNNNNNNNNN.seg files)");
        }
        return segments;
    }
}
