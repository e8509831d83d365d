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
    /**
     * The name a request gives its input ({@code nx update apply <input>}, {@code nx admit <input>}):
     * characters of printable ASCII; a longer or other name is refused, and recorded cut to it
     * ({@code io.trialboot.records.RequestedInput}).
     */
    public static final int INPUT_NAME_CHARS = 256;


    // ---- formats and trust ----
    /** Signed metadata files: release manifest, feed, admission record, bundle manifest. */
    public static final int MANIFEST_BYTES = 64 * 1024;
    /** A system-set index. */
    public static final int INDEX_BYTES = 64 * 1024;
    /** A feed {@code .nxf}. */
    public static final int FEED_BYTES = 64 * 1024;
    /** A detached signature file (an envelope of up to {@link #SIGNATURES} signatures). */
    public static final int SIGNATURE_BYTES = 4 * 1024;
    /** Signatures in one signature file. */
    public static final int SIGNATURES = 16;
    /** Nesting depth of CBOR arrays and maps. */
    public static final int CBOR_MAX_DEPTH = 8;
    /** Items in one CBOR array or map, and bytes in one CBOR string. */
    public static final int CBOR_MAX_ITEMS = 1024;
    public static final int CBOR_MAX_STRING = 16 * 1024;
    /** A system set {@code .nxs} archive. */
    public static final long SYSTEM_SET_BYTES = 256L * 1024 * 1024;
    /** A bundle {@code .nxb} archive. */
    public static final long BUNDLE_BYTES = 128L * 1024 * 1024;
    /** Entries in one tar archive (system set or bundle). */
    public static final int TAR_ENTRIES = 256;
    /** Bytes of an archive entry name (the ustar name field; no prefix, no extension headers). */
    public static final int TAR_PATH_BYTES = 100;
    /** Pinned root keys in the trust store, and keys (admitted + revoked) in an admission record. */
    public static final int TRUST_KEYS = 64;
    /** A PEM or OpenSSH key file. */
    public static final int KEY_FILE_BYTES = 8 * 1024;
    /**
     * A slot image (full artifact, or a delta's target): the largest the formats accept and the
     * engine writes. The slot device's own size is checked too, at apply time.
     */
    public static final long SLOT_IMAGE_BYTES = 2L * 1024 * 1024 * 1024;
    /** Artifacts in a release manifest, entries in a feed, bundles in a system set. */
    public static final int ARTIFACTS = 8;
    public static final int FEED_ENTRIES = 256;
    public static final int BUNDLES = 64;
    /** Authoring inputs of the host tools (stable.json, system-set metadata). */
    public static final int AUTHORING_BYTES = 64 * 1024;


    // ---- engine ----
    /** One history line (JSON), including its newline. */
    public static final int HISTORY_LINE_BYTES = 4 * 1024;
    /** The whole history log; a device appends a few lines per update. */
    public static final long HISTORY_LOG_BYTES = 16L * 1024 * 1024;
    /** {@code domain.json}, receipts, snapshot and host-status records. */
    public static final int RECORD_BYTES = 16 * 1024;
    /** {@code host/host-id}: printable ASCII, no slash. */
    public static final int HOST_ID_CHARS = 64;
    /**
     * An {@code .nxdelta} file: the applier holds it whole, to check its signed digest before any
     * of it is parsed. A release whose delta would be larger ships its full image instead.
     */
    public static final long DELTA_BYTES = 32L * 1024 * 1024;
    /** Operations in one {@code .nxdelta}. */
    public static final long DELTA_MAX_OPS = 1L << 22;
    /** Bytes of data one LITERAL or ADD operation may carry (the applier streams them, this bounds a corrupt length). */
    public static final long DELTA_MAX_LITERAL_BYTES = 64L * 1024 * 1024;
    /** Any one input copied into quarantine/. */
    public static final long QUARANTINE_INPUT_BYTES = 64L * 1024 * 1024;


    /** Throws {@link Code#HOST_INPUT_OVERSIZE} when {@code actual > limit}. */
    public static void check(String what, long actual, long limit) {
        if (actual > limit) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE,
                    what + " is " + actual + " bytes/items, over the bound of " + limit);
        }
    }
}
