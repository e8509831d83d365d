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
    /** The domain is SUSPENDED (seed 004 §6.3): new writes are blocked until it is reinstated. */
    HOST_DOMAIN_SUSPENDED,
    /** The domain is REVOKED: only local inspection is possible. */
    HOST_DOMAIN_REVOKED,
    /** A boot-control operation that the current boot-control state does not allow (e.g. confirm without a trial). */
    BOOTCTL_INVALID_TRANSITION,
    /** The slot is not verified/good, so it must not be made active or put on trial. */
    SLOT_NOT_BOOTABLE,
    /** The bytes read from the media do not have the signed digest or size. */
    ARTIFACT_DIGEST_MISMATCH,
    /** The image does not fit the slot, or a stream ended before its signed size. */
    APPLY_SIZE_MISMATCH,
    /** The slot read back after writing does not have the expected digest: it stays invalid. */
    APPLY_DIGEST_MISMATCH,
    /** The active slot is not the image the delta was made from: nothing was written. */
    DELTA_BASE_MISMATCH,
    /** The latest host status is not OK (or missing): installs are refused until {@code nx selfcheck} passes. */
    UPDATE_PRECHECK_FAILED,
    /** The release is below the installed version or the anti-rollback floor. */
    UPDATE_VERSION_FLOOR,
    /** The operation does not fit the update state (e.g. switch before a verified apply, apply during a trial). */
    UPDATE_WRONG_STATE,
    /** Health probes did not reach a quorum before the deadline. */
    HEALTH_TIMEOUT,
    /** A required health probe reported failure. */
    HEALTH_PROBE_FAILED,
    /** The history log's last line is incomplete (power cut mid-append): reported, never dropped or accepted. */
    LOG_TORN,
    /** A history line's sequence number or previous-line hash does not chain. */
    LOG_CHAIN_BROKEN,


    // ---- guest services ----

}
