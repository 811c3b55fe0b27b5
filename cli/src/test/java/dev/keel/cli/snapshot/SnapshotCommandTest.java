package dev.keel.cli.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.cli.KeelInvocation;
import dev.keel.snapshot.format.SnapshotWriteOptions;
import dev.keel.snapshot.format.SnapshotWriter;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel snapshot inspect|verify|create} run in-process on snapshots written from a flatkv
 * store through the snapshot module's own {@link SnapshotWriter}: inspect shows what was written,
 * verify's exit code names the check a damaged file or wrong token fails, and create's output
 * verifies.
 */
class SnapshotCommandTest {
    private static final int RECORDS = 300;
    /** Small chunks, so the body has many and a flipped body byte lands inside one. */
    private static final int CHUNK = 4096;
    private static final CommitMetadata METADATA = new CommitMetadata(7, 3, 123_456_789L, 5, CommitMetadata.NO_KEY,
            new Membership(List.of("n1", "n2", "n3"), List.of("n4")), "app".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private Path storeDir;
    private Path file;
    private SnapshotToken token;
    private CommitInfo exported;

    @BeforeEach
    void writeSnapshot() throws IOException {
        storeDir = tmp.resolve("store");
        Files.createDirectories(storeDir);
        file = tmp.resolve("snap.ksnp");
        try (VersionedStore store = Stores.open("flatkv", storeDir, StoreOptions.defaults())) {
            store.commit(block(0, RECORDS / 2), CommitMetadata.atPosition(4, 2));
            exported = store.commit(block(RECORDS / 2, RECORDS), METADATA);
            try (StoreExport export = store.export(exported.version())) {
                token = SnapshotWriter.write(export, file, SnapshotWriteOptions.DEFAULTS.withChunkSize(CHUNK));
            }
        }
    }

    private static ChangeSet block(int from, int to) {
        ChangeSet.Builder b = ChangeSet.builder();
        for (int i = from; i < to; i++) {
            b.put(String.format("key-%05d", i).getBytes(StandardCharsets.UTF_8), ("value-" + i).repeat(4).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static String tokenArg(SnapshotToken t) {
        return t.index() + ":" + t.term() + ":" + t.fileLength() + ":" + String.format("%08x", t.footerCrc32c()) + ":"
                + String.format("%08x", t.headerCrc32c());
    }

    private int headerLength() throws IOException {
        byte[] prefix = new byte[10];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.readFully(prefix);
        }
        return ByteBuffer.wrap(prefix).getInt(6);
    }

    private void flipByte(long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x40);
        }
    }

    private static void assertLine(KeelInvocation run, String line) {
        assertTrue(run.out().lines().anyMatch(line::equals), "missing line '" + line + "'\n" + run.describe());
    }

    @Test
    void inspectPrintsTheHeaderFieldsSizesCrcsAndTheTokenTheWriterReturned() throws IOException {
        KeelInvocation run = KeelInvocation.run("snapshot", "inspect", file.toString());

        assertEquals(0, run.exitCode(), run.describe());
        assertLine(run, "format-version 1");
        assertLine(run, "index 7");
        assertLine(run, "term 3");
        assertLine(run, "backend flatkv");
        assertLine(run, "record-kind kv");
        assertLine(run, "store-version " + exported.version());
        assertLine(run, "commitment " + exported.commitment().scheme() + " " + exported.commitment().hex());
        assertLine(run, "metadata applied-index 7 applied-term 3 hlc-ceiling 123456789 cutover-index 5 active-key-id 0");
        assertLine(run, "metadata-membership voters [n1,n2,n3] learners [n4]");
        assertLine(run, "metadata-application 3 bytes 617070");
        assertLine(run, "flags 0x0 not-sealed");
        assertLine(run, "record-count " + RECORDS);
        assertLine(run, "chunk-size " + CHUNK);
        assertLine(run, "header-length " + headerLength());
        assertLine(run, "body-length " + (Files.size(file) - headerLength() - 4));
        assertLine(run, "file-length " + Files.size(file));
        assertLine(run, "header-crc32c " + String.format("%08x", token.headerCrc32c()));
        assertLine(run, "footer-crc32c " + String.format("%08x", token.footerCrc32c()));
        assertLine(run, "token " + tokenArg(token));
    }

    @Test
    void inspectRefusesAHeaderThatFailsItsCrc() throws IOException {
        flipByte(headerLength() / 2);

        KeelInvocation run = KeelInvocation.run("snapshot", "inspect", file.toString());

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: "), run.describe());
        assertEquals("", run.out(), "no field of an untrusted header may be printed\n" + run.describe());
    }

    @Test
    void verifyWithTheWritersTokenRunsAllFourChecksAndExitsZero() {
        KeelInvocation run = KeelInvocation.run("snapshot", "verify", file.toString(), "--token", tokenArg(token));

        assertEquals(0, run.exitCode(), run.describe());
        assertLine(run, "check 1 length: ok (" + token.fileLength() + " bytes)");
        assertLine(run, "check 2 token: ok");
        assertLine(run, "check 3 header: ok (index 7 term 3)");
        assertLine(run, "check 4 checksum: ok");
        assertTrue(run.err().contains("verify: "), "the body check shows progress on stderr\n" + run.describe());
    }

    @Test
    void verifyWithoutATokenChecksTheFileAgainstItsOwnHeaderAndFooter() {
        KeelInvocation run = KeelInvocation.run("snapshot", "verify", file.toString());

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().contains("check 1 length: not checked"), run.describe());
        assertLine(run, "check 3 header: ok (index 7 term 3)");
        assertLine(run, "check 4 checksum: ok");
        assertTrue(run.out().contains(" token " + tokenArg(token)), run.describe());
    }

