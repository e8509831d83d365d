package io.trialboot.image;

/**
 * The guest's JDK: the one home of which Debian JDK package the slots carry and where it lies in the
 * slot's root. Nothing else names the JDK's directory. The slot's scripts start {@code java} through
 * {@link #COMMAND}, a link {@link SquashfsSlotBuilder} makes to {@link #JAVA}; the harness learns
 * {@link #LIBJVM} from {@code guest.properties} ({@link GuestProperties}). Another JDK is one change
 * here: Debian puts {@code openjdk-N-jre-headless} in {@code /usr/lib/jvm/java-N-openjdk-riscv64}, and
 * the slot build refuses unpacked packages without {@link #JAVA} there.
 */
final class GuestJdk {
    /** The JDK's feature release, the N of its Debian package. */
    static final int FEATURE = 21;
    /** The Debian package the slot root's JDK is unpacked from. */
    static final String PACKAGE = "openjdk-" + FEATURE + "-jre-headless";
    /** Where {@link #PACKAGE} puts the JDK, relative to the slot's root (Debian's {@code JAVA_HOME}). */
    static final String HOME = "usr/lib/jvm/java-" + FEATURE + "-openjdk-riscv64";
    /** The JDK's launcher, relative to the slot's root. */
    static final String JAVA = HOME + "/bin/java";
    /** The JVM's shared library, which every start of {@link #JAVA} loads, relative to the slot's root. */
    static final String LIBJVM = HOME + "/lib/server/libjvm.so";
    /**
     * How the slot's scripts and the person at the console start {@link #JAVA}, relative to the
     * slot's root: a symbolic link to it (the launcher finds its JDK from its resolved path).
     */
    static final String COMMAND = "usr/bin/java";

    private GuestJdk() {}
}
