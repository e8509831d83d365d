package io.trialboot.markers;

/**
 * Where a boot starts in the console stream. OpenSBI prints its banner ({@code OpenSBI v1.1})
 * first thing on every boot, including resets inside the same QEMU process (SPEC §2.1).
 */
public final class BootBoundary {
    private static final String BANNER = "OpenSBI v";

    private BootBoundary() {
    }

    /**
     * Whether {@code text} is the firmware banner line that opens a new boot. The banner may follow
     * the unterminated remains of the previous boot's last line, so it is looked for anywhere.
     */
    public static boolean startsNewBoot(String text) {
        for (int i = text.indexOf(BANNER); i >= 0; i = text.indexOf(BANNER, i + 1)) {
            int v = i + BANNER.length();
            if (v < text.length() && Character.isDigit(text.charAt(v))) {
                return true;
            }
        }
        return false;
    }
}
