package dev.keel.storage.tree;

import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.StorageException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A tree snapshot: every node reachable from the retained versions' roots, written once each
 * (shared subtrees stay shared) with its cached hash, then the retained versions (number, root,
 * root hash, metadata). Loading it needs no hashing at all.
 *
 * <p>Layout (big-endian): {@code "KEELTREE" ‖ u32 format ‖ u64 initialVersion ‖ u32 nodeCount ‖
 * nodes ‖ u32 versionCount ‖ versions ‖ u32 crc32c(everything before)}. A node:
 * {@code u8 height ‖ u64 version ‖ u64 size ‖ u32 keyLen ‖ key ‖} then for a leaf
 * {@code u32 valueLen ‖ value}, for an inner node {@code u32 leftIndex ‖ u32 rightIndex} (indices
 * of earlier nodes: nodes are written children first) {@code ‖ hash[32]}. A version:
 * {@code u64 version ‖ i32 rootIndex (-1: empty) ‖ rootHash[32] ‖ u32 metadataLen ‖ metadata}.
 *
 * <p>Every count and length is checked against the bytes left in the file before anything is
 * allocated, and structure (child indices, heights, sizes) is checked while reading; the CRC is
 * checked before the loaded versions are returned, so a damaged file is a
 * {@link CorruptionException} naming it, never a wrong root. Stateless.
 */
final class TreeSnapshotFile {
    private static final byte[] MAGIC = "KEELTREE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    /** The smallest node record: a leaf with a 1-byte key and an empty value. */
    private static final int MIN_NODE_BYTES = 1 + 8 + 8 + 4 + 1 + 4 + Node.HASH_BYTES;
    private static final int MIN_VERSION_BYTES = 8 + 4 + Node.HASH_BYTES + 4;
    private static final int MAX_METADATA_BYTES = 64 * 1024 * 1024;

    /** What a snapshot holds. */
    record Contents(long initialVersion, List<SavedVersion> versions) {
    }

    private TreeSnapshotFile() {
    }

    /** Writes {@code versions} to {@code file} (which must not exist) and forces it. */
    static void write(Path file, long initialVersion, List<SavedVersion> versions) {
        try (FileOutputStream fos = new FileOutputStream(file.toFile())) {
            // Buffered outside the checksum, so the CRC runs over 64 KiB chunks, not every field.
            CheckedOutputStream checked = new CheckedOutputStream(fos, new CRC32C());
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(initialVersion);
            long previous = Long.MIN_VALUE;
            long expected = 0;
            for (int i = 0; i < versions.size(); i++) {
                SavedVersion v = versions.get(i);
                if (v.version() <= previous) {
                    throw new IllegalArgumentException("versions must be in increasing order: " + v.version()
                            + " after " + previous);
                }
                expected += i == 0 ? Math.max(0, 2 * v.leafCount() - 1) : NodeNumbering.countNew(v.root(), v.version());
                previous = v.version();
            }
            NodeNumbering numbering = new NodeNumbering(expected);
            int[] roots = new int[versions.size()];
            for (int i = 0; i < versions.size(); i++) {
                SavedVersion v = versions.get(i);
                roots[i] = numbering.collect(v.root(), v.version(), i == 0);
            }
            byte[] hashBytes = new byte[Node.HASH_BYTES];
            out.writeInt(numbering.count());
            for (int i = 0; i < numbering.count(); i++) {
                Node n = numbering.node(i);
                out.writeByte(n.height);
                out.writeLong(n.version);
                out.writeLong(n.size);
                out.writeInt(n.key.length);
                out.write(n.key);
                if (n.isLeaf()) {
                    out.writeInt(n.value.length);
                    out.write(n.value);
                } else {
                    out.writeInt(numbering.leftOf(i));
                    out.writeInt(numbering.rightOf(i));
                }
                n.writeHash(hashBytes, 0);
                out.write(hashBytes);
            }
            out.writeInt(versions.size());
            for (int i = 0; i < versions.size(); i++) {
                SavedVersion v = versions.get(i);
                out.writeLong(v.version());
                out.writeInt(roots[i]);
                out.write(v.rootHash());
                ByteArrayOutputStream md = new ByteArrayOutputStream();
                try (DataOutputStream mdOut = new DataOutputStream(md)) {
                    MetadataCodec.write(mdOut, v.metadata());
                }
                out.writeInt(md.size());
                md.writeTo(out);
            }
            out.flush();
            int crc = (int) checked.getChecksum().getValue();
            out.writeInt(crc);
            out.flush();
            fos.getChannel().force(true);
        } catch (IOException e) {
            throw new StorageException("cannot write tree snapshot " + file, e);
        }
    }

