package dev.keel.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineFileTest {
    @TempDir
    Path dir;

    @Test
    void readersTakeOnlyCompleteLinesAndATornLastLineIsCutBeforeTheNextWriter() throws Exception {
        Path file = dir.resolve("side.log");
        try (LineFile f = LineFile.openForAppend(file)) {
            f.append("ack 0:0 1");
            f.append("ack 1:0 1");
        }
        Files.write(file, "ack 2:0".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        LineFile.Chunk first = LineFile.readFrom(file, 0);
        assertEquals(List.of("ack 0:0 1", "ack 1:0 1"), first.lines());
        assertEquals(7, LineFile.dropTornTail(file));
        try (LineFile f = LineFile.openForAppend(file)) {
            f.append("ack 3:0 2");
        }
        assertEquals(List.of("ack 3:0 2"), LineFile.readFrom(file, first.nextOffset()).lines());
        assertEquals(0, LineFile.dropTornTail(file));
    }
}
