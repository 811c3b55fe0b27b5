package dev.keel.storage.testkit;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreConfigurationException;
import dev.keel.storage.api.StoreOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The append-only operation log that makes {@link ModelStore} survive close and reopen: every
 * commit, rollback, prune and import is appended (and forced when the store syncs) before the
 * in-memory model changes, and opening replays it into a fresh {@link ReferenceModel}.
 *
 * <p>Frame: {@code u32 length ‖ u32 crc32c(payload) ‖ payload}. A frame cut short at the end of
 * the file is a torn write and is dropped on open (the operation was never acknowledged); a
 * complete frame whose checksum fails is a {@link CorruptionException}.
 *
 * <p>Not thread-safe; {@link ModelStore} serialises access.
 */
final class ModelJournal implements AutoCloseable {
    static final String FILE_NAME = "model-store.journal";

    private static final String MAGIC = "keel-model-store/1";
    private static final byte HEADER = 1;
    private static final byte WINDOW = 2;
    private static final byte COMMIT = 3;
    private static final byte ROLLBACK = 4;
    private static final byte PRUNE = 5;
    private static final byte INSTALL = 6;
    private static final int FRAME_HEADER_BYTES = 8;

    private final Path file;
    private final FileChannel channel;
    private final boolean sync;

    private ModelJournal(Path file, FileChannel channel, boolean sync) {
        this.file = file;
        this.channel = channel;
        this.sync = sync;
    }

    /** The journal, open for appending, and the model it replayed into. */
    record Recovered(ModelJournal journal, ReferenceModel model) {
    }

