package dev.keel.snapshot.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.snapshot.SnapshotChecksumException;
import dev.keel.storage.api.snapshot.SnapshotException;
import dev.keel.storage.api.snapshot.SnapshotHeaderException;
import dev.keel.storage.api.snapshot.SnapshotLengthMismatchException;
import dev.keel.storage.api.snapshot.SnapshotTokenMismatchException;
import dev.keel.storage.api.snapshot.SnapshotTooSmallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotVerifierTest {
    @TempDir
    Path dir;
    private Path file;
    private SnapshotToken token;
    private byte[] bytes;
    private int headerLength;

    @BeforeEach
    void writeSnapshot() throws IOException {
        file = dir.resolve("snap");
        token = Fixtures.writeSmall(file, (byte) 1, 42);
        bytes = Files.readAllBytes(file);
        headerLength = ByteBuffer.wrap(bytes, 6, 4).getInt();
    }

    private Path copyWith(byte[] content) throws IOException {
        Path copy = dir.resolve("copy");
        Files.write(copy, content);
        return copy;
    }

    private static Class<? extends SnapshotException> failureOf(Path f, SnapshotToken t, VerificationPolicy policy) {
        try {
            SnapshotVerifier.verify(f, t, policy);
            return null;
        } catch (SnapshotException e) {
            return e.getClass();
        }
    }

    @Test
    void intactFilePassesBothPolicies() {
        assertEquals(42, SnapshotVerifier.verify(file, token, VerificationPolicy.FULL).header().index());
        assertEquals(42, SnapshotVerifier.verify(file, token, VerificationPolicy.HEADER).header().index());
    }

    @Test
    void everySingleBitFlipIsDetectedByTheCheckThatOwnsItsRegion() throws IOException {
        int bodyEnd = bytes.length - 4;
        assertTrue(bodyEnd - headerLength > 40, "the body must span several chunks");
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            Path copy = copyWith(flipped);
            int offset = bit / 8;
            Class<? extends SnapshotException> full = failureOf(copy, token, VerificationPolicy.FULL);
            Class<? extends SnapshotException> header = failureOf(copy, token, VerificationPolicy.HEADER);
            String where = "bit " + bit + " (offset " + offset + ")";
            if (offset < headerLength) {
                assertEquals(SnapshotHeaderException.class, full, where);
                assertEquals(SnapshotHeaderException.class, header, where);
            } else if (offset < bodyEnd) {
                assertEquals(SnapshotChecksumException.class, full, where);
                assertEquals(null, header, where + ": HEADER does not read the body");
            } else {
                assertEquals(SnapshotTokenMismatchException.class, full, where);
                assertEquals(SnapshotTokenMismatchException.class, header, where);
            }
        }
    }

    @Test
    void ownTokenIsTheTokenTheWriterReturned() throws IOException {
        assertEquals(token, SnapshotVerifier.ownToken(file));
        byte[] flipped = bytes.clone();
        flipped[12] ^= 0x01; // inside the header's fields
        assertThrows(SnapshotHeaderException.class, () -> SnapshotVerifier.ownToken(copyWith(flipped)));
        assertThrows(SnapshotTooSmallException.class, () -> SnapshotVerifier.ownToken(copyWith(Arrays.copyOf(bytes, 5))));
    }

    @Test
    void everyTruncationIsDetectedByTheLengthCheck() throws IOException {
        for (int length = 0; length < bytes.length; length++) {
            Path copy = copyWith(Arrays.copyOf(bytes, length));
            Class<? extends SnapshotException> expected = length < SnapshotFormat.MIN_FILE_BYTES
                    ? SnapshotTooSmallException.class : SnapshotLengthMismatchException.class;
            assertEquals(expected, failureOf(copy, token, VerificationPolicy.HEADER), "length " + length);
            assertEquals(expected, failureOf(copy, token, VerificationPolicy.FULL), "length " + length);
        }
    }

    @Test
    void anotherSnapshotOfTheSameLengthGivesTheTokenMismatch() throws IOException {
        Path other = dir.resolve("other");
        SnapshotToken otherToken = Fixtures.writeSmall(other, (byte) 2, 42);
        assertEquals(token.fileLength(), otherToken.fileLength());
        assertNotEquals(token.footerCrc32c(), otherToken.footerCrc32c());
        SnapshotTokenMismatchException e = assertThrows(SnapshotTokenMismatchException.class,
                () -> SnapshotVerifier.verify(other, token, VerificationPolicy.HEADER));
        assertEquals(other, e.file());
    }

    @Test
    void tokenDisagreeingWithTheHeaderFailsTheHeaderCheck() {
        List<SnapshotToken> wrong = new ArrayList<>();
        wrong.add(new SnapshotToken(43, token.term(), token.fileLength(), token.footerCrc32c(), token.headerCrc32c()));
        wrong.add(new SnapshotToken(42, 3, token.fileLength(), token.footerCrc32c(), token.headerCrc32c()));
        wrong.add(new SnapshotToken(42, 2, token.fileLength(), token.footerCrc32c(), token.headerCrc32c() ^ 1));
        for (SnapshotToken t : wrong) {
            assertThrows(SnapshotHeaderException.class, () -> SnapshotVerifier.verify(file, t, VerificationPolicy.HEADER), t.toString());
        }
    }

    @Test
    void headerPolicyReadsOnlyHeaderAndFooterWhileFullReadsEverything() {
        VerifiedSnapshot header = SnapshotVerifier.verify(file, token, VerificationPolicy.HEADER);
        assertEquals(headerLength + 4L, header.bytesRead());
        List<Long> progress = new ArrayList<>();
        VerifiedSnapshot full = SnapshotVerifier.verify(file, token, VerificationPolicy.FULL, (done, total) -> {
            assertEquals(bytes.length - 4L, total);
            progress.add(done);
        });
        assertEquals(bytes.length, full.bytesRead());
        assertEquals(bytes.length - 4L, progress.get(progress.size() - 1));
    }

    private static void setHeaderCrc(byte[] b, int length) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, length - 4);
        ByteBuffer.wrap(b).putInt(length - 4, (int) crc.getValue());
    }

    /** A token for arbitrary file content: length and footer match, so check 3 is what judges it. */
    private static SnapshotToken tokenFor(byte[] content, int headerCrc) {
        return new SnapshotToken(42, 2, content.length, ByteBuffer.wrap(content, content.length - 4, 4).getInt(), headerCrc);
    }

    @Test
    void unknownMagicOrFormatVersionFailsClosedEvenWithAMatchingCrc() throws IOException {
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        setHeaderCrc(magic, headerLength);
        Path m = copyWith(magic);
        SnapshotHeaderException e = assertThrows(SnapshotHeaderException.class,
                () -> SnapshotVerifier.verify(m, tokenFor(magic, token.headerCrc32c()), VerificationPolicy.HEADER));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());

        byte[] version = bytes.clone();
        version[5] = 2;
        setHeaderCrc(version, headerLength);
        Path v = copyWith(version);
        e = assertThrows(SnapshotHeaderException.class,
                () -> SnapshotVerifier.verify(v, tokenFor(version, token.headerCrc32c()), VerificationPolicy.HEADER));
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    }

    @Test
    void hugeHeaderLengthIsRejectedBeforeAllocation() throws IOException {
        byte[] crafted = bytes.clone();
        ByteBuffer.wrap(crafted).putInt(6, 0x7FFF_FFF0);
        Path c = copyWith(crafted);
        SnapshotHeaderException e = assertThrows(SnapshotHeaderException.class,
                () -> SnapshotVerifier.verify(c, tokenFor(crafted, token.headerCrc32c()), VerificationPolicy.HEADER));
        assertTrue(e.getMessage().contains("header length 2147483632 outside"), e.getMessage());
    }

    @Test
    void missingFileIsAStorageException() {
        assertThrows(dev.keel.storage.api.StorageException.class,
                () -> SnapshotVerifier.verify(dir.resolve("absent"), token, VerificationPolicy.HEADER));
    }

    @Test
    void headerWhoseIndexDiffersFromItsOwnMetadataFailsTheHeaderCheck() throws IOException {
        SnapshotHeader lying = new SnapshotHeader(42, 2, "test", "kv", 9, Fixtures.info(9, 42, 2).commitment(),
                Fixtures.metadata(41, 2), 0, 0, 16, 0, 0);
        byte[] header = HeaderCodec.encode(lying);
        byte[] content = Arrays.copyOf(header, header.length + 8); // one empty chunk, then the footer
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(content, 0, content.length - 4);
        ByteBuffer.wrap(content).putInt(content.length - 4, (int) crc.getValue());
        Path crafted = copyWith(content);
        SnapshotHeaderException e = assertThrows(SnapshotHeaderException.class,
                () -> SnapshotVerifier.verify(crafted, tokenFor(content, HeaderCodec.storedCrc(header)), VerificationPolicy.FULL));
        assertTrue(e.getMessage().contains("differ from its metadata"), e.getMessage());
    }
}
