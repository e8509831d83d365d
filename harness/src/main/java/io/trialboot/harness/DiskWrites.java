package io.trialboot.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trialboot.harness.qmp.QmpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which of the guest disk's partitions the guest has written since its overlay was made (see
 * {@link QemuVm#partitionsWritten}): the overlay's own clusters ({@link Overlay#ownRanges}) against
 * the base disk's GPT ({@code sfdisk --json}, the image's own table, read once per disk).
 */
final class DiskWrites {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, List<Partition>> TABLES = new ConcurrentHashMap<>();

    /** A GPT partition of the guest's disk: its name and bytes {@code [start, start + size)}. */
    record Partition(String name, long start, long size) {}

    private final VmConfig config;
    private final VmLifecycle lifecycle;

    DiskWrites(VmConfig config, VmLifecycle lifecycle) {
        this.config = config;
        this.lifecycle = lifecycle;
    }

    /**
     * The partitions with a byte in the overlay. A running guest is stopped for the look (QMP
     * {@code stop} drains and flushes QEMU's block layer, so the overlay file holds every write the
     * guest made) and continued after it.
     */
    Set<String> since() {
        List<Partition> table = TABLES.computeIfAbsent(config.image().disk().toAbsolutePath(), DiskWrites::table);
        QmpClient qmp = lifecycle.process() != null && lifecycle.isRunning() ? lifecycle.qmp() : null;
        if (qmp != null) qmp.execute("stop");
        try {
            return written(table, Overlay.ownRanges(config.qemuImgBinary(), lifecycle.overlay()));
        } finally {
            if (qmp != null) qmp.execute("cont");
        }
    }

    /** The names of the partitions {@code ranges} touch. */
    static Set<String> written(List<Partition> table, List<Overlay.Range> ranges) {
        Set<String> names = new TreeSet<>();
        for (Partition p : table) {
            if (ranges.stream().anyMatch(r -> r.overlaps(p.start(), p.size()))) names.add(p.name());
        }
        return names;
    }

    private static List<Partition> table(Path disk) {
        return table(Exec.run(List.of("sfdisk", "--json", disk.toString()), Duration.ofSeconds(30)));
    }

    /** The partitions of {@code sfdisk --json}'s answer, in bytes. */
    static List<Partition> table(String sfdiskJson) {
        try {
            JsonNode t = JSON.readTree(sfdiskJson).path("partitiontable");
            long sector = t.path("sectorsize").asLong(512);
            List<Partition> parts = new ArrayList<>();
            for (JsonNode p : t.path("partitions")) {
                parts.add(new Partition(p.path("name").asText(), p.path("start").asLong() * sector, p.path("size").asLong() * sector));
            }
            if (parts.isEmpty()) throw new IllegalStateException("sfdisk found no partitions: " + sfdiskJson);
            return List.copyOf(parts);
        } catch (IOException e) {
            throw new UncheckedIOException("sfdisk gave no JSON: " + sfdiskJson, e);
        }
    }
}
