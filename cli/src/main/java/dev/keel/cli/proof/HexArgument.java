package dev.keel.cli.proof;

import java.util.HexFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The bytes of a hex command-line value. A wrapper rather than a {@code byte[]} option, because
 * picocli reads an array-typed option as a list of values.
 *
 * @param bytes the decoded bytes (not copied: the command owns them)
 */
record HexArgument(byte[] bytes) {
    private static final HexFormat HEX = HexFormat.of();

    /** @return lower-case hex */
    static String format(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * Parses hex in either case; an empty value is the empty byte string (a valid Keel value).
     * Anything else is a {@link TypeConversionException}, which picocli reports as a usage error
     * (exit code 2) naming the option.
     */
    static final class Converter implements ITypeConverter<HexArgument> {
        @Override
        public HexArgument convert(String value) {
            if (value.length() % 2 != 0) {
                throw new TypeConversionException("'" + abbreviate(value) + "' is not hex: odd number of digits ("
                        + value.length() + ")");
            }
            try {
                return new HexArgument(HEX.parseHex(value));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + abbreviate(value) + "' is not hex: " + e.getMessage());
            }
        }

        /** A proof is kilobytes of hex: echo only its start in an error line. */
        private static String abbreviate(String value) {
            return value.length() <= 72 ? value : value.substring(0, 64) + "...(" + value.length() + " characters)";
        }
    }
}
