package dev.keel.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionMismatchException;
import dev.keel.storage.api.VersionedStore;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogicalDigesterTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final StoreOptions OPTIONS = StoreOptions.defaults().withSync(false).withHashThreads(1);

    @TempDir
    Path tmp;

    private static byte[] b(String hex) {
        return HEX.parseHex(hex);
    }

    @Test
    void flatkvAndTreeDigestsAreEqualForEqualStateReachedByDifferentHistories() {
        try (VersionedStore flat = Stores.open("flatkv", tmp.resolve("f"), OPTIONS);
             VersionedStore tree = Stores.open("tree", tmp.resolve("t"), OPTIONS)) {
            flat.commit(ChangeSet.builder().put(b("01"), b("aa")).put(b("0102"), new byte[0]).build(), CommitMetadata.EMPTY);
            // The tree gets there through an overwrite and a delete: same pairs, other history.
            tree.commit(ChangeSet.builder().put(b("01"), b("ff")).put(b("ff00"), b("11")).build(), CommitMetadata.EMPTY);
            tree.commit(ChangeSet.builder().put(b("01"), b("aa")).delete(b("ff00")).put(b("0102"), new byte[0]).build(),
                    CommitMetadata.EMPTY);
            LogicalDigester digester = new LogicalDigester(1);
            LogicalDigest f = digester.digest(flat, 1, (d, t) -> { });
            LogicalDigest t = digester.digest(tree, 2, (d, x) -> { });
            assertTrue(f.sameContent(t), f + " vs " + t);
            assertEquals(2, f.keyCount());
            assertEquals(1, f.buckets().size());
            assertEquals("01", f.buckets().get(0).prefixHex());
        }
    }

    @Test
    void digestIsSha256OverLengthPrefixedPairsPerBucketAsDocumented() throws Exception {
        try (VersionedStore tree = Stores.open("tree", tmp.resolve("t"), OPTIONS)) {
            tree.commit(ChangeSet.builder().put(b("0a01"), b("01")).put(b("0a02"), new byte[0]).put(b("0b"), b("0203"))
                    .build(), CommitMetadata.EMPTY);
            LogicalDigest d = new LogicalDigester(1).digest(tree, 1, (x, y) -> { });

            byte[] bucketA = sha(pair(b("0a01"), b("01")), pair(b("0a02"), new byte[0]));
            byte[] bucketB = sha(pair(b("0b"), b("0203")));
            assertArrayEquals(bucketA, d.buckets().get(0).digest());
            assertArrayEquals(bucketB, d.buckets().get(1).digest());
            byte[] root = sha("keel-logical-digest/1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[] {1},
                    summary(b("0a"), 2, bucketA), summary(b("0b"), 1, bucketB));
            assertArrayEquals(root, d.digest());
        }
    }

    @Test
    void pairsLargerThanTheHashingBufferDigestAsDocumentedToo() throws Exception {
        byte[] big = new byte[20_000];
        new java.util.Random(7).nextBytes(big);
        byte[] fits = new byte[8_150];
        java.util.Arrays.fill(fits, (byte) 5);
        for (String backend : new String[] {"tree", "flatkv"}) {
            try (VersionedStore store = Stores.open(backend, tmp.resolve(backend), OPTIONS)) {
                store.commit(ChangeSet.builder().put(b("0a01"), b("01")).put(b("0a02"), big).put(b("0a03"), fits)
                        .put(b("0a04"), b("02")).build(), CommitMetadata.EMPTY);
                LogicalDigest d = new LogicalDigester(1).digest(store, 1, (x, y) -> { });
                byte[] bucket = sha(pair(b("0a01"), b("01")), pair(b("0a02"), big), pair(b("0a03"), fits),
                        pair(b("0a04"), b("02")));
                assertArrayEquals(bucket, d.buckets().get(0).digest(), backend);
            }
        }
    }

    @Test
    void emptyValueAndAbsentKeyGiveDifferentDigests() {
        try (VersionedStore tree = Stores.open("tree", tmp.resolve("t"), OPTIONS)) {
            tree.commit(ChangeSet.builder().put(b("01"), b("aa")).build(), CommitMetadata.EMPTY);
            tree.commit(ChangeSet.builder().put(b("02"), new byte[0]).build(), CommitMetadata.EMPTY);
            LogicalDigester digester = new LogicalDigester(0);
            assertNotEquals(digester.digest(tree, 1, (d, t) -> { }).hex(), digester.digest(tree, 2, (d, t) -> { }).hex());
        }
    }

    @Test
    void shortKeysFormTheirOwnBucketsAndCountsAddUp() {
        try (VersionedStore flat = Stores.open("flatkv", tmp.resolve("f"), OPTIONS)) {
            flat.commit(ChangeSet.builder().put(b("01"), b("00")).put(b("0100"), b("01")).put(b("0101ff"), b("02"))
                    .put(b("0200"), b("03")).build(), CommitMetadata.EMPTY);
            LogicalDigest d = new LogicalDigester(2).digest(flat, 1, (x, y) -> { });
            List<String> prefixes = new ArrayList<>();
            d.buckets().forEach(bucket -> prefixes.add(bucket.prefixHex() + ":" + bucket.count()));
            assertEquals(List.of("01:1", "0100:1", "0101:1", "0200:1"), prefixes);
            assertEquals(4, d.keyCount());
        }
    }

    @Test
    void versionNewerThanLatestFailsClosedWithVersionMismatch() {
        try (VersionedStore tree = Stores.open("tree", tmp.resolve("t"), OPTIONS)) {
            tree.commit(ChangeSet.builder().put(b("01"), b("aa")).build(), CommitMetadata.EMPTY);
            VersionMismatchException e = assertThrows(VersionMismatchException.class,
                    () -> new LogicalDigester(1).digest(tree, 2, (d, t) -> { }));
            assertEquals(2, e.expected());
            assertEquals(1, e.actual());
        }
    }

    @Test
    void prunedVersionFailsClosedInsteadOfDigestingTheOldestRetained() {
        try (VersionedStore flat = Stores.open("flatkv", tmp.resolve("f"), OPTIONS)) {
            for (int i = 0; i < 3; i++) {
                flat.commit(ChangeSet.builder().put(b("01"), new byte[] {(byte) i}).build(), CommitMetadata.EMPTY);
            }
            flat.pruneBefore(3);
            VersionMismatchException e = assertThrows(VersionMismatchException.class,
                    () -> new LogicalDigester(1).digest(flat, 2, (d, t) -> { }));
            assertEquals(2, e.expected());
            assertEquals(-1, e.actual());
        }
    }

    @Test
    void viewOfANeighbourVersionIsRejectedNotDigested() {
        try (VersionedStore tree = new ForwardingStore(Stores.open("tree", tmp.resolve("t"), OPTIONS)) {
            @Override
            public StoreView view(long version) {
                return delegate.view(version - 1); // a backend bug: answers with the version before
            }
        }) {
            tree.commit(ChangeSet.builder().put(b("01"), b("aa")).build(), CommitMetadata.EMPTY);
            tree.commit(ChangeSet.builder().put(b("01"), b("bb")).build(), CommitMetadata.EMPTY);
            VersionMismatchException e = assertThrows(VersionMismatchException.class,
                    () -> new LogicalDigester(1).digest(tree, 2, (d, t) -> { }));
            assertEquals(1, e.actual());
        }
    }

    @Test
    void reportsProgressEndingWithTheKeyCount() {
        try (VersionedStore tree = Stores.open("tree", tmp.resolve("t"), OPTIONS)) {
            ChangeSet.Builder cs = ChangeSet.builder();
            for (int i = 0; i < 10_000; i++) {
                cs.put(ByteBuffer.allocate(4).putInt(i).array(), b("00"));
            }
            tree.commit(cs.build(), CommitMetadata.EMPTY);
            List<long[]> calls = new ArrayList<>();
            LogicalDigest d = new LogicalDigester(1).digest(tree, 1, (done, total) -> calls.add(new long[] {done, total}));
            assertEquals(10_000, d.keyCount());
            assertEquals(List.of(4096L, 8192L, 10_000L), calls.stream().map(c -> c[0]).toList());
            assertEquals(10_000L, calls.get(calls.size() - 1)[1]);
        }
    }

    @Test
    void firstDifferingBucketIsTheLowestPrefixThatDiffers() {
        try (VersionedStore tree = Stores.open("tree", tmp.resolve("t"), OPTIONS)) {
            tree.commit(ChangeSet.builder().put(b("01"), b("aa")).put(b("0501"), b("01")).put(b("09"), b("02")).build(),
                    CommitMetadata.EMPTY);
            tree.commit(ChangeSet.builder().put(b("0502"), b("03")).put(b("09"), b("04")).build(), CommitMetadata.EMPTY);
            LogicalDigester digester = new LogicalDigester(1);
            LogicalDigest v1 = digester.digest(tree, 1, (d, t) -> { });
            LogicalDigest v2 = digester.digest(tree, 2, (d, t) -> { });
            assertEquals("05", HEX.formatHex(v1.firstDifferingBucket(v2).orElseThrow()));
            assertTrue(v1.firstDifferingBucket(v1).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> v1.sameContent(new LogicalDigester(2).digest(tree, 1, (d, t) -> { })));
        }
    }

    private static byte[] pair(byte[] key, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(key.length).array());
        out.writeBytes(key);
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] summary(byte[] prefix, long count, byte[] digest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(prefix.length).array());
        out.writeBytes(prefix);
        out.writeBytes(ByteBuffer.allocate(8).putLong(count).array());
        out.writeBytes(digest);
        return out.toByteArray();
    }

    private static byte[] sha(byte[]... parts) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            sha.update(p);
        }
        return sha.digest();
    }
}
