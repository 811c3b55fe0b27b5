/**
 * The snapshot file: {@code header ‖ body ‖ footer} (documented byte by byte in
 * {@code docs/snapshot-format.md}), its streaming {@link dev.keel.snapshot.format.SnapshotWriter}, its
 * {@link dev.keel.snapshot.format.SnapshotReader} and the four ordered checks of
 * {@link dev.keel.snapshot.format.SnapshotVerifier}.
 */
package dev.keel.snapshot.format;
