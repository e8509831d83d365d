package io.trialboot.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Copy-on-write qcow2 overlays over the raw base disk (or over a snapshot's qcow2 copy of an
 * overlay), so tests never dirty the base.
 */
final class Overlay {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bytes {@code [start, start + length)} of the guest's disk. */
    record Range(long start, long length) {
        boolean overlaps(long from, long size) {
            return start < from + size && from < start + length;
        }
    }

    private Overlay() {}

    /**
     * {@code qemu-img create -f qcow2 -F <raw|qcow2> -b <base> <overlay>}: a base named
     * {@code *.qcow2} is read as qcow2, any other as raw.
     */
    static Path create(String qemuImg, Path base, Path overlay) {
        String format = base.getFileName().toString().endsWith(".qcow2") ? "qcow2" : "raw";
        Exec.run(List.of(qemuImg, "create", "-q", "-f", "qcow2", "-F", format,
                "-b", base.toAbsolutePath().toString(), overlay.toAbsolutePath().toString()), TIMEOUT);
        return overlay;
    }

    /**
     * The ranges the overlay holds itself, not its backing chain: every byte written (or zeroed or
     * discarded) through it since it was made. {@code qemu-img map -U} (a running QEMU holds the
     * lock): entries of depth 0. What a running QEMU has not flushed yet is not in the file.
     */
    static List<Range> ownRanges(String qemuImg, Path overlay) {
        return ownRanges(Exec.run(List.of(qemuImg, "map", "-U", "--output=json", overlay.toAbsolutePath().toString()), TIMEOUT));
    }

    /** The depth-0 entries of {@code qemu-img map --output=json}'s answer. */
    static List<Range> ownRanges(String mapJson) {
        try {
            List<Range> own = new ArrayList<>();
            for (JsonNode e : JSON.readTree(mapJson)) {
                if (e.path("depth").asInt(-1) == 0) own.add(new Range(e.path("start").asLong(), e.path("length").asLong()));
            }
            return own;
        } catch (IOException e) {
            throw new UncheckedIOException("qemu-img map gave no JSON: " + mapJson, e);
        }
    }
}
