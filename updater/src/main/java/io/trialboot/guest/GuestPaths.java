package io.trialboot.guest;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Slot;
import io.trialboot.device.SlotDevices;
import io.trialboot.device.VerityMappings;
import io.trialboot.trust.Stage0Verdict;
import java.nio.file.Path;

/**
 * Where the guest services find things. Defaults are the guest's paths; host tests point them at
 * temporary directories.
 *
 * @param state     root of the state partition (mounted by stage 0)
 * @param run       runtime directory (tmpfs): the RPC socket, the published slot, the bundles
 * @param release   the slot's {@code /etc/trialboot-release}
 * @param systemSet the slot's signed system set
 * @param media     where the slot init mounts the update media ({@code pkg://updates/x} is {@code media/updates/x})
 * @param cmdline   the kernel command line ({@code /proc/cmdline})
 * @param slotA     slot a's block device
 * @param slotB     slot b's block device
 * @param sysBlock  the kernel's list of block devices ({@code /sys/block}), where the dm-verity mapping
 *                  stage 0 made of the booted slot is found ({@link VerityMappings}; its node is in
 *                  {@code mapper/} beside the slots' devices)
 */
public record GuestPaths(Path state, Path run, Path release, Path systemSet, Path media, Path cmdline, Path slotA,
        Path slotB, Path sysBlock) {
    public static GuestPaths guest() {
        return new GuestPaths(Path.of("/state"), Path.of("/run/trialboot"), Path.of("/etc/trialboot-release"),
                Path.of("/opt/trialboot/system/system.nxs"), Path.of("/media"), Path.of("/proc/cmdline"),
                Path.of("/dev/vda2"), Path.of("/dev/vda3"), Path.of("/sys/block"));
    }

    /** The update media's {@code updates/}: {@code pkg://updates/<path>} is {@code updates().resolve(path)}. */
    public Path updates() {
        return MediaInputs.updates(media);
    }

    public Path bootControl() {
        return state.resolve(BootControlFile.PATH);
    }

    /**
     * The roots the boot chain anchors: stage 0 copies the initramfs' {@code /etc/trialboot/roots/}
     * here, on a tmpfs of its own mounted read-only, before {@code switch_root}.
     */
    public Path anchor() {
        return run.resolve("anchor");
    }

    /**
     * What stage 0 verified in this boot ({@link Stage0Verdict}), written by it on the anchor's
     * tmpfs before that is mounted read-only.
     */
    public Path verdict() {
        return anchor().resolve(Stage0Verdict.FILE);
    }

    public Path socket() {
        return run.resolve("updated.sock");
    }

    public Path publishedSlot() {
        return run.resolve("active-slot");
    }

    /** Where bundlemgrd extracts the verified bundles: {@code <name>.nxb} and {@code <name>/payload.jar}. */
    public Path bundles() {
        return run.resolve("bundles");
    }

    /**
     * The node of the read-only dm-verity mapping stage 0 makes of {@code slot} when it boots it
     * ({@code /dev/mapper/slot-<x>}: {@code mapper/} beside the slots' devices, {@link VerityMappings#name}).
     */
    public Path mapping(Slot slot) {
        return mappings().node(slot);
    }

    SlotDevices slotDevices() {
        return SlotDevices.withMappings(mappings());
    }

    private VerityMappings mappings() {
        return new VerityMappings(sysBlock, slotA.resolveSibling("mapper"), slotA, slotB);
    }
}