    /**
     * Numbers every node reachable from the retained roots once, children first, by identity
     * (retained versions share subtrees), and remembers each inner node's children's numbers for
     * the write. A retained window of a large tree is millions of nodes, each a cache miss or
     * more: the numbering looks up as few of them as it can. The versions come oldest first, and a
     * version's tree is built from the one before it, so a node of version {@code v} whose own
     * version is older was numbered with an earlier tree and is looked up without descending, while
     * a node created in {@code v} is new and is numbered without a lookup; the oldest version's
     * tree is numbered without any (one tree holds each node once). The nodes are counted first
     * (the oldest tree's from its size, a later one's new nodes by walking them), so that the
     * arrays and the table are allocated once at their final size. An open-addressing table of
     * {@code int}s over a dense array of the nodes, instead of an {@code IdentityHashMap} of boxed
     * numbers, keeps the snapshot from allocating (and the collector from copying) a few hundred
     * bytes per node while commits go on.
     */
    private static final class NodeNumbering {
        /** The table stays at most half full and its capacity a power of two an int holds. */
        private static final int MAX_NODES = 1 << 29;
        private Node[] nodes;
        /** The numbers of node {@code i}'s children at {@code 2i} and {@code 2i + 1} (-1 for a leaf). */
        private int[] children;
        private int count;
        /** Open addressing, linear probing: number + 1 of the node hashed there, 0 when empty. */
        private int[] slots;

        /** @param expectedNodes how many nodes will be numbered (more only grows the arrays) */
        NodeNumbering(long expectedNodes) {
            int capacity = 16;
            while (capacity < (1 << 30) && capacity < 2 * expectedNodes + 1) {
                capacity <<= 1;
            }
            slots = new int[capacity];
            nodes = new Node[(int) Math.min(MAX_NODES, Math.max(16, expectedNodes))];
            children = new int[2 * nodes.length];
        }

        /** @return how many nodes of the tree under {@code root} were created in {@code version} (the tree's new ones) */
        static long countNew(Node root, long version) {
            if (root == null || root.version != version) {
                return 0;
            }
            return root.isLeaf() ? 1 : 1 + countNew(root.left, version) + countNew(root.right, version);
        }

        int count() {
            return count;
        }

        Node node(int number) {
            return nodes[number];
        }

        int leftOf(int number) {
            return children[2 * number];
        }

        int rightOf(int number) {
            return children[2 * number + 1];
        }

        /**
         * Numbers the nodes of the tree of {@code version} that have no number yet, post-order;
         * recursion is as deep as the tree (AVL: logarithmic).
         *
         * @param first whether this is the first (oldest) version numbered
         * @return the number of {@code root}, -1 for the empty tree
         */
        int collect(Node root, long version, boolean first) {
            return root == null ? -1 : number(root, version, first);
        }

        private int number(Node n, long version, boolean first) {
            if (!first && n.version != version) {
                int known = find(n);
                if (known >= 0) {
                    return known;
                }
            }
            int left = -1;
            int right = -1;
            if (!n.isLeaf()) {
                left = number(n.left, version, first);
                right = number(n.right, version, first);
            }
            return add(n, left, right);
        }

