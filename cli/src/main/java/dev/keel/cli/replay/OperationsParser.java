package dev.keel.cli.replay;

import dev.keel.storage.api.ChangeSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads an operations file ({@code ../shared/vectors/README.md}) one committed batch at a time.
 *
 * <p>One operation a line: {@code set <hex key> <hex value>}, {@code remove <hex key>},
 * {@code commit}; tokens are separated by blanks; blank lines and lines whose first non-blank
 * character is {@code #} are ignored. Hex digits may be of either case. The operations since the
 * previous {@code commit} form one batch, returned as a {@link ChangeSet} when its {@code commit}
 * line is read; operations after the last {@code commit} form no batch (see
 * {@link #pendingOperations()}). Zero bytes (an empty value, or the empty key, which is then
 * rejected) are written {@value #EMPTY_BYTES}, since an empty token cannot be seen between blanks.
 *
 * <p>A bad line (unknown operation, wrong number of arguments, bad hex, a key or value outside
 * {@link dev.keel.storage.api.Limits}) is an {@link OperationsFormatException} naming its line; the
 * batch in progress is dropped, so the caller commits nothing of it. Batches returned before stay
 * valid. The parser is then finished: further calls throw {@link IllegalStateException}.
 *
 * <p>Bytes are decoded as ISO-8859-1, so any input is read and a non-ASCII byte is reported as a
 * bad token on its line rather than as an undecodable file. Not thread-safe.
 */
public final class OperationsParser implements AutoCloseable {
    /** How zero bytes are written in a key or value position. */
    public static final String EMPTY_BYTES = "\"\"";

    private static final int SHOWN_TOKEN_CHARS = 40;

    private final BufferedReader in;
    private int lineNumber;
    private int batches;
    private int pendingOperations;
    private int firstPendingLine;
    private boolean finished;

    /**
     * @param reader the operations, read to the end or to the first bad line; closed by {@link #close()}
     */
    public OperationsParser(Reader reader) {
        Objects.requireNonNull(reader, "reader");
        this.in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    }

    /**
     * @param file an operations file
     * @return a parser reading it
     * @throws IOException if the file cannot be opened
     */
    public static OperationsParser open(Path file) throws IOException {
        return new OperationsParser(Files.newBufferedReader(file, StandardCharsets.ISO_8859_1));
    }

    /**
     * One batch: the operations between two {@code commit} lines.
     *
     * @param number 1 for the first batch of the file, then 2, 3, ...
     * @param commitLine the line number of its {@code commit}
     * @param changes its operations, in file order
     */
    public record Batch(int number, int commitLine, ChangeSet changes) {
    }

    /**
     * Reads up to and including the next {@code commit} line.
     *
     * @return the batch it ends, or empty at the end of the input
     * @throws OperationsFormatException at a bad line (nothing of its batch is returned)
     * @throws UncheckedIOException if reading fails
     * @throws IllegalStateException if the parser already failed or was closed
     */
    public Optional<Batch> nextBatch() {
        if (finished) {
            throw new IllegalStateException("the operations parser has finished (after an error, or closed)");
        }
        ChangeSet.Builder changes = ChangeSet.builder();
        int operations = 0;
        int firstLine = 0;
        String line;
        while ((line = readLine()) != null) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] tokens = text.split("\\s+");
            try {
                switch (tokens[0]) {
                    case "set" -> {
                        expectArguments(tokens, 2, "a key and a value (set <hex key> <hex value>)");
                        byte[] key = bytes(tokens[1], "key");
                        byte[] value = bytes(tokens[2], "value");
                        changes.put(key, value);
                    }
                    case "remove" -> {
                        expectArguments(tokens, 1, "a key (remove <hex key>)");
                        changes.delete(bytes(tokens[1], "key"));
                    }
                    case "commit" -> {
                        expectArguments(tokens, 0, "no arguments");
                        batches++;
                        return Optional.of(new Batch(batches, lineNumber, changes.build()));
                    }
                    default -> throw new OperationsFormatException(lineNumber, "unknown operation '"
                            + shown(tokens[0]) + "' (expected set, remove or commit)");
                }
            } catch (IllegalArgumentException e) {
                // A key or value outside Limits, as the storage API words it.
                finished = true;
                throw new OperationsFormatException(lineNumber, e.getMessage());
            } catch (OperationsFormatException e) {
                finished = true;
                throw e;
            }
            if (operations++ == 0) {
                firstLine = lineNumber;
            }
        }
        pendingOperations = operations;
        firstPendingLine = firstLine;
        finished = true;
        return Optional.empty();
    }

    /**
     * @return the number of operations after the last {@code commit}, which form no batch; known
     *     once {@link #nextBatch()} has returned empty
     */
    public int pendingOperations() {
        return pendingOperations;
    }

    /** @return the line of the first operation after the last {@code commit}, or 0 when there is none */
    public int firstPendingLine() {
        return firstPendingLine;
    }

    /** @return the number of the last line read (1-based; blank and comment lines count) */
    public int lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        finished = true;
        in.close();
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            finished = true;
            throw new UncheckedIOException("cannot read the operations at line " + (lineNumber + 1), e);
        }
    }

    private void expectArguments(String[] tokens, int count, String what) {
        int found = tokens.length - 1;
        if (found != count) {
            throw new OperationsFormatException(lineNumber, "'" + tokens[0] + "' takes " + what + ", found "
                    + found + (found == 1 ? " argument" : " arguments"));
        }
    }

    private byte[] bytes(String token, String what) {
        if (token.equals(EMPTY_BYTES)) {
            return new byte[0];
        }
        if (token.length() % 2 != 0) {
            throw new OperationsFormatException(lineNumber, what + " has an odd number of hex digits ("
                    + token.length() + "): '" + shown(token) + "'");
        }
        byte[] out = new byte[token.length() / 2];
        for (int i = 0; i < token.length(); i++) {
            int digit = hexDigit(token.charAt(i));
            if (digit < 0) {
                throw new OperationsFormatException(lineNumber, what + " is not hex: " + describe(token.charAt(i))
                        + " at position " + (i + 1) + " of '" + shown(token) + "'");
            }
            out[i / 2] |= (byte) (i % 2 == 0 ? digit << 4 : digit);
        }
        return out;
    }

    // ASCII only: Character.digit would also accept, e.g., Arabic-Indic digits.
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static String describe(char c) {
        if (c >= 0x21 && c <= 0x7e) {
            return "'" + c + "'";
        }
        // A file is read as ISO-8859-1, so there a char is exactly one byte of the file.
        return c <= 0xff ? String.format("byte 0x%02x", (int) c) : String.format("character U+%04X", (int) c);
    }

    private static String shown(String token) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(token.length(), SHOWN_TOKEN_CHARS);
        for (int i = 0; i < n; i++) {
            char c = token.charAt(i);
            b.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        if (token.length() > SHOWN_TOKEN_CHARS) {
            b.append("... (").append(token.length()).append(" characters)");
        }
        return b.toString();
    }
}
