package dev.keel.snapshot.format;

/**
 * CRC32C of a concatenation from the CRCs of its parts (zlib's {@code crc32_combine}, for the
 * Castagnoli polynomial). The writer needs it because the header is patched with the record
 * count only after the body has streamed past: the footer is CRC(header ‖ body), computed without
 * reading the body again. Stateless.
 */
final class Crc32cCombine {
    /** Reflected Castagnoli polynomial, as {@link java.util.zip.CRC32C} uses it. */
    private static final int POLY = 0x82F63B78;

    private Crc32cCombine() {
    }

    /**
     * @param crc1 CRC32C of the first part
     * @param crc2 CRC32C of the second part
     * @param len2 length of the second part in bytes
     * @return CRC32C of the first part followed by the second
     */
    static int combine(int crc1, int crc2, long len2) {
        if (len2 <= 0) {
            return crc1;
        }
        int[] even = new int[32];
        int[] odd = new int[32];
        odd[0] = POLY; // operator for one zero bit
        int row = 1;
        for (int n = 1; n < 32; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four zero bits
        int crc = crc1;
        long len = len2;
        do {
            square(even, odd);
            if ((len & 1) != 0) {
                crc = times(even, crc);
            }
            len >>>= 1;
            if (len == 0) {
                break;
            }
            square(odd, even);
            if ((len & 1) != 0) {
                crc = times(odd, crc);
            }
            len >>>= 1;
        } while (len != 0);
        return crc ^ crc2;
    }

    private static int times(int[] mat, int vec) {
        int sum = 0;
        int v = vec;
        for (int i = 0; v != 0; i++, v >>>= 1) {
            if ((v & 1) != 0) {
                sum ^= mat[i];
            }
        }
        return sum;
    }

    private static void square(int[] square, int[] mat) {
        for (int n = 0; n < 32; n++) {
            square[n] = times(mat, mat[n]);
        }
    }
}
