package io.trialboot.update;

import io.trialboot.apply.Progress;
import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.BootRecord;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.device.SlotDevices;
import io.trialboot.hoststate.Capability;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.records.HistoryLog;
import io.trialboot.records.HostStatus;
import io.trialboot.records.ReceiptStore;
import io.trialboot.records.UpdateReceipt.InstallStatus;
import io.trialboot.records.UpdateReceipt.SwitchOutcome;
import io.trialboot.records.UpdateReceipt;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The update state machine of SPEC §4 (see {@code docs/update-flow.md}): admit (pre-check and
 * stage checks), apply to the inactive slot, switch to a trial, and on the next boot confirm or
 * roll back. Each transition is one or more durable state writes, ordered so that a power cut at
 * any point leaves a bootable verified slot and consistent boot control; every step is recorded in
 * the history and in the attempt's {@code UpdateReceipt/2}.
 *
 * <p>The wall clock is injected and only recorded ({@code at} in history lines), never compared.
 */
public final class UpdateEngine {
    private final HostStateTree tree;
    private final Domain domain;
    private final SlotDevices slots;
    private final String buildId;
    private final BootControl bootControl;
    private final HistoryLog history;
    private final ReceiptStore receipts;
    private final Journal journal;
    private final RollbackFloor floor;
    private final UpdatePolicy policy;
    private final BootRecovery recovery;
    private final Admission admission;
    private final Settlement settlement;

