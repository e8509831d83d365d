package io.trialboot.harness;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a saved guest state depends on, and the SHA-256 over it that names it in the cache: the
 * QEMU version, the QEMU command line with this run's paths replaced by placeholders, the SHA-256
 * of the kernel, initrd, disk and media, and the steps that produced the state from a cold boot.
 * Any change to one of them is another key, so a snapshot made from other inputs is never used.
 *
 * @param inputs the inputs, by name, in a fixed order (one {@code name=value} line each when hashed)
 */
record SnapshotKey(Map<String, String> inputs) {
    /** {@code --version}'s first line, by QEMU binary: asked once per JVM. */
    private static final Map<String, String> QEMU_VERSIONS = new ConcurrentHashMap<>();

    SnapshotKey {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            if (e.getKey().contains("=") || e.getKey().contains("\n")) {
                throw new IllegalArgumentException("an input name holds no '=' or line break: " + e.getKey());
            }
        }
    }

    /** The key of {@code recipe}'s state for {@code config}'s QEMU, command line and image. */
    static SnapshotKey of(VmConfig config, SnapshotRecipe recipe) {
        GuestImage img = config.image();
        Map<String, String> in = new LinkedHashMap<>();
        in.put("qemu", qemuVersion(config));
        Path run = config.runDir().toAbsolutePath();
        in.put("argv", String.join(" ", normalised(config, QemuCommand.argv(config, run.resolve("overlay.qcow2"), run.resolve("qmp.sock"),
                Optional.empty()))));
        in.put("kernel", CacheFiles.sha256(img.kernel()));
        in.put("initrd", CacheFiles.sha256(img.initrd()));
        in.put("disk", CacheFiles.sha256(img.disk()));
        in.put("media", img.media().map(CacheFiles::sha256).orElse("none"));
        in.put("steps", recipe.chain());
        return new SnapshotKey(in);
    }

    /** The command line with the image's and this run's paths as placeholders (their contents are inputs of their own). */
    static List<String> normalised(VmConfig config, List<String> argv) {
        GuestImage img = config.image();
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put(QemuCommand.opt(img.kernel().toAbsolutePath()), "<kernel>");
        paths.put(QemuCommand.opt(img.initrd().toAbsolutePath()), "<initrd>");
        paths.put(QemuCommand.opt(img.disk().toAbsolutePath()), "<disk>");
        img.media().ifPresent(m -> paths.put(QemuCommand.opt(m.toAbsolutePath()), "<media>"));
        paths.put(QemuCommand.opt(config.runDir().toAbsolutePath()), "<run>");
        return argv.stream().map(a -> {
            String s = a;
            for (Map.Entry<String, String> e : paths.entrySet()) s = s.replace(e.getKey(), e.getValue());
            return s;
        }).toList();
    }

    private static String qemuVersion(VmConfig config) {
        return QEMU_VERSIONS.computeIfAbsent(config.qemuBinary(),
                q -> Exec.run(List.of(q, "--version"), Duration.ofSeconds(30)).lines().findFirst().orElse("").strip());
    }

    /** The inputs as hashed: {@code name=value} lines, line breaks inside a value escaped. */
    String text() {
        StringBuilder sb = new StringBuilder();
        inputs.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\").replace("\n", "\\n")).append('\n'));
        return sb.toString();
    }

    /** 64 lowercase hex digits: SHA-256 of {@link #text()}. */
    String hex() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The first input that differs from {@code older}'s, said as a person reads it; empty when none does. */
    Optional<String> changedSince(SnapshotKey older) {
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            String was = older.inputs().get(e.getKey());
            if (!e.getValue().equals(was)) {
                int from = was == null ? 0 : Math.max(0, commonPrefix(was, e.getValue()) - 20);
                return Optional.of(e.getKey() + " changed (was " + shorten(was, from) + ", now " + shorten(e.getValue(), from) + ")");
            }
        }
        return older.inputs().keySet().stream().filter(k -> !inputs.containsKey(k)).findFirst()
                .map(k -> k + " is no longer an input");
    }

    /** How many of the inputs, from the first on, {@code older} has the same. */
    int agreement(SnapshotKey older) {
        int n = 0;
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            if (!e.getValue().equals(older.inputs().get(e.getKey()))) break;
            n++;
        }
        return n;
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) n++;
        return n;
    }

    /** {@code s} from {@code from} on (where two values start to differ, less some context), at most 80 characters. */
    private static String shorten(String s, int from) {
        if (s == null) return "absent";
        String tail = from > 0 ? "..." + s.substring(Math.min(from, s.length())) : s;
        return tail.length() <= 80 ? "'" + tail + "'" : "'" + tail.substring(0, 77) + "...'";
    }
}
