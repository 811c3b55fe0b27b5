/**
 * The {@code tree} storage backend: a persistent (copy-on-write) IAVL+ tree whose root hashes are
 * bit-identical to cosmos/iavl v1 for the same sequence of set, remove and save-version, kept in
 * memory and made durable by periodic tree snapshot files plus a changelog, as memIAVL does.
 *
 * <p>Reach it through {@code Stores.open("tree", dir, options)}; every class but
 * {@link dev.keel.storage.tree.TreeProvider} is package-private.
 */
package dev.keel.storage.tree;
