package dev.keel.storage.flatkv;

import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.StorageException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Ordered iteration over a view's key range. At the latest version it walks {@code state}; at an
 * older version it merges {@code state} with the view's overlay: a key changed after the view's
 * version takes its value from the overlay (absent ones are skipped), any other key its current
 * value. Single-threaded.
 */
final class FlatKvIterator implements KeyValueIterator {
    private final FlatKvView view;
    private final Generation gen;
    private final long version;
    private final byte[] to;
    private final RocksIterator state;
    /** Read options this iterator created for itself and closes, or {@code null}. */
    private final ReadOptions ownedOptions;
    private final Iterator<Map.Entry<byte[], History.Prior>> overlay;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Map.Entry<byte[], History.Prior> pendingOverlay;
    private KeyValue next;
    private boolean exhausted;

    /**
     * @param readOptions the options of the RocksDB iterator
     * @param ownsOptions whether this iterator closes {@code readOptions} when it is closed
     * @param overlay the view's overlay, or {@code null} at the latest version
     */
    FlatKvIterator(FlatKvView view, Generation gen, ReadOptions readOptions, boolean ownsOptions, long version,
                   NavigableMap<byte[], History.Prior> overlay, byte[] from, byte[] to) {
        this.view = view;
        this.gen = gen;
        this.version = version;
        this.to = to;
        this.ownedOptions = ownsOptions ? readOptions : null;
        this.state = gen.db.newIterator(gen.state, readOptions);
        if (from == null) {
            state.seekToFirst();
        } else {
            state.seek(from);
        }
        if (overlay == null) {
            this.overlay = null;
        } else {
            NavigableMap<byte[], History.Prior> range = overlay;
            if (from != null && to != null) {
                range = Arrays.compareUnsigned(from, to) < 0 ? overlay.subMap(from, true, to, false) : java.util.Collections.emptyNavigableMap();
            } else if (from != null) {
                range = overlay.tailMap(from, true);
            } else if (to != null) {
                range = overlay.headMap(to, false);
            }
            this.overlay = range.entrySet().iterator();
        }
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            ensureOpen();
            return true;
        }
        if (exhausted) {
            ensureOpen();
            return false;
        }
        next = view.read(() -> {
            ensureOpen();
            return advance();
        });
        exhausted = next == null;
        return next != null;
    }

    @Override
    public KeyValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue kv = next;
        next = null;
        return kv;
    }

    private KeyValue advance() {
        try {
            while (true) {
                byte[] stateKey = inRange(state) ? state.key() : null;
                if (pendingOverlay == null && overlay != null && overlay.hasNext()) {
                    pendingOverlay = overlay.next();
                }
                byte[] overlayKey = pendingOverlay == null ? null : pendingOverlay.getKey();
                if (stateKey == null && overlayKey == null) {
                    state.status();
                    return null;
                }
                int cmp = stateKey == null ? 1 : overlayKey == null ? -1 : Arrays.compareUnsigned(stateKey, overlayKey);
                if (cmp < 0) {
                    KeyValue kv = new KeyValue(stateKey, state.value());
                    state.next();
                    return kv;
                }
                if (cmp == 0) {
                    state.next(); // changed after the version: the overlay's value wins
                }
                byte[] before = pendingOverlay.getValue().before();
                pendingOverlay = null;
                if (before != null) {
                    return new KeyValue(overlayKey, before);
                }
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot iterate version " + version + " in " + gen.directory, e);
        }
    }

    private boolean inRange(RocksIterator it) {
        return it.isValid() && (to == null || Arrays.compareUnsigned(it.key(), to) < 0);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("iterator is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            try {
                gen.exclusive(state::close);
            } finally {
                // Options are plain native settings, safe to free outside the guard (and needed
                // when the generation is already closed and exclusive() runs nothing).
                if (ownedOptions != null) {
                    ownedOptions.close();
                }
            }
        } finally {
            view.forget(this);
        }
    }
}
