package dev.keel.snapshot.format;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.StoreExport;
import java.util.Iterator;
import java.util.List;

/** A {@link StoreExport} over a fixed list of records, optionally failing after some of them. */
public final class ListExport implements StoreExport {
    private final CommitInfo info;
    private final List<ExportRecord> records;
    private final Iterator<ExportRecord> it;
    private final int failAfter;
    private int served;
    private boolean closed;

    public ListExport(CommitInfo info, List<ExportRecord> records) {
        this(info, records, Integer.MAX_VALUE);
    }

    public ListExport(CommitInfo info, List<ExportRecord> records, int failAfter) {
        this.info = info;
        this.records = List.copyOf(records);
        this.it = this.records.iterator();
        this.failAfter = failAfter;
    }

    @Override
    public String backend() {
        return "test";
    }

    @Override
    public String recordKind() {
        return KIND_KEY_VALUE;
    }

    @Override
    public CommitInfo info() {
        return info;
    }

    @Override
    public long recordCount() {
        return records.size();
    }

    @Override
    public boolean hasNext() {
        check();
        return it.hasNext();
    }

    @Override
    public ExportRecord next() {
        check();
        if (served++ == failAfter) {
            throw new IllegalStateException("export failed on purpose after " + failAfter + " records");
        }
        return it.next();
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
