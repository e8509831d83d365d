package io.trialboot.it;

import io.trialboot.core.Version;
import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.MediaInputs;
import io.trialboot.harness.GuestImage;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.image.MediaImage;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The update media, a USB stick here, is pulled (QMP {@code device_del}) in the middle of a full
 * apply: the apply
 * fails with a clear code, the inactive slot stays invalid, the active slot is untouched, and
 * once the media is back the same apply succeeds.
 * <p>
 * The device boots cold to its first prompt, as the factory-at-console state is made, but saves no
 * state: this machine (a USB port, no media at boot) is its alone, so no other IT would restore
 * it, and in a fresh clone (CI) its save was 1.3 s spent for nothing.
 */
@QemuTest(hotplugPort = true, media = false)
class MediaRemovalIT {
    private static final String APPLY = "nx update apply " + MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.1.0")));

    @Test
    void pullingTheMediaMidApplyLeavesTheSlotInvalidAndTheNextApplySucceeds(QemuVm vm) throws Exception {
        vm.await(Contract.builtIn("first-boot"));
        vm.await(Marker.GUEST_SHELL_READY, Duration.ofSeconds(60));
        vm.await(Contract.parse("first-prompt", "boot 1\nexpect 30s \"trialboot#\"\n"));
        Path media = GuestImage.fromSystemProperty().media().orElseThrow();
        plugAndMount(vm, media, 1);
        vm.type("nx selfcheck");
        vm.type(APPLY);
        vm.await(Contract.parse("apply-starts", "boot 1\nexpect 120s UPDATE_MANIFEST_OK 1.1.0 *\n"));
        vm.unplugMedia();
        vm.await(Contract.parse("apply-fails", """
                forbid UPDATE_APPLY_OK
                forbid UPDATE_AWAIT_CONFIRM
                boot 1
                expect 180s UPDATE_APPLY_FAILED * b
                """));
        vm.type("nx status");
        vm.await(Contract.parse("slot-b-invalid", """
                boot 1
                expect 60s "slot=a"
                expect 5s "version=1.0.0"
                expect 5s "slot_a=good"
                expect 5s "slot_b=invalid"
                """));

        vm.type("umount -l " + GuestPaths.guest().media());
        plugAndMount(vm, media, 2);
        vm.type(APPLY);
        vm.await(Contract.parse("apply-again", """
                boot 1
                expect 120s UPDATE_MANIFEST_OK 1.1.0 *
                expect 600s UPDATE_APPLY_OK b full
                expect 60s UPDATE_AWAIT_CONFIRM
                """));
    }

    /** Hot-plugs the media (retrying while QEMU still releases the previous one) and mounts it: MediaImage.USB_DEVICE. */
    private static void plugAndMount(QemuVm vm, Path media, int round) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try {
                vm.plugMedia(media);
                break;
            } catch (HarnessException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(1000); // the previous node may still be in use for a moment
            }
        }
        // Polled every 0.1 s (60 s in all): usb-storage scans a new stick about a second after it
        // is plugged, and a 1 s poll lost up to a second more each round. The mount is what is
        // retried, not only the node's test: the node can appear a moment before the disk opens
        // ("/dev/sda: Can't open blockdev", ENXIO, seen on one hart). A mount that never succeeds
        // is tried once more in the open, so the console shows why.
        Path at = GuestPaths.guest().media();
        String usb = MediaImage.USB_DEVICE;
        vm.type("echo; n=0; until [ -b " + usb + " ] && mount -t ext4 -o ro " + usb + " " + at + " 2>/dev/null;"
                + " do [ $n -lt 600 ] || break; sleep 0.1; n=$((n+1)); done;"
                + " if grep -q ' " + at + " ' /proc/mounts; then echo media-mounted-" + round + ";"
                + " else mount -t ext4 -o ro " + usb + " " + at + "; fi");
        vm.await(Contract.parse("media-" + round, "boot 1\nexpect 90s \"media-mounted-" + round + "\"\n"));
    }
}
