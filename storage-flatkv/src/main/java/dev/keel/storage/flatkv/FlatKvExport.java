package dev.keel.storage.flatkv;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.StoreExport;
import java.util.NoSuchElementException;

/**
 * A flatkv export: the (key, value) pairs of one version in key order, read through a view (so it
 * is consistent while writes go on). Record kind {@link StoreExport#KIND_KEY_VALUE}; flatkv's
 * logical export is the same stream. Single-threaded.
 */
final class FlatKvExport implements StoreExport {
    private final FlatKvView view;
    private final KeyValueIterator records;
    private final long recordCount;

    FlatKvExport(FlatKvView view) {
        this.view = view;
        try {
            this.recordCount = view.read(() -> view.keyCount());
            this.records = view.bulkScan();
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
    }

    @Override
    public String backend() {
        return StoreDirectory.BACKEND;
    }

    @Override
    public String recordKind() {
        return KIND_KEY_VALUE;
    }

    @Override
    public CommitInfo info() {
        return view.info();
    }

    @Override
    public long recordCount() {
        return recordCount;
    }

    @Override
    public boolean hasNext() {
        return records.hasNext();
    }

    @Override
    public ExportRecord next() {
        if (!records.hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue kv = records.next();
        return ExportRecord.keyValue(kv.key(), kv.value());
    }

    @Override
    public void close() {
        try {
            records.close();
        } finally {
            view.close();
        }
    }
}
