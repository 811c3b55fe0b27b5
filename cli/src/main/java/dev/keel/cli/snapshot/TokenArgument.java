package dev.keel.cli.snapshot;

import dev.keel.storage.api.consensus.SnapshotToken;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@link SnapshotToken} on the command line: {@code index:term:length:footerCrcHex:headerCrcHex},
 * the CRCs as 8 hex digits. {@code keel snapshot inspect} and {@code create} print this form, and
 * {@code verify --token} parses it, so the output of one is the input of the other. A malformed
 * token is a usage error (exit 2).
 */
public final class TokenArgument implements ITypeConverter<SnapshotToken> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,19}):(\\d{1,19}):(\\d{1,19}):([0-9a-fA-F]{8}):([0-9a-fA-F]{8})");

    /**
     * @param token a token
     * @return its command-line form
     */
    public static String format(SnapshotToken token) {
        return token.index() + ":" + token.term() + ":" + token.fileLength() + ":"
                + String.format("%08x", token.footerCrc32c()) + ":" + String.format("%08x", token.headerCrc32c());
    }

    @Override
    public SnapshotToken convert(String value) {
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a snapshot token "
                    + "(index:term:length:footerCrcHex:headerCrcHex, e.g. 12:3:4096:0a1b2c3d:4e5f6071)");
        }
        try {
            return new SnapshotToken(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Integer.parseUnsignedInt(m.group(4), 16), Integer.parseUnsignedInt(m.group(5), 16));
        } catch (IllegalArgumentException e) {
            // NumberFormatException (a number above Long.MAX_VALUE) or the token's own range checks.
            throw new TypeConversionException("'" + value + "' is not a valid snapshot token: " + e.getMessage());
        }
    }
}
