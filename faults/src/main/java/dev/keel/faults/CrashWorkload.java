package dev.keel.faults;

import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.VersionedStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The deterministic content of every proposal of the crash campaign, so that the process that
 * checks a recovered store can recompute exactly what each proposal wrote.
 *
 * <p>A proposal {@code c:s} is one {@link Command.Block}: first a <em>marker</em> put of
 * {@code m/<c>} = {@code c:s} (it names the proposal inside a merged entry and leaves the client's
 * last applied proposal in the store), then one to {@value #MAX_DATA_OPS} puts and deletes on the
 * client's own keys {@code d/<c>/<slot>}, {@value #SLOTS_PER_CLIENT} slots each. Every value put
 * starts with {@code c:s:j:}, so no two puts write the same value and a proposal applied in part
 * cannot look like one applied whole or not at all. Keys of different clients never overlap.
 *
 * <p>Stateless and thread-safe.
 */
public final class CrashWorkload {
    /** Keys per client, so the store stays small and snapshots stay cheap. */
    public static final int SLOTS_PER_CLIENT = 200;
    /** Most data operations in one proposal (after its marker). */
    public static final int MAX_DATA_OPS = 6;
    private static final String MARKER_PREFIX = "m/";

    private CrashWorkload() {
    }

    /**
     * @param seed the campaign's seed
     * @param id a proposal
     * @return its operations in the order they apply, the marker first
     */
    public static List<Mutation> mutations(long seed, ProposalId id) {
        SplittableRandom random = new SplittableRandom(mix(seed, id));
        int dataOps = 1 + random.nextInt(MAX_DATA_OPS);
        List<Mutation> ops = new ArrayList<>(dataOps + 1);
        ops.add(Mutation.put(ascii(MARKER_PREFIX + id.client()), ascii(id.toString())));
        for (int j = 0; j < dataOps; j++) {
            byte[] key = ascii(String.format("d/%d/%03d", id.client(), random.nextInt(SLOTS_PER_CLIENT)));
            if (random.nextInt(4) == 0) {
                ops.add(Mutation.delete(key));
            } else {
                byte[] prefix = ascii(id + ":" + j + ":");
                byte[] value = new byte[prefix.length + 8 + random.nextInt(41)];
                System.arraycopy(prefix, 0, value, 0, prefix.length);
                for (int i = prefix.length; i < value.length; i++) {
                    value[i] = (byte) random.nextInt(256);
                }
                ops.add(Mutation.put(key, value));
            }
        }
        return ops;
    }

    /**
     * @param seed the campaign's seed
     * @param id a proposal
     * @return the entry payload that proposes it
     */
    public static byte[] payload(long seed, ProposalId id) {
        return CommandCodec.encode(new Command.Block(mutations(seed, id)));
    }

    /**
     * Names the proposals a (possibly merged) block carries, in the order they apply.
     *
     * @param block an applied block
     * @return the proposals whose markers it holds
     * @throws IllegalArgumentException if a marker's value is not a proposal id
     */
    public static List<ProposalId> proposalsIn(Command.Block block) {
        List<ProposalId> ids = new ArrayList<>();
        for (Mutation m : block.mutations()) {
            if (m.isPut() && isMarker(m.key())) {
                ids.add(ProposalId.parse(new String(m.value(), StandardCharsets.US_ASCII)));
            }
        }
        return ids;
    }

    /**
     * @param store a store the workload wrote to
     * @param client a client
     * @return the sequence number after the client's last proposal the store holds (its marker), 0
     *     when it holds none
     */
    public static long nextSeq(VersionedStore store, int client) {
        return store.get(ascii(MARKER_PREFIX + client))
                .map(v -> ProposalId.parse(new String(v, StandardCharsets.US_ASCII)).seq() + 1).orElse(0L);
    }

    private static boolean isMarker(byte[] key) {
        return key.length > 2 && key[0] == 'm' && key[1] == '/';
    }

    private static long mix(long seed, ProposalId id) {
        long h = seed ^ 0x9E3779B97F4A7C15L * (id.client() + 1L);
        h ^= id.seq() * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        return h * 0x165667B19E3779F9L;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