        /** @return the number of {@code n}, or -1 if it has none yet */
        private int find(Node n) {
            int mask = slots.length - 1;
            for (int i = slot(n, mask); ; i = (i + 1) & mask) {
                int s = slots[i];
                if (s == 0) {
                    return -1;
                }
                if (nodes[s - 1] == n) {
                    return s - 1;
                }
            }
        }

        /** Gives {@code n} (not numbered yet) the next number. */
        private int add(Node n, int left, int right) {
            if (count == MAX_NODES) {
                throw new IllegalStateException("more than " + MAX_NODES + " nodes to number in one tree snapshot");
            }
            if (count == nodes.length) {
                nodes = Arrays.copyOf(nodes, (int) Math.min(MAX_NODES, 2L * nodes.length));
                children = Arrays.copyOf(children, 2 * nodes.length);
            }
            int number = count++;
            nodes[number] = n;
            children[2 * number] = left;
            children[2 * number + 1] = right;
            if (2L * count > slots.length) {
                rehash(slots.length * 2);
            } else {
                place(n, count);
            }
            return number;
        }

        private void place(Node n, int numberPlusOne) {
            int mask = slots.length - 1;
            int i = slot(n, mask);
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = numberPlusOne;
        }

        private void rehash(int capacity) {
            slots = new int[capacity];
            for (int k = 0; k < count; k++) {
                place(nodes[k], k + 1);
            }
        }

        private static int slot(Node n, int mask) {
            return (System.identityHashCode(n) * 0x9E3779B9) & mask;
        }
    }

