package io.trialboot.harness.console;

import java.util.List;

/**
 * A scripted walk to an interesting moment, then the console for the person. Each step says
 * what it does, types a command (or nothing) at the prompt and waits for a contract fragment
 * (markers with their boot indexes and timeouts, docs/markers.md); a step without one resets the
 * guest, and the walk goes on once the new QEMU has started ({@link ScenarioRun}).
 */
record Scenario(String name, String summary, String append, List<Step> steps, String handover) {
    static final List<String> NAMES = List.of("rollback");

    record Step(String say, String type, String until) {}

    static Scenario named(String name) {
        return name.equals("rollback") ? rollback() : null;
    }

    /**
     * Update to v1.1.0 (full) and confirm it, stage v1.2.0 (a delta whose service never becomes
     * ready) and switch to it; the console is handed over as the device reboots into the trial
     * that is about to fail.
     */
    static Scenario rollback() {
        return new Scenario("rollback",
                "update to v1.1.0 and confirm, stage v1.2.0 (its service never becomes ready), reboot into its trial",
                // healthd's bound shortened from the policy's 120 s, so the failing trial ends soon.
                "trialboot.health_timeout_s=30",
                List.of(
                        new Step("booting the factory image (v1.0.0, slot a)", null, """
                                boot 1
                                expect 120s STAGE0_BOOT a normal * *
                                expect 120s GUEST_SHELL_READY
                                """),
                        new Step("reading the offline feed", "nx feed", """
                                boot 1
                                expect 120s UPDATES_FEED_LOADED *
                                """),
                        new Step("checking the device (installs need an OK host status)", "nx selfcheck", """
                                boot 1
                                expect 120s UPDATED_AUDIT Selfcheck HOST_OK
                                """),
                        new Step("installing v1.1.0 (full image) into slot b", "nx update apply " + Fixtures.V1_1_0, """
                                boot 1
                                expect 120s UPDATE_MANIFEST_OK 1.1.0 *
                                expect 600s UPDATE_APPLY_OK b full
                                expect 60s UPDATE_AWAIT_CONFIRM
                                """),
                        new Step("rebooting into the v1.1.0 trial; healthd confirms it", "nx reboot", """
                                boot 2
                                expect 120s STAGE0_BOOT b trial * *
                                expect 180s HEALTH_TRIAL_OK
                                expect 60s INIT_HEALTH_OK b
                                expect 60s GUEST_SHELL_READY
                                """),
                        new Step("installing v1.2.0 (a delta from v1.1.0) into slot a", "nx update apply " + Fixtures.V1_2_0, """
                                boot 2
                                expect 120s UPDATE_MANIFEST_OK 1.2.0 *
                                expect 600s UPDATE_APPLY_OK a delta
                                expect 60s UPDATE_AWAIT_CONFIRM
                                """),
                        new Step("rebooting into the v1.2.0 trial", "nx reboot", null)),
                """
                ---------------------------------------------------------------------------
                 The console is yours. The device is rebooting into v1.2.0 on trial (slot a).
                 Its bundle service never becomes ready, so watch for:
                   stage0: boot slot=a mode=trial ...
                   health: fail -> rollback           (healthd's 30 s bound ran out)
                   stage0: boot slot=b mode=normal ... (back on v1.1.0)
                 Then try: nx status, nx history, nx receipts.  Ctrl-A X quits.
                ---------------------------------------------------------------------------""");
    }
}
