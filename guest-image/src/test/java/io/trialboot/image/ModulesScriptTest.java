package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialboot.markers.Marker;
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
 * {@code modprobe} (a function: busybox runs its own applet before a PATH entry) that loads (logs, and makes the
 * module's {@code /sys/module} directory) what it is given and fails for the modules a test names: the orders loaded
 * in turn by one modprobe, and a module that did not load stopping the boot by its name, whatever modprobe's status.
 */
class ModulesScriptTest {
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");

    @TempDir
    Path dir;
    private Path log;

    @BeforeEach
    void fakeModprobe() throws Exception {
        assumeTrue(Files.isExecutable(BUSYBOX), "host busybox missing");
        log = dir.resolve("loaded");
        Files.createDirectories(dir.resolve("sys"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path modprobe = bin.resolve("fake-modprobe");
        // "-a NAME...": a module whose file says "fail" is not loaded (modprobe goes on, and fails at the
        // end), one saying "silent" is not loaded and modprobe does not say so.
        Files.writeString(modprobe, "#!" + BUSYBOX + " sh\n"
                + "[ \"$1\" = -a ] || exit 2\n"
                + "shift; echo \"modprobe $*\" >> " + log + "; rc=0\n"
                + "for m in \"$@\"; do\n"
                + "    read -r what < \"$MODULES_DIR/$m.ko\"\n"
                + "    case \"$what\" in fail) rc=1 ;; silent) ;; *) mkdir \"$MODULES_SYS/${m//-/_}\" && echo \"$m\" >> " + log + " ;; esac\n"
                + "done\n"
                + "exit $rc\n");
        Files.setPosixFilePermissions(modprobe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(bin.resolve("mkdir"), BUSYBOX);
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
        ProcessBuilder pb = new ProcessBuilder(BUSYBOX.toString(), "sh", "-c", ". \"$1\"; modprobe() { fake-modprobe \"$@\"; }; " + commands, "sh",
                Path.of("src/main/stage0/modules.sh").toAbsolutePath().toString()).redirectErrorStream(true);
        pb.environment().put("PATH", dir.resolve("bin").toString());
        pb.environment().put("MODULES_DIR", dir.toString());
        pb.environment().put("MODULES_SYS", dir.resolve("sys").toString());
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
    void anOrderLoadsInItsOrderByOneModprobe() throws Exception {
        modules("load-order", "virtio_blk", "jbd2", "ext4");
        assertEquals("0", run("modules_load \"$MODULES_DIR/load-order\"; echo $?"));
        assertEquals(List.of("modprobe virtio_blk jbd2 ext4", "virtio_blk", "jbd2", "ext4"), loaded());
    }

    @Test
    void theOrdersLoadInTurnByOneModprobe() throws Exception {
        modules("load-order", "virtio_blk", "ext4", "dm-verity");
        modules("load-order-usb", "usbcore", "xhci-pci");
        assertEquals("0", run("modules_load \"$MODULES_DIR/load-order\" \"$MODULES_DIR/load-order-usb\"; echo $?"));
        assertEquals(List.of("modprobe virtio_blk ext4 dm-verity usbcore xhci-pci", "virtio_blk", "ext4", "dm-verity", "usbcore",
                "xhci-pci"), loaded());
    }

    @Test
    void theFirstModuleNotLoadedIsNamed() throws Exception {
        modules("load-order", "squashfs", "dm-mod", "dm-verity");
        modules("load-order-usb", "usbcore");
        module("dm-mod", "fail");
        module("dm-verity", "fail");
        assertEquals("1 dm-mod", run("modules_load \"$MODULES_DIR/load-order\" \"$MODULES_DIR/load-order-usb\"; echo $? $MODULE_FAILED"));
    }

    @Test
    void aModuleNotLoadedIsNamedThoughModprobeSaidNothing() throws Exception {
        modules("load-order", "jbd2", "ext4", "crc16");
        module("ext4", "silent");
        assertEquals("1 ext4", run("modules_load \"$MODULES_DIR/load-order\"; echo $? $MODULE_FAILED"));
    }

    @Test
    void anOrderThatCannotBeReadIsNamed() throws Exception {
        assertTrue(run("modules_load \"$MODULES_DIR/no-such-order\"; echo $? $MODULE_FAILED")
                .endsWith("1 (none: cannot read " + dir.resolve("no-such-order") + ")"));
        assertEquals(List.of(), loaded(), "no modprobe");
    }

    @Test
    void stageZeroLoadsEveryModuleBeforeItMountsTheStateAndBeforeTheBootSelectorWrites() throws Exception {
        String init = Initramfs.renderInit(Files.readString(Path.of("src/main/stage0/init")));
        int loaded = init.indexOf("modules_load $orders || fatal \""
                + String.format(Marker.STAGE0_FATAL_MODULE.printfFormat(), "$MODULE_FAILED") + "\"");
        assertTrue(loaded > 0 && loaded < init.indexOf("mount -t ext4"), init);
        assertTrue(loaded < init.indexOf("bootselect $STATE/"), "no try is counted for a broken boot chain");
        assertTrue(init.indexOf("orders=\"$orders $MODULES_DIR/load-order-usb\"") < loaded, "USB media's with xHCI");
        assertFalse(init.contains("load-order-late") || init.contains("modules_start ") || init.contains("modules_wait"), "one stream");
    }
}
