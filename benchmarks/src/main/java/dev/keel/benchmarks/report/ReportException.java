package dev.keel.benchmarks.report;

import java.nio.file.Path;

/**
 * The report cannot be made from what is on disk: a results directory or file is missing or is
 * not what a suite run writes. Carries the path it is about.
 */
public final class ReportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The file or directory at fault; a string so the exception stays serialisable. */
    private final String path;

    /**
     * @param path the file or directory at fault
     * @param message what is wrong with it
     */
    public ReportException(Path path, String message) {
        super(path + ": " + message);
        this.path = path.toString();
    }

    /**
     * @param path the file or directory at fault
     * @param message what is wrong with it
     * @param cause the underlying failure
     */
    public ReportException(Path path, String message, Throwable cause) {
        super(path + ": " + message, cause);
        this.path = path.toString();
    }

    /** @return the file or directory at fault */
    public Path path() {
        return Path.of(path);
    }
}
