# trialboot stage 0: the boot selector (SPEC §2.3). busybox sh, sourced by /init and by the
# host tests (guest-image/src/test). Format of the file: docs/formats.md#boot-control.
#
# bootselect FILE
#   Reads the boot-control file, decides which slot to boot, and writes the decision back
#   durably (temp file, fsync, rename, fsync of the directory) BEFORE returning, so a power cut
#   after the decision can never give a trial slot an extra try. Sets:
#     BOOT_SLOT        a|b
#     BOOT_MODE        normal | trial | fallback (trial ran out of tries) | recovery (file
#                      unreadable, or the chosen slot is not bootable)
#     BOOT_TRIES_LEFT  tries left for the trial slot after this boot
#     BOOT_COUNT       boots counted so far, this one included (0 when the file is unreadable)
#     BOOT_ERROR       why recovery was chosen, empty otherwise
#     BOOT_GAVE_UP     the active slot stage 0 gave up on (SLOT_START_LOOP), empty otherwise; then
#                      BOOT_SLOT is the other slot (mode recovery), or empty when none is bootable
#   Returns 0; a failed write returns 1 after setting the variables.
#
# The start-loop bound (docs/verified-boot.md#read-time-corruption): every boot of the active slot
# adds 1 to failed_starts before it is booted; the guest sets it back to 0 once it is up
# (BootControl.cameUp). A slot found at BOOTSELECT_MAX_FAILED_STARTS (set by /init, rendered from
# BootControlFile.MAX_FAILED_STARTS) is given up: it becomes bad and the other bootable slot active.
: "${BOOTSELECT_MAX_FAILED_STARTS:?must be set before sourcing bootselect.sh}"

# The helpers set variables instead of printing for a command substitution: each one is a fork,
# and a fork costs under emulation, on the boot's critical path.

# bootselect_state_of SLOT: bs_state_of, the slot's state (empty for no slot).
bootselect_state_of() {
    case "$1" in
        a) bs_state_of=$bs_slot_a ;;
        b) bs_state_of=$bs_slot_b ;;
        *) bs_state_of= ;;
    esac
}

bootselect_bootable() {
    bootselect_state_of "$1"
    case "$bs_state_of" in
        verified|good) return 0 ;;
    esac
    return 1
}

# bootselect_other SLOT: bs_other, the other slot.
bootselect_other() {
    if [ "$1" = a ]; then bs_other=b; else bs_other=a; fi
}

bootselect_read() {
    bs_schema= bs_active= bs_slot_a= bs_slot_b= bs_trial= bs_tries_left= bs_boot_count= bs_booted= bs_fallback=
    bs_failed_starts=
    [ -f "$1" ] || { BOOT_ERROR="boot-control file missing"; return 1; }
    while IFS='=' read -r key value; do
        case "$key" in
            schema) bs_schema=$value ;;
            active) bs_active=$value ;;
            slot_a) bs_slot_a=$value ;;
            slot_b) bs_slot_b=$value ;;
            trial) bs_trial=$value ;;
            tries_left) bs_tries_left=$value ;;
            boot_count) bs_boot_count=$value ;;
            booted) bs_booted=$value ;;
            fallback) bs_fallback=$value ;;
            failed_starts) bs_failed_starts=$value ;;
            *) BOOT_ERROR="unknown key '$key'"; return 1 ;;
        esac
    done < "$1"
    # read fails on a last line without its newline and leaves it in $key: a torn file, as in Java.
    [ -z "$key" ] || { BOOT_ERROR="last line '$key=$value' has no newline"; return 1; }
    [ "$bs_schema" = "trialboot.bootctl/2" ] || { BOOT_ERROR="schema '$bs_schema'"; return 1; }
    case "$bs_active" in a|b) ;; *) BOOT_ERROR="active '$bs_active'"; return 1 ;; esac
    case "$bs_trial" in ''|a|b) ;; *) BOOT_ERROR="trial '$bs_trial'"; return 1 ;; esac
    case "$bs_tries_left" in [0-9]) ;; *) BOOT_ERROR="tries_left '$bs_tries_left'"; return 1 ;; esac
    case "$bs_boot_count" in ''|*[!0-9]*) BOOT_ERROR="boot_count '$bs_boot_count'"; return 1 ;; esac
    case "$bs_failed_starts" in [0-9]) ;; *) BOOT_ERROR="failed_starts '$bs_failed_starts'"; return 1 ;; esac
    [ "$bs_failed_starts" -le "$BOOTSELECT_MAX_FAILED_STARTS" ] \
        || { BOOT_ERROR="failed_starts '$bs_failed_starts'"; return 1; }
    for bs_state in "$bs_slot_a" "$bs_slot_b"; do
        case "$bs_state" in empty|invalid|verified|good|bad) ;; *) BOOT_ERROR="slot state '$bs_state'"; return 1 ;; esac
    done
    return 0
}

