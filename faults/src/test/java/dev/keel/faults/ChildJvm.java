package dev.keel.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@link CrashChild} process: started with this JVM's own {@code java} binary and class path,
 * driven through its standard input and output, killed with SIGKILL. Its standard error (the
 * node's log) goes to a file. {@link #close()} destroys it if it still runs; always call it.
 */
final class ChildJvm implements AutoCloseable {
    /** What {@link Process#exitValue()} reports for a process that SIGKILL ended: 128 + 9. */
    static final int SIGKILL_EXIT = 137;

    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final OutputStream stdin;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process is gone; its exit code tells the rest.
            }
        }, "crash-child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param args the child's arguments
     * @param log where its standard error goes
     * @return the started child (still loading its classes)
     */
    static ChildJvm start(List<String> args, Path log) {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell this JVM's java binary"));
        List<String> command = new ArrayList<>(List.of(java,
                // A short-lived child: fast start matters more than peak speed.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName()));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
            return new ChildJvm(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    /**
     * @param expected the line to wait for
     * @param timeoutMillis how long to wait
     * @throws AssertionError if the child printed something else, exited, or timed out
     */
    void awaitLine(String expected, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            String line;
            try {
                line = lines.poll(10, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for '" + expected + "'", e);
            }
            if (expected.equals(line)) {
                return;
            }
            if (line != null) {
                throw new AssertionError("child printed '" + line + "' while '" + expected + "' was expected" + logTail());
            }
            if (!process.isAlive() && lines.isEmpty()) {
                throw new AssertionError("child exited with " + process.exitValue() + " before printing '" + expected + "'"
                        + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("child did not print '" + expected + "' within " + timeoutMillis + " ms"
                        + logTail());
            }
        }
    }

    /** Lets the child open its node. */
    void go() {
        try {
            stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot tell the child to go (exited?)" + logTail(), e);
        }
    }

    /** @return whether the process still runs */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGKILL ({@link Process#destroyForcibly()} on Linux) and waits for the process to end.
     *
     * @return its exit value
     * @throws AssertionError if the child had exited by itself before the kill, or does not end
     */
    int kill() {
        if (!process.isAlive()) {
            throw new AssertionError("child exited by itself with " + process.exitValue() + " before the kill" + logTail());
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("child " + process.pid() + " still runs 60 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the killed child", e);
        }
        return process.exitValue();
    }

    /** @return the child's log file */
    Path log() {
        return log;
    }

    /** @return the last lines of the child's log, for failure messages */
    String logTail() {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = all.subList(Math.max(0, all.size() - 40), all.size());
            return "\n--- last lines of " + log + " ---\n" + String.join("\n", tail);
        } catch (IOException | UncheckedIOException e) {
            return "\n(cannot read " + log + ": " + e + ")";
        }
    }

    /** Destroys the process if it still runs and waits for it, so no child outlives its campaign. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // Closing the pipe of a dead process may fail; nothing is left to release.
        }
    }
}
