package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Slot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bootselect_refuse} (stage0/bootselect.sh) under host busybox: what stage 0 writes when
 * a slot does not verify and is not a trial (a trial only reboots: its try is already counted).
 */
class BootRefuseScriptTest {
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");

    @TempDir
    Path dir;

    private String refuse(BootControlFile f, Slot slot) throws Exception {
        assumeTrue(Files.isExecutable(BUSYBOX), "host busybox missing");
        Path file = dir.resolve("boot-control");
        Files.write(file, f.encode());
        Process p = shell(new ProcessBuilder(BUSYBOX.toString(), "sh", "-c",
                ". \"$1\"; bootselect_refuse \"$2\" \"$3\"; echo \"$? $BOOT_SLOT $BOOT_MODE\"", "sh",
                Path.of("src/main/stage0/bootselect.sh").toAbsolutePath().toString(), file.toString(), slot.letter())
                .redirectErrorStream(true)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    /** As stage 0's /init sets it before sourcing bootselect.sh, rendered from the Java constant. */
    private static ProcessBuilder shell(ProcessBuilder pb) {
        pb.environment().put("BOOTSELECT_MAX_FAILED_STARTS", Integer.toString(BootControlFile.MAX_FAILED_STARTS));
        return pb;
    }

    private BootControlFile written() throws Exception {
        return BootControlFile.decode(Files.readAllBytes(dir.resolve("boot-control")));
    }

    @Test
    void aRefusedActiveSlotIsBadAndTheOtherVerifiedSlotBecomesActive() throws Exception {
        BootControlFile f = BootControlFile.factory().withState(Slot.B, SlotState.VERIFIED).withBoot(4, Slot.A);
        assertEquals("0 b recovery", refuse(f, Slot.A));
        BootControlFile after = written();
        assertEquals(Slot.B, after.active());
        assertEquals(SlotState.BAD, after.slotA());
        assertEquals(SlotState.VERIFIED, after.slotB());
        assertEquals(Optional.of(Slot.B), after.booted());
        assertEquals(4, after.bootCount(), "the boot was counted once, by bootselect");
        assertEquals(1, after.failedStarts(), "this start of the new active slot b counts");
    }

    @Test
    void withNoOtherBootableSlotNothingIsPickedAndTheSlotIsStillBad() throws Exception {
        assertEquals("0", refuse(BootControlFile.factory(), Slot.A));
        assertEquals(SlotState.BAD, written().slotA());
        assertEquals(Slot.A, written().active());
    }

    @Test
    void anUnreadableFileIsLeftAlone() throws Exception {
        Path file = dir.resolve("boot-control");
        byte[] torn = "schema=trialboot.bootctl/2\nactive=c\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(file, torn);
        Process p = shell(new ProcessBuilder(BUSYBOX.toString(), "sh", "-c", ". \"$1\"; bootselect_refuse \"$2\" a; echo \"$?:$BOOT_SLOT\"",
                "sh", Path.of("src/main/stage0/bootselect.sh").toAbsolutePath().toString(), file.toString())).start();
        assertEquals("1:", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        assertArrayEquals(torn, Files.readAllBytes(file));
    }
}
