# trialboot stage 0: loading the kernel modules (docs/verified-boot.md#costs). busybox sh, sourced
# by /init and by the host tests (guest-image/src/test). A load order file names one module a line
# (MODULES_DIR/<name>.ko), dependencies first; the image build writes them (Initramfs).
#
# One module after another, in the foreground: the guest has one hart, so a second stream in a
# background job only took turns with the first (docs/verified-boot.md#costs). Every insmod's
# status is checked: a module that does not load stops the boot by name.
: "${MODULES_DIR:?must be set before sourcing modules.sh}"

# modules_load ORDER...: loads each ORDER's modules one after another, the ORDERs in turn. Returns
# 1 with MODULE_FAILED, the first module that did not load; nothing after it is loaded.
modules_load() {
    for md_order in "$@"; do
        while read -r md_name; do
            [ -n "$md_name" ] || continue
            insmod "$MODULES_DIR/$md_name.ko" || { MODULE_FAILED=$md_name; return 1; }
        done < "$md_order"
    done
}
