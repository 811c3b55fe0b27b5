package dev.keel.storage.tree;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;

/**
 * One retained version: its root (shared with its neighbours), root hash and metadata. Immutable
 * once published; holding it keeps its whole tree reachable, which is how views pin a version.
 *
 * @param version the version number (0 is the empty store)
 * @param root the root node, {@code null} for the empty tree
 * @param rootHash the IAVL root hash (SHA-256 of nothing for the empty tree); never modified
 * @param metadata what the version reflects
 */
record SavedVersion(long version, Node root, byte[] rootHash, CommitMetadata metadata) {
    static SavedVersion empty() {
        return new SavedVersion(0, null, NodeHasher.EMPTY_ROOT.clone(), CommitMetadata.EMPTY);
    }

    Commitment commitment() {
        return new Commitment(Commitment.IAVL_SHA256, rootHash);
    }

    CommitInfo info() {
        return new CommitInfo(version, commitment(), metadata);
    }

    long leafCount() {
        return root == null ? 0 : root.size;
    }
}