# bootselect_write FILE: FILE's directory and name by the shell's own expansions, not dirname and
# basename: a fork each under emulation, on the boot's critical path.
bootselect_write() {
    case "$1" in
        */*) bs_dir=${1%/*} ;;
        *) bs_dir=. ;;
    esac
    bs_tmp="$bs_dir/.${1##*/}.tmp"
    printf 'schema=trialboot.bootctl/2\nactive=%s\nslot_a=%s\nslot_b=%s\ntrial=%s\ntries_left=%s\nboot_count=%s\nbooted=%s\nfallback=%s\nfailed_starts=%s\n' \
        "$bs_active" "$bs_slot_a" "$bs_slot_b" "$bs_trial" "$bs_tries_left" "$bs_boot_count" "$bs_booted" "$bs_fallback" \
        "$bs_failed_starts" > "$bs_tmp" || return 1
    sync "$bs_tmp" || return 1
    mv -f "$bs_tmp" "$1" || return 1
    sync "${bs_dir:-/}" || return 1
}

bootselect_set_state() {
    case "$1" in
        a) bs_slot_a=$2 ;;
        b) bs_slot_b=$2 ;;
    esac
}

# bootselect_count_start: this boot is a start of the active slot (BOOT_SLOT). Counts it, or gives
# the slot up when it already failed BOOTSELECT_MAX_FAILED_STARTS starts in a row.
bootselect_count_start() {
    if [ "$bs_failed_starts" -lt "$BOOTSELECT_MAX_FAILED_STARTS" ]; then
        bs_failed_starts=$((bs_failed_starts + 1))
        return 0
    fi
    BOOT_GAVE_UP=$bs_active
    bootselect_other "$bs_active"
    if bootselect_bootable "$bs_other" && [ "$bs_fallback" != "$bs_other" ]; then
        bootselect_set_state "$bs_active" bad
        bs_active=$bs_other
        BOOT_SLOT=$bs_other
        BOOT_MODE=recovery
        bs_failed_starts=1
    else
        # Nothing else to boot: stage 0 stops. The next power-on (a person's) gets the full count again.
        BOOT_SLOT=
        bs_failed_starts=0
    fi
}

bootselect() {
    BOOT_ERROR= BOOT_GAVE_UP=
    if ! bootselect_read "$1"; then
        # Unreadable control file: boot the factory slot, change nothing on disk.
        BOOT_SLOT=a BOOT_MODE=recovery BOOT_TRIES_LEFT=0 BOOT_COUNT=0
        return 0
    fi
    bs_boot_count=$((bs_boot_count + 1))
    BOOT_SLOT=$bs_active
    BOOT_MODE=normal
    if [ -n "$bs_trial" ]; then
        if [ "$bs_tries_left" -gt 0 ] && bootselect_bootable "$bs_trial"; then
            bs_tries_left=$((bs_tries_left - 1))
            BOOT_SLOT=$bs_trial
            BOOT_MODE=trial
        else
            # Out of tries (crash loop) or not bootable: fall back; bootctld records why.
            bs_fallback=$bs_trial
            bs_trial=
            bs_tries_left=0
            BOOT_MODE=fallback
        fi
    fi
    if [ "$BOOT_SLOT" = "$bs_active" ] && bootselect_bootable "$BOOT_SLOT"; then
        bootselect_count_start
    fi
    if [ -z "$BOOT_SLOT" ]; then
        BOOT_TRIES_LEFT=$bs_tries_left
        BOOT_COUNT=$bs_boot_count
        bootselect_write "$1"
        return
    fi
    if ! bootselect_bootable "$BOOT_SLOT"; then
        bootselect_other "$BOOT_SLOT"
        bootselect_state_of "$BOOT_SLOT"
        BOOT_ERROR="slot $BOOT_SLOT is $bs_state_of"
        if bootselect_bootable "$bs_other"; then
            BOOT_SLOT=$bs_other
        fi
        BOOT_MODE=recovery
    fi
    bs_booted=$BOOT_SLOT
    BOOT_TRIES_LEFT=$bs_tries_left
    BOOT_COUNT=$bs_boot_count
    bootselect_write "$1"
}

# bootselect_refuse FILE SLOT
#   Stage 0 refused SLOT (it did not verify, or its mapping failed: docs/verified-boot.md). SLOT
#   becomes bad and loses a trial it had; when the other slot is bootable it becomes the active
#   slot and this boot's (BOOT_SLOT, BOOT_MODE=recovery), else BOOT_SLOT is empty. Written back
#   durably before returning. Returns 1 when the file cannot be read or written.
bootselect_refuse() {
    bootselect_read "$1" || { BOOT_SLOT=; return 1; }
    bootselect_set_state "$2" bad
    if [ "$bs_trial" = "$2" ]; then
        bs_trial=
        bs_tries_left=0
    fi
    bootselect_other "$2"
    BOOT_SLOT=
    if bootselect_bootable "$bs_other"; then
        bs_active=$bs_other
        bs_booted=$bs_other
        bs_failed_starts=1
        BOOT_SLOT=$bs_other
        BOOT_MODE=recovery
        BOOT_TRIES_LEFT=$bs_tries_left
    fi
    bootselect_write "$1"
}
