package io.trialboot.update;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotDevices;
import io.trialboot.device.SlotImage;
import io.trialboot.hoststate.Capability;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt.Decision;
import io.trialboot.records.UpdateReceipt.InstallStatus;
import io.trialboot.records.UpdateReceipt.SwitchOutcome;
import io.trialboot.records.UpdateReceipt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pre-check and stage checks of SPEC §4 steps 0–1: every reason a verified release may not be
 * installed now, each with its documented code. No reason means ALLOW.
 */
final class UpdatePolicy {
    private final HostStateTree tree;
    private final Domain domain;
    private final SlotDevices slots;
    private final RollbackFloor floor;

    UpdatePolicy(HostStateTree tree, SlotDevices slots, RollbackFloor floor) {
        this.tree = tree;
        this.domain = tree.system();
        this.slots = slots;
        this.floor = floor;
    }

    /** What stands against installing {@code r} into {@code target}, the slot after {@code bc}'s active one. */
    List<Denial> denials(InstallPlan r, BootControlFile bc, Slot target) {
        List<Denial> out = new ArrayList<>();
        precheck(out);
        Code cap = domain.check(Capability.ALLOCATE_BLOCK);
        if (cap != Code.HOST_OK) {
            out.add(new Denial(cap, "domain is " + domain.descriptor().state()));
        }
        if (bc.trial().isPresent() || BootControl.running(bc) != bc.active()) {
            out.add(new Denial(Code.UPDATE_WRONG_STATE,
                    "a trial of slot " + bc.trial().orElse(BootControl.running(bc)) + " is not settled"));
        }
        Optional<SlotSnapshot> installed = domain.snapshot(bc.active());
        versions(r, installed, out);
        if (r.kind() == InstallPlan.Kind.DELTA) {
            SlotImage base = r.base().orElseThrow();
            if (installed.isEmpty() || !installed.get().imageDigest().equals(base.digest())
                    || installed.get().imageSize() != base.size()) {
                out.add(new Denial(Code.DELTA_BASE_MISMATCH, "delta base " + base.digest().shortHex()
                        + " is not the active slot's image "
                        + installed.map(s -> s.imageDigest().shortHex()).orElse("(unknown)")));
            }
        }
        try (BlockDevice dev = slots.open(target, false)) {
            if (r.target().size() > dev.size() || r.target().size() > Bounds.SLOT_IMAGE_BYTES) {
                out.add(new Denial(Code.HOST_INPUT_OVERSIZE, "image of " + r.target().size()
                        + " bytes is larger than slot " + target + " (" + dev.size() + " bytes)"));
            }
        }
        return out;
    }

    /**
     * {@code allowed} is an ALLOW receipt for {@code r} whose install has not started; a plan that
     * signs a verity tree keeps its manifest for stage 0 ({@link Code#SLOT_UNVERIFIABLE} otherwise).
     */
    static void requireAllowed(UpdateReceipt allowed, InstallPlan r) {
        if (allowed.decision() != Decision.ALLOW || allowed.installStatus() != InstallStatus.NOT_STARTED
                || !allowed.releaseId().equals(r.releaseId())) {
            throw new TrialbootException(Code.UPDATE_WRONG_STATE, "receipt " + allowed.attempt()
                    + " does not allow installing " + r.releaseId() + " now");
        }
        if (r.verity().isPresent() && r.kept().isEmpty()) {
            throw new TrialbootException(Code.SLOT_UNVERIFIABLE, r.releaseId() + " signs a dm-verity tree but keeps"
                    + " no signed manifest for stage 0, which could then never map the slot; nothing was written");
        }
    }

    /** The slot {@code allowed} installs into, when it is the idle inactive one (no trial pending). */
    static Slot idleTarget(UpdateReceipt allowed, BootControlFile bc) {
        Slot target = Slot.parse(allowed.targetSlot());
        if (target == bc.active() || bc.trial().isPresent()) {
            throw new TrialbootException(Code.UPDATE_WRONG_STATE, "slot " + target + " is not the idle inactive slot");
        }
        return target;
    }

    /** {@code installed} is a finished install not yet switched to. */
    static void requireSwitchable(UpdateReceipt installed) {
        if (installed.installStatus() != InstallStatus.INSTALLED
                || installed.switchOutcome() != SwitchOutcome.NOT_ATTEMPTED) {
            throw new TrialbootException(Code.UPDATE_WRONG_STATE, "receipt " + installed.attempt() + " is "
                    + installed.installStatus() + "/" + installed.switchOutcome() + ", not an install ready to switch");
        }
    }

    /** The running slot is on trial (healthd's verdict settles only a trial). */
    static void requireRunningTrial(BootControlFile bc) {
        Slot running = BootControl.running(bc);
        if (!bc.trial().equals(Optional.of(running))) {
            throw new TrialbootException(Code.UPDATE_WRONG_STATE, "slot " + running + " is not on trial");
        }
    }

    /** The anti-rollback floor, downgrades, replays and the release's minimum running version. */
    private void versions(InstallPlan r, Optional<SlotSnapshot> installed, List<Denial> out) {
        boolean allowSignedDowngrade = tree.policy().allowSignedDowngrade();
        Version floor = this.floor.read();
        if (r.version().isBelow(floor)) {
            out.add(new Denial(Code.UPDATE_VERSION_FLOOR, r.version() + " is below the anti-rollback floor " + floor));
        } else if (installed.isPresent() && r.version().isBelow(installed.get().version())
                && !allowSignedDowngrade) {
            out.add(new Denial(Code.UPDATE_VERSION_FLOOR, r.version() + " is below the installed "
                    + installed.get().version()));
        } else if (installed.isPresent() && r.version().equals(installed.get().version())) {
            // A replay of the running release: installing it again would only overwrite the fallback slot.
            out.add(new Denial(Code.UPDATE_VERSION_FLOOR, r.version() + " is already installed (the running version): nothing to install"));
        }
        Version running = installed.map(SlotSnapshot::version).orElse(floor);
        if (running.isBelow(r.minVersion())) {
            out.add(new Denial(Code.UPDATE_MIN_VERSION, r.version() + " installs only over " + r.minVersion()
                    + " or later; the device runs " + running));
        }
    }

    /** The latest host status must exist and be OK ({@code nx selfcheck} writes it). */
    private void precheck(List<Denial> out) {
        Optional<Path> latest = HostStatus.latest(tree.statusDir());
        if (latest.isEmpty()) {
            out.add(new Denial(Code.UPDATE_PRECHECK_FAILED, "no host status in " + tree.statusDir() + ": run nx selfcheck, then install again"));
            return;
        }
        HostStatus s = HostStatus.read(latest.get());
        if (!s.ok()) {
            out.add(new Denial(Code.UPDATE_PRECHECK_FAILED, latest.get().getFileName() + " is not OK (" + s.failures().get(0)
                    + "): run nx selfcheck, and install again once it is OK"));
        }
    }
}
