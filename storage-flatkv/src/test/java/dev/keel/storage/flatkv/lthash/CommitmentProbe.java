package dev.keel.storage.flatkv.lthash;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The child program of {@link CommitmentUnderC2InliningTest}: commits many small versions to a
 * fresh flatkv store and checks every commitment {@code commit} returns against the lane vector
 * kept beside it with Bouncy Castle ({@link BouncyCastleReference}). Prints one line and exits 0
 * when all agree; at the first disagreement prints it and exits 1.
 *
 * <p>Arguments: seed, number of versions, a directory for the store (deleted by the caller).
 */
public final class CommitmentProbe {
    private CommitmentProbe() {
    }

    /**
     * @param args seed, versions, store directory
     * @throws Exception if the store fails
     */
    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int versions = Integer.parseInt(args[1]);
        Path dir = Files.createDirectories(Path.of(args[2]));
        SplittableRandom random = new SplittableRandom(seed);
        byte[] lanes = new byte[LtHash16.BYTES];
        Map<String, byte[]> content = new HashMap<>();
        try (VersionedStore store = Stores.open("flatkv", dir, StoreOptions.defaults().withSync(false))) {
            for (int v = 1; v <= versions; v++) {
                ChangeSet.Builder changes = ChangeSet.builder();
                for (int i = 0, n = 2 + random.nextInt(20); i < n; i++) {
                    byte[] key = ("d/" + random.nextInt(4) + "/" + random.nextInt(200)).getBytes(StandardCharsets.US_ASCII);
                    if (random.nextInt(4) == 0) {
                        changes.delete(key);
                    } else {
                        byte[] value = new byte[10 + random.nextInt(50)];
                        random.nextBytes(value);
                        changes.put(key, value);
                    }
                }
                ChangeSet set = changes.build();
                for (Mutation m : set.effective()) {
                    String key = new String(m.key(), StandardCharsets.US_ASCII);
                    byte[] before = m.isPut() ? content.put(key, m.value()) : content.remove(key);
                    if (before != null) {
                        BouncyCastleReference.apply(lanes, m.key(), before, -1);
                    }
                    if (m.isPut()) {
                        BouncyCastleReference.apply(lanes, m.key(), m.value(), 1);
                    }
                }
                CommitInfo info = store.commit(set, CommitMetadata.atPosition(v, 1));
                byte[] want = BouncyCastleReference.hash(lanes);
                if (!java.util.Arrays.equals(info.commitment().bytes(), want)) {
                    System.out.println("version " + v + " of " + versions + " (seed " + seed + "): commit returned "
                            + info.commitment().hex() + ", the reference is " + HexFormat.of().formatHex(want));
                    System.exit(1);
                }
            }
        }
        System.out.println(versions + " versions (seed " + seed + "): every commitment agrees with the reference");
    }
}
