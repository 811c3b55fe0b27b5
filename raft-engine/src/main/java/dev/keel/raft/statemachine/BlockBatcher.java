package dev.keel.raft.statemachine;

import dev.keel.raft.engine.ProposalBatcher;
import dev.keel.storage.api.Mutation;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs concurrent {@link Command.Block} proposals into one block entry: the merged block holds
 * every operation in proposal order, so applying it equals applying the blocks one after another
 * (later operations on a key win). Other commands are not merged. Stateless and thread-safe.
 */
public final class BlockBatcher implements ProposalBatcher {
    /** The shared instance. */
    public static final BlockBatcher INSTANCE = new BlockBatcher();

    private BlockBatcher() {
    }

    /** @throws MalformedCommandException if the payload is not a command */
    @Override
    public boolean mergeable(byte[] payload) {
        return CommandCodec.decode(payload) instanceof Command.Block;
    }

    @Override
    public byte[] merge(List<byte[]> payloads) {
        List<Mutation> all = new ArrayList<>();
        for (byte[] p : payloads) {
            all.addAll(((Command.Block) CommandCodec.decode(p)).mutations());
        }
        return CommandCodec.encode(new Command.Block(all));
    }
}
