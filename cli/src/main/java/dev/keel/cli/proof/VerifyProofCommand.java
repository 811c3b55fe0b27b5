package dev.keel.cli.proof;

import dev.keel.storage.tree.Ics23;
import dev.keel.storage.tree.MalformedProofException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keel proof verify}: checks an ICS23 {@code CommitmentProof} against an IAVL root, with the
 * tree backend's verifier ({@link Ics23#verify}). Exit code 0 only for a valid proof of the claim
 * the options make; 1 with {@code proof invalid} on stderr for any other proof (forged, truncated,
 * malformed, another root, key or value, or the other kind of proof); 2 for a command line that
 * is not valid.
 *
 * <p>The claim: with {@code --key} and {@code --value}, that the key has that value; with
 * {@code --key} alone, that the key is absent. With neither, the proof is checked against the key
 * and value it carries itself, which are printed on stdout ({@code exists <key> <value>} or
 * {@code absent <key>}) when it is valid: the root then vouches for that line, and a caller must
 * read it rather than assume which key was proven.
 */
@Command(name = "verify",
        description = {
            "Verify an ICS23 proof against an IAVL root.",
            "",
            "With --key and --value: the proof must show that the key has that value (an existence proof). "
                    + "With --key alone: that the key is absent (a non-existence proof). With neither: the proof is "
                    + "verified against the key and value it carries, and when valid stdout gets "
                    + "'exists <key hex> <value hex>' or 'absent <key hex>'.",
            "",
            "Exit code 0: the proof is valid. 1: it is not ('proof invalid' on stderr). 2: the command line "
                    + "is not valid (bad hex, --value without --key, a root that is not 32 bytes).",
            ""})
public final class VerifyProofCommand implements Callable<Integer> {
    private static final int ROOT_BYTES = 32;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--root", required = true, paramLabel = "<hex>", converter = HexArgument.Converter.class,
            description = "The IAVL root (iavl-sha256 commitment) the proof must lead to, in hex.")
    private HexArgument rootArg;

    @Option(names = "--proof", required = true, paramLabel = "<hex>", converter = HexArgument.Converter.class,
            description = "The CommitmentProof bytes, in hex (as 'keel proof' prints them).")
    private HexArgument proofArg;

    @Option(names = "--key", paramLabel = "<hex>", converter = HexArgument.Converter.class,
            description = "The key the proof must be about, in hex.")
    private HexArgument keyArg;

    @Option(names = "--value", paramLabel = "<hex>", converter = HexArgument.Converter.class,
            description = "The value the key must have, in hex (\"\" for the empty value); needs --key.")
    private HexArgument valueArg;

    // The options' bytes, once checked; key and value stay null when not given.
    private byte[] root;
    private byte[] proof;
    private byte[] key;
    private byte[] value;

    @Override
    public Integer call() {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] claimedKey = key;
        byte[] claimedValue = value;
        if (key == null) {
            try {
                Ics23.KeyValueOrAbsent carried = Ics23.decode(proof);
                claimedKey = carried.key();
                claimedValue = carried.value();
            } catch (MalformedProofException e) {
                return invalid(err, "the bytes are not a well-formed ICS23 CommitmentProof: " + e.getMessage());
            }
        }
        if (!Ics23.verify(proof, root, claimedKey, claimedValue)) {
            return invalid(err, kindMismatch(claimedValue != null));
        }
        String claim = claimedValue == null
                ? "absent " + HexArgument.format(claimedKey)
                : "exists " + HexArgument.format(claimedKey) + " " + HexArgument.format(claimedValue);
        if (key == null) {
            // The proof chose what it proves: print it, it is the result.
            out.print(claim + "\n");
            out.flush();
        }
        err.println("proof valid: " + claim + " under root " + HexArgument.format(root));
        err.flush();
        return ExitCode.OK;
    }

    private void checkOptions() {
        root = rootArg.bytes();
        proof = proofArg.bytes();
        key = keyArg == null ? null : keyArg.bytes();
        value = valueArg == null ? null : valueArg.bytes();
        if (value != null && key == null) {
            throw new ParameterException(spec.commandLine(), "--value needs --key (the key that must have it)");
        }
        if (key != null && key.length == 0) {
            throw new ParameterException(spec.commandLine(), "--key must not be empty (keys are non-empty byte strings)");
        }
        if (root.length != ROOT_BYTES) {
            throw new ParameterException(spec.commandLine(), "--root must be " + ROOT_BYTES
                    + " bytes (an iavl-sha256 root), was " + root.length);
        }
    }

    /**
     * When the proof is of the other kind than asked for, say so: the usual mistake is leaving out
     * --value for an existence proof, or adding one to a non-existence proof.
     *
     * @return the explanation, or null when the proof is of the kind asked for (or undecodable)
     */
    private String kindMismatch(boolean existenceAsked) {
        try {
            boolean existence = Ics23.decode(proof).value() != null;
            if (existence != existenceAsked) {
                return "it is " + (existence ? "an existence proof, but no --value was given"
                        : "a non-existence proof, but --value was given");
            }
            return null;
        } catch (MalformedProofException e) {
            return "the bytes are not a well-formed ICS23 CommitmentProof: " + e.getMessage();
        }
    }

    private static int invalid(PrintWriter err, String why) {
        err.println("proof invalid");
        if (why != null) {
            err.println("  (" + why + ")");
        }
        err.flush();
        return ExitCode.SOFTWARE;
    }
}
