package dev.keel.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a crash node is configured: the same settings open it in the child that is killed and in
 * the process that reopens and checks it, so a variant (another backend, an interval, later
 * encryption at rest with its key provider) is one field here and one builder call in
 * {@link CrashNode#open}. Immutable and thread-safe.
 *
 * @param backend the store backend, {@code flatkv} or {@code tree}
 * @param snapshotEvery applied entries between engine snapshots (small, so snapshots and log
 *     compaction happen many times per cycle)
 * @param segmentBytes WAL segment size (small, so segments roll over often)
 * @param storeSync whether store commits are forced (off, as under an engine whose log makes
 *     entries above the store's applied index replayable)
 * @param treeSnapshotInterval changelog records between the tree backend's own tree snapshot files
 * @param blockCacheMib flatkv's RocksDB block cache
 */
public record NodeSettings(String backend, long snapshotEvery, long segmentBytes, boolean storeSync,
                           int treeSnapshotInterval, int blockCacheMib) {
    private static final String PREFIX = "node.";

    /** @throws IllegalArgumentException if a number is out of range */
    public NodeSettings {
        Objects.requireNonNull(backend, "backend");
        if (snapshotEvery < 1 || segmentBytes < 1024 || treeSnapshotInterval < 1 || blockCacheMib < 1) {
            throw new IllegalArgumentException("settings out of range: snapshotEvery=" + snapshotEvery + " segmentBytes="
                    + segmentBytes + " treeSnapshotInterval=" + treeSnapshotInterval + " blockCacheMib=" + blockCacheMib);
        }
    }

    /**
     * @param backend {@code flatkv} or {@code tree}
     * @return the campaign's settings: a snapshot every 8 entries (a child applies a few dozen before
     *     it is killed, and the count restarts with every open), 8 KiB segments (a few entries each),
     *     unforced store commits, a tree snapshot file every 40 changelog records, an 8 MiB block cache
     */
    public static NodeSettings campaign(String backend) {
        return new NodeSettings(backend, 8, 8 * 1024, false, 40, 8);
    }

    /** @return the settings as {@code node.name=value} arguments of a child command line */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        args.add(PREFIX + "backend=" + backend);
        args.add(PREFIX + "snapshotEvery=" + snapshotEvery);
        args.add(PREFIX + "segmentBytes=" + segmentBytes);
        args.add(PREFIX + "storeSync=" + storeSync);
        args.add(PREFIX + "treeSnapshotInterval=" + treeSnapshotInterval);
        args.add(PREFIX + "blockCacheMib=" + blockCacheMib);
        return args;
    }

    /**
     * @param args {@code name=value} arguments, among them those {@link #toArgs()} wrote
     * @return the settings
     * @throws IllegalArgumentException if one is missing or malformed
     */
    public static NodeSettings fromArgs(Map<String, String> args) {
        return new NodeSettings(required(args, "backend"), Long.parseLong(required(args, "snapshotEvery")),
                Long.parseLong(required(args, "segmentBytes")), Boolean.parseBoolean(required(args, "storeSync")),
                Integer.parseInt(required(args, "treeSnapshotInterval")),
                Integer.parseInt(required(args, "blockCacheMib")));
    }

    private static String required(Map<String, String> args, String name) {
        String v = args.get(PREFIX + name);
        if (v == null) {
            throw new IllegalArgumentException("missing argument " + PREFIX + name + "=...");
        }
        return v;
    }
}
