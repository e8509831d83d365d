package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.Stage0Refusal;
import io.trialboot.core.Slot;
import io.trialboot.device.VerityMappings;
import io.trialboot.guest.GuestPaths;
import io.trialboot.markers.Marker;
import io.trialboot.trust.Ed25519;
import io.trialboot.trust.KeyId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {
    /** A raw key for the anchored root: the build only renders its PEM and hashes it for the id. */
    private static final byte[] ROOT = new byte[Ed25519.PUBLIC_KEY_BYTES];

    @Test
    void stageZeroPrintsTheCatalogMarkerWithItsShellVariables() throws Exception {
        String init = Initramfs.renderInit(Files.readString(Path.of("src/main/stage0/init")));
        assertTrue(init.contains("echo \"stage0: boot slot=$BOOT_SLOT mode=$BOOT_MODE tries_left=$BOOT_TRIES_LEFT boot=$BOOT_COUNT\""), init);
        assertTrue(init.contains("\nSTATE=/state\n") && init.contains("bootselect $STATE/" + BootControlFile.PATH), init);
        assertFalse(init.contains("@"), "every placeholder rendered");
        assertTrue(init.contains("anchor=/newroot/run/trialboot/anchor\n"), "the anchor where the guest reads it");
        assertTrue(init.contains("cp /etc/trialboot/roots/*.pub \"$anchor/\""), "the anchored roots copied from the initramfs");
    }

    /** Sample values for the shell variables stage 0's lines print, as the shell would have them. */
    private static final Map<String, String> SHELL = Map.ofEntries(Map.entry("BOOT_SLOT", "b"), Map.entry("BOOT_MODE", "trial"),
            Map.entry("BOOT_TRIES_LEFT", "2"), Map.entry("BOOT_COUNT", "5"), Map.entry("slot", "a"),
            Map.entry("VERIFY_CODE", "SIG_INVALID"), Map.entry("VERIFY_WHY", "the manifest signature does not verify"),
            Map.entry("modules_started", "1.02"), Map.entry("modules_ended", "1.57"), Map.entry("started", "2.14"),
            Map.entry("ended", "3.62"), Map.entry("note", GuestPaths.guest().state().resolve(Stage0Refusal.PATH).toString()), Map.entry("MODULE_FAILED", "dm-verity"),
            Map.entry("BOOT_ERROR", "boot-control file missing"), Map.entry("m", "/state"));

    /**
     * Every line stage 0 prints is the catalog's: the template writes none of its own (no "stage0:"
     * text), every STAGE0_* marker has its values and is rendered into an echo, fatal or unbootable
     * call, and the host's sh prints each rendered call's line as line() does with the shell's values.
     */
    @Test
    void stageZerosLinesAreTheCatalogsRendered() throws Exception {
        String template = Files.readString(Path.of("src/main/stage0/init"));
        assertFalse(template.contains("stage0:"), "/init writes a line of its own");
        List<Marker> stage0 = Arrays.stream(Marker.values()).filter(m -> m.name().startsWith("STAGE0_")).toList();
        assertEquals(Set.copyOf(stage0), Initramfs.LINES.keySet(), "every stage-0 marker has its values");
        String init = Initramfs.renderInit(template);
        StringBuilder script = new StringBuilder("fatal() { echo \"$1\"; }\nunbootable() { echo \"$1\"; }\nset -- a\n");
        SHELL.forEach((name, value) -> script.append(name).append("='").append(value).append("'\n"));
        List<String> expected = new ArrayList<>();
        for (Marker m : stage0) {
            Matcher call = Pattern.compile("(?m)(?:echo|fatal|unbootable) \"" + Pattern.quote(String.format(m.printfFormat(),
                    Initramfs.LINES.get(m).toArray())) + "\"").matcher(init);
            assertTrue(call.find(), m + " rendered into /init");
            script.append(call.group()).append('\n');
            List<String> values = Initramfs.LINES.get(m).stream()
                    .map(v -> v.equals("$1") ? "a" : v.startsWith("$") ? SHELL.get(v.substring(1)) : v).toList();
            expected.add(m.line(values.toArray()));
        }
        Process p = new ProcessBuilder("sh", "-c", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals(expected, out.lines().toList());
        // The same bytes as before they were the catalog's.
        for (String line : List.of("stage0: boot slot=b mode=trial tries_left=2 boot=5", "stage0: slot a refused code=SIG_INVALID",
                "stage0: modules loaded and state mounted, uptime 1.02 -> 1.57 s", "stage0: slot a verified and mapped, uptime 2.14 -> 3.62 s",
                "stage0: WARNING could not write /state/" + Stage0Refusal.PATH, "stage0: WARNING could not write the boot-control file",
                "stage0: boot-control: boot-control file missing", "stage0: FATAL cannot mount the state partition /dev/vda1",
                "stage0: FATAL cannot mount /run", "stage0: FATAL no disk with partitions /dev/vda1..3 after 10 s")) {
            assertTrue(expected.contains(line), line + " in " + expected);
        }
        assertTrue(expected.contains("stage0: slot a: the manifest signature does not verify"), expected.toString());
    }

    /** Stage 0 names and mounts the slot's mapping as the guest finds it (GuestPaths.mapping, VerityMappings.name). */
    @Test
    void stageZeroMapsTheSlotWhereTheGuestLooksForIt() throws Exception {
        String template = Files.readString(Path.of("src/main/stage0/init"));
        assertFalse(template.contains("slot-") || template.contains("/dev/mapper"), "/init names the mapping itself");
        String slotA = Initramfs.renderInit(template).replace("$1", "a");
        assertTrue(slotA.contains("dmsetup create \"" + VerityMappings.name(Slot.A) + "\" --readonly"), slotA);
        assertTrue(slotA.contains("mount -t squashfs -o ro \"" + GuestPaths.guest().mapping(Slot.A) + "\" /newroot"), slotA);
        assertEquals("/dev/mapper/slot-a", GuestPaths.guest().mapping(Slot.A).toString());
    }

    /** The roots' directory and the anchor have their homes in Java (the anchor the guest's), /init its placeholders. */
    @Test
    void initsTemplateNamesNeitherTheRootsDirectoryNorTheAnchor() throws Exception {
        String template = Files.readString(Path.of("src/main/stage0/init"));
        assertFalse(template.contains(Initramfs.ROOTS_DIR), "the roots' directory named in /init");
        assertFalse(template.contains(Initramfs.ANCHOR), "the anchor named in /init");
        assertEquals("run/trialboot/anchor", Initramfs.ANCHOR);
    }

    /** The state partition's mount point is the guest's (GuestPaths), rendered once into /init, which names it by its variable. */
    @Test
    void initNamesTheStatePartitionsMountPointOnce() throws Exception {
        String template = Files.readString(Path.of("src/main/stage0/init"));
        List<String> naming = template.lines().filter(l -> !l.strip().startsWith("#"))
                .filter(l -> l.contains("/" + Initramfs.STATE)).toList();
        assertEquals(List.of(), naming, "/init names the state partition's mount point itself");
        String init = Initramfs.renderInit(template);
        assertEquals(1, init.lines().filter(l -> l.contains("/" + Initramfs.STATE)).count(), init);
        assertTrue(init.contains("\nSTATE=" + GuestPaths.guest().state() + "\n"), init);
        assertTrue(init.contains("for m in /dev /proc /sys $STATE; do\n    mount --move \"$m\" \"/newroot$m\""), init);
    }

    @Test
    void theInitramfsIsAPlainCpioArchiveWithTheAnchoredRoots(@TempDir Path dir) throws Exception {
        Path busybox = Files.writeString(dir.resolve("busybox"), "busybox");
        Path out = dir.resolve("initrd.img");
        List<KernelModules.Module> modules = List.of(module("virtio_blk", ""), module("jbd2", ""), module("ext4", "jbd2"),
                module("squashfs", ""), module("dm-verity", ""));
        Initramfs.build(Path.of("src/main/stage0"), busybox, new KernelModules.ForInitramfs("6.12.0-test-riscv64", modules,
                List.of(module("usbcore", ""), module("usb-storage", "usbcore"))),
                Map.of("root.pub", Ed25519.toPem(ROOT)), Map.of(), out);
        String text = Files.readString(out, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("070701"), "newc, not compressed: the kernel unpacks it under emulation");
        assertTrue(text.contains(Initramfs.ROOTS_DIR + "/root.pub"), "the anchored root");
        assertTrue(text.matches("(?s).*lib/modules/load-order\0+virtio_blk\njbd2\next4\nsquashfs\ndm-verity\n(\0|070701).*"),
                "every boot's modules in one order, as given");
        assertTrue(text.matches("(?s).*lib/modules/load-order-usb\0+usbcore\nusb-storage\n(\0|070701).*"), "USB media's");
        assertTrue(text.contains("lib/modules/dm-verity.ko") && text.contains("lib/modules/usb-storage.ko"), "the modules");
        assertFalse(text.contains("load-order-late"), "no second stream");
        Map<String, String> entries = entries(out);
        assertEquals(KeyId.of(ROOT).hex() + " root.pub\n", entries.get(Initramfs.ROOTS_DIR + "/" + VerifyScript.ROOT_IDS),
                "the root's key id beside it, for verify.sh");
        assertEquals("virtio_blk.ko:\njbd2.ko:\next4.ko: jbd2.ko\nsquashfs.ko:\ndm-verity.ko:\nusbcore.ko:\nusb-storage.ko: usbcore.ko\n",
                entries.get("lib/modules/modules.dep"), "modprobe's dependencies, every module of both orders");
        assertEquals(".", entries.get("lib/modules/6.12.0-test-riscv64"), "modprobe's /lib/modules/<release> is /lib/modules");
        assertTrue(Initramfs.APPLETS.contains("modprobe") && !Initramfs.APPLETS.contains("insmod"), Initramfs.APPLETS.toString());
        for (String scratch : List.of("verify-chain", "verify-a", "verify-b")) {
            assertTrue(text.contains(scratch + "\0"), "stage 0's scratch directory " + scratch + " comes with the initramfs");
        }
        String init = Initramfs.renderInit(Files.readString(Path.of("src/main/stage0/init")));
        assertTrue(init.contains("verify_begin $STATE/") && init.contains(" /verify-chain\n") && init.contains("\"/verify-$1\""), init);
        assertFalse(init.contains("mkdir -p /verify") || init.contains("mkdir -p \"/verify"), "not made at boot");
    }

    private static KernelModules.Module module(String name, String depends) {
        return new KernelModules.Module(name, ("\0name=" + name + "\0depends=" + depends + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    /** Each entry of a cpio archive: its path to its bytes (a symbolic link's: its target) as text. */
    private static Map<String, String> entries(Path cpio) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(Files.newInputStream(cpio))) {
            for (CpioArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    @Test
    void cpioArchivesAreByteForByteReproducible() {
        assertArrayEquals(sample(), sample());
    }

    @Test
    void cpioEntriesAreSortedRootOwnedWithZeroTimes() {
        String text = new String(sample(), StandardCharsets.ISO_8859_1);
        assertTrue(text.indexOf("bin/busybox") < text.indexOf("dev/console"), "sorted by path");
        // newc header: magic, ino, mode, uid, gid, nlink, mtime... as 8-hex-digit fields.
        assertTrue(text.startsWith("070701"), "newc format");
        String firstHeader = text.substring(0, 110);
        assertEquals("00000000", firstHeader.substring(22, 30), "uid 0");
        assertEquals("00000000", firstHeader.substring(30, 38), "gid 0");
        assertEquals("00000000", firstHeader.substring(46, 54), "mtime 0");
    }

    private static byte[] sample() {
        CpioWriter cpio = new CpioWriter();
        cpio.charDevice("dev/console", 5, 1);
        cpio.directory("bin");
        cpio.file("bin/busybox", new byte[] {1, 2, 3}, 0755);
        cpio.symlink("bin/sh", "busybox");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cpio.writeTo(out);
        return out.toByteArray();
    }
}
