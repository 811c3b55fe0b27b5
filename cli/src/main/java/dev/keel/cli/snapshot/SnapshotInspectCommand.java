package dev.keel.cli.snapshot;

import dev.keel.snapshot.format.SnapshotHeader;
import dev.keel.snapshot.format.SnapshotVerifier;
import dev.keel.snapshot.format.VerifiedSnapshot;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keel snapshot inspect FILE}: prints a snapshot file's header fields, sizes and CRCs, one
 * {@code name value} line each, ending with the {@code token} line that {@code verify --token}
 * accepts.
 *
 * <p>The header is read through {@link SnapshotVerifier} under {@code HEADER} policy against the
 * file's own token ({@link SnapshotVerifier#ownToken}): checks 1–3 against itself, O(1) in the body's size. So a
 * header that fails its CRC or disagrees with its own metadata is not printed (exit 1): its fields
 * could not be trusted. The body is not read; {@code keel snapshot verify} checks it.
 */
@Command(name = "inspect",
        description = {"Print a snapshot file's header fields, sizes, CRCs and the token naming it; reads only the "
                + "header and footer, never modifies the file.", ""})
public final class SnapshotInspectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The snapshot file.")
    private Path file;

    @Override
    public Integer call() {
        SnapshotFiles.requireFile(file);
        SnapshotToken token = SnapshotVerifier.ownToken(file);
        VerifiedSnapshot verified = SnapshotVerifier.verify(file, token, VerificationPolicy.HEADER);
        SnapshotHeader h = verified.header();
        CommitMetadata m = h.metadata();
        HexFormat hex = HexFormat.of();
        PrintWriter out = spec.commandLine().getOut();
        out.println("file " + file);
        out.println("format-version " + SnapshotVerifier.FORMAT_VERSION);
        out.println("index " + h.index());
        out.println("term " + h.term());
        out.println("backend " + h.backend());
        out.println("record-kind " + h.recordKind());
        out.println("store-version " + h.storeVersion());
        out.println("commitment " + h.commitment().scheme() + " " + h.commitment().hex());
        out.println("metadata applied-index " + m.appliedIndex() + " applied-term " + m.appliedTerm()
                + " hlc-ceiling " + m.hlcCeiling() + " cutover-index " + m.cutoverIndex()
                + " active-key-id " + m.activeKeyId());
        out.println("metadata-membership voters [" + String.join(",", m.membership().voters()) + "] learners ["
                + String.join(",", m.membership().learners()) + "]");
        byte[] application = m.application();
        out.println("metadata-application " + application.length + " bytes" + (application.length == 0 ? ""
                : " " + hex.formatHex(application)));
        out.println("flags 0x" + Integer.toHexString(h.flags()) + (h.isSealed() ? " sealed" : " not-sealed"));
        out.println("seal key-id " + h.sealKeyId() + " overhead " + h.sealOverhead());
        out.println("record-count " + h.recordCount());
        out.println("chunk-size " + h.chunkSize());
        out.println("header-length " + verified.headerLength());
        out.println("body-length " + (verified.fileLength() - verified.headerLength() - SnapshotFiles.FOOTER_BYTES));
        out.println("file-length " + verified.fileLength());
        out.println("header-crc32c " + String.format("%08x", token.headerCrc32c()));
        out.println("footer-crc32c " + String.format("%08x", token.footerCrc32c()));
        out.println("token " + TokenArgument.format(token));
        out.flush();
        return ExitCode.OK;
    }
}
