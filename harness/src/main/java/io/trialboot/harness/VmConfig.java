package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to boot one VM: an immutable value built with {@link #builder(GuestImage, Path)}.
 *
 * @param image          what to boot
 * @param runDir         where the overlay, serial.log, report and QMP socket go
 * @param qemuBinary     the emulator (a fake script in unit tests)
 * @param qemuImgBinary  the tool that creates the overlay
 * @param memory         QEMU {@code -m} value, e.g. {@code 1G} or {@code 512M}
 * @param smp            number of harts
 * @param tcgThreads     how QEMU's TCG runs the harts: each on its own host thread (MTTCG, the default),
 *                       or all on one; {@link TcgThreads}
 * @param attachMedia    attach the image's update media as a read-only second disk ({@code media0})
 * @param hotplugPort    add an xHCI USB controller ({@code usbhp}) so media can be hot-plugged through QMP
 * @param extraArgs      further QEMU arguments, appended last
 * @param scale          multiplies the harness's own waits (the contract's are scaled by the matcher)
 * @param quietPeriod    a partial console line (a prompt) becomes a line after this much silence
 * @param shutdownWait   how long {@code close()} waits for QEMU to quit before killing it
 * @param containerImage the local image whose QEMU runs this VM inside a container, instead of
 *                       {@code qemuBinary} on this host (see {@link QemuTest#container()})
 * @param snapshots      where saved guest states are kept, or that they are off ({@link SnapshotCache})
 */
public record VmConfig(GuestImage image, Path runDir, String qemuBinary, String qemuImgBinary, String memory,
        int smp, TcgThreads tcgThreads, boolean attachMedia, boolean hotplugPort, List<String> extraArgs, TimeoutScale scale,
        Duration quietPeriod, Duration shutdownWait, Optional<String> containerImage, SnapshotCache snapshots) {
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[MG]?");
    /**
     * The guest's harts unless {@value #SMP_PROPERTY} or {@value #SMP_ENV} says otherwise: one, since
     * QEMU 7.2 (MTTCG) now and then never brought a second one up, stalling the boot
     * (docs/reliability.md, "The second-hart stall").
     */
    public static final int DEFAULT_HARTS = 1;
    public static final String SMP_PROPERTY = "trialboot.smp";
    public static final String SMP_ENV = "TRIALBOOT_SMP";

    public VmConfig {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(runDir, "runDir");
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        Objects.requireNonNull(qemuImgBinary, "qemuImgBinary");
        Objects.requireNonNull(tcgThreads, "tcgThreads");
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(quietPeriod, "quietPeriod");
        Objects.requireNonNull(shutdownWait, "shutdownWait");
        Objects.requireNonNull(containerImage, "containerImage");
        Objects.requireNonNull(snapshots, "snapshots");
        if (!MEMORY.matcher(memory).matches()) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID, "memory must look like 1G or 512M, got '" + memory + "'");
        }
        if (smp < 1 || smp > 64) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID, "smp must be 1..64, got " + smp);
        }
        if (attachMedia && image.media().isEmpty()) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID, "attachMedia is set but the image has no media disk");
        }
        if (quietPeriod.isNegative() || quietPeriod.isZero() || shutdownWait.isNegative()) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID,
                    "quietPeriod must be positive and shutdownWait not negative: " + quietPeriod + ", " + shutdownWait);
        }
        extraArgs = List.copyOf(extraArgs);
    }

    /** This configuration with another run directory (another VM just like this one, side by side). */
    public VmConfig withRunDir(Path dir) {
        return new VmConfig(image, dir, qemuBinary, qemuImgBinary, memory, smp, tcgThreads, attachMedia, hotplugPort, extraArgs,
                scale, quietPeriod, shutdownWait, containerImage, snapshots);
    }

    /** Defaults: qemu-system-riscv64 and qemu-img from PATH, 1G, {@value #DEFAULT_HARTS} hart(s), TCG threads from the environment, the media attached when the image has one. */
    public static Builder builder(GuestImage image, Path runDir) {
        return new Builder(image, runDir);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private GuestImage image;
        private Path runDir;
        private String qemuBinary = "qemu-system-riscv64";
        private String qemuImgBinary = "qemu-img";
        private String memory = "1G";
        private int smp = harts(System.getProperty(SMP_PROPERTY), System.getenv(SMP_ENV));
        private TcgThreads tcgThreads = TcgThreads.fromEnvironment();
        private boolean attachMedia;
        private boolean hotplugPort;
        private final List<String> extraArgs = new ArrayList<>();
        private TimeoutScale scale = TimeoutScale.DEFAULT;
        private Duration quietPeriod = Duration.ofMillis(300);
        private Duration shutdownWait = Duration.ofSeconds(10);
        private Optional<String> containerImage = Optional.empty();
        private SnapshotCache snapshots = SnapshotCache.fromEnvironment();

        private Builder(GuestImage image, Path runDir) {
            this.image = Objects.requireNonNull(image, "image");
            this.runDir = Objects.requireNonNull(runDir, "runDir");
            this.attachMedia = image.media().isPresent();
        }

        public Builder image(GuestImage v) { image = v; attachMedia = attachMedia && v.media().isPresent(); return this; }
        public Builder runDir(Path v) { runDir = v; return this; }
        public Builder qemuBinary(String v) { qemuBinary = v; return this; }
        public Builder qemuImgBinary(String v) { qemuImgBinary = v; return this; }
        public Builder memory(String v) { memory = v; return this; }
        public Builder smp(int v) { smp = v; return this; }
        public Builder tcgThreads(TcgThreads v) { tcgThreads = v; return this; }
        public Builder attachMedia(boolean v) { attachMedia = v; return this; }
        public Builder hotplugPort(boolean v) { hotplugPort = v; return this; }
        public Builder extraArgs(List<String> v) { extraArgs.addAll(v); return this; }
        public Builder scale(TimeoutScale v) { scale = v; return this; }
        public Builder quietPeriod(Duration v) { quietPeriod = v; return this; }
        public Builder shutdownWait(Duration v) { shutdownWait = v; return this; }
        public Builder containerImage(String v) { containerImage = Optional.of(v); return this; }
        public Builder snapshots(SnapshotCache v) { snapshots = v; return this; }

        /** The property's value, else the environment's, else {@value #DEFAULT_HARTS}; the range is checked by {@link #build()}. */
        static int harts(String property, String env) {
            String v = property != null && !property.isBlank() ? property : env;
            if (v == null || v.isBlank()) return DEFAULT_HARTS;
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new HarnessException(HarnessCode.CONFIG_INVALID,
                        "-D" + SMP_PROPERTY + " (or " + SMP_ENV + ") must be a number of harts, got '" + v + "'");
            }
        }

        public VmConfig build() {
            return new VmConfig(image, runDir, qemuBinary, qemuImgBinary, memory, smp, tcgThreads, attachMedia, hotplugPort,
                    extraArgs, scale, quietPeriod, shutdownWait, containerImage, snapshots);
        }
    }
}
