package dev.keel.cli.demo;

import dev.keel.cli.CommandFailedException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The demo's own directory: it holds a marker file and one node directory per backend. Only a
 * directory the demo created (it has the marker) or an empty one is ever used; only the former is
 * ever deleted.
 */
final class DemoDirectory {
    /** Marks a directory as the demo's own: the only kind it will write into or delete. */
    static final String MARKER_FILE = ".keel-demo";

    private DemoDirectory() {
    }

    /**
     * Makes {@code dir} an empty demo directory, deleting what an earlier run left there.
     *
     * @param dir the demo directory
     * @return true when an earlier run's directory was deleted
     * @throws CommandFailedException if {@code dir} is a file, or a non-empty directory without the marker
     * @throws IOException if the directory cannot be deleted or created
     */
    static boolean refresh(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CommandFailedException("--dir " + dir + " is not a directory");
        }
        boolean exists = Files.isDirectory(dir);
        boolean ours = exists && Files.exists(dir.resolve(MARKER_FILE));
        if (exists && !ours && !isEmptyDirectory(dir)) {
            throw new CommandFailedException(dir + " is not empty and was not created by keel demo (it has no "
                    + MARKER_FILE + " file); choose another --dir");
        }
        if (ours) {
            deleteRecursively(dir);
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER_FILE),
                "Created by 'keel demo', which deletes this directory when it runs again.\n");
        return ours;
    }

    private static boolean isEmptyDirectory(Path directory) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            return !entries.iterator().hasNext();
        }
    }

    /**
     * Deletes a directory and everything in it; nothing when it does not exist. Symbolic links are
     * deleted, never what they point to.
     *
     * @param root the directory
     * @throws IOException if something cannot be deleted
     */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
