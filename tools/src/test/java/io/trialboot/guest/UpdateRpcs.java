package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import java.util.List;

/** What the tests of updated's update operations share: the device they start on, and finding its console lines. */
final class UpdateRpcs {
    private UpdateRpcs() {}

    /** Boots {@code rig} and runs a selfcheck (an install needs an OK host status first); returns the rig. */
    static GuestRig bootReadyToInstall(GuestRig rig) throws Exception {
        rig.boot();
        assertEquals(0, GuestServicesTest.nx(rig, "selfcheck").rc(), "an install needs an OK host status first");
        return rig;
    }

    /** Runs {@code nx args}, which must fail with {@code code}: exit 1, its last line {@code nx: <args> failed: <code>}. */
    static void assertNxFails(GuestRig rig, Code code, String... args) {
        GuestServicesTest.Nx r = GuestServicesTest.nx(rig, args);
        assertEquals(1, r.rc(), r.lines().toString());
        assertEquals("nx: " + String.join(" ", args) + " failed: " + code, r.lines().get(r.lines().size() - 1),
                r.lines().toString());
    }

    /** Where {@code line} stands in {@code lines}; fails with the lines when it is not there. */
    static int indexOf(List<String> lines, String line) {
        int i = lines.indexOf(line);
        assertTrue(i >= 0, "missing console line '" + line + "' in\n" + String.join("\n", lines));
        return i;
    }
}
