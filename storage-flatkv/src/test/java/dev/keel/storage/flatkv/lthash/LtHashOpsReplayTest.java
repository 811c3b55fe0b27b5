package dev.keel.storage.flatkv.lthash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replays {@code lthash-basic.ops} through a plain map model and an {@link LtHash16}, checking
 * every commit against {@code lthash-basic.expected} (the line {@code keel replay} prints).
 */
class LtHashOpsReplayTest {

    @Test
    void replayOfLtHashBasicGivesTheExpectedCommitmentAtEveryVersion() {
        List<String> expected = Vectors.text("lthash-basic.expected").lines()
                .filter(l -> !l.isBlank()).toList();
        List<String> actual = replay(Vectors.text("lthash-basic.ops"));
        assertEquals(4, expected.size(), "versions in lthash-basic.expected");
        assertEquals(expected, actual);
    }

    private static List<String> replay(String ops) {
        Map<String, byte[]> state = new HashMap<>();
        LtHash16 commitment = new LtHash16();
        List<String> lines = new ArrayList<>();
        long version = 0;
        for (String raw : ops.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] op = line.split("\\s+");
            switch (op[0]) {
                case "set" -> {
                    byte[] key = Vectors.hex(op[1]);
                    byte[] value = op.length > 2 ? Vectors.hex(op[2]) : new byte[0];
                    byte[] old = state.put(op[1], value);
                    if (old != null) {
                        commitment.remove(key, old);
                    }
                    commitment.add(key, value);
                }
                case "remove" -> {
                    byte[] old = state.remove(op[1]);
                    if (old != null) {
                        commitment.remove(Vectors.hex(op[1]), old);
                    }
                }
                case "commit" -> {
                    version++;
                    lines.add("version " + version + " " + Vectors.hex(commitment.checksum()));
                }
                default -> throw new IllegalArgumentException("unknown operation: " + line);
            }
        }
        return lines;
    }
}
