package dev.keel.storage.tree;

import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Membership;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of {@link CommitMetadata} in the changelog and in tree snapshots. Decoding reads
 * from a buffer whose bytes already passed a CRC check, and still checks every length against what
 * is left before allocating, so a damaged record is an {@link IllegalArgumentException} that the
 * caller turns into a {@code CorruptionException} naming the file.
 */
final class MetadataCodec {
    private static final int MAX_NODE_IDS = 1 << 16;

    private MetadataCodec() {
    }

    static void write(DataOutputStream out, CommitMetadata md) throws IOException {
        out.writeLong(md.appliedIndex());
        out.writeLong(md.appliedTerm());
        out.writeLong(md.hlcCeiling());
        out.writeLong(md.cutoverIndex());
        out.writeInt(md.activeKeyId());
        writeIds(out, md.membership().voters());
        writeIds(out, md.membership().learners());
        byte[] app = md.application();
        out.writeInt(app.length);
        out.write(app);
    }

    static CommitMetadata read(ByteBuffer in) {
        long appliedIndex = in.getLong();
        long appliedTerm = in.getLong();
        long hlc = in.getLong();
        long cutover = in.getLong();
        int keyId = in.getInt();
        List<String> voters = readIds(in);
        List<String> learners = readIds(in);
        byte[] app = readBytes(in, in.getInt());
        return new CommitMetadata(appliedIndex, appliedTerm, hlc, cutover, keyId, new Membership(voters, learners), app);
    }

    private static void writeIds(DataOutputStream out, List<String> ids) throws IOException {
        out.writeInt(ids.size());
        for (String id : ids) {
            byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        }
    }

    private static List<String> readIds(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > MAX_NODE_IDS || n > in.remaining() / 4) {
            throw new IllegalArgumentException("membership of " + n + " node ids with " + in.remaining() + " bytes left");
        }
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(new String(readBytes(in, in.getInt()), StandardCharsets.UTF_8));
        }
        return ids;
    }

    /** Reads {@code length} bytes after checking that they are there (no allocation from a bad length). */
    static byte[] readBytes(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("length " + length + " with " + in.remaining() + " bytes left");
        }
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }
}
