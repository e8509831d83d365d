package io.trialboot.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Slot;
import io.trialboot.core.Version;
import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.MediaInputs;
import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.VmConfig;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * scripts/bench-apply (profile {@code bench}): in one boot of the guest, the full apply of v1.1.0
 * into slot b (from {@code update: manifest ok} to {@code update: apply ok}: stream from the
 * media, hash, write, fsync, read back, verify) against busybox {@code dd} of the same image onto
 * the same partition plus {@code sha256sum} reading it back. Page caches are dropped before each.
 * Goal: ratio ≤ 1.15. Also times reading the active slot's data through its dm-verity mapping
 * against the raw partition (what a delta's base would cost read that way). Not part of {@code mvn verify}.
 */
class ApplyBenchmark {
    private static final GuestPaths GUEST = GuestPaths.guest();
    private static final Version V110 = Version.parse("1.1.0");
    private static final Path IMAGE = GUEST.updates().resolve(ReleaseMedia.fullPath(V110));
    /** The factory slot a as stage 0 mapped it, through dm-verity with its signed root. */
    private static final Path MAPPED = GUEST.mapping(Slot.A);
    /** How much of it to read: less than the factory image's data. */
    private static final int READ_MIB = 64;

    @Test
    void fullApplyAgainstDdPlusSha256sum() throws Exception {
        GuestImage image = GuestImage.fromSystemProperty();
        Path runs = Path.of(System.getProperty("trialboot.runs", "target/qemu-runs")).resolve("ApplyBenchmark");
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        double apply;
        double baseline;
        try (QemuVm vm = QemuVm.start(VmConfig.builder(image, runs).build())) {
            vm.await(Contract.builtIn("first-boot"));
            vm.await(Marker.GUEST_SHELL_READY, Duration.ofSeconds(60));
            vm.type("nx selfcheck");
            vm.type("sync; echo 3 > /proc/sys/vm/drop_caches");
            vm.type("nx update apply " + MediaInputs.pkg(ReleaseMedia.manifestPath(V110)));
            vm.await(Contract.parse("apply", """
                    boot 1
                    expect 120s UPDATE_MANIFEST_OK 1.1.0 *
                    expect 600s UPDATE_APPLY_OK b full
                    expect 60s UPDATE_AWAIT_CONFIRM
                    """));
            apply = GuestClock.seconds(GuestClock.line(vm, LinePattern.of(Marker.UPDATE_MANIFEST_OK, V110.toString(), "*")),
                    GuestClock.line(vm, LinePattern.of(Marker.UPDATE_APPLY_OK, "b", "full")));
            vm.type("sync; echo 3 > /proc/sys/vm/drop_caches; time sh -c 'dd if=" + IMAGE
                    + " of=" + GUEST.slotB() + " bs=1M conv=fsync 2>/dev/null && head -c $(stat -c %s " + IMAGE
                    + ") " + GUEST.slotB() + " | sha256sum'");
            baseline = GuestClock.awaitBusyboxReal(vm, Duration.ofSeconds(600));
            double dd = timed(vm, "sync; echo 3 > /proc/sys/vm/drop_caches; time sh -c 'dd if=" + IMAGE
                    + " of=" + GUEST.slotB() + " bs=1M conv=fsync 2>/dev/null'");
            double sha = timed(vm, "time sha256sum " + IMAGE);
            System.out.printf("%nthe baseline's parts: busybox dd alone (caches dropped) %.1f s; busybox sha256sum of the"
                    + " image alone (in the page cache) %.1f s%n", dd, sha);
            // #17: what reading the active slot costs through its dm-verity mapping (the kernel hashes
            // every block it reads from the disk) against the same bytes of the raw partition.
            double verity = timed(vm, "sync; echo 3 > /proc/sys/vm/drop_caches; time dd if=" + MAPPED
                    + " of=/dev/null bs=1M count=" + READ_MIB);
            double raw = timed(vm, "sync; echo 3 > /proc/sys/vm/drop_caches; time dd if=" + GUEST.slotA() + " of=/dev/null bs=1M"
                    + " count=" + READ_MIB);
            System.out.printf("the active slot's first %d MiB (caches dropped): through dm-verity %.1f s, the raw"
                    + " partition %.1f s%n", READ_MIB, verity, raw);
        }
        System.out.printf("%napply benchmark (one boot; host load average %s)%n", load);
        System.out.printf("  full apply of v1.1.0's slot image into slot b              %6.1f s%n", apply);
        System.out.printf("  busybox dd of the same image + sha256sum reading it back  %6.1f s%n", baseline);
        System.out.printf("  ratio apply / (dd + sha256sum)                            %6.2f   (goal <= 1.15)%n%n", apply / baseline);
        assertTrue(apply > 0 && baseline > 0, "both figures measured");
    }

    /** Types {@code command} (which starts with busybox {@code time}) and returns its real seconds. */
    private static double timed(QemuVm vm, String command) throws InterruptedException {
        int from = vm.lines().size();
        vm.type(command);
        return GuestClock.awaitBusyboxReal(vm, from, Duration.ofSeconds(600));
    }
}
