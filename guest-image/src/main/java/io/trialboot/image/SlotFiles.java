package io.trialboot.image;

import io.trialboot.guest.GuestPaths;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the image build puts the trialboot files in a slot, relative to the slot's root. The files
 * the guest services read are where the guest looks for them ({@link GuestPaths#guest()}, their one
 * home); the ones the slot's scripts read ({@link #CLASSPATH}, {@link #JVM_OPTIONS}) are rendered
 * into them ({@link SlotScripts}). The class archive and the compile commands are
 * {@link ClassArchive#ARCHIVE} and {@link GuestJit#COMMANDS}.
 */
final class SlotFiles {
    /** The release file: {@code NAME=} and {@code VERSION=} lines. */
    static final String RELEASE = inSlot(GuestPaths.guest().release());
    /** The release's signed system set. */
    static final String SYSTEM_SET = inSlot(GuestPaths.guest().systemSet());
    /** The directory of {@link #SYSTEM_SET}, which a release changes whole. */
    static final String SYSTEM_DIR = inSlot(GuestPaths.guest().systemSet().getParent());
    /** The guest's jars. */
    static final String LIB = "opt/trialboot/lib";
    /** The guest JVM's class path: one line, the jars in {@link #LIB} as absolute paths joined by {@code :}. */
    static final String CLASSPATH = "opt/trialboot/classpath";
    /** The guest JVM's options: one line, split at blanks. */
    static final String JVM_OPTIONS = "opt/trialboot/jvm.options";
    /** The guest's host name: {@code /etc/hostname}, and what the slot's init sets. */
    static final String HOSTNAME = "trialboot";
    /**
     * The empty directories of the slot's root where stage 0 and the slot's init mount or move
     * things: the state partition and the update media where the guest services read them
     * ({@link GuestPaths#guest()}), the kernel's file systems, {@code /run}, {@code /tmp}.
     */
    static final List<String> MOUNT_POINTS = List.of("dev", "proc", "sys", inSlot(GuestPaths.guest().state()),
            "run", "tmp", inSlot(GuestPaths.guest().media()));

    private SlotFiles() {}

    /** An absolute path in the guest as a path relative to the slot's root. */
    static String inSlot(Path guestPath) {
        if (!guestPath.isAbsolute()) {
            throw new IllegalArgumentException("not a path from the guest's root: " + guestPath);
        }
        return guestPath.getRoot().relativize(guestPath).toString();
    }
}
