package dev.keel.storage.tree;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cosmos/iavl v1 node hash ({@code node.go} {@code writeHashBytes}): SHA-256 over
 * {@code zz(height) zz(size) zz(version)} followed, for a leaf, by
 * {@code uvarint(len key) key uvarint(32) sha256(value)}, for an inner node by
 * {@code uvarint(32) leftHash uvarint(32) rightHash}. The empty tree hashes to SHA-256 of nothing.
 *
 * <p>Not thread-safe: one per hashing thread (it reuses its digests and buffer).
 */
final class NodeHasher {
    /** SHA-256 of the empty input: the root of the empty tree. */
    static final byte[] EMPTY_ROOT = newSha256().digest();

    private final MessageDigest node = newSha256();
    private final MessageDigest valueDigest = newSha256();
    private final byte[] prefix = new byte[4 * 10];
    private final byte[] valueHash = new byte[Node.HASH_BYTES];
    /** An inner node's {@code uvarint(32) leftHash uvarint(32) rightHash}; then a digest's output. */
    private final byte[] children = new byte[2 * (1 + Node.HASH_BYTES)];

    /** Computes and sets the hash of {@code n}, whose children (if any) have theirs. */
    void hash(Node n) {
        int p = header(n.height, n.size, n.version);
        if (n.isLeaf()) {
            p = Varints.putUnsigned(prefix, p, n.key.length);
            node.update(prefix, 0, p);
            node.update(n.key);
            node.update((byte) Node.HASH_BYTES);
            valueDigest.update(n.value);
            finish(valueDigest, valueHash);
            node.update(valueHash);
        } else {
            node.update(prefix, 0, p);
            children[0] = Node.HASH_BYTES;
            n.left.writeHash(children, 1);
            children[1 + Node.HASH_BYTES] = Node.HASH_BYTES;
            n.right.writeHash(children, 2 + Node.HASH_BYTES);
            node.update(children, 0, children.length);
        }
        finish(node, children);
        n.setHash(children, 0);
    }

    /** The leaf hash, for checks; {@link #hash(Node)} is what the tree uses. */
    byte[] leaf(long version, byte[] key, byte[] value) {
        int n = header(0, 1, version);
        n = Varints.putUnsigned(prefix, n, key.length);
        node.update(prefix, 0, n);
        node.update(key);
        node.update((byte) Node.HASH_BYTES);
        node.update(valueDigest.digest(value));
        return node.digest();
    }

    /** The inner node hash, for checks; {@link #hash(Node)} is what the tree uses. */
    byte[] inner(int height, long size, long version, byte[] leftHash, byte[] rightHash) {
        int n = header(height, size, version);
        node.update(prefix, 0, n);
        node.update((byte) Node.HASH_BYTES);
        node.update(leftHash);
        node.update((byte) Node.HASH_BYTES);
        node.update(rightHash);
        return node.digest();
    }

    private static void finish(MessageDigest digest, byte[] into) {
        try {
            digest.digest(into, 0, Node.HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 writes 32 bytes", e);
        }
    }

    private int header(int height, long size, long version) {
        int n = Varints.putZigZag(prefix, 0, height);
        n = Varints.putZigZag(prefix, n, size);
        return Varints.putZigZag(prefix, n, version);
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
