package dev.keel.raft.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.crypto.AesGcmSealer;
import dev.keel.raft.crypto.StaticKeyProvider;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.crypto.CryptoException;
import dev.keel.storage.api.crypto.KeyNotFoundException;
import dev.keel.storage.api.crypto.KeyProvider;
import dev.keel.storage.api.crypto.SealedRecordException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encryption at rest through the engine: SPEC section 2 and the engine issue's item 4. */
class EncryptionAtRestTest {
    private static final KeyProvider KEYS = StaticKeyProvider.random(new SecureRandom(), 1, 2);

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Files under {@code sub} (WAL and snapshots; Keel does not encrypt the store's own files) holding {@code needle}. */
    private List<Path> filesContaining(String sub, String needle) {
        byte[] n = ascii(needle);
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve(sub))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(p);
                outer:
                for (int i = 0; i + n.length <= b.length; i++) {
                    for (int j = 0; j < n.length; j++) {
                        if (b[i + j] != n[j]) {
                            continue outer;
                        }
                    }
                    hits.add(p);
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }

    @Test
    void aCanaryWrittenAfterTheCutoverNeverAppearsInClearInAnyWalSegmentOrSnapshot() {
        try (Node node = new Node(dir, 0)) {
            node.sealer = new AesGcmSealer(KEYS);
            node.open();
            node.put("before", "CANARY-CLEAR-4d1e");
            assertFalse(filesContaining("wal", "CANARY-CLEAR-4d1e").isEmpty(),
                    "before the cutover the value is in the WAL in clear (the search can find plaintext)");
            long cutover = StoreVersionProbe.rotate(node, 1);
            for (int i = 0; i < 40; i++) {
                node.put("k" + i, "CANARY-SEALED-9b7f-" + i);
            }
            Node.await(node.engine.snapshot());
            for (int i = 40; i < 60; i++) {
                node.put("k" + i, "CANARY-SEALED-9b7f-" + i);
            }
            CommitMetadata metadata = node.sm.store().latest().metadata();
            assertEquals(cutover, metadata.cutoverIndex());
            assertEquals(1, metadata.activeKeyId());
            Node.State before = node.state();
            node.stop();

            assertEquals(List.of(), filesContaining("wal", "CANARY-SEALED-9b7f"));
            assertEquals(List.of(), filesContaining("snapshots", "CANARY-SEALED-9b7f"));
            // The store's own files (RocksDB) are not Keel's to encrypt (SPEC section 2), so they are not searched.

            node.sealer = new AesGcmSealer(KEYS);
            assertEquals(ColdStartOutcome.SKIPPED, node.open().outcome());
            assertEquals(before, node.state(), "a restart reads the sealed log back");
            node.stop();
            node.wipeStore();
            node.sealer = new AesGcmSealer(KEYS);
            node.open();
            assertEquals(before.content(), node.state().content(), "restoring from the sealed snapshot reaches the same content");
            assertEquals(before.commitment(), node.state().commitment());
        }
    }

    @Test
    void aWrongMissingOrAbsentKeyStopsTheOpenWithATypedError() {
        try (Node node = new Node(dir, 0)) {
            node.sealer = new AesGcmSealer(KEYS);
            node.open();
            StoreVersionProbe.rotate(node, 2);
            for (int i = 0; i < 5; i++) {
                node.put("k" + i, "v" + i);
            }
            node.stop();

            node.sealer = new AesGcmSealer(StaticKeyProvider.random(new SecureRandom(), 1, 2));
            assertInstanceOf(SealedRecordException.class, openFailure(node), "other key material under the same id");
            node.sealer = new AesGcmSealer(id -> {
                throw new KeyNotFoundException(id);
            });
            assertInstanceOf(KeyNotFoundException.class, openFailure(node));
            node.sealer = null;
            assertInstanceOf(CryptoException.class, openFailure(node), "an encrypted store with no sealer");

            node.sealer = new AesGcmSealer(KEYS);
            node.open();
            assertEquals("v4", node.sm.store().get(ascii("k4")).map(v -> new String(v, StandardCharsets.US_ASCII))
                    .orElseThrow(), "the right key still opens everything: nothing was changed by the failed opens");
        }
    }

    @Test
    void rotationNeedsASealerAndAUsableKeyAndKeysInUseFollowsCompaction() {
        try (Node node = new Node(dir, 0)) {
            node.open();
            assertThrows(IllegalStateException.class, () -> node.engine.rotateKey(1), "no sealer, no encryption");
            node.stop();
            node.sealer = new AesGcmSealer(KEYS);
            node.open();
            assertThrows(KeyNotFoundException.class, () -> node.engine.rotateKey(3));
            assertEquals(Set.of(), node.engine.keysInUse());
            StoreVersionProbe.rotate(node, 1);
            node.put("a", "1");
            StoreVersionProbe.rotate(node, 2);
            node.put("b", "2");
            assertEquals(Set.of(1, 2), node.engine.keysInUse());
            // Fill segments with key-2 entries, snapshot and compact: key 1 is no longer needed.
            for (int i = 0; i < 200; i++) {
                node.put("fill" + i, "x".repeat(100));
            }
            Node.await(node.engine.snapshot());
            assertEquals(Set.of(2), node.engine.keysInUse());
        }
    }

    private static Throwable openFailure(Node node) {
        Engine engine = node.openAsync();
        try {
            engine.ready().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
            throw new AssertionError("the open succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            node.stop();
        }
    }

    /** Rotations through the engine, returning the rotation's index. */
    private static final class StoreVersionProbe {
        static long rotate(Node node, int keyId) {
            Node.await(node.engine.rotateKey(keyId));
            return node.engine.appliedIndex();
        }
    }

    @Test
    void proposingAnEncodedRotationDirectlyIsTheSameAsRotateKey() {
        try (Node node = new Node(dir, 0)) {
            node.sealer = new AesGcmSealer(KEYS);
            node.open();
            byte[] rotation = dev.keel.raft.statemachine.CommandCodec.encode(
                    new dev.keel.raft.statemachine.Command.KeyRotation(1));
            // Proposed together with blocks: the rotation ends its batch, so the block after it is sealed.
            var first = node.engine.propose(rotation);
            var second = node.engine.propose(Node.block(Mutation.put(ascii("k"), ascii("CANARY-DIRECT-55aa"))));
            Node.await(first);
            Node.await(second);
            node.stop();
            assertEquals(List.of(), filesContaining("wal", "CANARY-DIRECT-55aa"));
        }
    }
}
