package dev.keel.raft.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production seam on a real directory. */
class ChannelDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void writesReadsTruncatesRenamesAndDeletesRealFiles() throws IOException {
        try (ChannelDirectory dir = new ChannelDirectory(tmp)) {
            try (StorageFile f = dir.open("x", StorageDirectory.OpenMode.CREATE_NEW)) {
                f.writeFully(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 2);
                f.force(true);
                assertEquals(6, f.size());
                ByteBuffer back = ByteBuffer.allocate(4);
                assertTrue(f.readFully(back, 2));
                assertEquals(1, back.get(0));
                f.truncate(3);
                assertFalse(f.readFully(ByteBuffer.allocate(4), 0));
            }
            dir.forceDirectory();
            assertThrows(FileAlreadyExistsException.class, () -> dir.open("x", StorageDirectory.OpenMode.CREATE_NEW));
            dir.rename("x", "y");
            assertEquals(List.of("y"), dir.list());
            dir.delete("y");
            assertThrows(NoSuchFileException.class, () -> dir.open("y", StorageDirectory.OpenMode.READ));
            assertThrows(IllegalArgumentException.class, () -> dir.open("../z", StorageDirectory.OpenMode.CREATE_NEW));
        }
    }
}
