package dev.keel.storage.tree;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: measures the heap the tree holds per key at 1M keys (32-byte keys, 128-byte values,
 * blocks of 2,000 puts, as the commit benchmark). Run by hand:
 * {@code java -cp target/classes:target/test-classes:<deps> dev.keel.storage.tree.HeapPerKeyProbe [window]}.
 */
final class HeapPerKeyProbe {
    private HeapPerKeyProbe() {
    }

    public static void main(String[] args) throws Exception {
        int window = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int keys = 1_000_000;
        Path dir = Files.createTempDirectory("heap-probe");
        Random rnd = new Random(42);
        long before = used();
        StoreOptions opts = StoreOptions.defaults().withSync(false).withRetainedVersions(window)
                .withBackendProperties(Map.of(TreeStore.SNAPSHOT_INTERVAL, "1000000"));
        try (VersionedStore store = Stores.open("tree", dir, opts)) {
            long t0 = System.nanoTime();
            for (int done = 0; done < keys; ) {
                ChangeSet.Builder cs = ChangeSet.builder();
                for (int i = 0; i < 2000; i++, done++) {
                    byte[] k = new byte[32];
                    byte[] v = new byte[128];
                    rnd.nextBytes(k);
                    rnd.nextBytes(v);
                    cs.put(k, v);
                }
                store.commit(cs.build(), CommitMetadata.EMPTY);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long after = used();
            long payload = (long) keys * (16 + 32 + 16 + 128);
            System.out.printf("window %d: %d keys in %d ms (%.0f keys/s); heap %.1f MiB = %.1f B/key"
                            + " (key+value arrays %.0f B/key, tree structure and hashes %.1f B/key)%n",
                    window, keys, ms, keys * 1000.0 / ms, (after - before) / 1048576.0, (after - before) / (double) keys,
                    payload / (double) keys, (after - before - payload) / (double) keys);
        }
    }

    private static long used() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
