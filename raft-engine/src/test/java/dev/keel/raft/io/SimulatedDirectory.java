package dev.keel.raft.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An in-memory {@link StorageDirectory} that injects faults and simulates power loss.
 *
 * <p>Model: each file has a current image (what reads see) and a durable image (the current one as
 * of its last completed {@code force}). A name is durable once {@link #forceDirectory()} ran after
 * its creation; deletions are durable at once (the pessimistic direction for a WAL, which only
 * deletes compacted segments). {@link #powerLoss} builds the directory a reboot would see: durable
 * names with their durable images, optionally with a prefix of the last unforced write applied (a
 * torn write).
 *
 * <p>Faults: {@link #failForceAfter}, {@link #failNextWriteAfter} (a short write that then fails),
 * {@link #setCapacity} (disk full), {@link #vanish} (a file removed underneath its handle) and
 * {@link #limitWriteChunk} (legal short writes, which callers must loop over).
 *
 * <p>Observation: an {@link OperationListener} is told of every mutating operation just before it
 * happens, on the calling thread, so a test can cut the power at an exact point (a force about to
 * run, a segment about to be created or deleted).
 *
 * <p>Thread-safe: every operation holds the directory's monitor.
 */
public final class SimulatedDirectory implements StorageDirectory {
    /** A mutating operation, as an {@link OperationListener} sees it. */
    public enum Operation {
        /** {@link SimulatedDirectory#open} with {@link OpenMode#CREATE_NEW}. */
        CREATE,
        /** A write to an open file. */
        WRITE,
        /** A force of an open file. */
        FORCE,
        /** A truncation of an open file. */
        TRUNCATE,
        /** {@link SimulatedDirectory#delete}. */
        DELETE,
        /** {@link SimulatedDirectory#rename} (the name is the source). */
        RENAME,
        /** {@link SimulatedDirectory#forceDirectory} (the name is empty). */
        FORCE_DIRECTORY
    }

    /** Told of each mutating operation before it runs. */
    @FunctionalInterface
    public interface OperationListener {
        /**
         * Called on the thread about to perform the operation, before the directory's lock is
         * taken; it may call {@link SimulatedDirectory#powerLoss} (which then sees the state before the
         * operation).
         *
         * @param operation what is about to happen
         * @param name the file it concerns
         */
        void before(Operation operation, String name);
    }

    private volatile OperationListener listener;

    private static final class Node {
        byte[] data = new byte[0];
        int length;
        byte[] durable = new byte[0];
    }

    private final Map<String, Node> files = new HashMap<>();
    private final Set<String> durableNames = new HashSet<>();
    private Node lastWriteNode;
    private long lastWritePos;
    private byte[] lastWrite;

    private int forcesUntilFailure = -1;
    private int failWriteAfterBytes = -1;
    private long capacity = Long.MAX_VALUE;
    private int writeChunk = Integer.MAX_VALUE;
    private final Set<SimFile> openFiles = new HashSet<>();
    private volatile long forceDelayNanos;
    private long forces;
    private long writes;

    /** The next {@code n} forces succeed, every later one throws (as after an fsync error, forever). */
    public synchronized void failForceAfter(int n) {
        forcesUntilFailure = n;
    }

    /** The next write stores its first {@code bytes} bytes, then throws. */
    public synchronized void failNextWriteAfter(int bytes) {
        failWriteAfterBytes = bytes;
    }

    /** Total bytes all files may hold; a write past it stores what fits, then throws "No space left". */
    public synchronized void setCapacity(long bytes) {
        capacity = bytes;
    }

    /** Every write stores at most {@code bytes} and returns the short count (legal FileChannel behaviour). */
    public synchronized void limitWriteChunk(int bytes) {
        writeChunk = bytes;
    }

    /** Removes a file as another process would; open handles fail from now on. */
    public synchronized void vanish(String name) {
        files.remove(name);
        durableNames.remove(name);
    }

    /** @param l told of every mutating operation before it runs; null for none */
    public void setOperationListener(OperationListener l) {
        listener = l;
    }

    private void notifyBefore(Operation operation, String name) {
        OperationListener l = listener;
        if (l != null) {
            l.before(operation, name);
        }
    }

    /** Makes every force take at least this long (outside the lock), as a real fsync does. */
    public void setForceDelayNanos(long nanos) {
        forceDelayNanos = nanos;
    }

    /** @return how many opened files are not closed yet */
    public synchronized int openHandles() {
        return openFiles.size();
    }

    public synchronized long forces() {
        return forces;
    }

    public synchronized long writes() {
        return writes;
    }

    public synchronized long usedBytes() {
        long n = 0;
        for (Node node : files.values()) {
            n += node.length;
        }
        return n;
    }

    /** @return the current image of a file (a copy) */
    public synchronized byte[] contents(String name) {
        Node n = files.get(name);
        return n == null ? null : Arrays.copyOf(n.data, n.length);
    }

    /** Replaces a file's current and durable image, for corruption tests. */
    public synchronized void replace(String name, byte[] bytes) {
        Node n = new Node();
        n.data = bytes.clone();
        n.length = bytes.length;
        n.durable = bytes.clone();
        files.put(name, n);
        durableNames.add(name);
    }

    /** @return a copy with the same current images, all durable (as after a clean shutdown) */
    public synchronized SimulatedDirectory copy() {
        SimulatedDirectory d = new SimulatedDirectory();
        for (Map.Entry<String, Node> e : files.entrySet()) {
            d.replace(e.getKey(), Arrays.copyOf(e.getValue().data, e.getValue().length));
        }
        return d;
    }

    /**
     * @param random decides whether and where the last write tears
     * @param tear whether the last unforced write may survive in part
     * @return what a reboot after a power cut now would find
     */
    public synchronized SimulatedDirectory powerLoss(Random random, boolean tear) {
        SimulatedDirectory d = new SimulatedDirectory();
        for (Map.Entry<String, Node> e : files.entrySet()) {
            if (!durableNames.contains(e.getKey())) {
                continue;
            }
            byte[] image = e.getValue().durable.clone();
            if (tear && e.getValue() == lastWriteNode && lastWrite != null) {
                int keep = random.nextInt(lastWrite.length + 1);
                long end = lastWritePos + keep;
                if (end > image.length) {
                    image = Arrays.copyOf(image, (int) end);
                }
                System.arraycopy(lastWrite, 0, image, (int) lastWritePos, keep);
            }
            d.replace(e.getKey(), image);
        }
        return d;
    }

    @Override
    public StorageFile open(String name, OpenMode mode) throws IOException {
        if (mode == OpenMode.CREATE_NEW) {
            notifyBefore(Operation.CREATE, name);
        }
        return openLocked(name, mode);
    }

    private synchronized StorageFile openLocked(String name, OpenMode mode) throws IOException {
        Node n = files.get(name);
        if (mode == OpenMode.CREATE_NEW) {
            if (n != null) {
                throw new FileAlreadyExistsException(name);
            }
            n = new Node();
            files.put(name, n);
        } else if (n == null) {
            throw new NoSuchFileException(name);
        }
        SimFile f = new SimFile(name, n, mode != OpenMode.READ);
        openFiles.add(f);
        return f;
    }

    @Override
    public synchronized List<String> list() {
        return new ArrayList<>(files.keySet());
    }

    @Override
    public void delete(String name) throws IOException {
        notifyBefore(Operation.DELETE, name);
        deleteLocked(name);
    }

    private synchronized void deleteLocked(String name) throws IOException {
        if (files.remove(name) == null) {
            throw new NoSuchFileException(name);
        }
        durableNames.remove(name);
    }

    @Override
    public void rename(String from, String to) throws IOException {
        notifyBefore(Operation.RENAME, from);
        renameLocked(from, to);
    }

    private synchronized void renameLocked(String from, String to) throws IOException {
        Node n = files.remove(from);
        if (n == null) {
            throw new NoSuchFileException(from);
        }
        files.put(to, n);
        durableNames.remove(from);
    }

    @Override
    public void forceDirectory() {
        notifyBefore(Operation.FORCE_DIRECTORY, "");
        forceDirectoryLocked();
    }

    private synchronized void forceDirectoryLocked() {
        durableNames.clear();
        durableNames.addAll(files.keySet());
    }

    @Override
    public String describe(String name) {
        return "sim:/" + name;
    }

    @Override
    public void close() {
    }

    private final class SimFile implements StorageFile {
        private final String name;
        private final Node node;
        private final boolean writable;
        private boolean closed;

        SimFile(String name, Node node, boolean writable) {
            this.name = name;
            this.node = node;
            this.writable = writable;
        }

        @Override
        public String name() {
            return name;
        }

        private void check() throws IOException {
            if (closed) {
                throw new IOException(name + ": closed");
            }
            if (files.get(name) != node) {
                throw new NoSuchFileException(name, null, "file vanished");
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            synchronized (SimulatedDirectory.this) {
                check();
                if (position >= node.length) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), node.length - position);
                dst.put(node.data, (int) position, n);
                return n;
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            notifyBefore(Operation.WRITE, name);
            synchronized (SimulatedDirectory.this) {
                check();
                if (!writable) {
                    throw new IOException(name + ": opened read-only");
                }
                writes++;
                int n = Math.min(src.remaining(), writeChunk);
                boolean fail = false;
                String why = null;
                if (failWriteAfterBytes >= 0) {
                    n = Math.min(n, failWriteAfterBytes);
                    failWriteAfterBytes = -1;
                    fail = true;
                    why = "injected: I/O error after a short write";
                }
                long grow = Math.max(0, position + n - node.length);
                long free = capacity - usedBytes();
                if (grow > free) {
                    n = (int) Math.max(0, n - (grow - free));
                    fail = true;
                    why = "injected: No space left on device";
                }
                byte[] bytes = new byte[n];
                src.get(bytes);
                long end = position + n;
                if (end > node.data.length) {
                    node.data = Arrays.copyOf(node.data, (int) Math.max(end, node.data.length * 2L));
                }
                System.arraycopy(bytes, 0, node.data, (int) position, n);
                node.length = (int) Math.max(node.length, end);
                lastWriteNode = node;
                lastWritePos = position;
                lastWrite = bytes;
                if (fail) {
                    throw new IOException(name + ": " + why);
                }
                return n;
            }
        }

        @Override
        public void force(boolean metadata) throws IOException {
            notifyBefore(Operation.FORCE, name);
            long delay = forceDelayNanos;
            if (delay > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(delay);
            }
            synchronized (SimulatedDirectory.this) {
                check();
                forces++;
                if (forcesUntilFailure == 0) {
                    throw new IOException(name + ": injected: fsync failed (EIO)");
                }
                if (forcesUntilFailure > 0) {
                    forcesUntilFailure--;
                }
                node.durable = Arrays.copyOf(node.data, node.length);
                if (lastWriteNode == node) {
                    lastWrite = null;
                }
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            notifyBefore(Operation.TRUNCATE, name);
            synchronized (SimulatedDirectory.this) {
                check();
                if (size < node.length) {
                    Arrays.fill(node.data, (int) size, node.length, (byte) 0);
                    node.length = (int) size;
                }
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (SimulatedDirectory.this) {
                check();
                return node.length;
            }
        }

        @Override
        public void close() {
            synchronized (SimulatedDirectory.this) {
                closed = true;
                openFiles.remove(this);
            }
        }
    }
}
