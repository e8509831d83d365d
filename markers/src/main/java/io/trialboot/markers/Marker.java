package io.trialboot.markers;

/**
 * The catalog: the one home for every marker text (SPEC §6). Emitters print {@link #line}, the
 * harness and the CI gate match the same templates through contracts, so they cannot drift.
 *
 * <p>A template is the exact console line with typed placeholders: {@code <slot>} (a|b),
 * {@code <kind>} (full|delta), {@code <mode>} (normal|trial|fallback|recovery), {@code <int>}
 * (0|[1-9][0-9]*), {@code <ver>} (MAJOR.MINOR.PATCH), {@code <code>} ([A-Z][A-Z0-9_]*),
 * {@code <word>} (no whitespace) and {@code <text>} (anything on one line).
 *
 * <p>This class is loaded by the guest to print markers: it deliberately depends on nothing but
 * {@link MarkerTemplate} and {@link PlaceholderType} (no regex, no contract classes).
 */
public enum Marker {
    /** Printed by stage 0 right before {@code switch_root}; {@code boot} counts boots, this one included. */
    STAGE0_BOOT("stage0: boot slot=<slot> mode=<mode> tries_left=<int> boot=<int>"),
    /**
     * Stage 0 did not boot the slot: its chain did not verify, or its dm-verity mapping failed
     * (docs/verified-boot.md). A trial counts a failed try; an active slot falls back to the other.
     */
    STAGE0_SLOT_REFUSED("stage0: slot <slot> refused code=<code>"),
    /*
     * Stage 0's other lines, rendered into /init like its fatal ones (Initramfs.LINES). The uptimes are
     * the kernel's, in seconds (docs/verified-boot.md#costs, scripts/bench-boot).
     */
    /** Every boot's modules loaded and the state partition mounted: the uptime before and after. */
    STAGE0_MODULES_LOADED("stage0: modules loaded and state mounted, uptime <word> -> <word> s"),
    /** The slot's chain verified and its dm-verity mapping mounted: the uptime before and after. */
    STAGE0_SLOT_MAPPED("stage0: slot <slot> verified and mapped, uptime <word> -> <word> s"),
    /** Why stage 0 refuses or gives up the slot (verify.sh's reason, or the start loop's); STAGE0_SLOT_REFUSED follows. */
    STAGE0_REFUSAL_WHY("stage0: slot <slot>: <text>"),
    /** The refusal note for bootctld's history (its path) could not be written: the history will lack the refusal. */
    STAGE0_REFUSAL_UNWRITTEN("stage0: WARNING could not write <word>"),
    /** The boot-control file could not be written (a full state partition): the boot goes on, its count and decision unrecorded. */
    STAGE0_BOOT_CONTROL_UNWRITTEN("stage0: WARNING could not write the boot-control file"),
    /** Why stage 0 did not take the boot-control file as it stands (bootselect.sh's reason): it boots in recovery. */
    STAGE0_BOOT_CONTROL_ERROR("stage0: boot-control: <text>"),
    /*
     * Stage 0's fatal lines (the image build renders each into /init from printfFormat(), with the shell's
     * variables or the build's values). The first six reboot; the last three power off: no slot can boot.
     */
    /** A kernel module did not load (its name, or why none could be named); before any boot-control write. */
    STAGE0_FATAL_MODULE("stage0: FATAL cannot load kernel module <text>"),
    /** The guest's disk (its partitions' devices, the placeholder) did not appear. */
    STAGE0_FATAL_NO_DISK("stage0: FATAL no disk with partitions <word> after 10 s"),
    /** The state partition (its device) did not mount. */
    STAGE0_FATAL_STATE("stage0: FATAL cannot mount the state partition <word>"),
    /** A file system stage 0 gives the slot (its mount point in the slot) did not mount. */
    STAGE0_FATAL_MOUNT("stage0: FATAL cannot mount <word>"),
    /** The anchored roots and the verdict could not be handed to the slot. */
    STAGE0_FATAL_HANDOVER("stage0: FATAL cannot hand over the anchored roots"),
    /** A mount (the placeholder) could not be moved into the slot about to boot. */
    STAGE0_FATAL_MOVE("stage0: FATAL cannot move <word> into slot <slot>"),
    /** The slot refused or given up was the last one that verified: stage 0 powers off. */
    STAGE0_FATAL_NO_OTHER_SLOT("stage0: FATAL no other verified slot to boot"),
    /** The admission record does not verify from the initramfs' roots: no slot can be checked; power off. */
    STAGE0_FATAL_CHAIN("stage0: FATAL the admission record does not verify from the anchored roots"),
    /** The fallback slot was refused too: power off. */
    STAGE0_FATAL_NO_SLOT("stage0: FATAL no slot verifies"),
    /**
     * A root in the state partition's mirror ({@code host/trusted-roots/<file>}) that the boot
     * chain's anchor lacks, or no key at all: refused, never used.
     */
    TRUST_ROOT_REFUSED("trust: mirror root <word> refused code=<code>"),
    /** Why that mirror root was refused (the file, then {@code RootMirror.Refusal#why}); printed after TRUST_ROOT_REFUSED. */
    TRUST_ROOT_REFUSED_WHY("trust: mirror root <word>: <text>"),
    /*
     * What stage 0's verdict did for the trust in force: the record it verified, its digest and the root that
     * admitted it, the slot and its dm-verity root hash (both digests' first 12 hex digits).
     */
    /** The record in force is the one stage 0 verified: the guest takes it without checking its signature again. */
    TRUST_VERDICT_TAKEN("trust: taken on stage 0's verdict: <word> sha256 <word> root <word>, slot <slot> verity root <word>"),
    /** Stage 0 verified another record than the one in force (e.g. the factory's after nx admit): checked here. */
    TRUST_VERDICT_NOT_IN_FORCE("trust: stage 0's verdict (<word> sha256 <word> root <word>, slot <slot> verity root"
            + " <word>) is not for the record in force: its signature is checked here"),
    /** Stage 0's verdict could not be read (the failure's code and message): every signature is checked here. */
    TRUST_VERDICT_UNUSED("trust: stage 0's verdict not used (<code>: <text>): every signature is checked here"),
    BOOTCTLD_READY("bootctld: ready"),
    /** bootctld recorded the rollback stage 0 performed when a trial slot ran out of tries. */
    BOOTCTLD_FALLBACK("bootctld: fallback from slot <slot> recorded"),
    /**
     * bootctld could not record this boot (a full state partition, a history it cannot read): the failure's
     * message (its code first) and the code; the boot goes on, and every update fails with that code until repaired.
     */
    BOOTCTLD_BOOT_UNRECORDED("bootctld: WARNING this boot is not recorded: <text> (what to do: docs/operator-guide.md, <code>)"),
    /** Stage 0's count of failed starts could not be cleared as the guest came up (the failure's message). */
    BOOTCTLD_STARTS_UNCLEARED("bootctld: WARNING the failed-starts count is not cleared: <text>"),
    BUNDLEMGRD_SLOT_ACTIVE("bundlemgrd: slot <slot> active"),
    /** The booted slot's system set failed verification: the slot is not published. */
    BUNDLEMGRD_REJECTED("bundlemgrd: system set rejected code=<code>"),
    /** Why the system set was rejected (the failure's code and message); BUNDLEMGRD_REJECTED follows. */
    BUNDLEMGRD_REJECTED_WHY("bundlemgrd: <code>: <text>"),
    /** A bundle's service called its readiness callback. */
    BUNDLE_READY("bundle <word>: ready"),
    /** A bundle's service failed to load or start (its class threw). */
    BUNDLE_FAILED("bundle <word>: failed code=<code>"),
    /** Why that bundle failed (the bundle, the code and what failed); BUNDLE_FAILED follows. */
    BUNDLE_FAILED_WHY("bundle <word>: <code>: <text>"),
    UPDATED_READY("updated: ready"),
    /** updated's audit of one request: the request as it came (control characters escaped) and its reply's code. */
    UPDATED_AUDIT("updated: <text> -> <code>"),
    /** updated could not accept a client, or a client's connection failed (which, and the exception). */
    UPDATED_RPC_FAILED("updated: rpc <word> failed: <text>"),
    UPDATES_FEED_LOADED("updates: feed loaded items=<int>"),
    UPDATE_MANIFEST_OK("update: manifest ok ver=<ver> signer=<word>"),
    UPDATE_APPLY_OK("update: apply ok slot=<slot> kind=<kind>"),
    UPDATE_AWAIT_CONFIRM("update: await confirm"),
    /** Applying to the inactive slot failed; the slot stays invalid, the active slot is untouched. */
    UPDATE_APPLY_FAILED("update: apply failed code=<code> slot=<slot>"),
    /** A confirm asked for with {@code nx confirm} (healthd's own confirm prints HEALTH_TRIAL_OK). */
    UPDATE_CONFIRMED("update: confirmed slot=<slot> ver=<ver>"),
    /** A rollback asked for with {@code nx rollback}: the slot the next boot uses. */
    UPDATE_ROLLED_BACK("update: rollback -> slot <slot>"),
    /** One per rejected input: the reason code and the input (a pkg:// path or file name). */
    UPDATE_REJECTED("update: rejected code=<code> input=<word>"),
    /**
     * Why an update operation failed: the failure's code and message (a refused input's, a denied
     * release's, a failed apply's); UPDATE_REJECTED or UPDATE_APPLY_FAILED follows.
     */
    UPDATE_WHY("update: <code>: <text>"),
    /** {@code nx admit} applied a root-signed decision: its outcome, its sequence and the domain's state after it. */
    ADMISSION_APPLIED("admission: <word> seq=<int> domain=<word>"),
    /** Why {@code nx admit} refused an input: the failure's code and message; ADMISSION_REJECTED follows. */
    ADMISSION_REJECTED_WHY("admission: <code>: <text>"),
    /** {@code nx admit} refused an input (quarantined, the history has it): the code and the input. */
    ADMISSION_REJECTED("admission: REJECTED code=<code> input=<word>"),
    /** healthd's verdict on a normal boot: {@code HealthVerdict.summary()}, the code, time waited and the probes. */
    HEALTHD_VERDICT("healthd: slot <slot>: <text>"),
    /** The same on a trial boot, which it decides: HEALTH_TRIAL_OK or HEALTH_FAIL_ROLLBACK follows. */
    HEALTHD_TRIAL_VERDICT("healthd: slot <slot> (trial): <text>"),
    /** healthd could not act on a trial's verdict (the engine refused it: its code and message); no reboot. */
    HEALTHD_NO_DECISION("healthd: no decision: <code>: <text>"),
    HEALTH_TRIAL_OK("health: trial ok -> confirm"),
    INIT_HEALTH_OK("init: health ok (slot <slot>)"),
    HEALTH_FAIL_ROLLBACK("health: fail -> rollback"),
    /**
     * A confirm or rollback took effect in boot control, but the history did not take its lines: the
     * service (healthd, or update for nx confirm and nx rollback), the lines not written with the
     * failure's message (which starts with its code), and the code (docs/reliability.md, a verdict on a
     * damaged history). Printed before the verdict's marker.
     */
    VERDICT_UNRECORDED("<word>: WARNING not recorded: <text> (boot control has it; the first boot that can write the"
            + " history records it, marked recovered; what to do: docs/operator-guide.md, <code>)"),
    /**
     * The reboot's history line could not be written (a full partition, a damaged log): who reboots (healthd,
     * nx: the line's {@code by}), the failure's message (which starts with its code) and the code; it reboots anyway.
     */
    REBOOT_UNRECORDED("<word>: WARNING the reboot is not recorded: <text> (rebooting anyway; what to do:"
            + " docs/operator-guide.md, <code>)"),
    /** One history line as the selftest and {@code nx history} show it: sequence number, event, fields. */
    HISTORY_ENTRY("history: #<int> <word> <text>"),
    /** The selftest's next step ({@code install_next}, {@code report_rollback}, {@code fail}) and why; a failure's SELFTEST_FAIL follows. */
    SELFTEST_STEP("selftest: <word>: <text>"),
    SELFTEST_OTA_STAGE_OK("SELFTEST: ota stage ok"),
    SELFTEST_OTA_SWITCH_OK("SELFTEST: ota switch ok"),
    SELFTEST_UPDATE_APPLY_OK("SELFTEST: update apply ok"),
    SELFTEST_UPDATE_CONFIRM_OK("SELFTEST: update confirm ok"),
    SELFTEST_UPDATE_ROLLBACK_OK("SELFTEST: update rollback ok"),
    SELFTEST_OTA_ROLLBACK_OK("SELFTEST: ota rollback ok"),
    /** A selftest step failed; contracts list it as forbidden. */
    SELFTEST_FAIL("SELFTEST: <text> FAIL"),
    /** The guest's console shell is ready for commands (printed just before its first prompt). */
    GUEST_SHELL_READY("nx: console ready"),
    /**
     * The active (confirmed) slot cannot start although its files read: its system set or the trust
     * does not verify. The guest exits with its hard-failure status (the slot's init then prints
     * SLOT_INIT_HARD_FAILURE and leaves a shell); the text is the failure's code and message.
     */
    GUEST_HARD_FAILURE("guest: HARD FAILURE: the active slot <slot> cannot start (<code>: <text>); rebooting cannot help"),
    /**
     * The guest could not load its trust (the anchored roots, the admission record): the text is the
     * failure's message, which starts with its code. GUEST_TRIAL_CANNOT_START or GUEST_HARD_FAILURE follows.
     */
    GUEST_NO_TRUST("guest: no trust: <text>"),
    /**
     * The trial slot cannot start (no trust, or a system set that does not verify): the guest exits with
     * its retry status, the slot's init reboots, and stage 0 counts the try until it falls back.
     */
    GUEST_TRIAL_CANNOT_START("guest: trial slot <slot> cannot start (<code>): rebooting, stage 0 counts the try"),
    /**
     * The active slot's own files could not be read (dm-verity refuses a corrupt block with EIO): the
     * guest exits with its retry status, and stage 0's failed-starts count bounds the reboots.
     */
    GUEST_ACTIVE_UNREADABLE("guest: the active slot <slot> cannot be read (<code>: <text>): rebooting, stage 0 counts the start"),
    /** The guest's services could not be set up (the failure's code and message): the JVM exits with its retry status. */
    GUEST_SERVICES_FAILED("guest: services failed: <code>: <text>"),
    /** The same for a failure without a code (a bug, an unexpected exception: the exception); one line, no stack trace. */
    GUEST_SERVICES_CRASHED("guest: services failed unexpectedly: <text>"),
    /*
     * The slot's init (a shell script: the image build renders these lines into it from printfFormat(),
     * with the exit status's variable or value for <int>).
     */
    /** The slot's init could not mount the update media's device (the placeholder): nx feed and update fail. */
    SLOT_INIT_NO_MEDIA("trialboot-init: cannot mount the update media <word> (nx feed and nx update will fail)"),
    /** The guest's JVM exited 0 ({@code exit} at its console): the slot's init starts a shell. */
    SLOT_INIT_STOPPED("trialboot-init: guest services stopped; starting a shell (exit or 'reboot -f' to restart)"),
    /**
     * The guest's JVM exited with its hard-failure status (the active, confirmed slot cannot start although
     * its files read): the slot's init leaves a shell for a person instead of rebooting.
     */
    SLOT_INIT_HARD_FAILURE("trialboot-init: HARD FAILURE of the active slot (exit <int>); starting a shell, not rebooting"),
    /** The guest's JVM exited with any other status: the slot's init reboots, so stage 0 counts the try or start. */
    SLOT_INIT_FAILED("trialboot-init: guest services failed (exit <int>), rebooting");

