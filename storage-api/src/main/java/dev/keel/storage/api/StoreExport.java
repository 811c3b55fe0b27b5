package dev.keel.storage.api;

import java.util.Iterator;

/**
 * The ordered stream of records that rebuilds one version of a store, with what identifies it.
 *
 * <p>Produced by {@link VersionedStore#export} (backend records, for snapshots and state sync) or
 * {@link VersionedStore#exportLogical} (key-value records, for parity only). The snapshot module
 * frames the records into files without understanding them; an import checks the backend and
 * record kind before it reads a record.
 *
 * <p>The export pins its version until closed. Not thread-safe: one thread consumes it. After
 * {@link #close()} (or after the store is closed) iteration throws {@link IllegalStateException}.
 */
public interface StoreExport extends Iterator<ExportRecord>, AutoCloseable {
    /** Record kind: (key, value) pairs in key order. */
    String KIND_KEY_VALUE = "kv";
    /** Record kind: IAVL nodes in post-order with height and version. */
    String KIND_IAVL_NODE = "iavl-node";

    /** @return the backend that produced the records ({@code "flatkv"}, {@code "tree"}) */
    String backend();

    /** @return the record kind, {@link #KIND_KEY_VALUE} or {@link #KIND_IAVL_NODE} */
    String recordKind();

    /** @return the exported version, its commitment and metadata */
    CommitInfo info();

    /** @return the number of records, or -1 when the backend cannot tell cheaply */
    long recordCount();

    /** Releases what the export pins; idempotent. */
    @Override
    void close();
}
