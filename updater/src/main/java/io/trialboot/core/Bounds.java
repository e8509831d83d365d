package io.trialboot.core;

/**
 * Every hard limit on an input, in one place (SPEC §3.8). Each is checked before the input is
 * read whole; exceeding one is {@link Code#HOST_INPUT_OVERSIZE}.
 */
public final class Bounds {
    private Bounds() {}

    /** The boot-control file shared with stage 0. */
    public static final int BOOT_CONTROL_BYTES = 4 * 1024;
    /** One request line to updated's local RPC. */
    public static final int RPC_REQUEST_BYTES = 4 * 1024;
    /** One reply from updated's local RPC. */
    public static final int RPC_REPLY_BYTES = 1024 * 1024;


    // ---- formats and trust ----


    // ---- engine ----


    /** Throws {@link Code#HOST_INPUT_OVERSIZE} when {@code actual > limit}. */
    public static void check(String what, long actual, long limit) {
        if (actual > limit) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE,
                    what + " is " + actual + " bytes/items, over the bound of " + limit);
        }
    }
}
