package dev.keel.storage.api;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The state commitment of one store version: a scheme id and the root bytes.
 *
 * <p>Each scheme is a deterministic function of the commit history: {@value #LTHASH16_BLAKE3}
 * (flatkv: BLAKE3-256 of the LtHash16 lane vector, a function of the content only) and
 * {@value #IAVL_SHA256} (tree: the IAVL root hash, a function of the operation history). Two
 * commitments are equal when their schemes and bytes are equal; commitments of different
 * schemes are never equal, even for equal logical state.
 *
 * <p>Immutable (the byte array is copied in and out) and thread-safe.
 *
 * @param scheme the commitment scheme id, never empty
 * @param bytes the root bytes
 */
public record Commitment(String scheme, byte[] bytes) {
    /** Scheme of the flatkv backend. */
    public static final String LTHASH16_BLAKE3 = "lthash16-blake3";
    /** Scheme of the tree backend. */
    public static final String IAVL_SHA256 = "iavl-sha256";

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the scheme is empty
     */
    public Commitment {
        Objects.requireNonNull(scheme, "scheme");
        if (scheme.isEmpty()) {
            throw new IllegalArgumentException("commitment scheme must not be empty");
        }
        bytes = Objects.requireNonNull(bytes, "bytes").clone();
    }

    /**
     * Parses a commitment from its hex root.
     *
     * @param scheme the scheme id
     * @param hex the root bytes in hex (either case)
     * @return the commitment
     * @throws IllegalArgumentException if {@code hex} is not hex
     */
    public static Commitment fromHex(String scheme, String hex) {
        return new Commitment(scheme, HexFormat.of().parseHex(hex));
    }

    /** @return a copy of the root bytes */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return the root bytes as lower-case hex */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Commitment c && scheme.equals(c.scheme) && Arrays.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * scheme.hashCode() + Arrays.hashCode(bytes);
    }

    /** @return {@code scheme:hex} */
    @Override
    public String toString() {
        return scheme + ":" + hex();
    }
}
