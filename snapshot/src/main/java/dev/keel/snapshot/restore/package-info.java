/**
 * Restore-or-skip: runs the cold-start gate against a state machine and carries out its decision
 * (restore the snapshot body, or verify and merge the header, or neither), reporting to the
 * {@link dev.keel.storage.api.coldstart.ColdStartObserver} only after success.
 */
package dev.keel.snapshot.restore;