    @Test
    void verifyExits11WhenTheFileIsTruncated() throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 1);
        }

        KeelInvocation run = KeelInvocation.run("snapshot", "verify", file.toString(), "--token", tokenArg(token));

        assertEquals(11, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: check 1 (length) failed: "), run.describe());
    }

    @Test
    void verifyExits11WhenTheFileIsShorterThanAnySnapshot() throws IOException {
        Files.write(file, new byte[10]);

        KeelInvocation run = KeelInvocation.run("snapshot", "verify", file.toString());

        assertEquals(11, run.exitCode(), run.describe());
    }

    @Test
    void verifyExits12WhenTheTokenNamesAnotherFooterCrc() {
        SnapshotToken wrong = new SnapshotToken(token.index(), token.term(), token.fileLength(), token.footerCrc32c() ^ 1,
                token.headerCrc32c());

        KeelInvocation run = KeelInvocation.run("snapshot", "verify", file.toString(), "--token", tokenArg(wrong));

        assertEquals(12, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: check 2 (token) failed: "), run.describe());
    }

    @Test
    void verifyExits13WhenAHeaderByteIsFlipped() throws IOException {
        flipByte(headerLength() / 2);

        KeelInvocation withToken = KeelInvocation.run("snapshot", "verify", file.toString(), "--token", tokenArg(token));
        KeelInvocation withoutToken = KeelInvocation.run("snapshot", "verify", file.toString());

        assertEquals(13, withToken.exitCode(), withToken.describe());
        assertTrue(withToken.err().startsWith("keel: error: check 3 (header) failed: "), withToken.describe());
        assertEquals(13, withoutToken.exitCode(), withoutToken.describe());
    }

    @Test
    void verifyExits13WhenTheTokenNamesAnotherIndex() {
        SnapshotToken wrong = new SnapshotToken(token.index() + 1, token.term(), token.fileLength(), token.footerCrc32c(),
                token.headerCrc32c());

        KeelInvocation run = KeelInvocation.run("snapshot", "verify", file.toString(), "--token", tokenArg(wrong));

        assertEquals(13, run.exitCode(), run.describe());
    }

    @Test
    void verifyExits14WhenABodyByteIsFlippedUnderFullPolicy() throws IOException {
        flipByte(headerLength() + CHUNK + 100);

        KeelInvocation withToken = KeelInvocation.run("snapshot", "verify", file.toString(), "--token", tokenArg(token),
                "--policy", "FULL");
        KeelInvocation withoutToken = KeelInvocation.run("snapshot", "verify", file.toString());

        assertEquals(14, withToken.exitCode(), withToken.describe());
        assertTrue(withToken.err().contains("keel: error: check 4 (checksum) failed: "), withToken.describe());
        assertEquals(14, withoutToken.exitCode(), withoutToken.describe());
    }

    @Test
    void verifyUnderHeaderPolicyDoesNotReadTheBody() throws IOException {
        flipByte(headerLength() + CHUNK + 100);

        KeelInvocation run = KeelInvocation.run("snapshot", "verify", file.toString(), "--token", tokenArg(token),
                "--policy", "HEADER");

        assertEquals(0, run.exitCode(), run.describe());
        assertLine(run, "check 4 checksum: not checked (policy HEADER)");
    }

    @Test
    void verifyOfAMissingFileExits1WithoutAStackTrace() {
        KeelInvocation run = KeelInvocation.run("snapshot", "verify", tmp.resolve("absent").toString());

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: no snapshot file "), run.describe());
    }

    @Test
    void usageErrorsExit2() {
        List<String[]> invalid = List.of(
                new String[] {"snapshot"},
                new String[] {"snapshot", "verify"},
                new String[] {"snapshot", "inspect"},
                new String[] {"snapshot", "verify", file.toString(), "--token", "7:3:not-a-length:00000000:00000000"},
                new String[] {"snapshot", "verify", file.toString(), "--token", "0:3:100:00000000:00000000"},
                new String[] {"snapshot", "verify", file.toString(), "--policy", "SOME"},
                new String[] {"snapshot", "create", "--dir", storeDir.toString(), "--out", file.toString()});
        for (String[] args : invalid) {
            KeelInvocation run = KeelInvocation.run(args);
            assertEquals(2, run.exitCode(), String.join(" ", args) + "\n" + run.describe());
            assertTrue(run.err().startsWith("keel: error: "), run.describe());
        }
    }

    @Test
    void createExportsTheLatestVersionAndItsTokenVerifies() throws IOException {
        Path out = tmp.resolve("created.ksnp");

        KeelInvocation create = KeelInvocation.run("snapshot", "create", "--backend", "flatkv", "--dir", storeDir.toString(),
                "--out", out.toString());

        assertEquals(0, create.exitCode(), create.describe());
        String tokenLine = create.out().lines().filter(l -> l.startsWith("token ")).findFirst().orElseThrow();
        String created = tokenLine.substring("token ".length());
        assertTrue(created.startsWith("7:3:" + Files.size(out) + ":"), create.describe());
        // Same store version, same framing: the same bytes as the snapshot the test wrote itself.
        Path sameChunks = tmp.resolve("default-chunks.ksnp");
        try (VersionedStore store = Stores.open("flatkv", storeDir, StoreOptions.defaults());
             StoreExport export = store.export(exported.version())) {
            SnapshotWriter.write(export, sameChunks, SnapshotWriteOptions.DEFAULTS);
        }
        assertArrayEquals(Files.readAllBytes(sameChunks), Files.readAllBytes(out));
        KeelInvocation verify = KeelInvocation.run("snapshot", "verify", out.toString(), "--token", created);
        assertEquals(0, verify.exitCode(), verify.describe());
    }

    @Test
    void createRefusesAVersionWithoutAConsensusPosition() throws IOException {
        Path plainDir = tmp.resolve("plain");
        Files.createDirectories(plainDir);
        try (VersionedStore store = Stores.open("flatkv", plainDir, StoreOptions.defaults())) {
            store.commit(block(0, 10), CommitMetadata.EMPTY);
        }
        Path out = tmp.resolve("plain.ksnp");

        KeelInvocation run = KeelInvocation.run("snapshot", "create", "--backend", "flatkv", "--dir", plainDir.toString(),
                "--out", out.toString());

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: cannot snapshot version "), run.describe());
        assertTrue(Files.notExists(out), "no file may be left under the target name");
    }

    @Test
    void createRefusesAMissingStoreDirectoryInsteadOfCreatingAStore() {
        Path missing = tmp.resolve("no-store");

        KeelInvocation run = KeelInvocation.run("snapshot", "create", "--backend", "flatkv", "--dir", missing.toString(),
                "--out", tmp.resolve("x.ksnp").toString());

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(Files.notExists(missing), run.describe());
    }
}
