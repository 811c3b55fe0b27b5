/**
 * Keel snapshots: the file format ({@link dev.keel.snapshot.format}) and the cold-start gate
 * ({@link dev.keel.snapshot.gate}). Depends on {@code keel-storage-api} only.
 */
package dev.keel.snapshot;