    private final MarkerTemplate template;

    Marker(String template) {
        this.template = new MarkerTemplate(template);
    }

    /** The raw text with {@code <type>} placeholders, e.g. {@code bundlemgrd: slot <slot> active}. */
    public String template() {
        return template.text();
    }

    /**
     * The template as a {@code printf} format, each placeholder a {@code %s} and a literal
     * {@code %} doubled: for emitters that cannot call Java, such as the stage-0 shell script the
     * image builder renders ({@code printf 'stage0: boot slot=%s ...\n' "$BOOT_SLOT" ...}).
     */
    public String printfFormat() {
        return template.printfFormat();
    }

    /**
     * A free text (an exception's message, which may quote what an input said) as one {@code <text>}
     * value: each line break a space, as a break would make {@link #line} throw instead of printing,
     * and every other control character (C0, DEL, C1, the Unicode line and paragraph separators)
     * written {@code \xNN} or {@code \}{@code uNNNN}, so no text reaches the console as a terminal's
     * command. A text without them is returned as it is.
     */
    public static String oneLine(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (!control) {
                if (sb != null) {
                    sb.append(c);
                }
            } else if (c == '\n' || c == '\r') {
                sb.append(' ');
            } else {
                sb.append(c < 0x100 ? "\\x" : "\\u");
                for (int shift = c < 0x100 ? 4 : 12; shift >= 0; shift -= 4) {
                    sb.append(Character.forDigit((c >> shift) & 0xf, 16));
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** How many values {@link #line} takes. */
    public int placeholderCount() {
        return template.count();
    }

    /**
     * The exact console line with {@code values} (rendered with {@code String.valueOf}) in place of
     * the placeholders, in order.
     *
     * @throws IllegalArgumentException when the number of values is wrong or a value is not of its
     *     placeholder's type
     */
    public String line(Object... values) {
        return template.line(name(), values);
    }

    /** The type of placeholder {@code k} (0-based), for the contract parser. */
    PlaceholderType type(int k) {
        return template.type(k);
    }

    /** The literal text before placeholder {@code k}, or after the last one when {@code k == count}. */
    String literal(int k) {
        return template.literal(k);
    }
}
