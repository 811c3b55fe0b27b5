/**
 * The cold-start gate of SPEC section 3: {@link dev.keel.snapshot.gate.ColdStartGate} decides, as
 * a pure function of {@link dev.keel.snapshot.gate.GateInputs}, whether an open restores the
 * snapshot, skips it, replays the log from its start or resumes, and from which floor.
 */
package dev.keel.snapshot.gate;
