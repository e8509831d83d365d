package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs stage 0's module loading ({@code stage0/modules.sh}) under host busybox with an
 * {@code insmod} (a function: busybox runs its own applet before a PATH entry) that logs what it loads and fails for the modules a test names: the
 * orders loaded in turn, and a failure stopping the boot by the module's name.
 */
class ModulesScriptTest {
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");

    @TempDir
    Path dir;
    private Path log;

    @BeforeEach
    void fakeInsmod() throws Exception {
        assumeTrue(Files.isExecutable(BUSYBOX), "host busybox missing");
        log = dir.resolve("loaded");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path insmod = bin.resolve("fake-insmod");
        // Fails for a module whose file says "fail".
        Files.writeString(insmod, "#!" + BUSYBOX + " sh\n"
                + "read -r what < \"$1\"\n"
                + "[ \"$what\" != fail ] || exit 1\n"
                + "echo \"${1##*/}\" >> " + log + "\n");
        Files.setPosixFilePermissions(insmod, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void modules(String order, String... names) throws Exception {
        Files.write(dir.resolve(order), List.of(names));
        for (String n : names) {
            Path ko = dir.resolve(n + ".ko");
            if (!Files.exists(ko)) {
                Files.writeString(ko, "ok\n");
            }
        }
    }

    private void module(String name, String behaviour) throws Exception {
        Files.writeString(dir.resolve(name + ".ko"), behaviour + "\n");
    }

    /** Runs {@code commands} after sourcing modules.sh; returns their output. */
    private String run(String commands) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(BUSYBOX.toString(), "sh", "-c", ". \"$1\"; insmod() { fake-insmod \"$@\"; }; " + commands, "sh",
                Path.of("src/main/stage0/modules.sh").toAbsolutePath().toString()).redirectErrorStream(true);
        pb.environment().put("PATH", dir.resolve("bin").toString());
        pb.environment().put("MODULES_DIR", dir.toString());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the shell did not finish in 30 s");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    private List<String> loaded() throws Exception {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void anOrderLoadsOneAfterAnother() throws Exception {
        modules("load-order", "virtio_blk", "jbd2", "ext4");
        assertEquals("0", run("modules_load \"$MODULES_DIR/load-order\"; echo $?"));
        assertEquals(List.of("virtio_blk.ko", "jbd2.ko", "ext4.ko"), loaded());
    }

    @Test
    void aModuleThatDoesNotLoadIsNamedAndNothingAfterItLoads() throws Exception {
        modules("load-order", "jbd2", "ext4", "crc16");
        module("ext4", "fail");
        assertEquals("1 ext4", run("modules_load \"$MODULES_DIR/load-order\"; echo $? $MODULE_FAILED"));
        assertEquals(List.of("jbd2.ko"), loaded());
    }

    @Test
    void theOrdersLoadInTurn() throws Exception {
        modules("load-order", "virtio_blk", "ext4", "dm-verity");
        modules("load-order-usb", "usbcore", "xhci-pci");
        assertEquals("0", run("modules_load \"$MODULES_DIR/load-order\" \"$MODULES_DIR/load-order-usb\"; echo $?"));
        assertEquals(List.of("virtio_blk.ko", "ext4.ko", "dm-verity.ko", "usbcore.ko", "xhci-pci.ko"), loaded());
    }

    @Test
    void aModuleThatDoesNotLoadStopsTheNextOrderToo() throws Exception {
        modules("load-order", "squashfs", "dm-mod", "dm-verity");
        modules("load-order-usb", "usbcore");
        module("dm-mod", "fail");
        assertEquals("1 dm-mod", run("modules_load \"$MODULES_DIR/load-order\" \"$MODULES_DIR/load-order-usb\"; echo $? $MODULE_FAILED"));
        assertEquals(List.of("squashfs.ko"), loaded(), "nothing after the failed module, not the next order either");
    }

    @Test
    void stageZeroLoadsEveryModuleBeforeItMountsTheStateAndBeforeTheBootSelectorWrites() throws Exception {
        String init = Initramfs.renderInit(Files.readString(Path.of("src/main/stage0/init")));
        int loaded = init.indexOf("modules_load $orders || fatal \"cannot load kernel module $MODULE_FAILED\"");
        assertTrue(loaded > 0 && loaded < init.indexOf("mount -t ext4"), init);
        assertTrue(loaded < init.indexOf("bootselect /state/"), "no try is counted for a broken boot chain");
        assertTrue(init.indexOf("orders=\"$orders $MODULES_DIR/load-order-usb\"") < loaded, "USB media's with xHCI");
        assertFalse(init.contains("load-order-late") || init.contains("modules_start ") || init.contains("modules_wait"), "one stream");
    }
}
