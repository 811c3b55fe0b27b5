package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CompletionsTest {

    private static List<CompletableFuture<Void>> futures(int n) {
        List<CompletableFuture<Void>> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new CompletableFuture<>());
        }
        return list;
    }

    @Test
    void aLoneFutureCompletesOnTheCallingThread() {
        try (Completions c = new Completions()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            List<Thread> ranOn = new CopyOnWriteArrayList<>();
            f.thenRun(() -> ranOn.add(Thread.currentThread()));
            c.complete(List.of(f), null);
            assertTrue(f.isDone(), "a batch of one is completed inline");
            assertEquals(List.of(Thread.currentThread()), ranOn);
        }
    }

    @Test
    void aBatchCompletesOnTheCompletionThreadInOrder() throws Exception {
        try (Completions c = new Completions()) {
            List<CompletableFuture<Void>> batch = futures(16);
            List<Integer> order = new CopyOnWriteArrayList<>();
            List<Boolean> onCompletionThread = new CopyOnWriteArrayList<>();
            CountDownLatch ran = new CountDownLatch(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                int n = i;
                batch.get(i).thenRun(() -> {
                    order.add(n);
                    onCompletionThread.add(c.isCompletionThread());
                    ran.countDown();
                });
            }
            c.complete(batch, null);
            // A latch, not get(): a thread waiting in get() may run dependents itself.
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                expected.add(i);
            }
            assertEquals(expected, order);
            assertFalse(onCompletionThread.contains(false), "every callback ran on the completion thread");
            assertFalse(c.isCompletionThread());
        }
    }

    @Test
    void aLoneFutureWaitsBehindAnEarlierBatchStillBeingCompleted() throws Exception {
        try (Completions c = new Completions()) {
            CountDownLatch release = new CountDownLatch(1);
            List<String> order = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> first = futures(2);
            first.get(0).thenRun(() -> {
                try {
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("first-0");
            });
            first.get(1).thenRun(() -> order.add("first-1"));
            c.complete(first, null);
            CompletableFuture<Void> lone = new CompletableFuture<>();
            lone.thenRun(() -> order.add("lone"));
            c.complete(lone, null);
            assertFalse(lone.isDone(), "the lone future must not overtake the blocked batch");
            release.countDown();
            lone.get(10, TimeUnit.SECONDS);
            assertEquals(List.of("first-0", "first-1", "lone"), order);
        }
    }

    @Test
    void failuresCompleteEveryFutureExceptionallyWithTheSameCause() throws Exception {
        try (Completions c = new Completions()) {
            List<CompletableFuture<Void>> batch = futures(3);
            IOException cause = new IOException("disk gone");
            c.complete(batch, cause);
            for (CompletableFuture<Void> f : batch) {
                Throwable t = f.handle((v, e) -> e).get(10, TimeUnit.SECONDS);
                assertSame(cause, t);
            }
        }
    }

    @Test
    void closeWaitsForHandedOffBatchesAndLaterBatchesStillComplete() throws Exception {
        Completions c = new Completions();
        CountDownLatch started = new CountDownLatch(1);
        List<CompletableFuture<Void>> batch = futures(4);
        batch.get(0).thenRun(() -> {
            started.countDown();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        c.complete(batch, null);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        c.close();
        for (CompletableFuture<Void> f : batch) {
            assertTrue(f.isDone(), "close returned before a handed-off future completed");
        }
        List<CompletableFuture<Void>> late = futures(2);
        c.complete(late, null);
        assertTrue(late.get(0).isDone() && late.get(1).isDone(), "after close, batches complete inline");
    }
}
