package dev.keel.raft.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandCodecTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandKindRoundTrips() {
        List<Command> commands = List.of(
                new Command.Block(List.of(Mutation.put(b("k1"), b("v1")), Mutation.delete(b("k2")), Mutation.put(b("k3"), new byte[0]))),
                new Command.Block(List.of()),
                new Command.KeyRotation(7),
                new Command.HlcLease(123_456_789L),
                new Command.MembershipChange(new Membership(List.of("a", "b"), List.of("ü"))));
        for (Command c : commands) {
            assertEquals(c, CommandCodec.decode(CommandCodec.encode(c)), c.toString());
        }
    }

    @Test
    void recognisesALeaseWithoutDecoding() {
        assertTrue(CommandCodec.isLease(CommandCodec.encode(new Command.HlcLease(1))));
        assertFalse(CommandCodec.isLease(CommandCodec.encode(new Command.KeyRotation(1))));
        assertFalse(CommandCodec.isLease(new byte[0]));
    }

    @Test
    void rejectsAnOperationCountLargerThanThePayloadBeforeAllocating() {
        byte[] p = ByteBuffer.allocate(6).put((byte) 1).put((byte) CommandCodec.KIND_BLOCK).putInt(Integer.MAX_VALUE).array();
        MalformedCommandException e = assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(p));
        assertEquals(2, e.offset());
    }

    @Test
    void rejectsAKeyLengthRunningPastThePayload() {
        byte[] p = ByteBuffer.allocate(20).put((byte) 1).put((byte) CommandCodec.KIND_BLOCK).putInt(1).put((byte) 0)
                .putInt(1_000_000).array();
        MalformedCommandException e = assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(p));
        assertEquals(7, e.offset());
    }

    @Test
    void rejectsTruncationAtEveryLength() {
        byte[] full = CommandCodec.encode(new Command.Block(List.of(Mutation.put(b("key"), b("value")))));
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(cut), "length " + len);
        }
    }

    @Test
    void rejectsTrailingBytesUnknownKindsVersionsAndTags() {
        byte[] lease = CommandCodec.encode(new Command.HlcLease(5));
        assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(Arrays.copyOf(lease, lease.length + 1)));
        assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(new byte[] {2, 3, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(new byte[] {1, 9}));
        byte[] badTag = CommandCodec.encode(new Command.Block(List.of(Mutation.delete(b("k")))));
        badTag[6] = 5;
        assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(badTag));
        byte[] zeroKey = ByteBuffer.allocate(2 + 4 + 4).put((byte) 1).put((byte) CommandCodec.KIND_ROTATION).putInt(0).array();
        assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(Arrays.copyOf(zeroKey, 6)));
    }

    @Test
    void rejectsAMembershipNamingANodeTwice() {
        byte[] p = CommandCodec.encode(new Command.MembershipChange(new Membership(List.of("a"), List.of())));
        byte[] twice = ByteBuffer.allocate(p.length + 3).put(p, 0, 2).putInt(2).putShort((short) 1).put((byte) 'a')
                .putShort((short) 1).put((byte) 'a').putInt(0).array();
        assertThrows(MalformedCommandException.class, () -> CommandCodec.decode(twice));
    }
}
