package dev.keel.raft.crypto;

import dev.keel.storage.api.crypto.KeyNotFoundException;
import dev.keel.storage.api.crypto.KeyProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link KeyProvider} over a fixed set of 256-bit AES keys: given in memory, or read from a
 * directory holding one file per key, {@code <id>.key}, with 64 hexadecimal characters (a trailing
 * newline is allowed). Immutable and thread-safe.
 *
 * <p>It is the simple provider for tests, demos and nodes that keep keys in files readable only by
 * their user; a node with a key-management service implements {@link KeyProvider} itself.
 */
public final class StaticKeyProvider implements KeyProvider {
    private static final String SUFFIX = ".key";
    private final Map<Integer, SecretKey> keys;

    private StaticKeyProvider(Map<Integer, SecretKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    /**
     * @param keys raw 32-byte keys by id (ids at least 1)
     * @return a provider holding copies of them
     * @throws IllegalArgumentException if an id is not positive or a key is not 32 bytes
     */
    public static StaticKeyProvider of(Map<Integer, byte[]> keys) {
        Map<Integer, SecretKey> out = new TreeMap<>();
        keys.forEach((id, raw) -> out.put(checkId(id), aes(raw, "key " + id)));
        return new StaticKeyProvider(out);
    }

    /**
     * @param random where the key bytes come from
     * @param ids the key ids to generate
     * @return a provider with a fresh random key per id
     */
    public static StaticKeyProvider random(SecureRandom random, int... ids) {
        Map<Integer, byte[]> raw = new TreeMap<>();
        for (int id : ids) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            raw.put(id, k);
        }
        return of(raw);
    }

    /**
     * Reads every {@code <id>.key} file of a directory.
     *
     * @param dir the key directory
     * @return a provider holding those keys
     * @throws IOException if the directory or a key file cannot be read, or a file is malformed
     */
    public static StaticKeyProvider fromDirectory(Path dir) throws IOException {
        Map<Integer, SecretKey> out = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                int id;
                try {
                    id = Integer.parseInt(name.substring(0, name.length() - SUFFIX.length()));
                } catch (NumberFormatException e) {
                    throw new IOException("key file name is not <positive id>.key: " + f, e);
                }
                if (id < 1) {
                    throw new IOException("key file name is not <positive id>.key: " + f);
                }
                String text = Files.readString(f, StandardCharsets.US_ASCII).strip();
                byte[] raw;
                try {
                    raw = HexFormat.of().parseHex(text);
                } catch (IllegalArgumentException e) {
                    throw new IOException("key file " + f + " does not hold 64 hexadecimal characters", e);
                }
                if (raw.length != 32) {
                    throw new IOException("key file " + f + " holds " + raw.length + " bytes, not 32");
                }
                out.put(id, new SecretKeySpec(raw, "AES"));
            }
        }
        return new StaticKeyProvider(out);
    }

    /**
     * Writes a new random key file {@code <id>.key} (64 hex characters), refusing to overwrite one.
     *
     * @param dir the key directory (must exist)
     * @param id the key id, at least 1
     * @param random where the key comes from
     * @return the file written
     * @throws IOException if the file exists or cannot be written
     */
    public static Path writeRandomKey(Path dir, int id, SecureRandom random) throws IOException {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        Path f = dir.resolve(checkId(id) + SUFFIX);
        Files.writeString(f, HexFormat.of().formatHex(raw) + "\n", StandardCharsets.US_ASCII,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        return f;
    }

    @Override
    public SecretKey key(int keyId) {
        SecretKey k = keys.get(keyId);
        if (k == null) {
            throw new KeyNotFoundException(keyId);
        }
        return k;
    }

    /** @return the ids this provider holds, ascending */
    public java.util.SortedSet<Integer> ids() {
        return new java.util.TreeSet<>(keys.keySet());
    }

    private static int checkId(Integer id) {
        Objects.requireNonNull(id, "id");
        if (id < 1) {
            throw new IllegalArgumentException("key id must be >= 1: " + id);
        }
        return id;
    }

    private static SecretKey aes(byte[] raw, String what) {
        Objects.requireNonNull(raw, what);
        if (raw.length != 32) {
            throw new IllegalArgumentException(what + " has " + raw.length + " bytes, not 32");
        }
        return new SecretKeySpec(raw, "AES");
    }
}
