package dev.keel.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The WAL's share of the device ceiling with the ceiling measured right before each WAL window:
 * a companion to {@link WalAppendBenchmark}, not a JMH benchmark.
 *
 * <p>{@code WalAppendBenchmark} measures {@code forceCeiling} and {@code keelWal_t16} minutes apart,
 * and on a shared virtual disk the force rate drifts from one few-second window to the next, so
 * their ratio swings by about ten points between runs. Here one process alternates: one thread
 * measures the force rate of a preallocated file (128 B written at the next offset, then
 * {@code force(false)}, as {@code forceCeiling} does), then 16 threads append 128 B entries to one
 * Keel WAL, each waiting for its acknowledgement (as {@code keelWal_t16} does). The writers are new
 * threads for each window, so nothing runs beside the force-rate measurement. (Measured between the
 * iterations of a 16-thread JMH benchmark, the force rate read a third to two thirds low, 1.4k–5.7k
 * per second against 5.8k–8.4k here; presumably JMH's 16 worker threads, waiting for the next
 * iteration, share the two cores with it.) Each round prints its ratio to 16 × the force rate; the
 * end, the minimum, median and maximum. SPEC section 7's target is at least 50%.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.keel.benchmarks.WalCeilingProbe [rounds] [wal seconds]
 * </pre>
 * Defaults: 8 rounds of a 2 s force-rate measurement and a 5 s WAL window. The WAL and the file
 * live in temporary directories, deleted at the end.
 */
public final class WalCeilingProbe {
    static final int WRITERS = 16;
    static final int ENTRY_BYTES = 128;
    private static final long FORCE_NANOS = 2_000_000_000L;

    private WalCeilingProbe() {
    }

    /**
     * @param args optional: the number of rounds (default 8) and the seconds of each WAL window (default 5)
     * @throws Exception if the WAL or the file fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        long walNanos = (args.length > 1 ? Long.parseLong(args[1]) : 5) * 1_000_000_000L;
        WalAppendBenchmark.Payload payload = new WalAppendBenchmark.Payload();
        payload.entryBytes = ENTRY_BYTES;
        payload.fill();
        WalAppendBenchmark.KeelWal wal = new WalAppendBenchmark.KeelWal();
        WalAppendBenchmark.PreallocatedFile file = new WalAppendBenchmark.PreallocatedFile();
        List<Double> ratios = new ArrayList<>();
        wal.open();
        try {
            file.open(payload);
            try {
                for (int round = 1; round <= rounds; round++) {
                    double force = forceRate(file);
                    double keel = walRate(wal, payload.bytes, walNanos);
                    double ratio = keel / (WRITERS * force);
                    ratios.add(ratio);
                    System.out.printf(Locale.ROOT, "round %d: force rate %,.0f/s, ceiling %d × that = %,.0f/s; Keel WAL"
                            + " %,.0f appends/s; %.1f%%%n", round, force, WRITERS, WRITERS * force, keel, 100 * ratio);
                }
            } finally {
                file.close();
            }
        } finally {
            wal.close();
        }
        Collections.sort(ratios);
        int n = ratios.size();
        double median = n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
        System.out.printf(Locale.ROOT, "ratio over %d rounds: min %.1f%%, median %.1f%%, max %.1f%% (target: at least 50%%)%n",
                n, 100 * ratios.get(0), 100 * median, 100 * ratios.get(n - 1));
    }

    /** One thread's writes plus {@code force(false)} per second, for {@value #FORCE_NANOS} ns. */
    private static double forceRate(WalAppendBenchmark.PreallocatedFile file) throws IOException {
        long t0 = System.nanoTime();
        long n = 0;
        long elapsed;
        do {
            file.writeAndForce();
            n++;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < FORCE_NANOS);
        return n * 1e9 / elapsed;
    }

    /** Acknowledged appends per second of {@value #WRITERS} writers, each waiting for its own. */
    private static double walRate(WalAppendBenchmark.KeelWal wal, byte[] entry, long nanos) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder acknowledged = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            writers.add(new Thread(() -> {
                try {
                    while (!stop.get()) {
                        wal.append(entry).join();
                        acknowledged.increment();
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "wal-probe-writer-" + i));
        }
        long t0 = System.nanoTime();
        writers.forEach(Thread::start);
        Thread.sleep(nanos / 1_000_000);
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw new IllegalStateException("a WAL append failed", failure.get());
        }
        return acknowledged.sum() * 1e9 / elapsed;
    }
}
