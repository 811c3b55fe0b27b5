package dev.keel.storage.api;

import java.util.Iterator;
import java.util.Objects;

/**
 * What an import consumes: the identity of the exported version and its records.
 *
 * <p>The store checks {@code backend} and {@code recordKind} before reading a record
 * ({@link IncompatibleExportException}) and, after the last record, that the rebuilt state has
 * {@code expected.commitment()} ({@link CommitmentMismatchException}). {@code expected.metadata()}
 * is committed with the rebuilt version, in the same atomic step, so an installed snapshot
 * records its applied index.
 *
 * <p>The record iterator is consumed once, by the importing thread.
 *
 * @param backend the backend that produced the records
 * @param recordKind the record kind
 * @param expected the version, commitment and metadata the records must rebuild
 * @param recordCount the number of records, or -1 when unknown (used for progress only)
 * @param records the records, in export order
 */
public record ImportSource(String backend, String recordKind, CommitInfo expected, long recordCount,
                           Iterator<ExportRecord> records) {
    /** @throws NullPointerException if an argument is null */
    public ImportSource {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(recordKind, "recordKind");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(records, "records");
    }

    /**
     * An import source reading a live export (the caller still closes the export).
     *
     * @param export an export
     * @return a source over it
     */
    public static ImportSource of(StoreExport export) {
        return new ImportSource(export.backend(), export.recordKind(), export.info(), export.recordCount(), export);
    }
}
