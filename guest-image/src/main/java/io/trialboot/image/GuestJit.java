package io.trialboot.image;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;

/**
 * When the guest's JVM compiles (C1 only, {@code -XX:TieredStopAtLevel=1}): hardly ever during the
 * boot, as soon as usual in the code an update's apply runs hot. The guest has one hart, so every
 * method C1 compiles during the boot is compiled instead of running the boot, under emulation: at
 * {@code CompileThresholdScaling=5} for all code, a one-hart boot spent 0.2–0.6 s of its 3.4–4 s from
 * the stage-0 marker to {@code updated: ready} compiling run-once start-up code, about what
 * {@code -Xint} saved (docs/benchmarks.md, "What was cut on one hart after the stage-0 marker"). So every method gets {@link #BOOT_SCALING} times
 * the usual thresholds, but the code an apply runs hot for every block of a slot ({@link #HOT_CODE}:
 * the JDK's SHA-256, the apply, the delta with its LZMA2 decoder, the verity tree, the block devices)
 * keeps {@link #HOT_SCALING}: a per-method scaling in the slot's {@link #COMMANDS} file multiplies
 * the global one, so theirs is {@code HOT_SCALING / BOOT_SCALING}. (At 200 for all code, an apply's
 * SHA-256 ran interpreted for its first ≈ 2.5 MB: seconds under emulation.)
 */
final class GuestJit {
    /** The scaling of C1's invocation and back-edge thresholds for all code. */
    static final int BOOT_SCALING = 200;
    /** The scaling an apply's hot code keeps: what all code had before. */
    static final int HOT_SCALING = 5;
    /**
     * Where the code an apply runs hot lives, as class-name prefixes: the apply's own packages (the
     * class archive's {@link ClassArchive#APPLY_PACKAGES}), the block devices it writes and reads,
     * and the JDK's SHA-256 (the SUN provider's classes, and {@code MessageDigest}'s, which the verity
     * tree calls for every 4 KiB block).
     */
    static final List<String> HOT_CODE = Stream.concat(ClassArchive.APPLY_PACKAGES.stream(),
            Stream.of("io/trialboot/device/", "sun/security/provider/", "java/security/MessageDigest")).toList();
    /** The compile commands in the slot, relative to its root. */
    static final String COMMANDS = "opt/trialboot/compile.commands";
    /** The JVM options that apply them. */
    static final List<String> OPTIONS = List.of("-XX:CompileThresholdScaling=" + BOOT_SCALING,
            "-XX:CompileCommandFile=/" + COMMANDS);

    private GuestJit() {}

    /** The per-method scaling of {@link #HOT_CODE}: multiplied by {@link #BOOT_SCALING}, it gives {@link #HOT_SCALING}. */
    static String hotFactor() {
        return BigDecimal.valueOf(HOT_SCALING).divide(BigDecimal.valueOf(BOOT_SCALING)).toPlainString();
    }

    /**
     * The {@link #COMMANDS} file: quiet (no line per command at every JVM start), then one scaling
     * for every method of the classes under each {@link #HOT_CODE} prefix.
     */
    static String commands() {
        StringBuilder s = new StringBuilder("quiet\n");
        for (String prefix : HOT_CODE) {
            s.append("CompileThresholdScaling,").append(prefix).append("*.*,").append(hotFactor()).append('\n');
        }
        return s.toString();
    }
}
