package dev.keel.storage.tree;

import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.StoreView;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * ICS23 membership and non-membership proofs for the tree backend, in the {@code CommitmentProof}
 * Protobuf wire format with the IAVL spec, which Cosmos IBC light clients verify.
 *
 * <ul>
 *   <li>{@link #prove} builds, from a view of the {@code tree} backend, an existence proof when the
 *       key is present and a non-existence proof (its neighbours' existence proofs) otherwise.</li>
 *   <li>{@link #decode} checks that bytes are a well-formed proof ({@link MalformedProofException}
 *       otherwise).</li>
 *   <li>{@link #verify} never throws for bad proof bytes: a forged, truncated, malformed or
 *       mismatched proof is {@code false}.</li>
 * </ul>
 *
 * <p>The verifier follows cosmos/ics23 ({@code go/proof.go}, {@code go/ops.go}) with the IAVL spec
 * (leaf: prefix {@code 0x00}, no key prehash, SHA-256 value prehash, varint length; inner: SHA-256,
 * children of 33 bytes) and checks the IAVL shape of every operation exactly: a leaf prefix is
 * {@code zz(0) zz(1) zz(version)}; an inner prefix is {@code zz(height) zz(size) zz(version)}
 * followed by {@code 0x20} (the proven child is on the left, the suffix is {@code 0x20 ‖ rightHash})
 * or by {@code 0x20 ‖ leftHash ‖ 0x20} (on the right, empty suffix), with heights growing towards
 * the root. One difference from ICS23: Keel values may be empty (an empty value is distinct from
 * absence), and such a value is proven like any other; upstream ICS23 refuses empty values.
 *
 * <p>Stateless and thread-safe.
 */
public final class Ics23 {
    private static final byte LEAF_PREFIX = 0;

    private Ics23() {
    }

    /**
     * Proves the presence (with its value) or the absence of {@code key} in the version a view shows.
     *
     * @param view a view opened on a {@code tree} store
     * @param key the key
     * @return the {@code CommitmentProof} bytes
     * @throws IllegalArgumentException if the view is not a tree view or the key violates {@link Limits}
     * @throws IllegalStateException if the view is closed, or the version is the empty tree (ICS23
     *     has no proof of absence without a neighbour)
     */
    public static byte[] prove(StoreView view, byte[] key) {
        Limits.checkKey(key);
        if (!(view instanceof TreeStore.TreeView tree)) {
            throw new IllegalArgumentException("not a view of the tree backend: " + view.getClass().getName());
        }
        Node root = tree.root();
        if (root == null) {
            throw new IllegalStateException("version " + view.version() + " is the empty tree: no key can be proven");
        }
        byte[] present = TreeReads.get(root, key);
        ProofCodec.CommitmentProof proof;
        if (present != null) {
            proof = new ProofCodec.CommitmentProof(existence(root, key), null);
        } else {
            Node left = neighbour(root, key, true);
            Node right = neighbour(root, key, false);
            proof = new ProofCodec.CommitmentProof(null, new ProofCodec.NonExistenceProof(key.clone(),
                    left == null ? null : existence(root, left.key), right == null ? null : existence(root, right.key)));
        }
        return ProofCodec.encode(proof);
    }

    /**
     * Decodes and checks the form of proof bytes.
     *
     * @param proof the bytes
     * @return the key the proof is about, and the value it proves (null for a non-existence proof)
     * @throws MalformedProofException if the bytes are not a well-formed existence or non-existence proof
     */
    public static KeyValueOrAbsent decode(byte[] proof) {
        ProofCodec.CommitmentProof p = ProofCodec.decode(proof.clone());
        return p.exist() != null
                ? new KeyValueOrAbsent(p.exist().key(), p.exist().value())
                : new KeyValueOrAbsent(p.nonexist().key(), null);
    }

    /**
     * What a proof is about. Immutable (arrays are copied in and out) and thread-safe.
     *
     * @param key the key
     * @param value the proven value, or {@code null} when the proof is one of absence
     */
    public record KeyValueOrAbsent(byte[] key, byte[] value) {
        /** @throws NullPointerException if the key is null */
        public KeyValueOrAbsent {
            key = key.clone();
            value = value == null ? null : value.clone();
        }

        /** @return a copy of the key */
        @Override
        public byte[] key() {
            return key.clone();
        }

        /** @return a copy of the proven value, or {@code null} for a proof of absence */
        @Override
        public byte[] value() {
            return value == null ? null : value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyValueOrAbsent k && Arrays.equals(key, k.key) && Arrays.equals(value, k.value);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "KeyValueOrAbsent[key=" + key.length + "B, " + (value == null ? "absent" : "value=" + value.length + "B") + "]";
        }
    }

    /**
     * Verifies a proof against a root.
     *
     * @param proof the {@code CommitmentProof} bytes
     * @param root the IAVL root hash (a commitment's bytes)
     * @param key the key
     * @param value the value the key must have, or {@code null} to verify that the key is absent
     * @return true exactly when the proof shows that, under {@code root}, {@code key} has
     *     {@code value} (or is absent when {@code value} is null)
     */
    public static boolean verify(byte[] proof, byte[] root, byte[] key, byte[] value) {
        if (proof == null || root == null || key == null || key.length == 0) {
            return false;
        }
        ProofCodec.CommitmentProof p;
        try {
            p = ProofCodec.decode(proof.clone());
        } catch (MalformedProofException e) {
            return false;
        }
        if (value != null) {
            return p.exist() != null && verifyExistence(p.exist(), root, key, value);
        }
        return p.nonexist() != null && verifyNonExistence(p.nonexist(), root, key);
    }

    // ---- verification ----

    private static boolean verifyExistence(ProofCodec.ExistenceProof p, byte[] root, byte[] key, byte[] value) {
        if (!Arrays.equals(p.key(), key) || !Arrays.equals(p.value(), value) || p.key().length == 0) {
            return false;
        }
        ProofCodec.LeafOp leaf = p.leaf();
        if (leaf.hash() != ProofCodec.SHA256 || leaf.prehashKey() != 0 || leaf.prehashValue() != ProofCodec.SHA256
                || leaf.length() != ProofCodec.VAR_PROTO || !isIavlLeafPrefix(leaf.prefix())) {
            return false;
        }
        MessageDigest sha = NodeHasher.newSha256();
        sha.update(leaf.prefix());
        byte[] buf = new byte[10];
        sha.update(buf, 0, Varints.putUnsigned(buf, 0, p.key().length));
        sha.update(p.key());
        byte[] valueHash = NodeHasher.newSha256().digest(p.value());
        sha.update(buf, 0, Varints.putUnsigned(buf, 0, valueHash.length));
        sha.update(valueHash);
        byte[] h = sha.digest();
        long childHeight = 0;
        for (ProofCodec.InnerOp op : p.path()) {
            long height = innerHeight(op);
            if (op.hash() != ProofCodec.SHA256 || height <= childHeight || side(op) == Side.INVALID) {
                return false;
            }
            childHeight = height;
            sha.update(op.prefix());
            sha.update(h);
            sha.update(op.suffix());
            h = sha.digest();
        }
        return MessageDigest.isEqual(h, root);
    }

    private static boolean verifyNonExistence(ProofCodec.NonExistenceProof p, byte[] root, byte[] key) {
        if (!Arrays.equals(p.key(), key) || (p.left() == null && p.right() == null)) {
            return false;
        }
        if (p.left() != null && (!verifyExistence(p.left(), root, p.left().key(), p.left().value())
                || KeyValue.KEY_ORDER.compare(p.left().key(), key) >= 0)) {
            return false;
        }
        if (p.right() != null && (!verifyExistence(p.right(), root, p.right().key(), p.right().value())
                || KeyValue.KEY_ORDER.compare(key, p.right().key()) >= 0)) {
            return false;
        }
        if (p.left() == null) {
            return allOnSide(p.right().path(), Side.LEFT);
        }
        if (p.right() == null) {
            return allOnSide(p.left().path(), Side.RIGHT);
        }
        return areNeighbours(p.left().path(), p.right().path());
    }

    /** cosmos/ics23 {@code IsLeftNeighbor}: equal ops above the split, then right-most and left-most below it. */
    private static boolean areNeighbours(List<ProofCodec.InnerOp> left, List<ProofCodec.InnerOp> right) {
        int l = left.size() - 1;
        int r = right.size() - 1;
        while (l >= 0 && r >= 0 && Arrays.equals(left.get(l).prefix(), right.get(r).prefix())
                && Arrays.equals(left.get(l).suffix(), right.get(r).suffix())) {
            l--;
            r--;
        }
        if (l < 0 || r < 0 || side(left.get(l)) != Side.LEFT || side(right.get(r)) != Side.RIGHT) {
            return false;
        }
        return allOnSide(left.subList(0, l), Side.RIGHT) && allOnSide(right.subList(0, r), Side.LEFT);
    }

    private static boolean allOnSide(List<ProofCodec.InnerOp> path, Side side) {
        for (ProofCodec.InnerOp op : path) {
            if (side(op) != side) {
                return false;
            }
        }
        return true;
    }

    /** Which child of the inner node the proven hash is. */
    private enum Side { LEFT, RIGHT, INVALID }

    private static Side side(ProofCodec.InnerOp op) {
        int header = headerLength(op.prefix(), 3);
        if (header < 0 || op.prefix()[0] == LEAF_PREFIX) {
            return Side.INVALID;
        }
        int rest = op.prefix().length - header;
        byte[] prefix = op.prefix();
        byte[] suffix = op.suffix();
        if (rest == 1 && prefix[header] == Node.HASH_BYTES
                && suffix.length == 1 + Node.HASH_BYTES && suffix[0] == Node.HASH_BYTES) {
            return Side.LEFT;
        }
        if (rest == 2 + Node.HASH_BYTES && prefix[header] == Node.HASH_BYTES
                && prefix[prefix.length - 1] == Node.HASH_BYTES && suffix.length == 0) {
            return Side.RIGHT;
        }
        return Side.INVALID;
    }

    /** @return the inner node's height from its prefix, or -1 when the header is not three valid zigzag varints */
    private static long innerHeight(ProofCodec.InnerOp op) {
        long[] values = new long[3];
        if (readHeader(op.prefix(), values) < 0 || values[1] < 2 || values[2] < 1) {
            return -1;
        }
        return values[0];
    }

    private static boolean isIavlLeafPrefix(byte[] prefix) {
        long[] values = new long[3];
        int n = readHeader(prefix, values);
        return n == prefix.length && values[0] == 0 && values[1] == 1 && values[2] >= 1;
    }

    private static int headerLength(byte[] prefix, int count) {
        return readHeader(prefix, new long[count]);
    }

    /** Reads three zigzag varints; @return the bytes they take, or -1 if malformed or negative. */
    private static int readHeader(byte[] prefix, long[] values) {
        int pos = 0;
        for (int i = 0; i < values.length; i++) {
            long raw = 0;
            int shift = 0;
            while (true) {
                if (pos >= prefix.length || shift > 63) {
                    return -1;
                }
                byte b = prefix[pos++];
                raw |= (long) (b & 0x7F) << shift;
                shift += 7;
                if (b >= 0) {
                    break;
                }
            }
            long v = (raw >>> 1) ^ -(raw & 1);
            if (v < 0) {
                return -1;
            }
            values[i] = v;
        }
        return pos;
    }

    // ---- generation ----

    /** The existence proof of a key present under {@code root}: the leaf op, then the path upwards. */
    private static ProofCodec.ExistenceProof existence(Node root, byte[] key) {
        List<ProofCodec.InnerOp> path = new ArrayList<>();
        Node n = root;
        byte[] buf = new byte[30];
        while (!n.isLeaf()) {
            int h = Varints.putZigZag(buf, 0, n.height);
            h = Varints.putZigZag(buf, h, n.size);
            h = Varints.putZigZag(buf, h, n.version);
            byte[] header = Arrays.copyOf(buf, h);
            if (WorkingTree.compare(key, n.key) < 0) {
                path.add(new ProofCodec.InnerOp(ProofCodec.SHA256, concat(header, new byte[] {Node.HASH_BYTES}),
                        concat(new byte[] {Node.HASH_BYTES}, n.right.hash())));
                n = n.left;
            } else {
                path.add(new ProofCodec.InnerOp(ProofCodec.SHA256,
                        concat(header, new byte[] {Node.HASH_BYTES}, n.left.hash(), new byte[] {Node.HASH_BYTES}), new byte[0]));
                n = n.right;
            }
        }
        Collections.reverse(path);
        int h = Varints.putZigZag(buf, 0, 0);
        h = Varints.putZigZag(buf, h, 1);
        h = Varints.putZigZag(buf, h, n.version);
        ProofCodec.LeafOp leaf = new ProofCodec.LeafOp(ProofCodec.SHA256, 0, ProofCodec.SHA256, ProofCodec.VAR_PROTO,
                Arrays.copyOf(buf, h));
        return new ProofCodec.ExistenceProof(n.key.clone(), n.value.clone(), leaf, List.copyOf(path));
    }

    /** The leaf with the largest key below {@code key} ({@code below}) or the smallest above it. */
    private static Node neighbour(Node root, byte[] key, boolean below) {
        Node candidate = null;
        Node n = root;
        while (!n.isLeaf()) {
            if (WorkingTree.compare(key, n.key) < 0) {
                if (!below) {
                    candidate = n.right;
                }
                n = n.left;
            } else {
                if (below) {
                    candidate = n.left;
                }
                n = n.right;
            }
        }
        int cmp = WorkingTree.compare(n.key, key);
        if (below ? cmp < 0 : cmp > 0) {
            return n;
        }
        if (candidate == null) {
            return null;
        }
        while (!candidate.isLeaf()) {
            candidate = below ? candidate.right : candidate.left;
        }
        return candidate;
    }

    private static byte[] concat(byte[]... parts) {
        int len = 0;
        for (byte[] p : parts) {
            len += p.length;
        }
        byte[] out = new byte[len];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
