package io.trialboot.harness.console;

/** Where the build's release fixtures sit on the update media, as {@code nx} names them. */
final class Fixtures {
    static final String V1_1_0 = "pkg://updates/releases/1.1.0/manifest.nxm";
    static final String V1_2_0 = "pkg://updates/releases/1.2.0/manifest.nxm";

    private Fixtures() {}
}
