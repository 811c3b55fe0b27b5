package dev.keel.raft.wal;

import dev.keel.storage.api.consensus.LogStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite on real files, with 4 KiB segments so that every test crosses segments. */
class SegmentedLogStorageConformanceTest extends LogStorageConformance {
    @TempDir
    Path dir;

    @Override
    protected LogStorage openLog() {
        return SegmentedLogStorage.builder(dir).segmentBytes(4096).open();
    }
}
