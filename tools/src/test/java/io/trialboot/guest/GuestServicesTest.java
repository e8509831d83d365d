package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import io.trialboot.update.HealthVerdict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(GuestRigExtension.class)
class GuestServicesTest {
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = rig;
    }

    private List<String> bootLines() {
        List<String> all = rig.lines();
        return all.subList(all.lastIndexOf("OpenSBI v1.1") + 2, all.size());
    }

    static Nx nx(GuestRig rig, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = new NxClient(rig.paths.socket()).run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Nx(rc, out.toString(StandardCharsets.UTF_8).lines().toList());
    }

    record Nx(int rc, List<String> lines) {}

    @Test
    void servicesReportReadyInOrderOnlyAfterTheyAreUp() throws Exception {
        assertEquals(0, rig.boot());
        HealthVerdict healthy = new HealthVerdict(Code.HOST_OK, List.of("bootctld", "updated", "bundlemgrd", "bundle hello"),
                List.of(), List.of(), 0);
        assertEquals(List.of(Marker.BOOTCTLD_READY.line(), Marker.BUNDLEMGRD_SLOT_ACTIVE.line("a"), Marker.UPDATED_READY.line(),
                Marker.BUNDLE_READY.line("hello"), Marker.UPDATED_AUDIT.line("GetStatus", "HOST_OK"), Marker.HEALTHD_VERDICT.line("a", healthy.summary()),
                Marker.INIT_HEALTH_OK.line("a")), bootLines());
        assertTrue(Files.exists(rig.paths.socket()), "socket bound");
        assertEquals("slot=a\nversion=1.0.0\n", Files.readString(rig.paths.publishedSlot()));
        assertTrue(Files.isRegularFile(rig.paths.bundles().resolve("hello/payload.jar")), "payload extracted");
    }

    @Test
    void withTheChecksOnTheirOwnThreadsTheMarkersKeepTheirOrder() throws Exception {
        rig.threads = r -> {
            Thread t = new Thread(r, "guest-worker");
            t.setDaemon(true);
            t.start();
        };
        for (int boot = 0; boot < 3; boot++) {
            assertEquals(0, rig.boot());
            List<String> lines = bootLines();
            List<String> ready = List.of(Marker.BOOTCTLD_READY.line(), Marker.BUNDLEMGRD_SLOT_ACTIVE.line("a"),
                    Marker.UPDATED_READY.line());
            assertEquals(ready, lines.stream().filter(ready::contains).toList(), lines.toString());
            assertEquals("slot=a\nversion=1.0.0\n", Files.readString(rig.paths.publishedSlot()));
            assertTrue(Files.isRegularFile(rig.paths.bundles().resolve("hello/payload.jar")), "payload extracted");
        }
    }

    @Test
    void updatedWhoseSocketCannotBeBoundFailsTheBootWithHostIoError() throws Exception {
        Files.createDirectories(rig.paths.socket().resolve("in-the-way"));
        TrialbootException e = assertThrows(TrialbootException.class, () -> rig.boot());
        assertEquals(Code.HOST_IO_ERROR, e.code());
        assertTrue(e.getMessage().contains("cannot listen on " + rig.paths.socket()), e.getMessage());
        assertFalse(rig.lines().contains(Marker.UPDATED_READY.line()), rig.lines().toString());
    }

    @Test
    void aBootThatStopsBeforeUpdatedStartsLeavesNoSocketBehind() throws Exception {
        rig.systemSetUnreadable = true;
        assertEquals(GuestMain.EXIT_RETRY, rig.boot());
        assertFalse(rig.lines().contains(Marker.UPDATED_READY.line()), rig.lines().toString());
        rig.closeGuest();
        assertFalse(Files.exists(rig.paths.socket()), "the socket bound for updated is closed and removed");
    }

    @Test
    void firstBootAdmitsTheDomainSoTheBootIsInTheHistory() throws Exception {
        rig.boot();
        assertEquals("FULL", rig.tree().system().descriptor().state().name());
        Nx h = nx(rig, "history");
        assertEquals(0, h.rc());
        assertTrue(h.lines().get(0).startsWith(Marker.HISTORY_ENTRY.line(1, "boot", "slot=a boot_count=1 mode=normal")),
                h.lines().toString());
    }

    @Test
    void nxStatusReportsSlotVersionBootCountTrialAndFloor() throws Exception {
        rig.boot();
        Nx s = nx(rig, "status");
        assertEquals(0, s.rc());
        assertEquals(List.of("slot=a", "version=1.0.0", "boot_count=1", "mode=normal", "tries_left=0", "slot_a=good",
                "slot_b=empty", "active=a", "trial=none", "floor=1.0.0", "verity_a=none", "verity_b=none", "domain=FULL"),
                s.lines());
    }

    @Test
    void nxRebootAnswersThenResetsTheMachine() throws Exception {
        rig.boot();
        assertEquals(0, nx(rig, "reboot").rc());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (rig.reboots.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the acceptor thread resets after it closed the reply
        }
        assertEquals(1, rig.reboots.get());
    }

    @Test
    void unknownRpcOperationIsMalformedInputAndAudited() throws Exception {
        rig.boot();
        Rpc.Reply reply = new NxClient(rig.paths.socket()).call("FormatDisk now");
        assertEquals(Code.MALFORMED_INPUT, reply.code());
        assertTrue(reply.lines().get(0).startsWith("MALFORMED_INPUT: unknown operation 'FormatDisk'"), reply.lines().get(0));
        assertTrue(rig.lines().contains("updated: FormatDisk now -> MALFORMED_INPUT"), rig.lines().toString());
    }

    @Test
    void oversizeRpcRequestIsRejectedWithInputOversize() throws Exception {
        rig.boot();
        Rpc.Reply reply = new NxClient(rig.paths.socket()).call("GetStatus " + "x".repeat(5000));
        assertEquals(Code.HOST_INPUT_OVERSIZE, reply.code());
    }

    @Test
    void nxWithoutUpdatedExplainsItCannotReachIt() {
        Nx r = nx(rig, "status");
        assertEquals(1, r.rc());
        assertTrue(r.lines().get(0).startsWith("HOST_IO_ERROR: cannot reach updated at " + rig.paths.socket()), r.lines().toString());
    }

    @Test
    void nxUsageErrorsExitWithTwo() {
        assertEquals(2, nx(rig).rc());
        Nx unknown = nx(rig, "frobnicate");
        assertEquals(2, unknown.rc());
        assertTrue(unknown.lines().get(0).startsWith("nx: unknown command 'frobnicate'"));
        Nx noInput = nx(rig, "update", "apply");
        assertEquals(2, noInput.rc());
        assertEquals("nx: 'update apply' does not fit 'update apply <input>'", noInput.lines().get(0));
        assertEquals("nx: 'selfcheck --shallow' does not fit 'selfcheck [--deep]'", nx(rig, "selfcheck", "--shallow").lines().get(0));
        assertEquals("nx: 'history repair now' does not fit 'history repair'", nx(rig, "history", "repair", "now").lines().get(0));
        assertEquals(2, nx(rig, "update").rc());
        assertEquals(2, nx(rig, "update", "install", "pkg://updates/x").rc());
        assertEquals(2, nx(rig, "selfcheck", "--shallow").rc());
        assertEquals(2, nx(rig, "status", "now").rc());
    }

    @Test
    void consoleRunsNxCommandsAndStopsAtExit() throws Exception {
        rig.boot();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new NxConsole(new NxClient(rig.paths.socket()), console).run(slowTypist("nx status\n\nexit\nnx status\n"));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith(Marker.GUEST_SHELL_READY.line() + "\ntrialboot# \nslot=a\n"), text);
        assertEquals(1, text.split("boot_count=1", -1).length - 1, "commands after 'exit' are not run: " + text);
    }

    /** {@code typed} as a console's input with nothing typed yet when the console starts ({@code available() == 0}): it prompts. */
    private static InputStream slowTypist(String typed) {
        return new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int available() {
                return 0;
            }
        };
    }

    @Test
    void afterAnAcceptedRebootTheConsoleWaitsForTheResetInsteadOfPrompting() throws Exception {
        rig.boot();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<java.time.Duration> waited = new java.util.ArrayList<>();
        new NxConsole(new NxClient(rig.paths.socket()), console, waited::add).run(slowTypist("nx reboot\nnx status\n"));
        String text = bytes.toString(StandardCharsets.UTF_8);
        // the rig's machine never resets: the console waits its grace, says so, and prompts again
        assertEquals(List.of(NxConsole.REBOOT_GRACE), waited);
        assertTrue(text.startsWith(Marker.GUEST_SHELL_READY.line() + "\n" + NxConsole.PROMPT + "\nrebooting\nnx: the machine has not"
                + " reset 60 s after nx reboot was accepted; the console is back (try again, or reboot -f)\n"
                + "slot=a\n"), text); // nx status was typed ahead: the reader holds it, so no prompt for it
        assertTrue(text.endsWith("\n" + NxConsole.PROMPT + "\n"), "the prompt once nothing is typed ahead: " + text);
    }

    @Test
    void commandsTypedAheadGetNoPromptSoTheirOutputStartsOnItsOwnLine() throws Exception {
        rig.boot();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new NxConsole(new NxClient(rig.paths.socket()), console)
                .run(new ByteArrayInputStream("nx status\nnx status\n".getBytes(StandardCharsets.UTF_8)));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith(Marker.GUEST_SHELL_READY.line() + "\nslot=a\n"), text);
        assertFalse(text.contains("trialboot# slot="), "no output shares a line with a prompt: " + text);
    }

    @Test
    void bootctldRefusesABootStageZeroDidNotRecord() throws Exception {
        Files.write(rig.paths.bootControl(), BootControlFile.factory().encode());
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> new Bootctld(rig.engine()).start(rig.console));
        assertEquals(Code.MALFORMED_INPUT, e.code());
        assertEquals(List.of(), rig.lines(), "no ready marker when it is not ready");
    }

    @Test
    void bootctldRunsABootItCannotRecordOnAFullStatePartitionAndSaysSo() throws Exception {
        Files.write(rig.paths.bootControl(), BootControlFile.factory().withBoot(1, io.trialboot.core.Slot.A).withFailedStarts(1)
                .encode());
        io.trialboot.core.StateWriter full = new io.trialboot.core.StateWriter() {
            @Override
            public void write(Path file, byte[] content) {
                throw new TrialbootException(Code.HOST_IO_ERROR, "durable write of " + file
                        + " failed: No space left on device");
            }

            @Override
            public void delete(Path file) {
                write(file, new byte[0]);
            }

            @Override
            public void append(Path file, long at, byte[] bytes) {
                write(file, bytes);
            }

            @Override
            public void overwrite(Path file, byte[] content) {
                write(file, content);
            }

            @Override
            public void truncate(Path file, long length, boolean durable) {
                io.trialboot.core.StateWriter.DURABLE.truncate(file, length, durable); // needs no space
            }
        };
        rig.tree().system().recordAdmission(io.trialboot.hoststate.AdmissionOutcome.ACCEPTED, "k1", "p1", null); // may append
        byte[] history = Files.readAllBytes(rig.tree().system().historyLog());
        io.trialboot.update.UpdateEngine engine = new io.trialboot.update.UpdateEngine(
                io.trialboot.hoststate.HostStateTree.open(rig.paths.state(), full), rig.paths.slotDevices(),
                java.time.Clock.systemUTC(), "build-test");
        Bootctld bootctld = new Bootctld(engine);
        bootctld.start(rig.console);
        assertEquals(io.trialboot.core.Slot.A, bootctld.bootedSlot());
        List<String> lines = rig.lines();
        String why = MarkerLines.captures(lines.get(0), Marker.BOOTCTLD_BOOT_UNRECORDED, ":why", "HOST_IO_ERROR").get("why");
        assertTrue(why.startsWith("HOST_IO_ERROR: durable write of ") && why.endsWith("No space left on device"), why);
        assertEquals(Marker.BOOTCTLD_READY.line(), lines.get(1));
        bootctld.cameUp(rig.console); // stage 0 counted a failed start: clearing it needs a write too
        why = MarkerLines.captures(rig.lines().get(2), Marker.BOOTCTLD_STARTS_UNCLEARED, ":why").get("why");
        assertTrue(why.startsWith("HOST_IO_ERROR: durable write of ") && why.endsWith("No space left on device"), why);
        assertArrayEquals(history, Files.readAllBytes(rig.tree().system().historyLog()), "the history is untouched");
    }

    @Test
    void bundlemgrdNeedsAVersionInTheReleaseFile() throws Exception {
        rig.boot();
        Files.delete(rig.paths.publishedSlot());
        Files.writeString(rig.paths.release(), "NAME=trialboot\n");
        Startup startup = Startup.begin(rig.paths, Runnable::run);
        startup.verifySystemSet(startup.trustInForce(), Optional.empty());
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> startup.bundlemgrd().publish(io.trialboot.core.Slot.A, rig.console));
        assertEquals(Code.MALFORMED_INPUT, e.code());
        assertFalse(Files.exists(rig.paths.publishedSlot()));
        assertFalse(Files.exists(rig.paths.bundles()), "the bundles read before are removed");
    }
}
