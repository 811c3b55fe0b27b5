package dev.keel.cli.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.parity.LogicalDigest;
import dev.keel.storage.api.Commitment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison that decides whether a skipping and a restoring restart reached the same state. */
class NodeStateTest {
    private static final NodeState SKIPPED = state(882, Commitment.IAVL_SHA256, (byte) 1, (byte) 7);

    @Test
    void equalStatesPass() {
        assertDoesNotThrow(() -> NodeState.requireSame("restoring restart", "after the skip", SKIPPED, "after the restore",
                state(882, Commitment.IAVL_SHA256, (byte) 1, (byte) 7)));
    }

    @Test
    void differentCommitmentsFailTheCheckWithBothValues() {
        NodeState restored = state(882, Commitment.IAVL_SHA256, (byte) 2, (byte) 7);

        CheckFailedException e = assertThrows(CheckFailedException.class, () -> NodeState.requireSame("restoring restart",
                "after the skip", SKIPPED, "after the restore", restored));

        assertEquals("restoring restart", e.check());
        assertTrue(e.getMessage().startsWith("demo check failed: restoring restart: commitment iavl-sha256:0101"),
                e.getMessage());
        assertTrue(e.getMessage().contains(" after the skip, iavl-sha256:0202"), e.getMessage());
        assertFalse(e.getMessage().contains("applied index"), "only what differs is named: " + e.getMessage());
    }

    @Test
    void differentAppliedIndexesFailTheCheck() {
        NodeState restored = state(881, Commitment.IAVL_SHA256, (byte) 1, (byte) 7);

        CheckFailedException e = assertThrows(CheckFailedException.class, () -> NodeState.requireSame("restoring restart",
                "after the skip", SKIPPED, "after the restore", restored));

        assertTrue(e.getMessage().contains("engine applied index 882 after the skip, 881 after the restore"), e.getMessage());
        assertTrue(e.getMessage().contains("store applied index 882 after the skip, 881 after the restore"), e.getMessage());
        assertTrue(e.getMessage().contains("store version 882 after the skip, 881 after the restore"), e.getMessage());
    }

    @Test
    void differentContentFailsTheCheckEvenWithEqualCommitments() {
        NodeState restored = state(882, Commitment.IAVL_SHA256, (byte) 1, (byte) 8);

        CheckFailedException e = assertThrows(CheckFailedException.class, () -> NodeState.requireSame("restoring restart",
                "after the skip", SKIPPED, "after the restore", restored));

        assertTrue(e.getMessage().startsWith("demo check failed: restoring restart: logical digest 0707"), e.getMessage());
    }

    private static NodeState state(long applied, String scheme, byte commitmentByte, byte digestByte) {
        byte[] root = new byte[32];
        Arrays.fill(root, commitmentByte);
        byte[] digest = new byte[LogicalDigest.DIGEST_BYTES];
        Arrays.fill(digest, digestByte);
        return new NodeState(applied, applied, applied, new Commitment(scheme, root),
                new LogicalDigest(applied, 1, 100, List.of(), digest));
    }
}
