package io.trialboot.guest;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.BootRecord;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import io.trialboot.update.UnrecordedBoot;
import io.trialboot.update.UpdateEngine;
import java.io.PrintStream;
import java.util.Optional;

/**
 * bootctld: owns the boot-control state. At start it records what stage 0 decided for this boot
 * through {@link UpdateEngine#onBoot()} (the boot in the history; a stage-0 fallback from a trial
 * slot that ran out of tries as a rollback, that slot marked bad) and only then reports ready.
 */
final class Bootctld {
    private final UpdateEngine engine;
    private volatile BootRecord boot;

    Bootctld(UpdateEngine engine) {
        this.engine = engine;
    }

    void start(PrintStream console) {
        BootRecord r;
        synchronized (engine) {
            if (engine.bootControl().read().booted().isEmpty()) {
                throw new TrialbootException(Code.MALFORMED_INPUT,
                        "boot-control file names no booted slot: stage 0 did not record this boot");
            }
            r = recordOrRunUnrecorded(console);
        }
        boot = r;
        r.fellBackFrom().ifPresent(bad -> console.println(Marker.BOOTCTLD_FALLBACK.line(bad.letter())));
        console.println(Marker.BOOTCTLD_READY.line());
    }

    /**
     * Records the boot. When the state partition cannot take it ({@code HOST_IO_ERROR}: full or
     * failing) or the history cannot be read ({@link UnrecordedBoot}: {@code LOG_TORN},
     * {@code LOG_CHAIN_BROKEN}, ...), runs this boot unrecorded and says so in one line naming the
     * code and where the repair is, rather than failing the services and rebooting into the same
     * state for ever (stage 0 would give up on the slot, then on the other, which reads the same
     * log): the console stays reachable for the repair, and every update fails with the same code
     * until it is done (docs/operator-guide.md, the code's row).
     */
    private BootRecord recordOrRunUnrecorded(PrintStream console) {
        try {
            return engine.onBoot();
        } catch (UnrecordedBoot e) {
            warnUnrecorded(console, e);
            return e.boot();
        } catch (TrialbootException e) {
            if (e.code() != Code.HOST_IO_ERROR) {
                throw e;
            }
            // Boot control itself could not be written: this boot as stage 0 left it.
            BootControlFile f = engine.bootControl().read();
            Slot running = BootControl.running(f);
            warnUnrecorded(console, e);
            return new BootRecord(running, f.bootCount(), f.trial().equals(Optional.of(running)), f.triesLeft(), Optional.empty(),
                    f);
        }
    }

    private static void warnUnrecorded(PrintStream console, TrialbootException e) {
        console.println(Marker.BOOTCTLD_BOOT_UNRECORDED.line(Marker.oneLine(e.getMessage()), e.code().name()));
    }

    /**
     * The guest is up (docs/verified-boot.md#read-time-corruption): stage 0's count of failed starts
     * of the active slot goes back to 0, durably, before {@code updated: ready}. A state partition
     * that cannot take the write ({@code HOST_IO_ERROR}) is said and lived with, as for the boot record.
     */
    void cameUp(PrintStream console) {
        try {
            synchronized (engine) {
                engine.bootControl().cameUp();
            }
        } catch (TrialbootException e) {
            if (e.code() != Code.HOST_IO_ERROR) {
                throw e;
            }
            console.println(Marker.BOOTCTLD_STARTS_UNCLEARED.line(Marker.oneLine(e.getMessage())));
        }
    }

    /** This boot as stage 0 decided it (recorded at start). */
    BootRecord boot() {
        return boot;
    }

    Slot bootedSlot() {
        return boot.slot();
    }

    /** The boot-control state now (it changes with switch, confirm and rollback). */
    BootControlFile current() {
        synchronized (engine) {
            return engine.bootControl().read();
        }
    }

    /** Whether the slot running now is on trial (and healthd must decide). */
    boolean onTrial() {
        BootControlFile now = current();
        return now.trial().isPresent() && now.trial().get() == BootControl.running(now);
    }
}
