package dev.keel.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * One in-process run of the {@code keel} command, with what it wrote to stdout and stderr.
 *
 * @param exitCode the exit code {@code keel} would exit with
 * @param out everything written to stdout
 * @param err everything written to stderr
 */
public record KeelInvocation(int exitCode, String out, String err) {
    /**
     * @param args the command line
     * @return the outcome of {@code keel args...}
     */
    public static KeelInvocation run(String... args) {
        CommandLine keel = Keel.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        keel.setOut(new PrintWriter(out, true));
        keel.setErr(new PrintWriter(err, true));
        int exitCode = keel.execute(args);
        return new KeelInvocation(exitCode, out.toString(), err.toString());
    }

    /** @return a description for assertion messages */
    public String describe() {
        return "exit code " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }

    /** @return the stderr lines */
    public java.util.List<String> errLines() {
        return Arrays.asList(err.split("\\R"));
    }
}
