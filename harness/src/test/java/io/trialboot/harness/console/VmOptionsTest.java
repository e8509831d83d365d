package io.trialboot.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VmOptionsTest {
    private static final String[] BASE = {"--image", "guest.properties", "--runs", "target/vm"};

    private static String[] with(String... more) {
        String[] all = new String[BASE.length + more.length];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        System.arraycopy(more, 0, all, BASE.length, more.length);
        return all;
    }

    @Test
    void atConsoleStartsFromTheSnapshotOnlyWhenAsked() {
        assertTrue(VmOptions.parse(with("--at-console")).atConsole());
        assertFalse(VmOptions.parse(with()).atConsole());
    }

    @Test
    void atConsoleExcludesAnotherDeviceAndAScenario() {
        IllegalArgumentException resume = assertThrows(IllegalArgumentException.class, () -> VmOptions.parse(with("--at-console", "--resume")));
        assertEquals("--resume, --from, --attach and --at-console exclude each other", resume.getMessage());
        IllegalArgumentException scenario = assertThrows(IllegalArgumentException.class,
                () -> VmOptions.parse(with("--scenario", "rollback", "--at-console")));
        assertTrue(scenario.getMessage().startsWith("a scenario starts from the factory image"), scenario.getMessage());
    }

    @Test
    void aMemorySizeQemuCannotTakeIsAUsageError() {
        assertEquals("1536M", VmOptions.parse(with("--memory", "1536M")).memory());
        assertEquals("2G", VmOptions.parse(with("--memory", "2G")).memory());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VmOptions.parse(with("--memory", "10Q")));
        assertEquals("--memory takes a size such as 1G or 1536M, not '10Q'", e.getMessage());
    }

    @Test
    void theBuiltImageBootsUnlessThePersonNamesAnother() {
        VmOptions built = VmOptions.parse(new String[] {"--built-image", "built/guest.properties", "--runs", "target/vm"});
        assertEquals(java.nio.file.Path.of("built/guest.properties").toAbsolutePath(), built.image());
        assertFalse(built.imageNamed());
        VmOptions named = VmOptions.parse(new String[] {"--built-image", "built/guest.properties", "--runs", "target/vm", "--image", "copy/g.p"});
        assertEquals(java.nio.file.Path.of("copy/g.p").toAbsolutePath(), named.image());
        assertTrue(named.imageNamed());
    }
}
