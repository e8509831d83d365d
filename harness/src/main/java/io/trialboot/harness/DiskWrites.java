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
 * {@link VmDisk#partitionsWritten}): the overlay's own clusters ({@link Overlay#ownRanges}) against
 * the base disk's GPT ({@code sfdisk --json}, the image's own table, read once per disk); and what
 * a partition holds, as a digest, now and in a saved state ({@link VmDisk#partitionAsIn}).
 */
final class DiskWrites {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, List<Partition>> TABLES = new ConcurrentHashMap<>();
    /** Digests of partitions in cached snapshots' disks, by the disk file's digest and the partition. */
    private static final Map<String, String> SAVED = new ConcurrentHashMap<>();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

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

    /** The partitions the qcow2 image {@code disk} holds writes of itself (not its backing chain's): a saved state's own. */
    Set<String> ownedBy(Path disk) {
        List<Partition> table = TABLES.computeIfAbsent(config.image().disk().toAbsolutePath(), DiskWrites::table);
        return written(table, Overlay.ownRanges(config.qemuImgBinary(), disk));
    }

    /**
     * SHA-256 of partition {@code name}'s bytes in the guest's disk as it is now, read through the
     * overlay's backing chain ({@code qemu-img convert} of the partition's range). A running guest is
     * stopped for the read, as in {@link #since}.
     */
    String sha256Now(String name) {
        QmpClient qmp = lifecycle.process() != null && lifecycle.isRunning() ? lifecycle.qmp() : null;
        if (qmp != null) qmp.execute("stop");
        try {
            return sha256(lifecycle.overlay(), name);
        } finally {
            if (qmp != null) qmp.execute("cont");
        }
    }

    /**
     * SHA-256 of partition {@code name} in {@code snapshotDisk}, a cached snapshot's disk that no one
     * writes: read once per JVM and version of the file (its own digest, which the cache's lookup knows).
     */
    String sha256In(Path snapshotDisk, String name) {
        return SAVED.computeIfAbsent(CacheFiles.sha256(snapshotDisk) + "|" + name, k -> sha256(snapshotDisk, name));
    }

    /** SHA-256 of partition {@code name}'s bytes in the qcow2 image {@code disk} (the image's own GPT). */
    private String sha256(Path disk, String name) {
        Partition p = TABLES.computeIfAbsent(config.image().disk().toAbsolutePath(), DiskWrites::table).stream()
                .filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the guest's disk has no partition '" + name + "'"));
        return sha256(config.qemuImgBinary(), disk, p, config.runDir());
    }

    /** SHA-256 of partition {@code p}'s bytes in the qcow2 image {@code disk}, copied out raw into {@code scratch} and deleted. */
    static String sha256(String qemuImg, Path disk, Partition p, Path scratch) {
        Path raw = scratch.resolve(".partition-" + p.name() + "-" + System.nanoTime() + ".raw");
        try {
            Exec.run(List.of(qemuImg, "convert", "-U", "--image-opts", rangeOf(disk, p), "-O", "raw",
                    raw.toAbsolutePath().toString()), TIMEOUT);
            return CacheFiles.sha256Now(raw);
        } finally {
            CacheFiles.deleteTree(raw);
        }
    }

    /**
     * {@code qemu-img --image-opts} for partition {@code p} of the qcow2 image {@code disk}: the raw
     * driver's window over it (commas in the path doubled, as QEMU's option syntax wants).
     */
    static String rangeOf(Path disk, Partition p) {
        return "driver=raw,offset=" + p.start() + ",size=" + p.size() + ",file.driver=qcow2,file.file.driver=file,"
                + "file.file.filename=" + disk.toAbsolutePath().toString().replace(",", ",,");
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
