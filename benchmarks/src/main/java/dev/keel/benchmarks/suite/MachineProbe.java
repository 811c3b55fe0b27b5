package dev.keel.benchmarks.suite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Describes the machine a run measured: cores and CPU model, memory, JDK, operating system, the
 * disk under the benchmarks' temporary files, and the load average. Reads {@code /proc}, {@code
 * /sys}, system properties and {@code df}; anything it cannot read is recorded as {@code
 * "unknown"}, never an error, so a run on another system still gets a description.
 */
public final class MachineProbe {
    static final String UNKNOWN = "unknown";

    private MachineProbe() {
    }

    /**
     * @param disk a directory on the disk the benchmarks write to (their temporary directory)
     * @return the description, insertion-ordered, ready for {@code machine.json}
     */
    public static Map<String, Object> describe(Path disk) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("memoryBytes", memoryBytes());
        m.put("jdk", System.getProperty("java.vm.name", UNKNOWN) + " " + System.getProperty("java.version", UNKNOWN)
                + " (" + System.getProperty("java.vendor", UNKNOWN) + ")");
        m.put("os", System.getProperty("os.name", UNKNOWN) + " " + System.getProperty("os.version", UNKNOWN) + " "
                + System.getProperty("os.arch", UNKNOWN));
        m.put("disk", disk(disk));
        m.put("loadAverage", loadAverage());
        return m;
    }

    /** @return the 1, 5 and 15 minute load averages, or "unknown" */
    public static String loadAverage() {
        return firstLine(Path.of("/proc/loadavg"))
                .map(l -> {
                    String[] f = l.trim().split("\\s+");
                    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : UNKNOWN;
                })
                .orElse(UNKNOWN);
    }

    private static String cpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                return colon < 0 ? UNKNOWN : line.substring(colon + 1).trim();
            }
        }
        return UNKNOWN;
    }

    private static Object memoryBytes() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.trim().split("\\s+");
                try {
                    return Long.parseLong(f[1]) * 1024;
                } catch (RuntimeException e) {
                    return UNKNOWN;
                }
            }
        }
        return UNKNOWN;
    }

    /** {@code df} for the file system, {@code /sys/class/block} for the device behind it. */
    private static Map<String, Object> disk(Path dir) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", dir.toAbsolutePath().toString());
        List<String> df = run("df", "-P", "-T", dir.toAbsolutePath().toString());
        String device = null;
        if (df.size() >= 2) {
            String[] f = df.get(1).trim().split("\\s+");
            if (f.length >= 7) {
                device = f[0];
                d.put("filesystem", f[0]);
                d.put("type", f[1]);
                try {
                    d.put("sizeBytes", Long.parseLong(f[2]) * 1024);
                    d.put("availableBytes", Long.parseLong(f[4]) * 1024);
                } catch (NumberFormatException e) {
                    d.put("sizeBytes", UNKNOWN);
                }
                d.put("mount", f[6]);
            }
        }
        if (device != null && device.startsWith("/dev/")) {
            blockDevice(device.substring("/dev/".length())).ifPresent(block -> {
                d.put("device", block);
                Path sys = Path.of("/sys/block", block);
                d.put("rotational", firstLine(sys.resolve("queue/rotational")).map(String::trim).orElse(UNKNOWN));
                d.put("model", firstLine(sys.resolve("device/model")).map(String::trim).orElse(UNKNOWN));
                d.put("driver", driver(sys.resolve("device/driver")));
            });
        }
        return d;
    }

    /** The whole-disk name for a partition ({@code sda1} → {@code sda}); the name itself otherwise. */
    private static Optional<String> blockDevice(String name) {
        Path cls = Path.of("/sys/class/block", name);
        if (!Files.exists(cls)) {
            return Optional.empty();
        }
        if (Files.exists(cls.resolve("partition"))) {
            try {
                Path parent = cls.toRealPath().getParent();
                return Optional.ofNullable(parent.getFileName()).map(Path::toString);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    private static String driver(Path link) {
        try {
            return Files.readSymbolicLink(link).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return UNKNOWN;
        }
    }

    private static Optional<String> firstLine(Path file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Output lines of a short command, or none if it cannot run or fails. */
    static List<String> run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            if (p.exitValue() != 0) {
                return List.of();
            }
            return new ArrayList<>(new String(out, StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
