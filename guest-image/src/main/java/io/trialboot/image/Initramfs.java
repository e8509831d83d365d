package io.trialboot.image;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.Stage0Refusal;
import io.trialboot.core.Slot;
import io.trialboot.device.VerityMappings;
import io.trialboot.guest.GuestPaths;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.markers.Marker;
import io.trialboot.trust.Stage0Verdict;
import io.trialboot.trust.Trust;
import io.trialboot.update.SlotManifests;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The stage-0 initramfs: busybox, the kernel modules, {@code /init}, {@code bootselect.sh},
 * {@code verify.sh} with the tools it needs ({@link Stage0Tools}: openssl, dmsetup and their
 * libraries) and the anchored root keys ({@link #ROOTS_DIR}, with their key ids:
 * {@link VerifyScript#rootIds}), which stage 0 hands to the guest read-only. Kept small: the
 * kernel unpacks it under emulation on every boot. Written as a plain
 * cpio archive, not compressed: QEMU loads the file into the guest's memory at host speed, while
 * gunzip inside the guest took 0.7 s of every boot under TCG (docs/verified-boot.md#costs).
 */
final class Initramfs {
    static final List<String> APPLETS = Stream.concat(Stream.of("sh", "mount", "umount", "modprobe", "sleep", "reboot",
            "poweroff", "sync", "mv", "dirname", "basename", "switch_root", "mkdir", "printf", "echo", "dmesg", "cp", "rm"),
            VerifyScript.APPLETS.stream()).distinct().sorted().toList();
    /** The anchored root keys in the initramfs: the boot ROM's keyring (docs/verified-boot.md). */
    static final String ROOTS_DIR = "etc/trialboot/roots";
    /**
     * Where stage 0 hands the anchored roots and its verdict to the slot, relative to the slot's root:
     * where the guest reads them ({@code GuestPaths.guest().anchor()}).
     */
    static final String ANCHOR = SlotFiles.inSlot(GuestPaths.guest().anchor());
    /**
     * Where stage 0 mounts the state partition and what it moves into the slot: the guest's path, so
     * a directory of both roots. /init names it once ({@code STATE=}).
     */
    static final String STATE = SlotFiles.inSlot(GuestPaths.guest().state());
    /**
     * Every line stage 0 prints: each catalog marker ({@code STAGE0_*}) is rendered into /init where
     * {@code @NAME@} stands, with these values for its placeholders, the shell's variables (bootselect.sh's
     * {@code $BOOT_*}, verify.sh's {@code $VERIFY_*}, /init's own) or the build's (the disk's devices,
     * the slot's {@code /run} that stage 0 mounts).
     */
    static final Map<Marker, List<String>> LINES = Map.ofEntries(
            Map.entry(Marker.STAGE0_BOOT, List.of("$BOOT_SLOT", "$BOOT_MODE", "$BOOT_TRIES_LEFT", "$BOOT_COUNT")),
            Map.entry(Marker.STAGE0_SLOT_REFUSED, List.of("$slot", "$VERIFY_CODE")),
            Map.entry(Marker.STAGE0_MODULES_LOADED, List.of("$modules_started", "$modules_ended")),
            Map.entry(Marker.STAGE0_SLOT_MAPPED, List.of("$1", "$started", "$ended")),
            Map.entry(Marker.STAGE0_REFUSAL_WHY, List.of("$slot", "$VERIFY_WHY")),
            Map.entry(Marker.STAGE0_REFUSAL_UNWRITTEN, List.of("$note")),
            Map.entry(Marker.STAGE0_BOOT_CONTROL_UNWRITTEN, List.of()),
            Map.entry(Marker.STAGE0_BOOT_CONTROL_ERROR, List.of("$BOOT_ERROR")),
            Map.entry(Marker.STAGE0_FATAL_MODULE, List.of("$MODULE_FAILED")),
            Map.entry(Marker.STAGE0_FATAL_NO_DISK, List.of(DiskImage.GUEST_DISK + "1.." + DiskImage.PARTITIONS.size())),
            Map.entry(Marker.STAGE0_FATAL_STATE, List.of(DiskImage.device(DiskImage.STATE))),
            Map.entry(Marker.STAGE0_FATAL_MOUNT, List.of(GuestPaths.guest().run().getParent().toString())),
            Map.entry(Marker.STAGE0_FATAL_HANDOVER, List.of()),
            Map.entry(Marker.STAGE0_FATAL_MOVE, List.of("$m", "$BOOT_SLOT")),
            Map.entry(Marker.STAGE0_FATAL_NO_OTHER_SLOT, List.of()),
            Map.entry(Marker.STAGE0_FATAL_CHAIN, List.of()),
            Map.entry(Marker.STAGE0_FATAL_NO_SLOT, List.of()));

    private Initramfs() {}

    /**
     * @param modules    {@link KernelModules#forInitramfs}: every boot's, loaded in their order
     *                   (dependencies first), and USB media's, loaded after them when the machine has
     *                   an xHCI controller; with {@code modules.dep} for modprobe
     * @param roots      the anchored roots: file name ({@code <name>.pub}) to PEM SPKI bytes
     * @param tools      {@link Stage0Tools#files}: initramfs path to bytes
     */
    static void build(Path stage0Sources, Path busybox, KernelModules.ForInitramfs modules, Map<String, byte[]> roots,
            Map<String, byte[]> tools, Path out) {
        CpioWriter cpio = new CpioWriter();
        for (String dir : List.of("bin", "dev", "proc", "sys", STATE, "newroot", "lib", "lib/modules",
                "lib/" + Stage0Tools.MULTIARCH, "etc", "etc/trialboot", ROOTS_DIR, "verify-chain", "verify-a", "verify-b")) {
            cpio.directory(dir);
        }
        if (roots.isEmpty()) {
            throw new ImageBuildException("the initramfs anchors no root key");
        }
        new TreeMap<>(roots).forEach((name, pem) -> cpio.file(ROOTS_DIR + "/" + name, pem, 0444));
        cpio.file(ROOTS_DIR + "/" + VerifyScript.ROOT_IDS, VerifyScript.rootIds(roots).getBytes(StandardCharsets.US_ASCII),
                0444);
        cpio.charDevice("dev/console", 5, 1);
        cpio.file("bin/busybox", read(busybox), 0755);
        APPLETS.forEach(a -> cpio.symlink("bin/" + a, "busybox"));
        addModules(cpio, "lib/modules/load-order", modules.everyBoot());
        addModules(cpio, "lib/modules/load-order-usb", modules.usb());
        cpio.file("lib/modules/modules.dep", KernelModules.modulesDep(Stream.concat(modules.everyBoot().stream(),
                modules.usb().stream()).toList()).getBytes(StandardCharsets.US_ASCII), 0644);
        // modprobe looks in /lib/modules/<release>: that is /lib/modules itself.
        cpio.symlink("lib/modules/" + modules.release(), ".");
        cpio.file("init", renderInit(readString(stage0Sources.resolve("init"))).getBytes(StandardCharsets.UTF_8), 0755);
        cpio.file("bootselect.sh", read(stage0Sources.resolve("bootselect.sh")), 0644);
        cpio.file("modules.sh", read(stage0Sources.resolve("modules.sh")), 0644);
        cpio.file(VerifyScript.FILE, VerifyScript.render(readString(stage0Sources.resolve(VerifyScript.FILE)))
                .getBytes(StandardCharsets.UTF_8), 0644);
        new TreeMap<>(tools).forEach((path, bytes) -> cpio.file(path, bytes, 0755));
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            cpio.writeTo(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addModules(CpioWriter cpio, String orderFile, List<KernelModules.Module> modules) {
        StringBuilder order = new StringBuilder();
        for (KernelModules.Module m : modules) {
            cpio.file("lib/modules/" + m.name() + ".ko", m.elf(), 0644);
            order.append(m.name()).append('\n');
        }
        cpio.file(orderFile, order.toString().getBytes(StandardCharsets.US_ASCII), 0644);
    }

    /**
     * The benchmark floor: busybox and an /init that prints one line and powers off. Booting it
     * measures kernel start to /init with nothing of ours in the way (scripts/bench-boot).
     */
    static void buildFloor(Path stage0Sources, Path busybox, Path out) {
        CpioWriter cpio = new CpioWriter();
        cpio.directory("bin").directory("dev");
        cpio.charDevice("dev/console", 5, 1);
        cpio.file("bin/busybox", read(busybox), 0755);
        cpio.file("init", read(stage0Sources.resolve("floor-init")), 0755);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(out), 1 << 16)) {
            cpio.writeTo(gz);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fills stage 0's lines ({@link #LINES}, from the catalog), the state paths, the disk's devices
     * ({@link DiskImage#device}), the anchored roots' directory and where they go in the slot, and the
     * slot's dm-verity mapping (its name, {@link VerityMappings#name}, and its node, the guest's
     * {@code GuestPaths.guest().mapping}) into /init.
     */
    static String renderInit(String template) {
        for (Map.Entry<Marker, List<String>> line : LINES.entrySet()) {
            Marker m = line.getKey();
            if (m.placeholderCount() != line.getValue().size()) {
                throw new ImageBuildException("stage-0 marker '" + m.template() + "' does not take " + line.getValue());
            }
            template = template.replace("@" + m.name() + "@", String.format(m.printfFormat(), line.getValue().toArray()));
        }
        return template.replace("@BOOT_CONTROL_PATH@", BootControlFile.PATH)
                .replace("@SLOT_MANIFEST_A@", String.format(SlotManifests.PATH, "a"))
                .replace("@SLOT_MANIFEST_B@", String.format(SlotManifests.PATH, "b"))
                .replace("@ADMISSION_DIR@", Trust.admissionDir(HostStateTree.SYSTEM_DOMAIN))
                .replace("@MULTIARCH@", Stage0Tools.MULTIARCH).replace("@REFUSAL_PATH@", Stage0Refusal.PATH)
                .replace("@MAX_FAILED_STARTS@", Integer.toString(BootControlFile.MAX_FAILED_STARTS))
                .replace("@VERDICT_FILE@", Stage0Verdict.FILE).replace("@STATE_DEVICE@", DiskImage.device(DiskImage.STATE))
                .replace("@STATE@", "/" + STATE)
                .replace("@SLOT_A_DEVICE@", DiskImage.device(DiskImage.SLOT_A))
                .replace("@SLOT_B_DEVICE@", DiskImage.device(DiskImage.SLOT_B))
                .replace("@LAST_DEVICE@", DiskImage.device(DiskImage.PARTITIONS.get(DiskImage.PARTITIONS.size() - 1).name()))
                .replace("@ROOTS_DIR@", "/" + ROOTS_DIR).replace("@ANCHOR@", ANCHOR)
                .replace("@MAPPING@", VerityMappings.PREFIX)
                .replace("@MAPPER@", GuestPaths.guest().mapping(Slot.A).getParent().toString());
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readString(Path p) {
        return new String(read(p), StandardCharsets.UTF_8);
    }
}
