package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestServicesTest {
    @TempDir
    Path tmp;

    private GuestPaths paths;
    private final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(consoleBytes, true, StandardCharsets.UTF_8);
    private final CountDownLatch rebooted = new CountDownLatch(1);
    private Updated updated;

    @BeforeEach
    void setUp() throws Exception {
        // A short run dir: Unix socket paths are limited to ~100 bytes.
        Path run = Files.createTempDirectory(Path.of("/tmp"), "tb-run");
        paths = new GuestPaths(tmp.resolve("state"), run, tmp.resolve("trialboot-release"));
        Files.writeString(paths.release(), "NAME=trialboot\nVERSION=1.0.0\n");
        Files.createDirectories(paths.bootControl().getParent());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (updated != null) {
            updated.close();
        }
        Files.deleteIfExists(paths.publishedSlot());
        Files.deleteIfExists(paths.run());
    }

    private void bootedAs(Slot slot, long bootCount, Optional<Slot> trial, int tries) throws Exception {
        BootControlFile f = new BootControlFile(Slot.A, SlotState.GOOD, SlotState.VERIFIED, trial, tries, bootCount,
                Optional.of(slot), Optional.empty());
        Files.write(paths.bootControl(), f.encode());
    }

    private void startAll() {
        Bootctld bootctld = new Bootctld(paths);
        bootctld.start(console);
        Bundlemgrd bundlemgrd = new Bundlemgrd(paths);
        bundlemgrd.start(bootctld.bootedSlot(), console);
        updated = new Updated(paths, bootctld, bundlemgrd, rebooted::countDown, console);
        updated.start();
    }

    private List<String> consoleLines() {
        return consoleBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void servicesReportReadyInOrderOnlyAfterTheyAreUp() throws Exception {
        bootedAs(Slot.A, 1, Optional.empty(), 0);
        startAll();
        assertEquals(List.of("bootctld: ready", "bundlemgrd: slot a active", "updated: ready"), consoleLines());
        assertTrue(Files.exists(paths.socket()), "socket bound before 'updated: ready'");
        assertEquals("slot=a\nversion=1.0.0\n", Files.readString(paths.publishedSlot()));
    }

    @Test
    void nxStatusReportsSlotVersionBootCountAndTrialOverTheSocket() throws Exception {
        bootedAs(Slot.B, 7, Optional.of(Slot.B), 2);
        startAll();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = new NxClient(paths.socket()).run(List.of("status"), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        assertEquals(List.of("slot=b", "version=1.0.0", "boot_count=7", "mode=trial", "tries_left=2", "slot_a=good",
                "slot_b=verified"), out.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void nxRebootAnswersThenResetsTheMachine() throws Exception {
        bootedAs(Slot.A, 1, Optional.empty(), 0);
        startAll();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, new NxClient(paths.socket()).run(List.of("reboot"), new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertTrue(rebooted.await(5, TimeUnit.SECONDS), "Power.reboot() called");
    }

    @Test
    void unknownRpcOperationIsMalformedInput() throws Exception {
        bootedAs(Slot.A, 1, Optional.empty(), 0);
        startAll();
        Rpc.Reply reply = new NxClient(paths.socket()).call("FormatDisk now");
        assertEquals(Code.MALFORMED_INPUT, reply.code());
        assertTrue(reply.lines().get(0).startsWith("MALFORMED_INPUT: unknown operation 'FormatDisk'"), reply.lines().get(0));
    }

    @Test
    void oversizeRpcRequestIsRejectedWithInputOversize() throws Exception {
        bootedAs(Slot.A, 1, Optional.empty(), 0);
        startAll();
        Rpc.Reply reply = new NxClient(paths.socket()).call("GetStatus " + "x".repeat(5000));
        assertEquals(Code.HOST_INPUT_OVERSIZE, reply.code());
    }

    @Test
    void nxWithoutUpdatedExplainsItCannotReachIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = new NxClient(paths.socket()).run(List.of("status"), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(1, rc);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("HOST_IO_ERROR: cannot reach updated at " + paths.socket()), text);
    }

    @Test
    void nxUsageErrorsExitWithTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(2, new NxClient(paths.socket()).run(List.of(), ps));
        assertEquals(2, new NxClient(paths.socket()).run(List.of("frobnicate"), ps));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("nx: unknown command 'frobnicate'"));
    }

    @Test
    void consoleRunsNxCommandsAndStopsAtExit() throws Exception {
        bootedAs(Slot.A, 3, Optional.empty(), 0);
        startAll();
        consoleBytes.reset();
        new NxConsole(new NxClient(paths.socket()), console)
                .run(new ByteArrayInputStream("nx status\n\nexit\nnx status\n".getBytes(StandardCharsets.UTF_8)));
        String text = consoleBytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("nx: console ready\ntrialboot# slot=a\n"), text);
        assertEquals(1, text.split("boot_count=3", -1).length - 1, "commands after 'exit' are not run: " + text);
    }

    @Test
    void bootctldRefusesABootStageZeroDidNotRecord() throws Exception {
        Files.write(paths.bootControl(), BootControlFile.factory().encode());
        TrialbootException e = assertThrows(TrialbootException.class, () -> new Bootctld(paths).start(console));
        assertEquals(Code.MALFORMED_INPUT, e.code());
        assertEquals(List.of(), consoleLines(), "no ready marker when it is not ready");
    }

    @Test
    void bootctldWithoutBootControlFileIsNotFound() {
        TrialbootException e = assertThrows(TrialbootException.class, () -> new Bootctld(paths).start(console));
        assertEquals(Code.HOST_NOT_FOUND, e.code());
    }

    @Test
    void bundlemgrdNeedsAVersionInTheReleaseFile() throws Exception {
        Files.writeString(paths.release(), "NAME=trialboot\n");
        TrialbootException e = assertThrows(TrialbootException.class, () -> new Bundlemgrd(paths).start(Slot.A, console));
        assertEquals(Code.MALFORMED_INPUT, e.code());
    }
}
