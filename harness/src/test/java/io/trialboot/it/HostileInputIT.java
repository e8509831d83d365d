package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.MediaInputs;
import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.markers.Contract;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every hostile input the image build put on the update media (the guest cases of the hostile-input
 * corpus, listed with their expected code and phase in {@code hostile.properties} beside
 * {@code guest.properties}) is refused in the guest through {@code nx update apply} with exactly that
 * code. A case refused before anything is written ({@code stage}) gets a DENY receipt and its input
 * in quarantine; one refused while its artifact streams into slot b ({@code apply}) leaves slot b
 * invalid. The running slot a and its version never change, and nothing is ever applied or switched.
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class HostileInputIT {
    @Test
    void everyHostileInputIsRefusedWithItsCodeAndNothingChanges(QemuVm vm) throws IOException {
        Map<String, String[]> cases = cases();
        assertFalse(cases.isEmpty(), "the image build lists its hostile inputs");
        vm.type("nx selfcheck"); // SPEC §4 step 0: installs need an OK host status first
        long staged = 0;
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String pkg = MediaInputs.pkg(c.getValue()[0]);
            String code = c.getValue()[1];
            boolean duringApply = c.getValue()[2].equals("apply");
            staged += duringApply ? 0 : 1;
            vm.type("nx update apply " + pkg);
            vm.await(Contract.parse("hostile-" + c.getKey(), """
                    forbid UPDATE_APPLY_OK
                    forbid UPDATE_AWAIT_CONFIRM
                    boot 1
                    expect 180s %s
                    """.formatted(duringApply ? "UPDATE_APPLY_FAILED " + code + " b" : "UPDATE_REJECTED " + code + " *")));
        }
        boolean anyApplied = staged < cases.size();
        vm.type("nx status");
        vm.await(Contract.parse("slots-untouched", """
                boot 1
                expect 60s "slot=a"
                expect 5s "version=1.0.0"
                expect 5s "slot_a=good"
                expect 5s "slot_b=%s"
                """.formatted(anyApplied ? "invalid" : "empty")));
        vm.type("nx receipts");
        vm.await(Contract.parse("deny-receipts", "boot 1\nexpect 60s \"<text>DENY<text>\"\n"));
        // The first echo ends the prompt's line, so the count stands on a line of its own.
        Path quarantine = GuestPaths.guest().state().resolve(HostStateTree.ROOT).resolve("quarantine");
        vm.type("echo; echo quarantined=$(ls " + quarantine + "/ | wc -l)");
        vm.await(Contract.parse("quarantined", "boot 1\nexpect 60s \"quarantined=%d\"\n".formatted(staged)));
    }

    /** case name -> {manifest path under updates/, expected code, stage|apply}. */
    private static Map<String, String[]> cases() throws IOException {
        Path list = Path.of(System.getProperty(GuestImage.PROPERTY)).resolveSibling("hostile.properties");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(list)) {
            p.load(in);
        }
        Map<String, String[]> cases = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> cases.put(k, p.getProperty(k).trim().split("\\s+")));
        return cases;
    }
}
