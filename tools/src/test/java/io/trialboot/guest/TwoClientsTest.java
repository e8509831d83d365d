package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two {@code nx} processes against one updated (the guest's code on a file disk). The first one's
 * install reads its manifest from a FIFO, so it stays in flight until the test writes the
 * manifest; meanwhile a second client is answered {@code HOST_CONCURRENT_MODIFICATION} with nothing
 * done, and the first install then completes untouched.
 */
@ExtendWith(GuestRigExtension.class)
class TwoClientsTest {
    static final String SLOW = "pkg://updates/slow/manifest.nxm";
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = rig;
        rig.boot();
        assertEquals(0, GuestServicesTest.nx(rig, "selfcheck").rc());
    }

    private Process nx(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), NxProcess.class.getName(), rig.paths.socket().toString()));
        cmd.addAll(List.of(command));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String finish(Process p) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "nx finished");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Waits until one of updated's client threads (in this JVM) is inside the manifest read: the install is in flight. */
    private static void awaitReader() throws Exception {
        for (int i = 0; i < 600; i++) {
            for (var e : Thread.getAllStackTraces().entrySet()) {
                if (e.getKey().getName().equals("updated-client") && Stream.of(e.getValue()).anyMatch(
                        f -> f.getClassName().equals(Inputs.class.getName()) && f.getMethodName().equals("read"))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no updated client thread ever reached the manifest read");
    }

    @Test
    void aSecondClientGetsConcurrentModificationWhileAnInstallIsInFlightAndTheInstallCompletes() throws Exception {
        Path good = rig.paths.media().resolve("updates/releases/1.1.0/manifest.nxm");
        Path slow = Files.createDirectories(rig.paths.media().resolve("updates/slow")).resolve("manifest.nxm");
        Files.copy(good.resolveSibling("manifest.nxm.sig"), slow.resolveSibling("manifest.nxm.sig"));
        assertEquals(0, new ProcessBuilder("mkfifo", slow.toString()).start().waitFor(), "mkfifo");

        Process first = nx("update", "apply", SLOW);
        awaitReader();
        String second = finish(nx("status"));
        String third = finish(nx("update", "apply", UpdateRpcTest.V110));
        try (OutputStream out = Files.newOutputStream(slow)) {
            out.write(Files.readAllBytes(good));
        }
        String firstOut = finish(first);

        assertTrue(second.startsWith(Code.HOST_CONCURRENT_MODIFICATION + ": updated is serving another client's 'StageSystem "
                + SLOW + "' (waited 2 s); 'GetStatus' was not done"), second);
        assertTrue(second.contains("nx: status failed: HOST_CONCURRENT_MODIFICATION"), second);
        assertTrue(third.contains("nx: update apply " + UpdateRpcTest.V110 + " failed: HOST_CONCURRENT_MODIFICATION"), third);
        assertEquals(0, first.exitValue(), firstOut);
        assertTrue(firstOut.contains("version=1.1.0"), firstOut);
        List<String> c = rig.lines();
        assertTrue(c.contains(Marker.UPDATED_AUDIT.line("GetStatus", "HOST_CONCURRENT_MODIFICATION")), c.toString());
        assertTrue(c.contains(Marker.UPDATED_AUDIT.line("StageSystem " + SLOW, "HOST_OK")), c.toString());
        assertEquals(SlotState.VERIFIED, rig.bootControl().slotB());
        assertEquals(1, rig.engine().receipts().list().size(), "only the first client's install left a receipt");
    }
}
