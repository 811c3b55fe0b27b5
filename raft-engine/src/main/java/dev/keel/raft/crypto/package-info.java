/**
 * Encryption at rest for the engine: {@link dev.keel.raft.crypto.AesGcmSealer} (the JDK's
 * AES-256-GCM behind storage-api's {@code Sealer}, with per-key seal counts) and
 * {@link dev.keel.raft.crypto.StaticKeyProvider}.
 */
package dev.keel.raft.crypto;
