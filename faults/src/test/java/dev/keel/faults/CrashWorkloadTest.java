package dev.keel.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.statemachine.BlockBatcher;
import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.storage.api.Mutation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CrashWorkloadTest {
    @Test
    void aProposalIsAFunctionOfTheSeedAndItsId() {
        ProposalId id = new ProposalId(2, 41);
        assertEquals(CrashWorkload.mutations(7, id), CrashWorkload.mutations(7, id));
        assertNotEquals(CrashWorkload.mutations(7, id), CrashWorkload.mutations(8, id));
        assertNotEquals(CrashWorkload.mutations(7, id), CrashWorkload.mutations(7, new ProposalId(2, 42)));
    }

    @Test
    void aMergedBlockNamesEveryProposalItCarriesInOrder() {
        List<ProposalId> ids = List.of(new ProposalId(0, 5), new ProposalId(3, 0), new ProposalId(0, 6));
        List<byte[]> payloads = new ArrayList<>();
        ids.forEach(id -> payloads.add(CrashWorkload.payload(11, id)));
        Command.Block merged = (Command.Block) CommandCodec.decode(BlockBatcher.INSTANCE.merge(payloads));
        assertEquals(ids, CrashWorkload.proposalsIn(merged));
    }

    @Test
    void noTwoProposalsPutTheSameValueAndClientsNeverShareAKey() {
        Set<String> values = new HashSet<>();
        for (int client = 0; client < 4; client++) {
            for (long seq = 0; seq < 300; seq++) {
                List<Mutation> ops = CrashWorkload.mutations(3, new ProposalId(client, seq));
                assertTrue(ops.get(0).isPut(), "the marker comes first");
                assertEquals("m/" + client, new String(ops.get(0).key(), StandardCharsets.US_ASCII));
                for (Mutation m : ops.subList(1, ops.size())) {
                    String key = new String(m.key(), StandardCharsets.US_ASCII);
                    assertTrue(key.startsWith("d/" + client + "/"), key);
                    if (m.isPut()) {
                        assertTrue(values.add(new String(m.value(), StandardCharsets.ISO_8859_1)), "value repeated");
                    }
                }
            }
        }
    }
}
