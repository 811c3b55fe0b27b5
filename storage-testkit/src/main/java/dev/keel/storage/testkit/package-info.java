/**
 * The conformance suite every Keel storage backend runs unchanged, and the reference model it
 * compares stores against.
 *
 * <ul>
 *   <li>{@link dev.keel.storage.testkit.AbstractStoreConformance}: what a backend's test extends
 *       once to run everything (commits, history, export/import, close, concurrency, properties),
 *       each topic also available alone as an {@code Abstract…Conformance} class;</li>
 *   <li>{@link dev.keel.storage.testkit.ReferenceModel}: the store semantics as plain in-memory
 *       code; {@link dev.keel.storage.testkit.ModelStore}: a {@code VersionedStore} built on it, on
 *       which the suite itself is tested;</li>
 *   <li>{@link dev.keel.storage.testkit.History} and
 *       {@link dev.keel.storage.testkit.HistoryChecker}: random or fuzzed operation histories and
 *       the checker that runs them against two stores and the model.</li>
 * </ul>
 *
 * <p>Ships in {@code src/main} because backends run it from their test scope.
 */
package dev.keel.storage.testkit;
