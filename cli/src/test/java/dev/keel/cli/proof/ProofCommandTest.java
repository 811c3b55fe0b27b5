package dev.keel.cli.proof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.cli.KeelInvocation;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel proof} and {@code keel proof verify} run in-process against a real tree store: every
 * proof the first prints must verify with the second, and any change to the proof, root, key or
 * value must not.
 */
class ProofCommandTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern ROOT_LINE = Pattern.compile("version (\\d+) root ([0-9a-f]{64})");

    @TempDir
    Path tmp;
    private Path store;
    /** Roots of versions 1 and 2, as the store reported them when committing. */
    private String root1;
    private String root2;

    /** Version 1: keys 02, 04, 06 (values 'b', 'd', 'f'); version 2: 04 deleted, 08 added. */
    @BeforeEach
    void createStore() {
        store = tmp.resolve("tree");
        try (VersionedStore s = Stores.open("tree", store, StoreOptions.defaults())) {
            root1 = s.commit(ChangeSet.builder().put(bytes("02"), bytes("62")).put(bytes("04"), bytes("64"))
                    .put(bytes("06"), bytes("66")).build(), CommitMetadata.EMPTY).commitment().hex();
            root2 = s.commit(ChangeSet.builder().delete(bytes("04")).put(bytes("08"), bytes("68")).build(),
                    CommitMetadata.EMPTY).commitment().hex();
        }
    }

    @Test
    void proofOfAPresentKeyVerifiesAsExistenceWithItsValue() {
        Proof p = prove("--key", "06");

        assertEquals("2", p.version);
        assertEquals(root2, p.root);
        assertTrue(p.run.err().contains("existence proof: key 06 is present"), p.run.describe());
        assertVerify(0, "--root", p.root, "--proof", p.hex, "--key", "06", "--value", "66");
    }

    @Test
    void proofOfAnAbsentKeyVerifiesAsNonExistence() {
        for (String absent : List.of("01", "04", "05", "ff")) { // below, between (deleted), between, above
            Proof p = prove("--key", absent);

            assertTrue(p.run.err().contains("non-existence proof: key " + absent + " is absent"), p.run.describe());
            assertVerify(0, "--root", p.root, "--proof", p.hex, "--key", absent);
        }
    }

    @Test
    void proofAtAnOlderVersionVerifiesAgainstThatVersionsRootOnly() {
        Proof p = prove("--key", "04", "--version", "1");

        assertEquals("1", p.version);
        assertEquals(root1, p.root);
        assertVerify(0, "--root", root1, "--proof", p.hex, "--key", "04", "--value", "64");
        assertInvalid("--root", root2, "--proof", p.hex, "--key", "04", "--value", "64");
    }

    @Test
    void flippedProofByteIsInvalid() {
        Proof p = prove("--key", "06");
        byte[] proof = bytes(p.hex);
        // The last byte is inside the last inner node's hash: the proof still decodes but leads elsewhere.
        proof[proof.length - 1] ^= 0x01;

        assertInvalid("--root", p.root, "--proof", HEX.formatHex(proof), "--key", "06", "--value", "66");
    }

    @Test
    void truncatedProofIsInvalidAndSaysItIsMalformed() {
        Proof p = prove("--key", "06");
        // Cut at a byte boundary (even number of digits), so that it is valid hex but half a proof.
        String truncated = p.hex.substring(0, p.hex.length() / 4 * 2);

        KeelInvocation run = assertInvalid("--root", p.root, "--proof", truncated);

        assertTrue(run.err().contains("not a well-formed ICS23 CommitmentProof"), run.describe());
    }

    @Test
    void wrongRootIsInvalid() {
        Proof p = prove("--key", "06");
        byte[] root = bytes(p.root);
        root[0] ^= 0x01;

        assertInvalid("--root", HEX.formatHex(root), "--proof", p.hex, "--key", "06", "--value", "66");
    }

    @Test
    void wrongValueIsInvalid() {
        Proof p = prove("--key", "06");

        assertInvalid("--root", p.root, "--proof", p.hex, "--key", "06", "--value", "67");
        assertInvalid("--root", p.root, "--proof", p.hex, "--key", "06", "--value", "");
    }

    @Test
    void existenceProofDoesNotProveAbsenceAndSaysWhy() {
        Proof p = prove("--key", "06");

        KeelInvocation run = assertInvalid("--root", p.root, "--proof", p.hex, "--key", "06");

        assertTrue(run.err().contains("it is an existence proof, but no --value was given"), run.describe());
    }

    @Test
    void nonExistenceProofDoesNotProveAnotherAbsentKey() {
        Proof p = prove("--key", "05");

        assertInvalid("--root", p.root, "--proof", p.hex, "--key", "03");
    }

    @Test
    void withoutKeyTheProofIsVerifiedAgainstWhatItCarriesAndThatIsPrinted() {
        Proof present = prove("--key", "08");
        Proof absent = prove("--key", "07");

        KeelInvocation exists = assertVerify(0, "--root", present.root, "--proof", present.hex);
        KeelInvocation missing = assertVerify(0, "--root", absent.root, "--proof", absent.hex);

        assertEquals("exists 08 68\n", exists.out());
        assertEquals("absent 07\n", missing.out());
    }

    @Test
    void upstreamIavlExistenceVectorVerifies() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/vectors/ics23/ics23_iavl_exist_left.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String key = jsonString(json, "key");
        String value = jsonString(json, "value");
        String proof = jsonString(json, "proof");
        String root = jsonString(json, "root");

        assertVerify(0, "--root", root, "--proof", proof, "--key", key, "--value", value);
        assertInvalid("--root", root, "--proof", proof, "--key", key, "--value", value + "00");
    }

    @Test
    void malformedHexIsAUsageError() {
        Proof p = prove("--key", "06");

        KeelInvocation oddProof = KeelInvocation.run("proof", "verify", "--root", p.root, "--proof", p.hex + "0");
        KeelInvocation notHexRoot = KeelInvocation.run("proof", "verify", "--root", "zz" + p.root.substring(2),
                "--proof", p.hex);
        KeelInvocation notHexKey = KeelInvocation.run("proof", "--dir", store.toString(), "--key", "0g");

        assertEquals(2, oddProof.exitCode(), oddProof.describe());
        assertTrue(oddProof.err().startsWith("keel: error: Invalid value for option '--proof'"), oddProof.describe());
        assertEquals(2, notHexRoot.exitCode(), notHexRoot.describe());
        assertTrue(notHexRoot.err().startsWith("keel: error: Invalid value for option '--root'"), notHexRoot.describe());
        assertEquals(2, notHexKey.exitCode(), notHexKey.describe());
        assertEquals("", notHexKey.out());
    }

    @Test
    void valueWithoutKeyIsAUsageError() {
        Proof p = prove("--key", "06");

        KeelInvocation run = KeelInvocation.run("proof", "verify", "--root", p.root, "--proof", p.hex, "--value", "66");

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: --value needs --key"), run.describe());
    }

    @Test
    void rootOfTheWrongLengthIsAUsageError() {
        Proof p = prove("--key", "06");

        KeelInvocation run = KeelInvocation.run("proof", "verify", "--root", p.root.substring(2), "--proof", p.hex);

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: --root must be 32 bytes"), run.describe());
    }

    @Test
    void missingKeyIsAUsageError() {
        KeelInvocation run = KeelInvocation.run("proof", "--dir", store.toString());

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: Missing required option: '--key=<hex>'"), run.describe());
    }

    @Test
    void versionOutsideTheRetainedWindowIsAnErrorNamingTheWindow() {
        KeelInvocation run = KeelInvocation.run("proof", "--dir", store.toString(), "--key", "06", "--version", "7");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("keel: error: version 7 is not retained (oldest retained 0, latest 2)"),
                run.describe());
    }

    @Test
    void emptyTreeVersionIsAnErrorNotAProof() {
        KeelInvocation run = KeelInvocation.run("proof", "--dir", store.toString(), "--key", "06", "--version", "0");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().contains("empty tree"), run.describe());
    }

    @Test
    void otherInitialVersionIsRefusedAndLeavesTheStoreUnchanged() throws IOException {
        List<String> before = listing(store);

        KeelInvocation run = KeelInvocation.run("proof", "--dir", store.toString(), "--key", "06",
                "--initial-version", "100");

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: " + store + " was created with initial version 1"), run.describe());
        assertTrue(run.err().contains("--initial-version is 100"), run.describe());
        assertEquals(before, listing(store));
    }

    @Test
    void storeCreatedWithAnotherInitialVersionIsProvenWithThatVersion() {
        Path genesis = tmp.resolve("genesis-100");
        String root;
        try (VersionedStore s = Stores.open("tree", genesis, StoreOptions.defaults().withInitialVersion(100))) {
            root = s.commit(ChangeSet.builder().put(bytes("aa"), bytes("01")).build(), CommitMetadata.EMPTY)
                    .commitment().hex();
        }

        KeelInvocation run = KeelInvocation.run("proof", "--dir", genesis.toString(), "--key", "aa",
                "--initial-version", "100");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.err().contains("version 100 root " + root), run.describe());
        assertVerify(0, "--root", root, "--proof", run.out().strip(), "--key", "aa", "--value", "01");
    }

    @Test
    void missingDirectoryIsAnErrorAndNoStoreIsCreated() {
        Path nowhere = tmp.resolve("no-such-store");

        KeelInvocation run = KeelInvocation.run("proof", "--dir", nowhere.toString(), "--key", "06");

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: no store in " + nowhere + " (no such directory)"), run.describe());
        assertFalse(Files.exists(nowhere));
    }

    @Test
    void emptyDirectoryIsAnErrorAndStaysEmpty() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));

        KeelInvocation run = KeelInvocation.run("proof", "--dir", empty.toString(), "--key", "06");

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().contains("(the directory is empty)"), run.describe());
        try (Stream<Path> entries = Files.list(empty)) {
            assertEquals(0, entries.count(), "nothing may be created in the directory");
        }
    }

    @Test
    void flatkvStoreIsRefusedAsNotATreeStore() {
        Path flat = tmp.resolve("flat");
        try (VersionedStore s = Stores.open("flatkv", flat, StoreOptions.defaults())) {
            s.commit(ChangeSet.builder().put(bytes("01"), bytes("02")).build(), CommitMetadata.EMPTY);
        }

        KeelInvocation run = KeelInvocation.run("proof", "--dir", flat.toString(), "--key", "01");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().contains("keel proof needs a tree store"), run.describe());
    }

    /** What {@code keel proof} printed, after checking it succeeded with one line on stdout. */
    private record Proof(KeelInvocation run, String hex, String version, String root) {
    }

    private Proof prove(String... options) {
        String[] args = Stream.concat(Stream.of("proof", "--dir", store.toString()), Stream.of(options))
                .toArray(String[]::new);
        KeelInvocation run = KeelInvocation.run(args);
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().matches("[0-9a-f]+\n"), run.describe());
        Matcher m = ROOT_LINE.matcher(run.err());
        assertTrue(m.find(), run.describe());
        return new Proof(run, run.out().strip(), m.group(1), m.group(2));
    }

    private static KeelInvocation assertVerify(int expectedExitCode, String... options) {
        KeelInvocation run = verify(options);
        assertEquals(expectedExitCode, run.exitCode(), run.describe());
        return run;
    }

    private static KeelInvocation assertInvalid(String... options) {
        KeelInvocation run = assertVerify(1, options);
        assertEquals("proof invalid", run.errLines().get(0), run.describe());
        assertEquals("", run.out());
        return run;
    }

    private static KeelInvocation verify(String... options) {
        return KeelInvocation.run(Stream.concat(Stream.of("proof", "verify"), Stream.of(options)).toArray(String[]::new));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(p -> dir.relativize(p) + (Files.isRegularFile(p) ? " " + size(p) : "")).sorted().toList();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The vector files are flat objects of hex strings: a regular expression reads them. */
    private static String jsonString(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([0-9a-fA-F]*)\"").matcher(json);
        assertTrue(m.find(), "field " + field + " in the vector");
        return m.group(1);
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex);
    }
}
