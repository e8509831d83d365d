package io.trialboot.it;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 (a): v1.1.0 is installed into slot b and confirmed; with the power off, one byte of
 * slot b's data (in the squashfs' first block, which the mount reads) is flipped in the VM's
 * overlay from the host. At the next boot stage 0 verifies b's chain (its top hash block is
 * intact), maps it through dm-verity, and the mount's read of the flipped block fails: b is
 * refused ({@code VERITY_MAP_FAILED}), becomes bad, and the other verified slot, a, boots in
 * recovery; the history says why ({@code slot-refused slot=b code=VERITY_MAP_FAILED}).
 */
@QemuTest
class VerityFlipIT {
    /** The GPT's entry of slot_b (the third partition): its first LBA, 8 bytes little-endian. */
    private static final long SLOT_B_FIRST_LBA = 1024 + 2 * 128 + 32;
    /** A byte in the slot's first 4 KiB data block, past the squashfs superblock. */
    private static final long FLIPPED = 100;

    @Test
    void aFlippedByteInTheConfirmedActiveSlotIsRefusedAndTheOtherSlotBoots(QemuVm vm) throws Exception {
        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx selfcheck");
        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx update apply pkg://updates/releases/1.1.0/manifest.nxm");
        vm.await(Contract.parse("install-1.1.0", """
                forbid contains "Kernel panic"
                boot 1
                expect 120s STAGE0_BOOT a normal * *
                expect 120s GUEST_SHELL_READY
                expect 600s UPDATE_APPLY_OK b full
                expect 60s UPDATE_AWAIT_CONFIRM
                """));
        vm.type("nx reboot");
        vm.await(Contract.parse("confirm-1.1.0", """
                forbid STAGE0_SLOT_REFUSED * *
                boot 2
                expect 180s STAGE0_BOOT b trial * *
                expect 300s HEALTH_TRIAL_OK
                expect 120s GUEST_SHELL_READY
                """));

        vm.powerCut();
        Path overlay = vm.overlay();
        long slotB = littleEndian(read(overlay, SLOT_B_FIRST_LBA, 8)) * 512;
        int original = read(overlay, slotB + FLIPPED, 1)[0] & 0xff;
        qemuIo(overlay, "write -P " + (original ^ 0xff) + " " + (slotB + FLIPPED) + " 1");

        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx history");
        vm.restart();
        vm.await(Contract.parse("flipped-slot-refused", """
                forbid contains "Kernel panic"
                forbid STAGE0_BOOT b * * *
                boot 3
                expect 180s STAGE0_SLOT_REFUSED b VERITY_MAP_FAILED
                expect 60s STAGE0_BOOT a recovery * *
                expect 180s BUNDLEMGRD_SLOT_ACTIVE a
                expect 180s GUEST_SHELL_READY
                expect 60s HISTORY_ENTRY * slot-refused "slot=b code=VERITY_MAP_FAILED"
                """));
    }

    private static long littleEndian(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    /** {@code length} bytes of the guest's disk at {@code offset}, through the overlay. */
    private static byte[] read(Path overlay, long offset, int length) throws IOException, InterruptedException {
        String out = qemuIo(overlay, "read -v " + offset + " " + length);
        byte[] bytes = new byte[length];
        int n = 0;
        for (String line : out.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).matches("[0-9a-f]{8}")) {
                continue;
            }
            for (String hex : line.substring(colon + 1).trim().split("\\s+")) {
                if (n < length && hex.matches("[0-9a-f]{2}")) {
                    bytes[n++] = (byte) Integer.parseInt(hex, 16);
                }
            }
        }
        if (n != length) {
            throw new IOException("qemu-io read " + n + " of " + length + " bytes at " + offset + ":\n" + out);
        }
        return bytes;
    }

    private static String qemuIo(Path overlay, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("qemu-io", "-f", "qcow2", "-c", command, overlay.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("qemu-io -c '" + command + "' failed:\n" + out);
        }
        return out;
    }
}
