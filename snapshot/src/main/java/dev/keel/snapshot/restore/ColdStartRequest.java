package dev.keel.snapshot.restore;

import dev.keel.snapshot.gate.LogTerms;
import dev.keel.snapshot.gate.NodeRole;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.crypto.Sealer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What the engine knows at open, for {@link RestoreOrSkip#run}. Immutable; thread-safe when its
 * collaborators are.
 *
 * @param store a name for the store in reports
 * @param snapshot the latest snapshot token, if any
 * @param snapshotFile the file the token names; required when {@code snapshot} is present
 * @param firstIndex the log's first durable index {@code F}
 * @param lastLogIndex the log's last durable index {@code Llog}
 * @param logTerms the terms of {@code F..Llog}
 * @param commitIndex the hard state's commit index
 * @param role standalone or cluster member
 * @param policy how much of the snapshot a SKIPPED open verifies before ready
 * @param sealer opens sealed snapshot chunks, or null when snapshots are not sealed
 * @param scrubExecutor runs the background full check after a SKIPPED open under
 *     {@link VerificationPolicy#HEADER}
 * @param listener an extra observer besides the state machine's own, or null
 * @param progress receives restore progress (records) and verification progress (bytes)
 */
public record ColdStartRequest(String store, Optional<SnapshotToken> snapshot, Path snapshotFile, long firstIndex,
                               long lastLogIndex, LogTerms logTerms, long commitIndex, NodeRole role,
                               VerificationPolicy policy, Sealer sealer, Executor scrubExecutor,
                               ColdStartObserver listener, ProgressListener progress) {
    /**
     * @throws NullPointerException if a required argument is null, or the snapshot file is
     *     missing while a snapshot is given
     */
    public ColdStartRequest {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(logTerms, "logTerms");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(scrubExecutor, "scrubExecutor");
        Objects.requireNonNull(progress, "progress");
        if (snapshot.isPresent()) {
            Objects.requireNonNull(snapshotFile, "snapshotFile (a snapshot token is given)");
        }
    }
}
