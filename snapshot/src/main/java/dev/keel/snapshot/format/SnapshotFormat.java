package dev.keel.snapshot.format;

/**
 * Constants of format version 1 (see {@code docs/snapshot-format.md}). Every multi-byte integer in the
 * fixed frame, the chunk framing, the records and the footer is big-endian.
 */
final class SnapshotFormat {
    /** "KSNP". */
    static final int MAGIC = 0x4B534E50;
    static final int FORMAT_VERSION = 1;
    /** magic (4) + format version (2) + header length (4). */
    static final int HEADER_PREFIX_BYTES = 10;
    /** The header's own CRC32C, its last four bytes. */
    static final int HEADER_CRC_BYTES = 4;
    static final int MIN_HEADER_BYTES = HEADER_PREFIX_BYTES + HEADER_CRC_BYTES;
    /**
     * Bounds the one allocation a header length field drives. Membership lists and application
     * bytes live in the header; 4 MiB leaves them room while a crafted field cannot ask for more.
     */
    static final int MAX_HEADER_BYTES = 4 * 1024 * 1024;
    static final int FOOTER_BYTES = 4;
    /** The smallest file anything could be: an empty header frame and a footer. */
    static final long MIN_FILE_BYTES = MIN_HEADER_BYTES + FOOTER_BYTES;
    static final int CHUNK_LENGTH_BYTES = 4;
    /** Small chunks exist for tests that need many chunks in a tiny file. */
    static final int MIN_CHUNK_SIZE = 16;
    static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
    /** Bounds what a crafted header can add to the largest chunk allocation. */
    static final int MAX_SEAL_OVERHEAD = 1024;

    private SnapshotFormat() {
    }
}
