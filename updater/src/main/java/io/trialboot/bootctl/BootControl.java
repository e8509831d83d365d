package io.trialboot.bootctl;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * bootctld's operations on the boot-control file (SPEC §2.3, §4). Each reads the file, checks the
 * transition, and replaces the file through the {@link StateWriter} (durable, atomic), so a power
 * cut leaves the old or the new state. Stage 0 ({@code bootselect.sh}) is the only other writer; a
 * file changed between an operation's read and its write is {@code HOST_CONCURRENT_MODIFICATION}.
 */
public final class BootControl {
    private final Path file;
    private final StateWriter writer;

    public BootControl(Path file, StateWriter writer) {
        this.file = Objects.requireNonNull(file, "file");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    public Path file() {
        return file;
    }

    public BootControlFile read() {
        return current().file();
    }

    /** The file as read, with its bytes, so the write can tell whether stage 0 or another writer changed it since. */
    private record Read(BootControlFile file, byte[] bytes) {}

    private Read current() {
        byte[] bytes = StateFiles.read(file, Bounds.BOOT_CONTROL_BYTES, "boot-control file");
        return new Read(BootControlFile.decode(bytes), bytes);
    }

    /** Replaces the file read as {@code before}: {@code HOST_CONCURRENT_MODIFICATION} if it changed since. */
    private BootControlFile write(Read before, BootControlFile next) {
        writer.replace(file, before.bytes(), next.encode());
        return next;
    }

    /** The slot that is running now: the one stage 0 booted (the active slot before any boot was recorded). */
    public static Slot running(BootControlFile f) {
        return f.booted().orElse(f.active());
    }

    /**
     * Before the first byte of a new image: the slot becomes unbootable. Refused for the running or
     * the active slot ({@link Code#BOOTCTL_INVALID_TRANSITION}); cancels a pending trial of it.
     */
    public BootControlFile markInvalid(Slot slot) {
        Read r = current();
        BootControlFile f = r.file();
        if (slot == f.active() || slot == running(f)) {
            throw invalid("cannot invalidate slot " + slot + ": it is " + (slot == f.active() ? "active" : "running"));
        }
        boolean trialOfIt = f.trial().equals(Optional.of(slot));
        return write(r, new BootControlFile(f.active(), state(f, slot, SlotState.INVALID, Slot.A),
                state(f, slot, SlotState.INVALID, Slot.B), trialOfIt ? Optional.empty() : f.trial(),
                trialOfIt ? 0 : f.triesLeft(), f.bootCount(), f.booted(), f.fallback(), f.failedStarts()));
    }

    /** After the written image was read back with its expected digest: INVALID becomes VERIFIED. */
    public BootControlFile markVerified(Slot slot) {
        Read r = current();
        BootControlFile f = r.file();
        if (f.state(slot) != SlotState.INVALID) {
            throw invalid("slot " + slot + " is " + f.state(slot).text() + ", only an invalid (just written) slot"
                    + " becomes verified");
        }
        return write(r, f.withState(slot, SlotState.VERIFIED));
    }

    /**
     * With {@code trial}: stage 0 boots {@code slot} for at most {@code tries} boots, then falls back
     * to the active slot. Without: {@code slot} becomes the active slot (it must be GOOD).
     */
    public BootControlFile setActive(Slot slot, boolean trial, int tries) {
        Read r = current();
        BootControlFile f = r.file();
        if (!f.state(slot).bootable()) {
            throw new TrialbootException(Code.SLOT_NOT_BOOTABLE, "slot " + slot + " is " + f.state(slot).text());
        }
        if (trial) {
            if (tries < 1 || tries > 9) {
                throw new IllegalArgumentException("tries must be 1..9: " + tries);
            }
            if (slot == f.active()) {
                throw invalid("slot " + slot + " is already active; a trial is for the other slot");
            }
            return write(r, new BootControlFile(f.active(), f.slotA(), f.slotB(), Optional.of(slot), tries,
                    f.bootCount(), f.booted(), Optional.empty(), f.failedStarts()));
        }
        if (f.state(slot) != SlotState.GOOD) {
            throw new TrialbootException(Code.SLOT_NOT_BOOTABLE,
                    "slot " + slot + " is " + f.state(slot).text() + ": only a good slot is made active without a trial");
        }
        return write(r, new BootControlFile(slot, f.slotA(), f.slotB(), Optional.empty(), 0, f.bootCount(),
                f.booted(), f.fallback(), 0));
    }

    /**
     * From the trial slot, once healthy: it becomes the active slot and GOOD. Without a trial:
     * {@link Code#HOST_LEASE_EXPIRED} if stage 0 already fell back (tries ran out), otherwise
     * {@link Code#BOOTCTL_INVALID_TRANSITION}; also refused when the trial slot is not the one running.
     */
    public BootControlFile confirm() {
        Read r = current();
        BootControlFile f = r.file();
        if (f.trial().isEmpty()) {
            if (f.fallback().isPresent()) {
                throw new TrialbootException(Code.HOST_LEASE_EXPIRED,
                        "the trial of slot " + f.fallback().get() + " ran out of tries; stage 0 fell back");
            }
            throw invalid("no trial is pending");
        }
        Slot t = f.trial().get();
        if (running(f) != t) {
            throw invalid("the trial slot " + t + " is not the one running (" + running(f) + ")");
        }
        return write(r, new BootControlFile(t, state(f, t, SlotState.GOOD, Slot.A), state(f, t, SlotState.GOOD, Slot.B),
                Optional.empty(), 0, f.bootCount(), f.booted(), Optional.empty(), 0));
    }

    /** The slot failed its trial: BAD, and its trial (if pending) is cancelled. The active slot is refused. */
    public BootControlFile markBad(Slot slot) {
        Read r = current();
        BootControlFile f = r.file();
        if (slot == f.active()) {
            throw invalid("cannot mark the active slot " + slot + " bad; roll back first");
        }
        boolean trialOfIt = f.trial().equals(Optional.of(slot));
        return write(r, new BootControlFile(f.active(), state(f, slot, SlotState.BAD, Slot.A),
                state(f, slot, SlotState.BAD, Slot.B), trialOfIt ? Optional.empty() : f.trial(),
                trialOfIt ? 0 : f.triesLeft(), f.bootCount(), f.booted(), f.fallback(), f.failedStarts()));
    }

    /**
     * With a trial pending: the trial slot is marked BAD and the next boot is the active slot.
     * Without: the other slot, if GOOD, becomes active again (back to the previous release).
     * Returns the slot the next boot will use.
     */
    public Slot rollback() {
        Read r = current();
        BootControlFile f = r.file();
        if (f.trial().isPresent()) {
            markBad(f.trial().get());
            return f.active();
        }
        Slot other = f.active().other();
        if (f.state(other) != SlotState.GOOD) {
            throw new TrialbootException(Code.SLOT_NOT_BOOTABLE,
                    "nothing to roll back to: slot " + other + " is " + f.state(other).text());
        }
        write(r, new BootControlFile(other, f.slotA(), f.slotB(), Optional.empty(), 0, f.bootCount(), f.booted(),
                f.fallback(), 0));
        return other;
    }

    /**
     * bootctld at start-up: takes stage 0's note of a trial that ran out of tries (crash loop),
     * marks that slot BAD and clears the note. Returns what this boot was, with the file as this left it.
     */
    public BootRecord recordBoot() {
        Read r = current();
        BootControlFile f = r.file();
        Slot running = running(f);
        Optional<Slot> fellBack = f.fallback();
        BootControlFile after = f;
        if (fellBack.isPresent()) {
            Slot bad = fellBack.get();
            after = write(r, new BootControlFile(f.active(),
                    bad == Slot.A && bad != f.active() ? SlotState.BAD : f.slotA(),
                    bad == Slot.B && bad != f.active() ? SlotState.BAD : f.slotB(),
                    f.trial(), f.triesLeft(), f.bootCount(), f.booted(), Optional.empty(), f.failedStarts()));
        }
        boolean trial = f.trial().equals(Optional.of(running));
        return new BootRecord(running, f.bootCount(), trial, f.triesLeft(), fellBack, after);
    }

    /**
     * The guest came up (docs/verified-boot.md#read-time-corruption): stage 0's count of starts of the
     * active slot that never came up goes back to 0, durably, before {@code updated: ready} is printed.
     * Writes nothing when it is already 0.
     */
    public BootControlFile cameUp() {
        Read r = current();
        BootControlFile f = r.file();
        return f.failedStarts() == 0 ? f : write(r, f.withFailedStarts(0));
    }

    private static SlotState state(BootControlFile f, Slot target, SlotState to, Slot which) {
        return which == target ? to : f.state(which);
    }

    private static TrialbootException invalid(String why) {
        return new TrialbootException(Code.BOOTCTL_INVALID_TRANSITION, why);
    }
}
