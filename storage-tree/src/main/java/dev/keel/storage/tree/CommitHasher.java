package dev.keel.storage.tree;

import dev.keel.storage.api.KeelException;
import dev.keel.storage.api.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hashes the nodes a commit created, on several threads when the commit is large. The new nodes
 * of a block of updates fan out below the root into many disjoint subtrees; those are hashed in
 * parallel (each thread with its own {@link NodeHasher}), then the calling thread hashes the few
 * new nodes above them. Node hashes do not depend on the order they are computed in, so the root
 * is the same as a single thread's.
 *
 * <p>The calling thread claims subtrees too, and waits only for the subtrees a pool thread has
 * claimed: on a busy machine a pool thread that starts late finds nothing left and the commit
 * does not wait for it.
 *
 * <p>Thread-safe: one commit at a time is expected (the store's writer lock), but nothing breaks
 * otherwise.
 */
final class CommitHasher implements AutoCloseable {
    /** Below this many changes, a commit's new nodes are too few to be worth handing out. */
    static final int PARALLEL_MIN_CHANGES = 256;
    /** Subtrees handed out are rooted this deep: up to 32, enough to balance two to four threads. */
    private static final int SPLIT_DEPTH = 5;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ExecutorService pool;
    private final int helpers;
    private final ThreadLocal<NodeHasher> hashers = ThreadLocal.withInitial(NodeHasher::new);

    /** @param threads threads that hash a large commit, the calling one included; at least 1 */
    CommitHasher(int threads) {
        this.helpers = threads - 1;
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = helpers == 0 ? null : Executors.newFixedThreadPool(helpers, r -> {
            Thread t = new Thread(r, "keel-tree-hash-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Hashes every node under {@code root} that has no hash yet.
     *
     * @param root the root of the version being built (not {@code null})
     * @param changes how many keys the commit set or removed: a hint of how many nodes are new
     * @return the root hash
     */
    byte[] hash(Node root, int changes) {
        NodeHasher own = hashers.get();
        if (pool != null && changes >= PARALLEL_MIN_CHANGES) {
            List<Node> subtrees = new ArrayList<>();
            collect(root, 0, subtrees);
            if (subtrees.size() > 1) {
                hashInParallel(subtrees, own);
            }
        }
        root.computeHash(own);
        return root.hash();
    }

    /** The unhashed subtrees rooted {@link #SPLIT_DEPTH} below {@code node}, or shallower leaves. */
    private static void collect(Node node, int depth, List<Node> into) {
        if (node.hasHash()) {
            return;
        }
        if (depth == SPLIT_DEPTH || node.isLeaf()) {
            into.add(node);
            return;
        }
        collect(node.left, depth + 1, into);
        collect(node.right, depth + 1, into);
    }

    private void hashInParallel(List<Node> subtrees, NodeHasher own) {
        Job job = new Job(subtrees);
        int workers = Math.min(helpers, subtrees.size() - 1);
        for (int w = 0; w < workers; w++) {
            pool.execute(() -> job.work(hashers.get()));
        }
        job.work(own);
        job.await();
    }

    /** One commit's subtrees, claimed one at a time by whichever thread comes first. */
    private static final class Job {
        private final List<Node> subtrees;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private volatile Throwable failure;

        Job(List<Node> subtrees) {
            this.subtrees = subtrees;
            this.done = new CountDownLatch(subtrees.size());
        }

        void work(NodeHasher hasher) {
            for (int i = next.getAndIncrement(); i < subtrees.size(); i = next.getAndIncrement()) {
                try {
                    subtrees.get(i).computeHash(hasher);
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    // Publishes the subtree's hashes to the thread that awaits.
                    done.countDown();
                }
            }
        }

        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    // The claimed subtrees finish soon; the commit must not be left half hashed.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable f = failure;
            if (f instanceof KeelException k) {
                throw k;
            }
            if (f instanceof Error e) {
                throw e;
            }
            if (f != null) {
                throw new StorageException("hashing a commit's nodes failed", f);
            }
        }
    }

    /** Stops the pool threads; a hash in progress finishes. Idempotent. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
