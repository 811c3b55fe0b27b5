package dev.keel.storage.tree;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Not a test: times the tree's commits as the commit benchmark sets them up (1M keys of 32 bytes,
 * 128-byte values, blocks of 2,000 updates, 100 retained versions), six rounds of 100 blocks. Each
 * round prints its keys per second (commit calls only, as JMH times them) and, per block, the CPU
 * of the committing thread, of the store's other hash threads and of the whole process (the
 * collector's threads included) against the wall time. The CPU figures vary less between runs than
 * JMH's scores, which makes it the tool for comparing two builds; it has no background tree
 * snapshot (the first falls due after 1,000 changelog records). Run by hand:
 * {@code java -Xms2g -Xmx2g -cp target/classes:target/test-classes:<deps> dev.keel.storage.tree.CommitProbe}.
 */
final class CommitProbe {
    private static final int KEYS = 1_000_000;
    private static final int BLOCK = 2_000;

    private CommitProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("commit-probe");
        SplittableRandom random = new SplittableRandom(42);
        try (TreeStore store = TreeStore.open(dir, StoreOptions.defaults().withSync(false))) {
            for (int start = 0; start < KEYS; start += 20_000) {
                ChangeSet.Builder b = ChangeSet.builder();
                for (int i = start; i < start + 20_000; i++) {
                    b.put(key(i), value(random));
                }
                store.commit(b.build(), CommitMetadata.EMPTY);
            }
            store.pruneBefore(store.latestVersion());
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int round = 0; round < 6; round++) {
                long cpu = 0;
                long ns = 0;
                long process0 = os.getProcessCpuTime();
                long hash0 = hashThreadsCpu(threads);
                long wall0 = System.nanoTime();
                long building = 0;
                for (int c = 0; c < 100; c++) {
                    long b0 = threads.getCurrentThreadCpuTime();
                    ChangeSet.Builder b = ChangeSet.builder();
                    for (int i = 0; i < BLOCK; i++) {
                        b.put(key(random.nextInt(KEYS)), value(random));
                    }
                    ChangeSet block = b.build();
                    long c0 = threads.getCurrentThreadCpuTime();
                    building += c0 - b0;
                    long t0 = System.nanoTime();
                    store.commit(block, CommitMetadata.EMPTY);
                    ns += System.nanoTime() - t0;
                    cpu += threads.getCurrentThreadCpuTime() - c0;
                }
                long process = os.getProcessCpuTime() - process0;
                long hash = hashThreadsCpu(threads) - hash0;
                long wall = System.nanoTime() - wall0;
                System.out.printf("round %d: %.0f keys/s; per block: committing thread %.2f ms of CPU, hash threads %.2f,"
                                + " the whole process %.2f ms of CPU (%.2f of it building the block) in %.2f ms%n",
                        round, 100.0 * BLOCK / (ns / 1e9), cpu / 1e6 / 100, hash / 1e6 / 100, process / 1e6 / 100,
                        building / 1e6 / 100, wall / 1e6 / 100);
            }
        } finally {
            DurableFiles.deleteTree(dir);
        }
    }

    /** CPU time of the store's hash threads so far (they live as long as the store). */
    private static long hashThreadsCpu(ThreadMXBean threads) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("keel-tree-hash-")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    /** Key {@code i}: 32 bytes from a generator seeded by {@code i} (regenerable, like the benchmark's). */
    private static byte[] key(long i) {
        byte[] k = new byte[32];
        new SplittableRandom(i * 0x9E3779B97F4A7C15L).nextBytes(k);
        return k;
    }

    private static byte[] value(SplittableRandom random) {
        byte[] v = new byte[128];
        random.nextBytes(v);
        return v;
    }
}
