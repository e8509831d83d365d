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
    // Each is documented in docs/formats.md (meaning, what the operator does).
    /** The bytes end before a CBOR item or a declared length does. */
    CBOR_TRUNCATED,
    /** Bytes follow the single top-level CBOR item. */
    CBOR_TRAILING_BYTES,
    /** A valid CBOR encoding that is not the core deterministic one (long-form integer, unsorted keys). */
    CBOR_NOT_CANONICAL,
    /** An indefinite-length string, array or map. */
    CBOR_INDEFINITE_LENGTH,
    /** A map names the same key twice. */
    CBOR_DUPLICATE_KEY,
    /** Arrays and maps nest deeper than {@link Bounds#CBOR_MAX_DEPTH}. */
    CBOR_TOO_DEEP,
    /** A CBOR item no trialboot format uses (tag, float, negative integer, non-text map key, ...). */
    CBOR_UNSUPPORTED,
    /** The schema id is not the one expected here, or its version is not supported. */
    SCHEMA_MISMATCH,
    /** Well-formed CBOR whose fields break the schema: missing, unknown, wrong type or bad value. */
    SCHEMA_VIOLATION,
    /** No signature at all accompanies signed metadata. */
    SIG_MISSING,
    /** A signature does not verify over the exact bytes with the key it names. */
    SIG_INVALID,
    /** A signature names a key id that is no pinned root, admitted or revoked key. */
    KEY_UNKNOWN,
    /** A signature by a known key (a pinned root) that the admission record does not admit for releases. */
    KEY_NOT_ADMITTED,
    /** A signature by a key the admission record revokes. */
    KEY_REVOKED,
    /** Fewer distinct admitted, unrevoked signers than the witness mode requires. */
    QUORUM_NOT_MET,
    /** The manifest's named signer is not among its valid signers. */
    SIGNER_MISMATCH,
    /** The admission record is not signed by a key pinned in the trust store. */
    ADMISSION_NOT_ROOT_SIGNED,
    /** A root-signed admission record revokes the key id of the root that signed it. */
    ADMISSION_REVOKES_SIGNER,
    /** A root in the state partition's mirror {@code host/trusted-roots/} that the boot chain's anchor lacks: never used. */
    ROOT_NOT_ANCHORED,
    /** A slot image's dm-verity hash tree is not the tree of its data, or its size does not fit data plus tree. */
    VERITY_TREE_MISMATCH,
    /** Bytes whose SHA-256 differs from the signed digest that names them. */
    DIGEST_MISMATCH,
    /** Bytes whose length differs from the signed size (including a truncated payload). */
    SIZE_MISMATCH,
    /** The release's {@code compatible} string is not the domain's. */
    COMPATIBLE_MISMATCH,
    /** The release expects a different update policy than the admission record pins. */
    POLICY_MISMATCH,
    /** A delta's base image is not the image in the active slot. */
    BASE_MISMATCH,
    /** A feed entry disagrees with the manifest it names (version). */
    FEED_MISMATCH,
    /** A system set holds a bundle its index does not list. */
    BUNDLE_NOT_INDEXED,
    /** A bundle listed in the system-set index is absent from the archive. */
    BUNDLE_MISSING,
    /** An archive entry name contains a {@code ..} component. */
    TAR_PATH_TRAVERSAL,
    /** An archive entry name starts with {@code /}. */
    TAR_ABSOLUTE_PATH,
    /** An archive entry name is empty or uses characters or components outside the allowed set. */
    TAR_PATH_INVALID,
    /** An archive entry is a link, device, directory, FIFO or extension header, not a regular file. */
    TAR_NOT_REGULAR_FILE,
    /** An archive names the same entry twice. */
    TAR_DUPLICATE_ENTRY,
    /** A tar header is damaged: bad checksum, bad magic, bad number field, or the archive ends early. */
    TAR_MALFORMED,
    /** A key file is not an Ed25519 key in a supported form. */
    KEY_FORMAT,


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
    /** The release is below the anti-rollback floor, below the installed version, or the installed version again (a replay). */
    UPDATE_VERSION_FLOOR,
    /** The installed version is below the release's {@code min_version}: it may not be installed over it. */
    UPDATE_MIN_VERSION,
    /** The operation does not fit the update state (e.g. switch before a verified apply, apply during a trial). */
    UPDATE_WRONG_STATE,
    /** Health probes did not reach a quorum before the deadline. */
    HEALTH_TIMEOUT,
    /** A required health probe reported failure. */
    HEALTH_PROBE_FAILED,
    /** The operator asked for this rollback ({@code nx rollback}): the reason recorded, not a failure. */
    OPERATOR_ROLLBACK,
    /** The history log's last line is incomplete (power cut mid-append): reported, never dropped or accepted. */
    LOG_TORN,
    /** A history line's sequence number or previous-line hash does not chain. */
    LOG_CHAIN_BROKEN,


    // ---- guest services ----


    // ---- host state lifecycle (layout version, leases, admission) ----
    /** The state tree's layout version has a major version this build does not know (ENC-ASL-HOST/1 §16). */
    HOST_LAYOUT_UNSUPPORTED,
    /** An admission decision whose sequence number is not above the one applied last (a replay). */
    ADMISSION_NOT_NEWER,

    // ---- stage 0 (verified boot: docs/verified-boot.md) ----
    /** A signature file that is not byte for byte the layout {@code trialboot.sig/1} writes: stage 0 uses nothing in it. */
    SIG_LAYOUT_INVALID,
    /** No signed release manifest is kept on {@code /state} for the slot, or it signs no verity map: stage 0 cannot check it. */
    SLOT_UNVERIFIABLE,
    /** The manifest's signed verity salt is not the product's constant. */
    VERITY_SALT_MISMATCH,
    /**
     * The slot's top hash block does not hash to the signed root hash (stage 0), or the root hash
     * recomputed from the slot's data is not the signed one ({@code nx selfcheck --deep}): the slot
     * or its tree was rewritten.
     */
    VERITY_ROOT_MISMATCH,
    /** The verified slot could not be mapped through dm-verity or its mapped root did not mount (corruption found at read time). */
    VERITY_MAP_FAILED,
    /**
     * Stage 0 gave the active slot up: it was started {@code MAX_FAILED_STARTS} times in a row and never
     * came up (corruption found at read time, a crash at start): the other verified slot boots.
     */
    SLOT_START_LOOP,
    /** The boot-control file is schema {@code trialboot.bootctl/1}, from before the failed-starts counter. */
    BOOTCTL_SCHEMA_OLD,
}
