# trialboot stage 0: loading the kernel modules (docs/verified-boot.md#costs). busybox sh, sourced
# by /init and by the host tests (guest-image/src/test). A load order file names one module a line
# (MODULES_DIR/<name>.ko), dependencies first; the image build writes them (Initramfs), with
# MODULES_DIR/modules.dep for modprobe and MODULES_DIR/<kernel release> a link to MODULES_DIR itself
# (modprobe looks in /lib/modules/<release>).
#
# One modprobe loads them all, in the order given: an insmod a module was a process each, and a
# process costs the one hart a few milliseconds under emulation. Whether each module loaded is read
# from MODULES_SYS (/sys/module), not taken from modprobe's status: a module that is not loaded
# stops the boot by name.
: "${MODULES_DIR:?must be set before sourcing modules.sh}"
MODULES_SYS=${MODULES_SYS:-/sys/module}

# modules_load ORDER...: loads the ORDERs' modules, the ORDERs in turn. Returns 1 with
# MODULE_FAILED, the first module of them that is not loaded afterwards.
modules_load() {
    md_names=
    for md_order in "$@"; do
        while read -r md_name; do
            [ -z "$md_name" ] || md_names="$md_names $md_name"
        done < "$md_order" || { MODULE_FAILED="(none: cannot read $md_order)"; return 1; }
    done
    [ -z "$md_names" ] || modprobe -a $md_names
    for md_name in $md_names; do
        # /sys/module names a module with underscores for its dashes.
        [ -d "$MODULES_SYS/${md_name//-/_}" ] || { MODULE_FAILED=$md_name; return 1; }
    done
}
