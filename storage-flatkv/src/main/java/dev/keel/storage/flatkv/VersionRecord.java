package dev.keel.storage.flatkv;

import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Membership;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the store keeps per retained version: its LtHash lane vector (so a rollback needs no
 * rehash), its number of keys (for export progress) and its {@link CommitMetadata}.
 *
 * <p>Encoding (big-endian): {@code u8 format=1 ‖ 2048 B lanes ‖ u64 keyCount ‖ metadata}, the
 * metadata as {@code i64 appliedIndex, i64 appliedTerm, i64 hlcCeiling, i64 cutoverIndex,
 * i32 activeKeyId, i32 nVoters, nVoters × UTF, i32 nLearners, nLearners × UTF, i32 len, bytes}.
 * Immutable and thread-safe.
 */
record VersionRecord(byte[] lanes, long keyCount, CommitMetadata metadata) {
    private static final int FORMAT = 1;
    static final int LANE_BYTES = 2048;
    private static final int MAX_MEMBERS = 1 << 16;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048 + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.write(lanes);
            out.writeLong(keyCount);
            out.writeLong(metadata.appliedIndex());
            out.writeLong(metadata.appliedTerm());
            out.writeLong(metadata.hlcCeiling());
            out.writeLong(metadata.cutoverIndex());
            out.writeInt(metadata.activeKeyId());
            writeIds(out, metadata.membership().voters());
            writeIds(out, metadata.membership().learners());
            byte[] app = metadata.application();
            out.writeInt(app.length);
            out.write(app);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeIds(DataOutputStream out, List<String> ids) throws IOException {
        out.writeInt(ids.size());
        for (String id : ids) {
            out.writeUTF(id);
        }
    }

    /**
     * @throws IllegalArgumentException if the bytes are not a valid record (the caller names the
     *     file in its corruption error)
     */
    static VersionRecord decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown version record format " + format);
            }
            byte[] lanes = new byte[LANE_BYTES];
            in.readFully(lanes);
            long keyCount = in.readLong();
            long appliedIndex = in.readLong();
            long appliedTerm = in.readLong();
            long hlc = in.readLong();
            long cutover = in.readLong();
            int keyId = in.readInt();
            List<String> voters = readIds(in);
            List<String> learners = readIds(in);
            int appLength = in.readInt();
            if (appLength < 0 || appLength > in.available()) {
                throw new IllegalArgumentException("application bytes length " + appLength + " out of bounds");
            }
            byte[] app = new byte[appLength];
            in.readFully(app);
            if (in.available() != 0) {
                throw new IllegalArgumentException(in.available() + " trailing bytes");
            }
            return new VersionRecord(lanes, keyCount, new CommitMetadata(appliedIndex, appliedTerm, hlc, cutover, keyId,
                    new Membership(voters, learners), app));
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated version record", e);
        }
    }

    private static List<String> readIds(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_MEMBERS || n > in.available()) {
            throw new IllegalArgumentException("membership size " + n + " out of bounds");
        }
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(in.readUTF());
        }
        return ids;
    }
}
