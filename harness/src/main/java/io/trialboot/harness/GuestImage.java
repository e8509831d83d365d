package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The built guest: kernel, initramfs, base disk (raw, never written: each VM boots a qcow2
 * overlay over it), optional update-media disk, and the kernel command line. Read from the
 * {@code guest.properties} that {@code guest-image} writes; its paths are relative to that file,
 * and its {@code append} must include {@code console=ttyS0} and {@code no5lvl}.
 */
public record GuestImage(Path kernel, Path initrd, Path disk, Optional<Path> media, String append) {
    /** System property naming the {@code guest.properties} file (failsafe sets it). */
    public static final String PROPERTY = "trialboot.image";
    /** Kernel arguments a built image must carry; a missing one would make every test time out. */
    private static final List<String> REQUIRED_APPEND = List.of("console=ttyS0", "no5lvl");
    private static final Map<String, String> WHY = Map.of(
            "console=ttyS0", "without it the console the harness reads stays silent",
            "no5lvl", "QEMU's CPU offers Sv57 and HotSpot refuses to start: Unsupported satp mode: SV57");

    public GuestImage {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(append, "append");
        if (append.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("append must be one line: " + append);
        }
    }

    /** The image named by system property {@value #PROPERTY}. */
    public static GuestImage fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            throw new HarnessException(HarnessCode.IMAGE_MISSING, "system property " + PROPERTY
                    + " is not set: run mvn verify from the top, or scripts/vm which builds it");
        }
        return load(Path.of(value));
    }

    /** Reads and checks a {@code guest.properties} file: every file it names must exist. */
    public static GuestImage load(Path properties) {
        if (!Files.isRegularFile(properties)) {
            throw new HarnessException(HarnessCode.IMAGE_MISSING, "no guest image at " + properties
                    + ": run mvn verify from the top, or scripts/vm which builds it");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(properties, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new HarnessException(HarnessCode.IMAGE_INVALID, "cannot read " + properties + ": " + e.getMessage(), e);
        }
        Path base = properties.toAbsolutePath().getParent();
        String append = p.getProperty("append");
        if (append == null) {
            throw new HarnessException(HarnessCode.IMAGE_INVALID, properties + " has no key 'append'");
        }
        for (String required : REQUIRED_APPEND) {
            if (!List.of(append.trim().split("\\s+")).contains(required)) {
                throw new HarnessException(HarnessCode.IMAGE_INVALID, properties + ": append '" + append.trim()
                        + "' lacks '" + required + "' (" + WHY.get(required) + ")");
            }
        }
        Optional<Path> media = p.getProperty("media") == null || p.getProperty("media").isBlank()
                ? Optional.empty()
                : Optional.of(file(p, "media", base, properties));
        return new GuestImage(file(p, "kernel", base, properties), file(p, "initrd", base, properties),
                file(p, "disk", base, properties), media, append.trim());
    }

    /** This image with {@code extra} appended to the kernel command line (e.g. {@code trialboot.selftest=ota}). */
    public GuestImage withExtraAppend(String extra) {
        Objects.requireNonNull(extra, "extra");
        return extra.isBlank() ? this : new GuestImage(kernel, initrd, disk, media, append + " " + extra.trim());
    }

    private static Path file(Properties p, String key, Path base, Path properties) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new HarnessException(HarnessCode.IMAGE_INVALID, properties + " has no key '" + key + "'");
        }
        Path path = base.resolve(value.trim()).normalize();
        if (!Files.isRegularFile(path)) {
            throw new HarnessException(HarnessCode.IMAGE_INVALID,
                    properties + ": " + key + " names " + path + ", which does not exist");
        }
        return path;
    }
}
