package io.trialboot.harness;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that boots the guest: a {@link QemuVm} parameter gets a VM booted
 * for that test by {@link QemuVmExtension}. On a method it replaces the class's annotation as a whole
 * (unset attributes take their defaults, not the class's values).
 *
 * <pre>{@code
 * @QemuTest(append = "trialboot.selftest=ota")
 * class OtaCycleIT {
 *     @Test
 *     void updatesConfirmsAndRollsBack(QemuVm vm) {
 *         vm.await(Contract.builtIn("ota-cycle"));
 *     }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(QemuVmExtension.class)
public @interface QemuTest {
    /** Appended to the image's kernel command line, e.g. {@code trialboot.selftest=ota}. */
    String append() default "";

    /** QEMU {@code -m}. */
    String memory() default "1G";

    /** QEMU {@code -smp}; 0, the default, leaves it to the harness ({@link VmConfig#DEFAULT_HARTS}, {@code -Dtrialboot.smp}). */
    int smp() default 0;

    /** Attach the image's update media (read-only {@code media0}) when the image has one. */
    boolean media() default true;

    /** Add the PCIe root port {@code hp0} for hot-plugging media through QMP. */
    boolean hotplugPort() default false;

    /** Further QEMU arguments, appended last. */
    String[] qemuArgs() default {};

    /**
     * One VM for the whole class instead of one per test (class annotation only): its tests run on
     * it one after another, in {@code @TestMethodOrder} order, and each await continues where the
     * previous test's stopped. Run directory {@code <runs>/<TestClass>/}; the overlay is kept when any
     * test of the class failed.
     */
    boolean perClass() default false;

    /**
     * Run QEMU inside a container of the locally built second-QEMU image (Debian trixie's QEMU)
     * instead of the host's: same console, QMP and power cuts. Skipped, with the reason printed,
     * where no Docker engine is usable or the image cannot be built.
     */
    boolean container() default false;

    /**
     * Where the VM starts: a cold boot of the factory image (the default), the factory image at
     * its first prompt, restored from the snapshot cache ({@link SnapshotRecipe#FACTORY_AT_CONSOLE};
     * on a miss the cold boot and its first-boot contract run here and the state is saved), or
     * nowhere yet: the test's first {@link QemuVm#reach} powers it on in the state it names.
     */
    Start start() default Start.COLD_BOOT;

    /** Where a {@link QemuTest}'s VM starts. */
    enum Start {
        /** The factory image, powered on: the test sees the whole first boot. */
        COLD_BOOT,
        /** The factory image after its first boot, at the console's prompt (docs/testing.md, "Snapshots"). */
        FACTORY_AT_CONSOLE,
        /**
         * No QEMU yet: the test's first {@link QemuVm#reach} starts one, so a
         * test whose state of its own is cached restores it at once, not the factory state first.
         */
        FIRST_REACH
    }
}
