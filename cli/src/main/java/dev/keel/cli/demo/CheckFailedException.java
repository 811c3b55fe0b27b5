package dev.keel.cli.demo;

import dev.keel.cli.CommandFailedException;

/**
 * A check of {@code keel demo} found a node other than the demo expects: exit code 1, with
 * the check's name and what was expected and found.
 */
public class CheckFailedException extends CommandFailedException {
    private static final long serialVersionUID = 1L;

    private final String check;

    /**
     * @param check the name of the check
     * @param detail what was expected and what was found
     */
    public CheckFailedException(String check, String detail) {
        super("demo check failed: " + check + ": " + detail);
        this.check = check;
    }

    /**
     * @param check the name of the check
     * @param detail what was expected and what was found
     * @param cause the error that made the check fail
     */
    public CheckFailedException(String check, String detail, Throwable cause) {
        super("demo check failed: " + check + ": " + detail, cause);
        this.check = check;
    }

    /** @return the name of the check that failed */
    public String check() {
        return check;
    }
}
