package dev.keel.storage.flatkv;

import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.StorageException;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Ordered iteration over a view's key range. At the latest version it walks {@code state}; at an
 * older version it merges {@code state} with {@code hist}: a key changed after the view's version
 * takes the value recorded for its first change after it (absent ones are skipped), any other key
 * its current value. Single-threaded.
 */
final class FlatKvIterator implements KeyValueIterator {
    private final FlatKvView view;
    private final Generation gen;
    private final long version;
    private final byte[] to;
    private final RocksIterator state;
    private final RocksIterator history;
    private final AtomicBoolean closed = new AtomicBoolean();
    private KeyValue next;
    private boolean exhausted;

    FlatKvIterator(FlatKvView view, Generation gen, ReadOptions readOptions, long version, boolean latest,
                   byte[] from, byte[] to) {
        this.view = view;
        this.gen = gen;
        this.version = version;
        this.to = to;
        this.state = gen.db.newIterator(gen.state, readOptions);
        this.history = latest ? null : gen.db.newIterator(gen.history, readOptions);
        if (from == null) {
            state.seekToFirst();
            if (history != null) {
                history.seekToFirst();
            }
        } else {
            state.seek(from);
            if (history != null) {
                history.seek(Keys.escape(from));
            }
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
                byte[] histKey = null;
                if (history != null && history.isValid()) {
                    histKey = Keys.historyKey(history.key());
                    if (histKey == null) {
                        throw new dev.keel.storage.api.CorruptionException(gen.directory, "malformed history key");
                    }
                    if (to != null && Arrays.compareUnsigned(histKey, to) >= 0) {
                        histKey = null;
                    }
                }
                if (stateKey == null && histKey == null) {
                    state.status();
                    if (history != null) {
                        history.status();
                    }
                    return null;
                }
                int cmp = stateKey == null ? 1 : histKey == null ? -1 : Arrays.compareUnsigned(stateKey, histKey);
                if (cmp < 0) {
                    KeyValue kv = new KeyValue(stateKey, state.value());
                    state.next();
                    return kv;
                }
                // The key has history entries: find its first change after `version`.
                byte[] prior = null;
                boolean changedAfter = false;
                while (history.isValid()) {
                    byte[] hk = history.key();
                    byte[] raw = Keys.historyKey(hk);
                    if (raw == null || !Arrays.equals(raw, histKey)) {
                        break;
                    }
                    if (!changedAfter && Keys.historyVersion(hk) > version) {
                        changedAfter = true;
                        prior = FlatKvStore.decodePrior(gen, history.value(), Keys.historyVersion(hk));
                    }
                    history.next();
                }
                byte[] current = null;
                if (cmp == 0) {
                    current = state.value();
                    state.next();
                }
                byte[] value = changedAfter ? prior : current;
                if (value != null) {
                    return new KeyValue(histKey, value);
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
            gen.exclusive(() -> {
                state.close();
                if (history != null) {
                    history.close();
                }
            });
        } finally {
            view.forget(this);
        }
    }
}
