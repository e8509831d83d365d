package io.trialboot.guest;

import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.markers.Marker;
import io.trialboot.update.HealthGate;
import io.trialboot.update.UpdateEngine;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * The guest's service JVM, started by the slot's init: {@link Guest} (bootctld, bundlemgrd,
 * updated, the bundles, healthd, the selftest), then the console. A failure before the console is
 * up exits non-zero with one line naming its code (never a stack trace): {@link #EXIT_RETRY} makes init
 * reboot (stage 0 counts the try of a trial slot), {@link #EXIT_HARD_FAILURE} makes it leave a shell.
 */
public final class GuestMain {
    /**
     * Exit status: the slot could not start; init reboots. Stage 0 counts the try of a trial slot, or
     * the start of the active slot (an I/O error reading its files) and gives it up after
     * {@code BootControlFile.MAX_FAILED_STARTS}. Init reboots on any status but 0 and
     * {@link #EXIT_HARD_FAILURE}.
     */
    public static final int EXIT_RETRY = 1;
    /**
     * Exit status: the active (confirmed) slot cannot start although its files read (no trust, or a
     * system set that does not verify); init leaves a shell for a person instead of rebooting. The
     * image build renders it into the slot's init (SlotScripts), which acts on it.
     */
    public static final int EXIT_HARD_FAILURE = 3;
    /**
     * System property: {@code true} runs every start-up step and bundle start on the main thread, in
     * order. Only for the image build's training boot (ClassArchive): the classes a boot loads then
     * do not depend on how threads interleave, so the class archive is the same in every build.
     */
    public static final String SERIAL_START = "trialboot.serialStart";
    private static final boolean SERIAL = Boolean.getBoolean(SERIAL_START);

    private GuestMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream console = System.out;
        GuestPaths paths = GuestPaths.guest();
        // The trust and the system set's reading begin first, on their own threads, beside the tree's opening
        // (or here, in order, for the training boot: execute).
        Startup startup = Startup.begin(paths, new Workers());
        int status;
        try {
            HostStateTree tree = HostStateTree.open(paths.state());
            UpdateEngine engine = new UpdateEngine(tree, paths.slotDevices(), Clock.systemUTC(),
                    startup.bundlemgrd().buildId()); // receipts and host status name the build: the slot's release
            try (Guest guest = new Guest(paths, tree, engine, Power.guest(), console, KernelCmdline.read(paths.cmdline()),
                    bound -> probes -> HealthGate.allOf(probes, bound), startup)) {
                status = guest.start();
                if (status == 0) {
                    new NxConsole(new NxClient(paths.socket()), console).run(System.in);
                }
            }
        } catch (TrialbootException e) {
            console.println(Marker.GUEST_SERVICES_FAILED.line(e.code().name(), Marker.oneLine(e.detail())));
            status = EXIT_RETRY;
        } catch (RuntimeException e) {
            // One line, not a stack trace: contracts forbid Java exception banners on the console.
            console.println(Marker.GUEST_SERVICES_CRASHED.line(Marker.oneLine(e.toString())));
            status = EXIT_RETRY;
        }
        console.flush();
        System.exit(status);
    }

    /**
     * The start-up's executor: a daemon thread per task, or the caller's thread in the training boot.
     * A class, not a lambda or method reference: the JVM links the boot's first lambda by starting
     * {@code java.lang.invoke} (0.07 s of CPU in the QEMU-free lab, docs/benchmarks.md, "Boot"), and
     * the start-up's threads begin before that, so the main thread's linking overlaps their reading.
     */
    private static final class Workers implements Executor {
        @Override
        public void execute(Runnable r) {
            if (SERIAL) {
                r.run();
                return;
            }
            Thread t = new Thread(r, "guest-worker");
            t.setDaemon(true);
            t.start();
        }
    }

}
