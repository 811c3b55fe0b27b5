package dev.keel.cli.demo;

import dev.keel.parity.LogicalDigest;
import dev.keel.parity.LogicalDigester;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.VersionedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What must be the same however a node reached it: at close, after a restart that skipped the
 * snapshot, and after one that restored it. Immutable.
 *
 * @param engineApplied the engine's applied index
 * @param storeApplied the applied index recorded in the store's latest version
 * @param version the store's latest version
 * @param commitment that version's commitment
 * @param digest that version's logical digest (keys and values, independent of the backend)
 */
record NodeState(long engineApplied, long storeApplied, long version, Commitment commitment, LogicalDigest digest) {
    NodeState {
        Objects.requireNonNull(commitment, "commitment");
        Objects.requireNonNull(digest, "digest");
    }

    /**
     * Reads the state of a running node. Call it while no proposal is in flight.
     *
     * @param node a started node
     * @return its state
     */
    static NodeState of(DemoNode.Running node) {
        VersionedStore store = node.stateMachine().store();
        CommitInfo latest = store.latest();
        LogicalDigest digest = new LogicalDigester(LogicalDigester.DEFAULT_DEPTH)
                .digest(store, latest.version(), ProgressListener.NONE);
        return new NodeState(node.engine().appliedIndex(), latest.metadata().appliedIndex(), latest.version(),
                latest.commitment(), digest);
    }

    /**
     * Fails when two states of one node differ in anything a restart must keep.
     *
     * @param check the check's name
     * @param expectedLabel how {@code expected} was reached ("at close")
     * @param expected the state it must equal
     * @param actualLabel how {@code actual} was reached ("after the restore")
     * @param actual the state to check
     * @throws CheckFailedException naming every field that differs, with both values
     */
    static void requireSame(String check, String expectedLabel, NodeState expected, String actualLabel, NodeState actual) {
        List<String> differences = new ArrayList<>();
        if (expected.engineApplied() != actual.engineApplied()) {
            differences.add("engine applied index " + expected.engineApplied() + " " + expectedLabel + ", "
                    + actual.engineApplied() + " " + actualLabel);
        }
        if (expected.storeApplied() != actual.storeApplied()) {
            differences.add("store applied index " + expected.storeApplied() + " " + expectedLabel + ", "
                    + actual.storeApplied() + " " + actualLabel);
        }
        if (expected.version() != actual.version()) {
            differences.add("store version " + expected.version() + " " + expectedLabel + ", " + actual.version() + " "
                    + actualLabel);
        }
        if (!expected.commitment().equals(actual.commitment())) {
            differences.add("commitment " + expected.commitment() + " " + expectedLabel + ", " + actual.commitment() + " "
                    + actualLabel);
        }
        if (!expected.digest().sameContent(actual.digest())) {
            differences.add("logical digest " + expected.digest().hex() + " (" + expected.digest().keyCount() + " keys) "
                    + expectedLabel + ", " + actual.digest().hex() + " (" + actual.digest().keyCount() + " keys) "
                    + actualLabel);
        }
        if (!differences.isEmpty()) {
            throw new CheckFailedException(check, String.join("; ", differences));
        }
    }
}
