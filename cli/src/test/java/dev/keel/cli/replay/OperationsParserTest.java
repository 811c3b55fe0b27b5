package dev.keel.cli.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.Mutation;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OperationsParserTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void eachCommitEndsOneBatchOfTheOperationsBeforeIt() throws IOException {
        List<OperationsParser.Batch> batches = parseAll("""
                set 6b31 7631
                set 6b32 7632
                commit
                remove 6b31
                commit
                """);
        assertEquals(2, batches.size());
        assertEquals(1, batches.get(0).number());
        assertEquals(3, batches.get(0).commitLine());
        assertEquals(List.of(Mutation.put(bytes("6b31"), bytes("7631")), Mutation.put(bytes("6b32"), bytes("7632"))),
                batches.get(0).changes().mutations());
        assertEquals(2, batches.get(1).number());
        assertEquals(5, batches.get(1).commitLine());
        assertEquals(List.of(Mutation.delete(bytes("6b31"))), batches.get(1).changes().mutations());
    }

    @Test
    void keepsTheOrderOfOperationsOnTheSameKey() throws IOException {
        ChangeSet changes = parseAll("set 01 aa\nremove 01\nset 01 bb\ncommit\n").get(0).changes();
        assertEquals(List.of(Mutation.put(bytes("01"), bytes("aa")), Mutation.delete(bytes("01")),
                Mutation.put(bytes("01"), bytes("bb"))), changes.mutations());
        assertEquals(List.of(Mutation.put(bytes("01"), bytes("bb"))), changes.effective());
    }

    @Test
    void ignoresBlankLinesAndCommentsButCountsThem() throws IOException {
        List<OperationsParser.Batch> batches = parseAll("""
                # a comment

                   # an indented comment
                \t
                set 01 02
                commit
                """);
        assertEquals(1, batches.size());
        assertEquals(6, batches.get(0).commitLine());
        assertEquals(1, batches.get(0).changes().size());
    }

    @Test
    void acceptsCrLfLineEndsExtraBlanksAndUpperCaseHex() throws IOException {
        List<OperationsParser.Batch> batches = parseAll("  set   AbCd\tEF01  \r\ncommit\r\n");
        assertEquals(List.of(Mutation.put(bytes("abcd"), bytes("ef01"))), batches.get(0).changes().mutations());
        assertEquals(2, batches.get(0).commitLine());
    }

    @Test
    void twoQuotesAreTheEmptyValue() throws IOException {
        Mutation put = parseAll("set 01 \"\"\ncommit\n").get(0).changes().mutations().get(0);
        assertTrue(put.isPut());
        assertArrayEquals(new byte[0], put.value());
    }

    @Test
    void commitWithoutOperationsIsAnEmptyBatch() throws IOException {
        List<OperationsParser.Batch> batches = parseAll("commit\ncommit\n");
        assertEquals(2, batches.size());
        assertTrue(batches.get(0).changes().isEmpty());
        assertTrue(batches.get(1).changes().isEmpty());
    }

    @Test
    void operationsAfterTheLastCommitFormNoBatchAndAreCounted() throws IOException {
        try (OperationsParser parser = new OperationsParser(new StringReader(
                "set 01 02\ncommit\n# trailing\nset 03 04\nremove 05\n"))) {
            assertTrue(parser.nextBatch().isPresent());
            assertEquals(Optional.empty(), parser.nextBatch());
            assertEquals(2, parser.pendingOperations());
            assertEquals(4, parser.firstPendingLine());
        }
    }

    @Test
    void aFileEndingWithCommitLeavesNothingPending() throws IOException {
        try (OperationsParser parser = new OperationsParser(new StringReader("set 01 02\ncommit\n\n# done\n"))) {
            assertTrue(parser.nextBatch().isPresent());
            assertEquals(Optional.empty(), parser.nextBatch());
            assertEquals(0, parser.pendingOperations());
            assertEquals(0, parser.firstPendingLine());
        }
    }

    @Test
    void emptyInputHasNoBatch() throws IOException {
        try (OperationsParser parser = new OperationsParser(new StringReader(""))) {
            assertEquals(Optional.empty(), parser.nextBatch());
            assertEquals(0, parser.pendingOperations());
        }
    }

    static Stream<Arguments> badLines() {
        String keyTooLong = "aa".repeat(Limits.MAX_KEY_BYTES + 1);
        return Stream.of(
                Arguments.of("unknown operation", "sett 01 02", "unknown operation 'sett' (expected set, remove or commit)"),
                Arguments.of("operation in upper case", "SET 01 02", "unknown operation 'SET'"),
                Arguments.of("set without a value", "set 01", "'set' takes a key and a value (set <hex key> <hex value>), found 1 argument"),
                Arguments.of("set without arguments", "set", "'set' takes a key and a value (set <hex key> <hex value>), found 0 arguments"),
                Arguments.of("set with an extra argument", "set 01 02 03", "found 3 arguments"),
                Arguments.of("trailing comment", "set 01 02 # why", "found 4 arguments"),
                Arguments.of("remove without a key", "remove", "'remove' takes a key (remove <hex key>), found 0 arguments"),
                Arguments.of("remove with a value", "remove 01 02", "found 2 arguments"),
                Arguments.of("commit with an argument", "commit 1", "'commit' takes no arguments, found 1 argument"),
                Arguments.of("key not hex", "set 0g 02", "key is not hex: 'g' at position 2 of '0g'"),
                Arguments.of("value not hex", "set 01 zz", "value is not hex: 'z' at position 1 of 'zz'"),
                Arguments.of("key with a 0x prefix", "remove 0x01", "key is not hex: 'x' at position 2"),
                Arguments.of("odd number of hex digits", "set 012 02", "key has an odd number of hex digits (3): '012'"),
                Arguments.of("non-ASCII digit", "set 0\u0663 02", "key is not hex: character U+0663 at position 2"),
                Arguments.of("empty key in set", "set \"\" 02", "key must not be empty"),
                Arguments.of("empty key in remove", "remove \"\"", "key must not be empty"),
                Arguments.of("key over the limit", "set " + keyTooLong + " 02",
                        "key of " + (Limits.MAX_KEY_BYTES + 1) + " bytes exceeds the limit of " + Limits.MAX_KEY_BYTES + " bytes"),
                Arguments.of("key over the limit in remove", "remove " + keyTooLong, "exceeds the limit of " + Limits.MAX_KEY_BYTES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void badLineIsAnErrorNamingItsLine(String description, String badLine, String expectedProblem) throws IOException {
        // Line 5: after a committed batch, a comment and a good operation of the batch in progress.
        String input = "set 01 02\ncommit\n# next batch\nset 03 04\n" + badLine + "\ncommit\n";
        try (OperationsParser parser = new OperationsParser(new StringReader(input))) {
            assertTrue(parser.nextBatch().isPresent(), "the first batch is complete and valid");
            OperationsFormatException e = assertThrows(OperationsFormatException.class, parser::nextBatch);
            assertEquals(5, e.line());
            assertTrue(e.getMessage().startsWith("line 5: "), e.getMessage());
            assertTrue(e.getMessage().contains(expectedProblem), () -> "expected '" + expectedProblem + "' in: "
                    + e.getMessage().substring(0, Math.min(300, e.getMessage().length())));
        }
    }

    @Test
    void valueOverTheLimitIsAnErrorNamingItsLine() throws IOException {
        String tooLong = "00".repeat(Limits.MAX_VALUE_BYTES + 1);
        try (OperationsParser parser = new OperationsParser(new StringReader("\nset 01 " + tooLong + "\ncommit\n"))) {
            OperationsFormatException e = assertThrows(OperationsFormatException.class, parser::nextBatch);
            assertEquals("line 2: value of " + (Limits.MAX_VALUE_BYTES + 1) + " bytes exceeds the limit of "
                    + Limits.MAX_VALUE_BYTES + " bytes", e.getMessage());
        }
    }

    @Test
    void valueAtTheLimitIsAccepted() throws IOException {
        String atLimit = "ff".repeat(Limits.MAX_VALUE_BYTES);
        List<OperationsParser.Batch> batches = parseAll("set 01 " + atLimit + "\ncommit\n");
        assertEquals(Limits.MAX_VALUE_BYTES, batches.get(0).changes().mutations().get(0).value().length);
    }

    @Test
    void longBadTokenIsShortenedInTheMessage() throws IOException {
        String token = "g".repeat(1000);
        try (OperationsParser parser = new OperationsParser(new StringReader("set 01 " + token + "\n"))) {
            OperationsFormatException e = assertThrows(OperationsFormatException.class, parser::nextBatch);
            assertTrue(e.getMessage().length() < 200, e.getMessage());
            assertTrue(e.getMessage().contains("(1000 characters)"), e.getMessage());
        }
    }

    @Test
    void nonAsciiByteInAFileIsReportedOnItsLine(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("utf8.ops");
        Files.write(file, "set 01 02\ncommit\nset 0\u0663 02\ncommit\n".getBytes(StandardCharsets.UTF_8));
        try (OperationsParser parser = OperationsParser.open(file)) {
            assertTrue(parser.nextBatch().isPresent());
            OperationsFormatException e = assertThrows(OperationsFormatException.class, parser::nextBatch);
            assertEquals("line 3: key has an odd number of hex digits (3): '0??'", e.getMessage());
        }
    }

    @Test
    void parserIsFinishedAfterAnError() throws IOException {
        try (OperationsParser parser = new OperationsParser(new StringReader("bogus\nset 01 02\ncommit\n"))) {
            assertThrows(OperationsFormatException.class, parser::nextBatch);
            assertThrows(IllegalStateException.class, parser::nextBatch);
        }
    }

    private static List<OperationsParser.Batch> parseAll(String input) throws IOException {
        List<OperationsParser.Batch> batches = new ArrayList<>();
        try (OperationsParser parser = new OperationsParser(new StringReader(input))) {
            Optional<OperationsParser.Batch> batch;
            while ((batch = parser.nextBatch()).isPresent()) {
                batches.add(batch.get());
            }
            assertEquals(0, parser.pendingOperations(), "test input ends with commit");
        }
        return batches;
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex);
    }
}
