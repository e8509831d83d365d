package io.trialboot.core;

/**
 * Every reason code trialboot reports: in CLI output, receipts, history and markers. Each one is
 * documented in {@code docs/operator-guide.md} (what it means, what to do).
 */
public enum Code {
    // ---- ASL/HOST/1 host codes (seed 004 §11, SPEC §5) ----
    HOST_OK,
    HOST_EXISTS,
    HOST_NOT_FOUND,
    HOST_IO_ERROR,
    HOST_CONCURRENT_MODIFICATION,
    HOST_ADMISSION_REJECTED,
    HOST_LEASE_EXPIRED,
    /** An input exceeded a hard bound of {@link Bounds}: no retry helps, the input must shrink. */
    HOST_INPUT_OVERSIZE,

    // ---- generic input errors ----
    /** Bytes that do not parse as the format they claim to be. */
    MALFORMED_INPUT,


    // ---- formats and trust (signatures, admission, archives) ----


    // ---- engine (boot control, apply, delta, state machine, records) ----


    // ---- guest services ----

}
