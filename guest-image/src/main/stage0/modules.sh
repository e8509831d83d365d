# trialboot stage 0: loading the kernel modules (docs/verified-boot.md#costs). busybox sh, sourced
# by /init and by the host tests (guest-image/src/test). A load order file names one module a line
# (MODULES_DIR/<name>.ko), dependencies first; the image build writes them (Initramfs).
#
# Loading takes seconds under emulation and the guest has two harts, so /init loads what it needs
# for the state partition (virtio, ext4) itself while a background job loads the rest (squashfs,
# dm-verity, entropy, USB media), and waits for that job before it writes anything on /state
# (only the admission record's signature check, verify.sh's verify_begin, reads it before). The
# two orders share no module and no dependency (the build checks it), so they never race. Every
# insmod's status is checked: a module that does not load stops the boot by name.
: "${MODULES_DIR:?must be set before sourcing modules.sh}"

# modules_load ORDER: loads ORDER's modules one after another. Returns 1 with MODULE_FAILED, the
# first module that did not load.
modules_load() {
    while read -r md_name; do
        [ -n "$md_name" ] || continue
        insmod "$MODULES_DIR/$md_name.ko" || { MODULE_FAILED=$md_name; return 1; }
    done < "$1"
}

# modules_start ORDER...: loads the ORDER files one after another in a background job, stopping at
# the first module that does not load (named in MODULES_DIR/failed, which no boot finds before:
# the initramfs is unpacked afresh).
modules_start() {
    (
        for md_order in "$@"; do
            modules_load "$md_order" || { echo "$MODULE_FAILED" > "$MODULES_DIR/failed"; exit 1; }
        done
    ) &
    MODULES_JOB=$!
}

# modules_wait: waits for modules_start's job. Returns 1 with MODULE_FAILED when a module did not
# load, or when the job ended otherwise than by loading them all.
modules_wait() {
    md_job=$MODULES_JOB
    MODULES_JOB=
    [ -n "$md_job" ] || return 0
    wait "$md_job" && return 0
    md_status=$?
    MODULE_FAILED="(none named: the loading job ended with status $md_status)"
    [ -f "$MODULES_DIR/failed" ] && read -r MODULE_FAILED < "$MODULES_DIR/failed"
    return 1
}
