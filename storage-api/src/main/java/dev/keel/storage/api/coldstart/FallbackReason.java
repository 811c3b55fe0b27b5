package dev.keel.storage.api.coldstart;

/**
 * Why an open fell back to the conservative path. Thread-safe (an enum).
 */
public enum FallbackReason {
    /** Not a fallback. */
    NONE("none"),
    /** The state machine does not implement {@code AppliedIndexReader}. */
    NOT_READER("not_reader"),
    /** Reading the applied index failed. */
    READ_ERROR("read_error"),
    /** The state records no applied index. */
    MISSING_META("missing_meta");

    private final String label;

    FallbackReason(String label) {
        this.label = label;
    }

    /** @return the metric and log label, e.g. {@code not_reader} */
    public String label() {
        return label;
    }
}
