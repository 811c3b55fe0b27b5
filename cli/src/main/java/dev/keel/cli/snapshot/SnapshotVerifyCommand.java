package dev.keel.cli.snapshot;

import dev.keel.cli.progress.Progress;
import dev.keel.snapshot.format.SnapshotVerifier;
import dev.keel.snapshot.format.VerifiedSnapshot;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.snapshot.SnapshotChecksumException;
import dev.keel.storage.api.snapshot.SnapshotException;
import dev.keel.storage.api.snapshot.SnapshotHeaderException;
import dev.keel.storage.api.snapshot.SnapshotLengthMismatchException;
import dev.keel.storage.api.snapshot.SnapshotTokenMismatchException;
import dev.keel.storage.api.snapshot.SnapshotTooSmallException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keel snapshot verify FILE [--token T] [--policy FULL|HEADER]}: runs SPEC section 3's
 * verification checks through {@link SnapshotVerifier}, and says by its exit code which failed.
 *
 * <p>With {@code --token} (what the log recorded) all four checks run, in order. Without one
 * there is nothing outside the file to compare with, so checks 1 and 2 cannot fail: the file is
 * verified against the token its own header and footer describe ({@link SnapshotVerifier#ownToken}), which runs
 * checks 3 and 4 — header CRC and consistency, and the body against the footer. That catches
 * damage, not a file swapped for another valid snapshot; only a token can.
 *
 * <p>Exit codes: 0 all checks run passed; {@code 10 + n} check {@code n} failed (11 length,
 * 12 token, 13 header, 14 checksum), with one {@code keel: error: check n (...) failed: ...}
 * line on stderr; 1 the file cannot be read; 2 usage. The body check (FULL) shows progress on
 * stderr; stdout gets one line per check and a summary.
 */
@Command(name = "verify",
        description = {"Verify a snapshot file against its token (all four checks) or, without --token, against its "
                + "own header and footer (checks 3 and 4). Never modifies the file.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every check run passed",
            "1:the file cannot be read, or Keel reported another error",
            "2:the command line is not valid",
            "11:check 1 failed: file length below the minimum or not the token's",
            "12:check 2 failed: footer CRC is not the token's",
            "13:check 3 failed: header does not parse, fails its CRC or disagrees with the token or its metadata",
            "14:check 4 failed: CRC32C of header and body is not the footer's (FULL only)"})
public final class SnapshotVerifyCommand implements Callable<Integer> {
    /** Exit code of check {@code n}'s failure is {@code CHECK_EXIT_BASE + n}. */
    public static final int CHECK_EXIT_BASE = 10;
    private static final String[] CHECK_NAMES = {"", "length", "token", "header", "checksum"};

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The snapshot file.")
    private Path file;

    @Option(names = "--token", paramLabel = "TOKEN", converter = TokenArgument.class,
            description = "The snapshot token the log recorded, index:term:length:footerCrcHex:headerCrcHex "
                    + "(as 'keel snapshot inspect' and 'create' print it).")
    private SnapshotToken token;

    @Option(names = "--policy", paramLabel = "POLICY", defaultValue = "FULL",
            description = "FULL (default): checks up to 4, reading the whole file; HEADER: up to 3, reading only the "
                    + "header and footer.")
    private VerificationPolicy policy;

    @Override
    public Integer call() {
        SnapshotFiles.requireFile(file);
        PrintWriter out = spec.commandLine().getOut();
        VerifiedSnapshot verified;
        SnapshotToken against;
        try {
            against = token != null ? token : SnapshotVerifier.ownToken(file);
            verified = verifyWithProgress(against);
        } catch (SnapshotException e) {
            int check = checkOf(e);
            PrintWriter err = spec.commandLine().getErr();
            err.println("keel: error: check " + check + " (" + CHECK_NAMES[check] + ") failed: " + e.getMessage());
            err.flush();
            return CHECK_EXIT_BASE + check;
        }
        String noToken = "not checked (no --token; the file's own length and footer are used)";
        out.println("check 1 length: " + (token != null ? "ok (" + verified.fileLength() + " bytes)" : noToken));
        out.println("check 2 token: " + (token != null ? "ok" : noToken));
        out.println("check 3 header: ok (index " + verified.header().index() + " term " + verified.header().term() + ")");
        out.println("check 4 checksum: " + (policy == VerificationPolicy.FULL ? "ok" : "not checked (policy HEADER)"));
        out.println("verified " + file + " policy " + policy + " bytes-read " + verified.bytesRead()
                + " token " + TokenArgument.format(against));
        out.flush();
        return ExitCode.OK;
    }

    private VerifiedSnapshot verifyWithProgress(SnapshotToken against) {
        if (policy != VerificationPolicy.FULL) {
            return SnapshotVerifier.verify(file, against, policy);
        }
        // Only check 4 reports progress: it is the one whose time grows with the file.
        try (Progress progress = Progress.open("verify", "bytes", Math.max(0, against.fileLength() - SnapshotFiles.FOOTER_BYTES),
                spec.commandLine().getErr())) {
            return SnapshotVerifier.verify(file, against, policy, (done, total) -> progress.stepTo(done));
        }
    }

    /** The check a typed failure belongs to (SPEC section 3 gives each check its own types). */
    private static int checkOf(SnapshotException e) {
        if (e instanceof SnapshotTooSmallException || e instanceof SnapshotLengthMismatchException) {
            return 1;
        }
        if (e instanceof SnapshotTokenMismatchException) {
            return 2;
        }
        if (e instanceof SnapshotHeaderException) {
            return 3;
        }
        if (e instanceof SnapshotChecksumException) {
            return 4;
        }
        throw e;
    }
}
