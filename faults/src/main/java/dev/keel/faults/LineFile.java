package dev.keel.faults;

import dev.keel.storage.api.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only text file of newline-terminated lines that a killed process may have left with a
 * torn last line: the side channels between a crash child and the campaign that kills it.
 *
 * <p>Each {@link #append} is one {@code write} of the whole line, and is not forced: a SIGKILL
 * leaves the operating system's page cache intact, and these files serve the process-crash
 * campaign only (power loss is simulated in {@code raft-engine}'s file-I/O layer). A reader takes
 * only complete lines; {@link #dropTornTail} removes a partial last line before the next process
 * appends.
 *
 * <p>{@link #append} is thread-safe; the static readers must not run while another process
 * appends.
 */
public final class LineFile implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    private LineFile(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * @param file the file, created (with its directory) when absent
     * @return the file open for appending
     * @throws StorageException if it cannot be opened
     */
    public static LineFile openForAppend(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new LineFile(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new StorageException("cannot open " + file + " for appending", e);
        }
    }

    /**
     * @param line the line, without its newline; must not contain one
     * @throws StorageException if the write fails
     */
    public synchronized void append(String line) {
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a line must not contain a newline: " + line);
        }
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new StorageException("cannot append to " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StorageException("cannot close " + file, e);
        }
    }

    /**
     * Complete lines from a byte offset on.
     *
     * @param lines the lines read, without newlines
     * @param nextOffset where the next read starts: just after the last complete line
     */
    public record Chunk(List<String> lines, long nextOffset) {
    }

    /**
     * @param file the file (absent reads as empty)
     * @param offset where to start, a value a previous {@link Chunk#nextOffset} returned, or 0
     * @return the complete lines after {@code offset}
     * @throws StorageException if the file cannot be read
     */
    public static Chunk readFrom(Path file, long offset) {
        if (!Files.exists(file)) {
            return new Chunk(List.of(), offset);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < offset) {
                throw new StorageException(file + " shrank to " + size + " bytes below the read offset " + offset);
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - offset));
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) >= 0) {
                // read until full
            }
            byte[] bytes = buf.array();
            List<String> lines = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return new Chunk(lines, offset + start);
        } catch (IOException e) {
            throw new StorageException("cannot read " + file, e);
        }
    }

    /**
     * Cuts a partial last line that a killed writer left, so the next writer starts on a line of its
     * own.
     *
     * @param file the file (absent is fine)
     * @return the number of bytes removed
     * @throws StorageException if the file cannot be read or truncated
     */
    public static long dropTornTail(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                ch.truncate(keep);
                ch.force(true);
            }
            return size - keep;
        } catch (IOException e) {
            throw new StorageException("cannot repair the tail of " + file, e);
        }
    }
}