    /**
     * @throws CorruptionException naming {@code file} if any check fails
     * @throws StorageException on an I/O failure
     */
    static Contents read(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            long fileSize = Files.size(file);
            CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32C());
            Reader in = new Reader(new DataInputStream(checked), fileSize - 4, file);
            byte[] magic = in.bytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptionException(file, "not a tree snapshot (bad magic)");
            }
            int format = in.i32();
            if (format != FORMAT) {
                throw new CorruptionException(file, "unsupported tree snapshot format " + format + " (expected " + FORMAT + ")");
            }
            long initialVersion = in.i64();
            int nodeCount = in.count(MIN_NODE_BYTES, "nodes");
            Node[] nodes = new Node[nodeCount];
            for (int i = 0; i < nodeCount; i++) {
                nodes[i] = readNode(in, nodes, i, file);
            }
            int versionCount = in.count(MIN_VERSION_BYTES, "versions");
            List<SavedVersion> versions = new ArrayList<>(versionCount);
            long previous = -1;
            for (int i = 0; i < versionCount; i++) {
                long version = in.i64();
                int root = in.i32();
                byte[] rootHash = in.bytes(Node.HASH_BYTES);
                int mdLen = in.i32();
                if (mdLen < 0 || mdLen > MAX_METADATA_BYTES) {
                    throw new CorruptionException(file, "metadata of " + mdLen + " bytes for version " + version);
                }
                byte[] mdBytes = in.bytes(mdLen);
                if (version <= previous || root < -1 || root >= nodeCount) {
                    throw new CorruptionException(file, "version record " + i + " (version " + version + ", root " + root + ") is invalid");
                }
                Node rootNode = root < 0 ? null : nodes[root];
                if (rootNode == null ? !Arrays.equals(rootHash, NodeHasher.EMPTY_ROOT) : !Arrays.equals(rootHash, rootNode.hash())) {
                    throw new CorruptionException(file, "version " + version + " names a root hash its root node does not have");
                }
                CommitMetadata md;
                try {
                    ByteBuffer buf = ByteBuffer.wrap(mdBytes);
                    md = MetadataCodec.read(buf);
                    if (buf.hasRemaining()) {
                        throw new IllegalArgumentException(buf.remaining() + " trailing bytes");
                    }
                } catch (IllegalArgumentException | BufferUnderflowException e) {
                    throw new CorruptionException(file, "metadata of version " + version + " does not decode: " + e.getMessage(), e);
                }
                versions.add(new SavedVersion(version, rootNode, rootHash, md));
                previous = version;
            }
            int expected = (int) checked.getChecksum().getValue();
            int stored = in.footer();
            if (stored != expected) {
                throw new CorruptionException(file, "checksum mismatch: stored " + Integer.toHexString(stored)
                        + ", computed " + Integer.toHexString(expected));
            }
            if (versions.isEmpty()) {
                throw new CorruptionException(file, "holds no version");
            }
            return new Contents(initialVersion, versions);
        } catch (EOFException e) {
            throw new CorruptionException(file, "truncated", e);
        } catch (IOException e) {
            throw new StorageException("cannot read tree snapshot " + file, e);
        }
    }

    private static Node readNode(Reader in, Node[] nodes, int i, Path file) throws IOException {
        int height = in.u8();
        if (height > Node.MAX_HEIGHT) {
            throw new CorruptionException(file, "node " + i + " has height " + height + ", more than any AVL tree of "
                    + "stored keys reaches (" + Node.MAX_HEIGHT + ")");
        }
        long version = in.i64();
        long size = in.i64();
        int keyLen = in.i32();
        if (keyLen < 1 || keyLen > Limits.MAX_KEY_BYTES) {
            throw new CorruptionException(file, "node " + i + " has a key of " + keyLen + " bytes");
        }
        byte[] key = in.bytes(keyLen);
        if (version < 1) {
            throw new CorruptionException(file, "node " + i + " has version " + version);
        }
        if (height == 0) {
            int valueLen = in.i32();
            if (valueLen < 0 || valueLen > Limits.MAX_VALUE_BYTES) {
                throw new CorruptionException(file, "node " + i + " has a value of " + valueLen + " bytes");
            }
            byte[] value = in.bytes(valueLen);
            byte[] hash = in.bytes(Node.HASH_BYTES);
            if (size != 1) {
                throw new CorruptionException(file, "leaf " + i + " has size " + size);
            }
            return Node.restored(key, value, null, null, version, 1, 0, hash);
        }
        int left = in.i32();
        int right = in.i32();
        byte[] hash = in.bytes(Node.HASH_BYTES);
        if (left < 0 || left >= i || right < 0 || right >= i) {
            throw new CorruptionException(file, "node " + i + " points at children " + left + "/" + right);
        }
        Node l = nodes[left];
        Node r = nodes[right];
        if (height != Math.max(l.height, r.height) + 1 || size != l.size + r.size) {
            throw new CorruptionException(file, "node " + i + " has height " + height + " and size " + size
                    + " that its children do not add up to");
        }
        return Node.restored(key, null, l, r, version, size, height, hash);
    }

    /** Reads fields while counting bytes, so that lengths are checked against what is left. */
    private static final class Reader {
        private final DataInputStream in;
        private final long limit;
        private final Path file;
        private long pos;

        Reader(DataInputStream in, long limit, Path file) {
            this.in = in;
            this.limit = limit;
            this.file = file;
        }

        private void need(long n) {
            if (n < 0 || n > limit - pos) {
                throw new CorruptionException(file, "truncated or bad length: " + n + " bytes needed at offset "
                        + pos + ", " + Math.max(0, limit - pos) + " left before the checksum");
            }
            pos += n;
        }

        int u8() throws IOException {
            need(1);
            return in.readUnsignedByte();
        }

        int i32() throws IOException {
            need(4);
            return in.readInt();
        }

        long i64() throws IOException {
            need(8);
            return in.readLong();
        }

        byte[] bytes(int n) throws IOException {
            need(n);
            byte[] out = new byte[n];
            in.readFully(out);
            return out;
        }

        int count(int minBytesEach, String what) throws IOException {
            int n = i32();
            if (n < 0 || (long) n * minBytesEach > limit - pos) {
                throw new CorruptionException(file, n + " " + what + " cannot fit in the " + (limit - pos) + " bytes left");
            }
            return n;
        }

        int footer() throws IOException {
            if (pos != limit) {
                throw new CorruptionException(file, (limit - pos) + " unexpected bytes before the checksum");
            }
            return in.readInt();
        }
    }
}
