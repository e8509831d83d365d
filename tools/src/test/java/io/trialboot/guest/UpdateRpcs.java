package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Where {@code line} stands in {@code lines}; fails with the lines when it is not there. */
    static int indexOf(List<String> lines, String line) {
        int i = lines.indexOf(line);
        assertTrue(i >= 0, "missing console line '" + line + "' in\n" + String.join("\n", lines));
        return i;
    }
}