    /**
     * Opens (creating) the journal in {@code directory} and replays it.
     *
     * @throws StoreConfigurationException if it was created with another initial version
     * @throws CorruptionException if a complete frame fails its checksum or does not decode
     * @throws StorageException on an I/O failure
     */
    static Recovered open(Path directory, StoreOptions options) {
        Path file = directory.resolve(FILE_NAME);
        byte[] existing;
        try {
            Files.createDirectories(directory);
            existing = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        } catch (IOException e) {
            throw new StorageException("cannot read " + file, e);
        }
        ReferenceModel model = new ReferenceModel(options.initialVersion(), options.retainedVersions());
        long validLength = existing.length == 0 ? 0 : replay(file, existing, options, model);

        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException("cannot open " + file, e);
        }
        ModelJournal journal = new ModelJournal(file, channel, options.sync());
        try {
            // Drops a torn tail so that later frames follow the last complete one.
            channel.truncate(validLength);
            channel.position(validLength);
            if (validLength == 0) {
                journal.append(out -> {
                    out.writeByte(HEADER);
                    out.writeUTF(MAGIC);
                    out.writeLong(options.initialVersion());
                    out.writeInt(options.retainedVersions());
                });
            } else if (model.retainedVersions() != options.retainedVersions()) {
                journal.appendWindow(options.retainedVersions());
                model.setRetainedVersions(options.retainedVersions());
            }
        } catch (IOException e) {
            journal.closeQuietly(e);
            throw new StorageException("cannot prepare " + file, e);
        } catch (RuntimeException e) {
            journal.closeQuietly(e);
            throw e;
        }
        return new Recovered(journal, model);
    }

    private static long replay(Path file, byte[] bytes, StoreOptions options, ReferenceModel model) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long valid = 0;
        boolean first = true;
        while (buf.remaining() >= FRAME_HEADER_BYTES) {
            int length = buf.getInt();
            int crc = buf.getInt();
            if (length < 0 || length > buf.remaining()) {
                break;
            }
            byte[] payload = new byte[length];
            buf.get(payload);
            CRC32C c = new CRC32C();
            c.update(payload);
            if ((int) c.getValue() != crc) {
                throw new CorruptionException(file, "frame at offset " + valid + ": crc32c " + Integer.toHexString(crc)
                        + " stored, " + Long.toHexString(c.getValue()) + " computed");
            }
            try {
                apply(file, valid, payload, first, options, model);
            } catch (StoreConfigurationException | CorruptionException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new CorruptionException(file, "frame at offset " + valid + " does not decode", e);
            }
            first = false;
            valid = buf.position();
        }
        // No complete frame at all: creation itself was torn, so the store never held anything.
        return valid;
    }

    private static void apply(Path file, long offset, byte[] payload, boolean first, StoreOptions options,
                              ReferenceModel model) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        byte type = in.readByte();
        if (first != (type == HEADER)) {
            throw new CorruptionException(file, "frame at offset " + offset + " has type " + type
                    + (first ? ", expected the header" : ", a second header"));
        }
        switch (type) {
            case HEADER -> {
                String magic = in.readUTF();
                if (!MAGIC.equals(magic)) {
                    throw new StoreConfigurationException(file + " is not a model store journal (" + magic + ")");
                }
                long initial = in.readLong();
                if (initial != options.initialVersion()) {
                    throw new StoreConfigurationException(file.getParent() + " was created with initial version "
                            + initial + ", opened with " + options.initialVersion());
                }
                model.setRetainedVersions(in.readInt());
            }
            case WINDOW -> model.setRetainedVersions(in.readInt());
            case COMMIT -> {
                long version = in.readLong();
                CommitMetadata metadata = readMetadata(in);
                int n = in.readInt();
                List<Mutation> mutations = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    boolean put = in.readBoolean();
                    byte[] key = readBytes(in);
                    mutations.add(put ? Mutation.put(key, readBytes(in)) : Mutation.delete(key));
                }
                long applied = model.commit(ChangeSet.of(mutations), metadata);
                if (applied != version) {
                    throw new CorruptionException(file, "frame at offset " + offset + " commits version " + version
                            + " but the replayed store is at " + applied);
                }
            }
            case ROLLBACK -> model.rollbackTo(in.readLong());
            case PRUNE -> model.pruneBefore(in.readLong());
            case INSTALL -> {
                long version = in.readLong();
                CommitMetadata metadata = readMetadata(in);
                int n = in.readInt();
                TreeMap<byte[], byte[]> content = new TreeMap<>(KeyValue.KEY_ORDER);
                for (int i = 0; i < n; i++) {
                    content.put(readBytes(in), readBytes(in));
                }
                model.install(version, content, metadata);
            }
            default -> throw new CorruptionException(file, "frame at offset " + offset + " has unknown type " + type);
        }
        if (in.available() != 0) {
            throw new CorruptionException(file, "frame at offset " + offset + " has " + in.available() + " trailing bytes");
        }
    }

    void appendWindow(int window) {
        appendUnchecked(out -> {
            out.writeByte(WINDOW);
            out.writeInt(window);
        });
    }

    void appendCommit(long version, ChangeSet changes, CommitMetadata metadata) {
        appendUnchecked(out -> {
            out.writeByte(COMMIT);
            out.writeLong(version);
            writeMetadata(out, metadata);
            List<Mutation> effective = changes.effective();
            out.writeInt(effective.size());
            for (Mutation m : effective) {
                out.writeBoolean(m.isPut());
                writeBytes(out, m.key());
                if (m.isPut()) {
                    writeBytes(out, m.value());
                }
            }
        });
    }

    void appendRollback(long version) {
        appendUnchecked(out -> {
            out.writeByte(ROLLBACK);
            out.writeLong(version);
        });
    }

    void appendPrune(long version) {
        appendUnchecked(out -> {
            out.writeByte(PRUNE);
            out.writeLong(version);
        });
    }

    void appendInstall(long version, SortedMap<byte[], byte[]> content, CommitMetadata metadata) {
        appendUnchecked(out -> {
            out.writeByte(INSTALL);
            out.writeLong(version);
            writeMetadata(out, metadata);
            out.writeInt(content.size());
            for (Map.Entry<byte[], byte[]> e : content.entrySet()) {
                writeBytes(out, e.getKey());
                writeBytes(out, e.getValue());
            }
        });
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StorageException("cannot close " + file, e);
        }
    }

    private void closeQuietly(Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    private interface PayloadWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private void appendUnchecked(PayloadWriter writer) {
        try {
            append(writer);
        } catch (IOException e) {
            throw new StorageException("cannot append to " + file, e);
        }
    }

    private void append(PayloadWriter writer) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(payload)) {
            writer.write(out);
        }
        byte[] bytes = payload.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + bytes.length);
        frame.putInt(bytes.length).putInt((int) crc.getValue()).put(bytes).flip();
        long start = channel.position();
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            if (sync) {
                channel.force(false);
            }
        } catch (IOException e) {
            // A half-written frame must not sit in front of the next one.
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    private static void writeMetadata(DataOutputStream out, CommitMetadata m) throws IOException {
        out.writeLong(m.appliedIndex());
        out.writeLong(m.appliedTerm());
        out.writeLong(m.hlcCeiling());
        out.writeLong(m.cutoverIndex());
        out.writeInt(m.activeKeyId());
        writeIds(out, m.membership().voters());
        writeIds(out, m.membership().learners());
        writeBytes(out, m.application());
    }

    private static CommitMetadata readMetadata(DataInputStream in) throws IOException {
        long index = in.readLong();
        long term = in.readLong();
        long hlc = in.readLong();
        long cutover = in.readLong();
        int keyId = in.readInt();
        Membership membership = new Membership(readIds(in), readIds(in));
        return new CommitMetadata(index, term, hlc, cutover, keyId, membership, readBytes(in));
    }

    private static void writeIds(DataOutputStream out, List<String> ids) throws IOException {
        out.writeInt(ids.size());
        for (String id : ids) {
            out.writeUTF(id);
        }
    }

    private static List<String> readIds(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("impossible id count " + n);
        }
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(in.readUTF());
        }
        return ids;
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        // Checked against what is left so that a damaged length cannot allocate gigabytes.
        if (n < 0 || n > in.available()) {
            throw new IOException("impossible length " + n + " with " + in.available() + " bytes left");
        }
        return in.readNBytes(n);
    }
}
