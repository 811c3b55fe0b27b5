package dev.keel.snapshot.restore;

import dev.keel.snapshot.format.SnapshotReader;
import dev.keel.snapshot.format.SnapshotVerifier;
import dev.keel.snapshot.format.VerifiedSnapshot;
import dev.keel.snapshot.gate.AppliedAnswer;
import dev.keel.snapshot.gate.ColdStartAction;
import dev.keel.snapshot.gate.ColdStartGate;
import dev.keel.snapshot.gate.GateDecision;
import dev.keel.snapshot.gate.GateInputs;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.KeelException;
import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.ScrubReport;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.AppliedIndexReader;
import dev.keel.storage.api.consensus.SnapshotHeaderApplier;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.StateMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The open path's snapshot step, as one straight sequence: ask the state machine where it is,
 * run the {@link ColdStartGate}, carry out its action, report.
 * <ul>
 *   <li>RESTORE: verify the snapshot in full, then install its body through
 *       {@link StateMachine#installSnapshot} (for a store, {@code VersionedStore.replaceFrom}: a
 *       fresh directory and an atomic switch); the effective applied index is the snapshot's.</li>
 *   <li>SKIP: verify with the request's policy, then hand the verified header's metadata to the
 *       state machine's {@link SnapshotHeaderApplier}, whose merge only moves forward; under
 *       {@code HEADER} the full check then runs on the scrub executor and its result reaches the
 *       observers as a {@link ScrubReport}.</li>
 *   <li>REPLAY_FROM_START / RESUME: nothing to read; the state stays as it is.</li>
 * </ul>
 * A typed exception (gate refusal, verification failure, import failure) propagates before
 * anything is applied and before any report; observers receive exactly one
 * {@link ColdStartReport} per successful run, after the outcome succeeded. Stateless; call from
 * the engine's open thread.
 */
public final class RestoreOrSkip {
    private RestoreOrSkip() {
    }

    /**
     * @param stateMachine the state machine being opened (its optional capabilities are found by
     *     {@code instanceof})
     * @param request what the engine knows at open
     * @return the decision and the effective applied index
     * @throws dev.keel.storage.api.coldstart.ColdStartException if the gate refuses
     * @throws dev.keel.storage.api.snapshot.SnapshotException if the snapshot fails verification
     * @throws KeelException if installing the snapshot fails
     */
    public static ColdStartResult run(StateMachine stateMachine, ColdStartRequest request) {
        long started = System.nanoTime();
        AppliedAnswer applied = appliedAnswer(stateMachine);
        GateInputs inputs = new GateInputs(request.snapshot(), request.firstIndex(), request.lastLogIndex(),
                request.logTerms(), request.commitIndex(), stateMachine.isEmpty(), request.role(), applied);
        GateDecision decision = ColdStartGate.decide(inputs);
        long effective;
        long bytesRead = 0;
        switch (decision.action()) {
            case RESTORE -> {
                SnapshotToken token = request.snapshot().orElseThrow();
                try (SnapshotReader reader = SnapshotReader.open(request.snapshotFile(), token, request.sealer(),
                        request.progress())) {
                    CommitInfo installed = stateMachine.installSnapshot(reader.importSource(), request.progress());
                    if (installed.metadata().appliedIndex() != token.index()) {
                        throw new CorruptionException(request.snapshotFile(), "installed snapshot reports applied index "
                                + installed.metadata().appliedIndex() + ", the snapshot's is " + token.index());
                    }
                    // Verification read the whole file, the import its body once more.
                    bytesRead = reader.verified().bytesRead() + token.fileLength();
                }
                effective = token.index();
            }
            case SKIP -> {
                SnapshotToken token = request.snapshot().orElseThrow();
                VerifiedSnapshot verified = SnapshotVerifier.verify(request.snapshotFile(), token, request.policy(),
                        request.progress());
                if (stateMachine instanceof SnapshotHeaderApplier applier) {
                    applier.applySnapshotHeader(verified.header().metadata());
                }
                bytesRead = verified.bytesRead();
                effective = decision.floor();
            }
            default -> effective = decision.floor();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        ColdStartReport report = new ColdStartReport(request.store(), decision.outcome(), decision.reason(),
                decision.snapshotIndex(), decision.have(), decision.lastIndex(), decision.floor(), decision.commitIndex(),
                bytesRead, elapsed);
        List<ColdStartObserver> observers = observers(stateMachine, request);
        for (ColdStartObserver observer : observers) {
            observer.onOpen(report);
        }
        if (decision.action() == ColdStartAction.SKIP && request.policy() == VerificationPolicy.HEADER) {
            // After the open report, so observers see the open before the scrub that follows it.
            scheduleScrub(observers, request, request.snapshot().orElseThrow());
        }
        return new ColdStartResult(decision, effective, bytesRead, elapsed);
    }

    private static AppliedAnswer appliedAnswer(StateMachine stateMachine) {
        if (!(stateMachine instanceof AppliedIndexReader reader)) {
            return AppliedAnswer.noReader();
        }
        try {
            return AppliedAnswer.of(reader.appliedMetadata());
        } catch (KeelException e) {
            // The gate decides what a read error means (restore when safe, else fail closed).
            return AppliedAnswer.readError(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static List<ColdStartObserver> observers(StateMachine stateMachine, ColdStartRequest request) {
        List<ColdStartObserver> observers = new ArrayList<>(2);
        if (stateMachine instanceof ColdStartObserver own) {
            observers.add(own);
        }
        if (request.listener() != null) {
            observers.add(request.listener());
        }
        return observers;
    }

    private static void scheduleScrub(List<ColdStartObserver> observers, ColdStartRequest request, SnapshotToken token) {
        Path file = request.snapshotFile();
        request.scrubExecutor().execute(() -> {
            long started = System.nanoTime();
            ScrubReport report;
            try {
                VerifiedSnapshot full = SnapshotVerifier.verify(file, token, VerificationPolicy.FULL);
                report = new ScrubReport(request.store(), token.index(), true, "", full.bytesRead(),
                        Duration.ofNanos(System.nanoTime() - started));
            } catch (KeelException e) {
                // A failed scrub is reported, not thrown: the open already succeeded on checks 1-3,
                // and every later use of the body verifies in full again.
                report = new ScrubReport(request.store(), token.index(), false,
                        e.getClass().getSimpleName() + ": " + e.getMessage(), 0, Duration.ofNanos(System.nanoTime() - started));
            }
            for (ColdStartObserver observer : observers) {
                observer.onScrub(report);
            }
        });
    }
}
