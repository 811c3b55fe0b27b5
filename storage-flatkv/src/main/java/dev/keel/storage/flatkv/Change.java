package dev.keel.storage.flatkv;

/**
 * One key's effective change in a commit: its value before and after ({@code null} = absent).
 * Arrays are owned by the commit that built the change and never modified.
 */
record Change(byte[] key, byte[] before, byte[] after) {
}
