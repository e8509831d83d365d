package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs sample tests through the extension, with the fake QEMU and a fake image. */
class QemuVmExtensionTest {
    @TempDir
    Path dir;
    private Properties saved;

    @BeforeEach
    void fakeImage() throws IOException {
        saved = (Properties) System.getProperties().clone();
        GuestImage img = FakeQemu.image(dir.resolve("image"),
                "banner\nprint bootctld: ready\nargs\nhang\n");
        Path props = Files.writeString(dir.resolve("image/guest.properties"),
                "kernel=" + img.kernel().getFileName() + "\ninitrd=initrd\ndisk=disk.raw\nappend=console=ttyS0 no5lvl\n");
        System.setProperty(GuestImage.PROPERTY, props.toString());
        System.setProperty(QemuVmExtension.RUNS_PROPERTY, dir.resolve("runs").toString());
        System.setProperty(QemuVmExtension.QEMU_PROPERTY, FakeQemu.binary("qemu-system-riscv64").toString());
        System.setProperty(QemuVmExtension.QEMU_IMG_PROPERTY, FakeQemu.binary("qemu-img").toString());
    }

    @AfterEach
    void restore() {
        System.setProperties(saved);
    }

    private static Events run(Class<?> c) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().testEvents();
    }

    @QemuTest(append = "trialboot.selftest=ota", memory = "512M")
    static class Passing {
        @Test
        void boots(QemuVm vm) {
            vm.await(Contract.parse("sample", "boot 1\nexpect 10s BOOTCTLD_READY\nexpect 10s \"arg: 512M\"\n"
                    + "expect 10s \"arg: console=ttyS0 no5lvl trialboot.selftest=ota\"\n"));
        }
    }

    @QemuTest
    static class Failing {
        @Test
        void waitsForAMarkerThatNeverComes(QemuVm vm) {
            vm.await(Marker.UPDATED_READY, Duration.ofMillis(200));
        }
    }

    @QemuTest
    static class SameVmTwice {
        @Test
        void getsOneVm(QemuVm a, QemuVm b) {
            assertTrue(a == b, "one VM per test");
        }
    }

    @QemuTest(perClass = true)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClass {
        static QemuVm first;

        @Test
        @Order(1)
        void firstBoot(QemuVm vm) {
            first = vm;
            vm.await(Marker.BOOTCTLD_READY, Duration.ofSeconds(10));
        }

        @Test
        @Order(2)
        void continuesOnTheSameVm(QemuVm vm) {
            assertSame(first, vm);
            vm.await(Contract.parse("rest", "boot 1\nexpect 10s \"arg: -nographic\"\n"));
        }
    }

    @QemuTest(perClass = true)
    static class PerClassFailing {
        @Test
        void fails(QemuVm vm) {
            vm.await(Marker.UPDATED_READY, Duration.ofMillis(100));
        }

        @Test
        void passes(QemuVm vm) {
            assertTrue(vm.isRunning());
        }
    }

    @QemuTest(perClass = true)
    static class PerClassWithMethodSettings {
        @QemuTest(memory = "2G")
        @Test
        void m(QemuVm vm) {}
    }

    @Test
    void perClassVmRefusesMethodSettings() {
        Events events = run(PerClassWithMethodSettings.class);
        events.assertStatistics(s -> s.failed(1));
        Throwable t = events.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertEquals("CONFIG_INVALID: a per-class VM is configured on the class only: remove @QemuTest from m", t.getCause().getMessage());
    }

    @Test
    void perClassVmServesEveryTestAndIsClosedAfterTheClass() {
        run(PerClass.class).assertStatistics(s -> s.succeeded(2).failed(0));
        Path run = dir.resolve("runs/PerClass");
        assertTrue(Files.exists(run.resolve("serial.log")));
        assertTrue(Files.exists(run.resolve("timeline.html")));
        assertFalse(Files.exists(run.resolve("overlay.qcow2")));
        assertFalse(PerClass.first.isRunning());
    }

    @Test
    void perClassVmKeepsTheOverlayWhenAnyTestFailed() {
        run(PerClassFailing.class).assertStatistics(s -> s.succeeded(1).failed(1));
        assertTrue(Files.exists(dir.resolve("runs/PerClassFailing/overlay.qcow2")));
    }

    @Test
    void passingTestKeepsSerialLogAndDeletesTheOverlay() {
        run(Passing.class).assertStatistics(s -> s.succeeded(1).failed(0));
        Path run = dir.resolve("runs/Passing/boots");
        assertTrue(Files.exists(run.resolve("serial.log")));
        assertFalse(Files.exists(run.resolve("overlay.qcow2")));
        assertFalse(Files.exists(run.resolve("contract-report.txt")));
    }

    @Test
    void failingTestKeepsOverlayAndReportAndSaysWhere() throws IOException {
        Events events = run(Failing.class);
        events.assertStatistics(s -> s.failed(1));
        Throwable t = events.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertTrue(t.getMessage().startsWith("contract 'UPDATED_READY' failed at step 1 of 1 (boot 1): marker 'updated: ready' not seen within"),
                t.getMessage());
        Path run = dir.resolve("runs/Failing/waitsForAMarkerThatNeverComes");
        assertTrue(Files.exists(run.resolve("overlay.qcow2")));
        assertTrue(Files.readString(run.resolve("contract-report.txt")).contains("full log: " + run.resolve("serial.log")));
    }

    @Test
    void oneVmPerTestAndAFreshRunDirEachTime() {
        run(SameVmTwice.class).assertStatistics(s -> s.succeeded(1));
        run(SameVmTwice.class).assertStatistics(s -> s.succeeded(1));
        assertTrue(Files.exists(dir.resolve("runs/SameVmTwice/getsOneVm-2/serial.log")), "the second run in one JVM gets its own directory");
    }

    @Test
    void missingImageFailsTheTestWithHowToBuildIt() {
        System.clearProperty(GuestImage.PROPERTY);
        Events events = run(SameVmTwice.class);
        events.assertStatistics(s -> s.failed(1));
        Throwable t = events.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertTrue(t.getCause() instanceof HarnessException h && h.code() == HarnessCode.IMAGE_MISSING, String.valueOf(t));
        assertEquals("IMAGE_MISSING: system property trialboot.image is not set: run mvn verify from the top, or scripts/vm which builds it",
                t.getCause().getMessage());
    }

    @Test
    void methodAnnotationReplacesTheClassOne() {
        run(MethodOverride.class).assertStatistics(s -> s.succeeded(1));
    }

    @QemuTest(memory = "2G")
    static class MethodOverride {
        @QemuTest(qemuArgs = {"-d", "int"})
        @Test
        void m(QemuVm vm) {
            assertEquals("1G", vm.config().memory());
            assertEquals(List.of("-d", "int"), vm.config().extraArgs());
        }
    }
}
