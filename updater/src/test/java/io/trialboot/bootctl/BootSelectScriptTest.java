package io.trialboot.bootctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real stage-0 selector ({@code guest-image/src/main/stage0/bootselect.sh}) under host
 * busybox against files written by {@link BootControlFile#encode()}, and decodes what it writes:
 * Java and shell agree on the format and on the decisions.
 */
class BootSelectScriptTest {
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    private static final Path SCRIPT = Path.of("../guest-image/src/main/stage0/bootselect.sh").toAbsolutePath();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsBusybox() {
        if (!Files.isExecutable(BUSYBOX)) {
            System.out.println("skipping stage-0 script tests: " + BUSYBOX + " is missing (apt-get install busybox)");
        }
        assumeTrue(Files.isExecutable(BUSYBOX), "host busybox missing");
        assumeTrue(Files.isRegularFile(SCRIPT), "stage-0 script not found at " + SCRIPT);
    }

    private String boot(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(BUSYBOX.toString(), "sh", "-c",
                ". \"$1\"; bootselect \"$2\"; rc=$?;"
                        + " echo \"$BOOT_SLOT $BOOT_MODE $BOOT_TRIES_LEFT $BOOT_COUNT $rc|$BOOT_ERROR$BOOT_GAVE_UP\"",
                "sh", SCRIPT.toString(), file.toString())
                .redirectErrorStream(true);
        // As stage 0's /init sets it, rendered from the Java constant (Initramfs).
        pb.environment().put("BOOTSELECT_MAX_FAILED_STARTS", Integer.toString(BootControlFile.MAX_FAILED_STARTS));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("busybox did not finish");
        }
        return out;
    }

    private Path write(BootControlFile f) throws IOException {
        Path file = dir.resolve("boot-control");
        Files.write(file, f.encode());
        return file;
    }

    private static BootControlFile read(Path file) throws IOException {
        return BootControlFile.decode(Files.readAllBytes(file));
    }

    private static BootControlFile trialOfB(int tries) {
        return BootControlFile.factory().withState(Slot.B, SlotState.VERIFIED).withTrial(Slot.B, tries);
    }

    @Test
    void scriptAndHostModelAgreeOnEveryState() throws Exception {
        int cases = 0;
        for (Slot active : Slot.values()) {
            for (SlotState a : SlotState.values()) {
                for (SlotState b : SlotState.values()) {
                    for (int tries : new int[] {0, 1, 3}) {
                        for (int failed : new int[] {0, BootControlFile.MAX_FAILED_STARTS}) {
                            BootControlFile f = new BootControlFile(active, a, b, Optional.of(active.other()), tries,
                                    5, Optional.of(active), Optional.empty(), failed);
                            Path file = write(f);
                            boot(file);
                            assertEquals(Stage0Model.boot(f), read(file), f.toString());
                            cases++;
                        }
                    }
                }
            }
        }
        assertEquals(300, cases);
    }

    @Test
    void anActiveSlotThatNeverComesUpIsGivenUpForTheOtherVerifiedSlot() throws Exception {
        Path file = write(BootControlFile.factory().withState(Slot.B, SlotState.GOOD));
        for (int start = 1; start <= BootControlFile.MAX_FAILED_STARTS; start++) {
            assertEquals("a normal 0 " + start + " 0|", boot(file), "start " + start + " of a, never up");
            assertEquals(start, read(file).failedStarts());
        }
        assertEquals("b recovery 0 4 0|a", boot(file));
        BootControlFile after = read(file);
        assertEquals(Slot.B, after.active());
        assertEquals(SlotState.BAD, after.slotA());
        assertEquals(Optional.of(Slot.B), after.booted());
        assertEquals(1, after.failedStarts(), "this start of b counts");
        // /init turns BOOT_GAVE_UP into the refusal marker and the history note with this code.
        assertTrue(Files.readString(SCRIPT.resolveSibling("init")).contains("VERIFY_CODE=" + Code.SLOT_START_LOOP.name()),
                "stage 0's /init names " + Code.SLOT_START_LOOP);
    }

    @Test
    void aSlotThatCameUpBeforeEachPowerCutIsNeverGivenUp() throws Exception {
        Path file = write(BootControlFile.factory().withState(Slot.B, SlotState.GOOD));
        BootControl bc = new BootControl(file, StateWriter.DURABLE);
        for (int boot = 1; boot <= 3 * BootControlFile.MAX_FAILED_STARTS; boot++) {
            // MAX - 1 starts cut before the guest is up, then one that comes up: the count starts again.
            assertEquals("a normal 0 " + boot + " 0|", boot(file));
            if (boot % BootControlFile.MAX_FAILED_STARTS == 0) {
                assertEquals(0, bc.cameUp().failedStarts());
            }
        }
        assertEquals(SlotState.GOOD, read(file).slotA());
    }

    @Test
    void withNoOtherBootableSlotStageZeroStopsAndTheNextPowerOnGetsTheFullCount() throws Exception {
        Path file = write(BootControlFile.factory().withBoot(7, Slot.A).withFailedStarts(BootControlFile.MAX_FAILED_STARTS));
        assertEquals("normal 0 8 0|a", boot(file), "no slot: BOOT_SLOT is empty");
        BootControlFile after = read(file);
        assertEquals(SlotState.GOOD, after.slotA(), "the only slot is not marked bad");
        assertEquals(Slot.A, after.active());
        assertEquals(0, after.failedStarts());
        assertEquals("a normal 0 9 0|", boot(file));
    }

    @Test
    void aTrialSlotThatJustRanOutOfTriesIsNotTheSlotToFallBackTo() throws Exception {
        Path file = write(trialOfB(0).withFailedStarts(BootControlFile.MAX_FAILED_STARTS));
        assertEquals("fallback 0 1 0|a", boot(file), "no slot: BOOT_SLOT is empty");
        assertEquals(Optional.of(Slot.B), read(file).fallback());
    }

    @Test
    void trialBootsAreBoundedByTheirTriesNotCountedAsFailedStarts() throws Exception {
        Path file = write(trialOfB(2).withFailedStarts(2));
        assertEquals("b trial 1 1 0|", boot(file));
        assertEquals(2, read(file).failedStarts());
    }

    @Test
    void aFailedStartsCountOverTheBoundIsRecoveryAndChangesNothing() throws Exception {
        Path file = dir.resolve("boot-control");
        byte[] over = new String(BootControlFile.factory().encode(), StandardCharsets.US_ASCII)
                .replace("failed_starts=0", "failed_starts=" + (BootControlFile.MAX_FAILED_STARTS + 1))
                .getBytes(StandardCharsets.US_ASCII);
        Files.write(file, over);
        assertEquals("a recovery 0 0 0|failed_starts '" + (BootControlFile.MAX_FAILED_STARTS + 1) + "'", boot(file));
        assertArrayEquals(over, Files.readAllBytes(file));
    }

    @Test
    void aVersionOneFileIsRecoveryInTheShellAndBootctlSchemaOldInJava() throws Exception {
        Path file = dir.resolve("boot-control");
        byte[] old = ("schema=trialboot.bootctl/1\nactive=a\nslot_a=good\nslot_b=empty\ntrial=\ntries_left=0\n"
                + "boot_count=4\nbooted=a\nfallback=\n").getBytes(StandardCharsets.US_ASCII);
        Files.write(file, old);
        assertEquals("a recovery 0 0 0|schema 'trialboot.bootctl/1'", boot(file));
        assertArrayEquals(old, Files.readAllBytes(file));
        TrialbootException e = assertThrows(
                TrialbootException.class, () -> BootControlFile.decode(old));
        assertEquals(Code.BOOTCTL_SCHEMA_OLD, e.code());
    }

    @Test
    void factoryBootsSlotANormallyAndCountsTheBoot() throws Exception {
        Path file = write(BootControlFile.factory());
        assertEquals("a normal 0 1 0|", boot(file));
        BootControlFile after = read(file);
        assertEquals(1, after.bootCount());
        assertEquals(Optional.of(Slot.A), after.booted());
        assertArrayEquals(BootControlFile.factory().withBoot(1, Slot.A).withFailedStarts(1).encode(), Files.readAllBytes(file));
    }

    @Test
    void trialSlotIsBootedAndItsTriesDecremented() throws Exception {
        Path file = write(trialOfB(3));
        assertEquals("b trial 2 1 0|", boot(file));
        BootControlFile after = read(file);
        assertEquals(2, after.triesLeft());
        assertEquals(Optional.of(Slot.B), after.trial());
        assertEquals(Optional.of(Slot.B), after.booted());
    }

    @Test
    void crashLoopFallsBackToActiveAfterThreeTrialBoots() throws Exception {
        Path file = write(trialOfB(3));
        assertEquals("b trial 2 1 0|", boot(file));
        assertEquals("b trial 1 2 0|", boot(file));
        assertEquals("b trial 0 3 0|", boot(file));
        assertEquals("a fallback 0 4 0|", boot(file));
        BootControlFile after = read(file);
        assertEquals(1, after.failedStarts(), "the fallback boot is a start of the active slot");
        assertEquals(Optional.empty(), after.trial());
        assertEquals(Optional.of(Slot.B), after.fallback());
        assertEquals(Optional.of(Slot.A), after.booted());
    }

    @Test
    void bootctldRecordsTheFallbackStageZeroLeft() throws Exception {
        Path file = write(trialOfB(1));
        boot(file);
        assertEquals("a fallback 0 2 0|", boot(file));
        BootRecord record = new BootControl(file, StateWriter.DURABLE).recordBoot();
        BootControlFile after = read(file);
        assertEquals(new BootRecord(Slot.A, 2, false, 0, Optional.of(Slot.B), after), record, "the file as written");
        assertEquals(SlotState.BAD, after.slotB());
        assertEquals(Optional.empty(), after.fallback());
        assertEquals("a normal 0 3 0|", boot(file));
    }

    @Test
    void unreadableFileBootsFactorySlotAndChangesNothing() throws Exception {
        Path file = dir.resolve("boot-control");
        byte[] garbage = "schema=trialboot.bootctl/2\nactive=c\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(file, garbage);
        assertEquals("a recovery 0 0 0|active 'c'", boot(file));
        assertArrayEquals(garbage, Files.readAllBytes(file));
    }

    @Test
    void fileWithoutFinalNewlineIsRecoveryNotSilentlyShortened() throws Exception {
        Path file = dir.resolve("boot-control");
        byte[] torn = new String(BootControlFile.factory().withState(Slot.B, SlotState.VERIFIED).withBoot(4, Slot.A)
                .encode(), StandardCharsets.US_ASCII).replace("fallback=\n", "fallback=b").getBytes(StandardCharsets.US_ASCII);
        Files.write(file, torn);
        assertEquals("a recovery 0 0 0|", boot(file).replaceAll("\\|.*", "|"));
        assertArrayEquals(torn, Files.readAllBytes(file));
    }

    @Test
    void missingFileIsRecovery() throws Exception {
        assertEquals("a recovery 0 0 0|boot-control file missing", boot(dir.resolve("absent")));
    }

    @Test
    void unbootableActiveSlotBootsTheOtherInRecovery() throws Exception {
        BootControlFile f = BootControlFile.factory().withState(Slot.A, SlotState.INVALID)
                .withState(Slot.B, SlotState.GOOD);
        Path file = write(f);
        assertEquals("b recovery 0 1 0|slot a is invalid", boot(file));
        assertEquals(Optional.of(Slot.B), read(file).booted());
    }

    @Test
    void trialOfUnbootableSlotFallsBackAtOnce() throws Exception {
        Path file = write(BootControlFile.factory().withState(Slot.B, SlotState.INVALID).withTrial(Slot.B, 3));
        assertEquals("a fallback 0 1 0|", boot(file));
        assertEquals(Optional.of(Slot.B), read(file).fallback());
    }
}