    public UpdateEngine(HostStateTree tree, SlotDevices slots, Clock clock, String buildId) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.domain = tree.system();
        this.slots = Objects.requireNonNull(slots, "slots");
        this.buildId = Objects.requireNonNull(buildId, "buildId");
        this.bootControl = new BootControl(domain.bootControl(), tree.writer());
        this.history = new HistoryLog(domain.historyLog(), tree.writer());
        this.receipts = new ReceiptStore(domain.receipts(), tree.writer());
        this.journal = new Journal(domain, history, Objects.requireNonNull(clock, "clock"));
        this.floor = new RollbackFloor(domain, tree.writer());
        this.policy = new UpdatePolicy(tree, slots, floor);
        this.recovery = new BootRecovery(tree, journal, receipts, floor);
        this.admission = new Admission(tree, bootControl, receipts, journal, policy, buildId);
        this.settlement = new Settlement(domain, bootControl, journal, receipts, floor);
    }

    public BootControl bootControl() {
        return bootControl;
    }

    public HistoryLog history() {
        return history;
    }

    public ReceiptStore receipts() {
        return receipts;
    }

    /** The anti-rollback floor: no release below it is installed, even with a signed downgrade. */
    public Version floor() {
        return floor.read();
    }

    // ---- boot ----

    /**
     * bootctld at start-up: records this boot, after what a power cut or a stage-0 fallback left
     * unrecorded ({@link BootRecovery}). A suspended or revoked domain still boots; its history
     * stays as it was. A history it cannot read (damaged or unreadable) is not written either: the
     * boot is counted in boot control, the floor follows a confirm, and {@link UnrecordedBoot} says
     * the rest is not recorded.
     */
    public BootRecord onBoot() {
        BootRecord r = bootControl.recordBoot();
        if (journal.open()) {
            recovery.record(r, history);
        }
        return r;
    }

    // ---- stage ----

    /**
     * Pre-check and stage checks for a verified release (SPEC §4 steps 0–1, {@link UpdatePolicy}).
     * First the whole history is read and its chain checked: a log broken anywhere refuses with its
     * code ({@code LOG_CHAIN_BROKEN}, {@code LOG_TORN}, ...) and nothing is written. Then always
     * writes a receipt. On DENY the input is copied to {@code quarantine/}, a {@code reject}
     * line is logged, and nothing else changes; the receipt names the reason codes. Once the policy
     * allows, {@code artifactCheck} runs (a delta file against its signed digest): its refusal denies.
     */
    public UpdateReceipt admit(InstallPlan r, String inputName, byte[] inputForQuarantine, Runnable artifactCheck) {
        return admission.admit(r, inputName, inputForQuarantine, artifactCheck);
    }

    public UpdateReceipt admit(InstallPlan r, String inputName, byte[] inputForQuarantine) {
        return admit(r, inputName, inputForQuarantine, () -> { });
    }

    /**
     * Records an input rejected before it could be admitted, because its manifest or feed did not
     * verify (signature, revoked key, {@code compatible}, bounds, ...): like a DENY from
     * {@link #admit}, the input is copied to {@code quarantine/}, a {@code reject} line is logged and
     * a DENY receipt naming {@code code} is written; nothing else changes. Nothing in the input is an
     * identity: the receipt has no release id and no release fields, only the input as the request
     * named it and the digest of the bytes read ({@link io.trialboot.records.RequestedInput}, the
     * name escaped and cut as {@code RequestedInput.shown} says), which the {@code reject} line's
     * {@code input} repeats; its {@code why} is cut to a bound. An input that could not be read at all
     * (no such file, a path refused before any file was opened) has nothing to keep and no digest:
     * its line says {@code quarantined=none}.
     */
    public UpdateReceipt reject(String inputName, Optional<byte[]> inputForQuarantine, Code code, String why) {
        return admission.reject(inputName, inputForQuarantine, code, why);
    }

    /**
     * Audits an operation that changes no update state (a feed loaded, a selfcheck, a reboot asked
     * for) in the history, so the log shows every operation, not only the transitions. A domain
     * that may not append (suspended, revoked) is not written to, as for {@link #onBoot()}.
     */
    public Optional<HistoryEntry> audit(HistoryEvent event, HistoryFields fields) {
        return admission.audit(event, fields);
    }

    // ---- apply ----

    /**
     * Writes the release into the inactive slot (SPEC §4 step 2): the slot is marked invalid and
     * its snapshot forgotten before the first byte, then the plan's signed manifest is kept for
     * stage 0 ({@link SlotManifests}); the image is streamed (full) or produced from the active slot
     * (delta); the slot is read back and only then recorded and marked verified.
     * On failure the slot stays invalid, the receipt says FAILED with the code, and this rethrows.
     */
    public UpdateReceipt apply(UpdateReceipt allowed, InstallPlan r, InputStream artifact) {
        return apply(allowed, r, artifact, Progress.Listener.NONE);
    }

    /** {@link #apply(UpdateReceipt, InstallPlan, InputStream)}, telling {@code progress} how far the slot write is. */
    public UpdateReceipt apply(UpdateReceipt allowed, InstallPlan r, InputStream artifact,
            Progress.Listener progress) {
        UpdatePolicy.requireAllowed(allowed, r);
        domain.allocate(r.target().size(), "apply");
        BootControlFile bc = bootControl.read();
        Slot target = UpdatePolicy.idleTarget(allowed, bc);
        bootControl.markInvalid(target);
        domain.clearSnapshot(target);
        UpdateReceipt receipt = allowed.withInstall(InstallStatus.IN_PROGRESS, null).withReasons(List.of());
        receipts.write(receipt);
        SlotWrite write = new SlotWrite();
        try {
            // while the slot is invalid: stage 0 tries it only once it is verified, by then with its own manifest
            r.kept().ifPresent(k -> SlotManifests.keep(tree.writer(), tree.root().getParent(), target, k));
            Sha256 observed = write.run(slots, tree.root().getParent(), r, target, bc.active(), artifact, progress);
            long seq = history.lastSeq() + 1;
            domain.writeSnapshot(Segments.snapshot(target, r, seq));
            bootControl.markVerified(target);
            HistoryEntry e = journal.append(HistoryEvent.APPLY, HistoryFields.of("release", r.releaseId())
                    .and("slot", target).and("kind", r.kind().text()).and("sha256", observed)
                    .and("size", r.target().size()));
            receipt = receipt.withInstall(InstallStatus.INSTALLED, observed.hex()).withLogSeq(e.seq());
            receipts.write(receipt);
            return receipt;
        } catch (TrialbootException e) {
            recordFailure(e, receipt, target, write.observed());
            throw e;
        }
    }

    /** Records a failed apply; if even that fails, the reason is attached to the original error. */
    private void recordFailure(TrialbootException cause, UpdateReceipt receipt, Slot target, Sha256 observed) {
        Code code = cause.code();
        try {
            String message = cause.getMessage();
            HistoryEntry e = journal.append(HistoryEvent.APPLY_FAILED, HistoryFields.of("release", receipt.releaseId())
                    .and("slot", target).and("code", code)
                    .and("why", message.length() > 400 ? message.substring(0, 400) : message));
            receipts.write(receipt.withInstall(InstallStatus.FAILED, observed == null ? null : observed.hex())
                    .withReasons(List.of(code)).withLogSeq(e.seq()));
        } catch (TrialbootException e) {
            cause.addSuppressed(e);
        }
    }

    // ---- switch, confirm, rollback ----

    /** SPEC §4 step 3: the verified slot goes on trial for the policy's number of boots. Reboot next. */
    public UpdateReceipt switchSlot(UpdateReceipt installed) {
        UpdatePolicy.requireSwitchable(installed);
        domain.require(Capability.PUBLISH_SNAPSHOT, "switch");
        Slot target = Slot.parse(installed.targetSlot());
        int tries = tree.policy().trialTries();
        bootControl.setActive(target, true, tries);
        HistoryEntry e = journal.append(HistoryEvent.SWITCH, HistoryFields.of("slot", target).and("tries", tries)
                .and("release", installed.releaseId()));
        UpdateReceipt r = installed.withSwitch(SwitchOutcome.TRIAL_SET).withReasons(List.of()).withLogSeq(e.seq());
        receipts.write(r);
        return r;
    }

    /**
     * healthd's verdict on a trial boot: confirm when healthy, otherwise mark bad and roll back. The
     * verdict takes effect in boot control even when the history cannot take its lines ({@link Settled}).
     */
    public Settled onHealth(HealthVerdict verdict) {
        UpdatePolicy.requireRunningTrial(bootControl.read());
        return verdict.healthy() ? confirm() : rollback(verdict.code(), verdict.summary());
    }

    /** What the health gate led to. After ROLLED_BACK the caller reboots into the previous slot. */
    public enum Outcome { CONFIRMED, ROLLED_BACK }

    /**
     * The running trial slot becomes active and good; the anti-rollback floor rises to its version.
     * It stands when the history cannot take its {@code confirm} line ({@link Settled#unrecorded}).
     */
    public Settled confirm() {
        return settlement.confirm();
    }

    /**
     * With a trial pending: the trial slot is marked bad; the next boot uses the active slot (this
     * stands when the history cannot take its lines, {@link Settled#unrecorded}). Without: back to
     * the other slot if it is good and not below the anti-rollback floor ({@link
     * Code#UPDATE_VERSION_FLOOR}), refused with the log's code, boot control unchanged, when the
     * history's end cannot be read. {@link Settled#slot} is the slot the next boot uses.
     */
    public Settled rollback(Code reason, String why) {
        return settlement.rollback(reason, why);
    }

    /** {@code nx history repair}: a torn last history line kept in {@code quarantine/} and cut off ({@link HistoryRepair}). */
    public HistoryRepair.Repaired repairHistory() {
        return new HistoryRepair(tree, history, journal).run();
    }

    // ---- status ----

    /** {@code nx selfcheck}: checks and writes {@code host_status_<n>.json}; {@code deep} re-hashes bootable slots. */
    public HostStatus selfcheck(boolean deep) {
        return new Selfcheck(tree, bootControl, history, slots, buildId).run(deep);
    }
}
