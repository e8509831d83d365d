package io.trialboot.update;

import io.trialboot.apply.FullApply;
import io.trialboot.apply.Progress;
import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.BootRecord;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.StateFiles;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotDevices;
import io.trialboot.device.SlotDigests;
import io.trialboot.device.SlotImage;
import io.trialboot.hoststate.Capability;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.HostPolicy;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryLog;
import io.trialboot.records.HostStatus;
import io.trialboot.records.ReceiptStore;
import io.trialboot.records.UpdateReceipt.Decision;
import io.trialboot.records.UpdateReceipt.InstallStatus;
import io.trialboot.records.UpdateReceipt.SwitchOutcome;
import io.trialboot.records.UpdateReceipt;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The update state machine of SPEC §4 (see {@code docs/update-flow.md}): admit (pre-check and
 * stage checks), apply to the inactive slot, switch to a trial, and on the next boot confirm or
 * roll back. Each transition is one or more durable state writes, ordered so that a power cut at
 * any point leaves a bootable verified slot and consistent boot control; every step is recorded in
 * the history and in the attempt's {@code UpdateReceipt/1}.
 *
 * <p>The wall clock is injected and only recorded ({@code at} in history lines), never compared.
 */
public final class UpdateEngine {
    private static final String FLOOR_FILE = "floor";

    private final HostStateTree tree;
    private final Domain domain;
    private final SlotDevices slots;
    private final Clock clock;
    private final String buildId;
    private final BootControl bootControl;
    private final HistoryLog history;
    private final ReceiptStore receipts;

    public UpdateEngine(HostStateTree tree, SlotDevices slots, Clock clock, String buildId) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.domain = tree.system();
        this.slots = Objects.requireNonNull(slots, "slots");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.buildId = Objects.requireNonNull(buildId, "buildId");
        this.bootControl = new BootControl(domain.bootControl(), tree.writer());
        this.history = new HistoryLog(domain.historyLog(), tree.writer());
        this.receipts = new ReceiptStore(domain.receipts(), tree.writer());
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
        Path f = domain.snapshots().resolve(FLOOR_FILE);
        if (!Files.exists(f)) {
            return new Version(0, 0, 0);
        }
        String text = new String(StateFiles.read(f, 64, "anti-rollback floor"), StandardCharsets.US_ASCII);
        if (!text.endsWith("\n")) {
            throw new TrialbootException(Code.MALFORMED_INPUT, f + " must end with a newline");
        }
        return Version.parse(text.substring(0, text.length() - 1));
    }

    private HistoryEntry log(String event, Map<String, Object> fields) {
        domain.require(Capability.APPEND_LOG, "recording '" + event + "'");
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("at", clock.instant().toString());
        HistoryEntry e = history.append(event, m);
        domain.update(d -> d.withCurrent(d.currentSnapshot(), e.seq()));
        return e;
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            m.put((String) kv[i], v instanceof Integer n ? Long.valueOf(n) : v == null ? null
                    : v instanceof Long ? v : v.toString());
        }
        return m;
    }

    // ---- boot ----

    /**
     * bootctld at start-up: records this boot, and a crash-loop fallback stage 0 noted (the trial
     * slot is marked bad and the attempt's receipt says ROLLED_BACK).
     */
    public BootRecord onBoot() {
        BootRecord r = bootControl.recordBoot();
        if (domain.check(Capability.APPEND_LOG) != Code.HOST_OK) {
            return r; // a suspended or revoked domain still boots; its history stays as it was
        }
        recordLostTransition(r);
        if (r.fellBackFrom().isPresent()) {
            Slot bad = r.fellBackFrom().get();
            log("rollback", fields("slot", bad, "to", r.slot(), "reason", "crash-loop: trial ran out of tries",
                    "boot_count", r.bootCount()));
            settleReceipt(bad, SwitchOutcome.ROLLED_BACK, Code.HOST_LEASE_EXPIRED);
        }
        log("boot", fields("slot", r.slot(), "boot_count", r.bootCount(), "mode", r.trial() ? "trial" : "normal",
                "tries_left", r.triesLeft()));
        // domain.json and the floor follow a confirm; a power cut right after it can leave them behind.
        Slot active = bootControl.read().active();
        domain.snapshot(active).ifPresent(s -> {
            if (!s.id().equals(domain.descriptor().currentSnapshot())) {
                domain.update(d -> d.withCurrent(s.id(), d.currentLogseq()));
            }
            raiseFloor(s.version());
        });
        return r;
    }

    /** Events that change which slot boots: boot control's switch, confirm, mark-bad and rollback. */
    private static final Set<String> TRANSITIONS = Set.of("switch", "confirm", "mark-bad", "rollback");

    /**
     * A switch, a confirm or a rollback commits when boot control is written; its history line
     * follows. A power cut between the two leaves the history one transition behind what the device
     * does. The next boot writes the missing line, marked {@code recovered}, before its own
     * {@code boot} line: a trial boot control holds that the history never switched to; or the
     * confirm (the trial slot is active and good) or the rollback (the trial slot is bad) of a trial
     * the history still shows pending. A stage-0 fallback is recorded by {@link #onBoot()} itself.
     */
    private void recordLostTransition(BootRecord r) {
        BootControlFile bc = bootControl.read();
        Optional<Slot> pending = pendingTrial(history.read());
        String recovered = "at boot " + r.bootCount() + " (a power cut came between boot control and this line)";
        if (bc.trial().isPresent()) {
            Slot trial = bc.trial().get();
            if (!pending.equals(bc.trial())) {
                Optional<UpdateReceipt> installed = receipts.list().stream()
                        .filter(x -> x.installStatus() == InstallStatus.INSTALLED && x.switchOutcome() == SwitchOutcome.NOT_ATTEMPTED
                                && trial.letter().equals(x.targetSlot()))
                        .reduce((a, b) -> b);
                HistoryEntry e = log("switch", fields("slot", trial, "tries", tree.policy().trialTries(), "release",
                        installed.map(UpdateReceipt::releaseId).orElse("unknown"), "recovered", recovered));
                installed.ifPresent(x -> receipts.write(x.with(x.observedSha256(), InstallStatus.INSTALLED,
                        SwitchOutcome.TRIAL_SET, List.of(), e.seq())));
            }
            return;
        }
        if (pending.isEmpty() || r.fellBackFrom().equals(pending)) {
            return;
        }
        Slot slot = pending.get();
        if (bc.active() == slot && bc.state(slot) == SlotState.GOOD) {
            SlotSnapshot snap = domain.snapshot(slot).orElseThrow(() -> new TrialbootException(Code.HOST_NOT_FOUND,
                    "slot " + slot + " was confirmed but has no snapshot record"));
            raiseFloor(snap.version());
            log("confirm", fields("slot", slot, "version", snap.version(), "floor", floor(), "recovered", recovered));
            settleReceipt(slot, SwitchOutcome.CONFIRMED, null);
        } else {
            log("mark-bad", fields("slot", slot, "code", "unknown", "why", "recovered " + recovered));
            log("rollback", fields("slot", slot, "to", bc.active(), "reason", "unknown", "recovered", recovered));
            settleReceipt(slot, SwitchOutcome.ROLLED_BACK, null);
        }
    }

    /** The trial the history shows pending: the slot of its last transition, when that is a switch. */
    private static Optional<Slot> pendingTrial(List<HistoryEntry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            HistoryEntry e = entries.get(i);
            if (TRANSITIONS.contains(e.event())) {
                return e.event().equals("switch") ? Optional.of(Slot.parse(e.field("slot"))) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    // ---- stage ----

    /**
     * Pre-check and stage checks for a verified release (SPEC §4 steps 0–1). Always writes a
     * receipt. On DENY the input is copied to {@code quarantine/}, a {@code reject} line is logged,
     * and nothing else changes; the receipt names the reason codes.
     */
    public UpdateReceipt admit(VerifiedRelease r, String inputName, byte[] inputForQuarantine) {
        BootControlFile bc = bootControl.read();
        Slot target = bc.active().other();
        List<Code> reasons = new ArrayList<>();
        List<String> why = new ArrayList<>();
        precheck(reasons, why);
        Code cap = domain.check(Capability.ALLOCATE_BLOCK);
        if (cap != Code.HOST_OK) {
            reasons.add(cap);
            why.add("domain is " + domain.descriptor().state());
        }
        if (bc.trial().isPresent() || BootControl.running(bc) != bc.active()) {
            reasons.add(Code.UPDATE_WRONG_STATE);
            why.add("a trial of slot " + bc.trial().orElse(BootControl.running(bc)) + " is not settled");
        }
        Optional<SlotSnapshot> installed = domain.snapshot(bc.active());
        HostPolicy policy = tree.policy();
        Version floor = floor();
        if (r.version().isBelow(floor)) {
            reasons.add(Code.UPDATE_VERSION_FLOOR);
            why.add(r.version() + " is below the anti-rollback floor " + floor);
        } else if (installed.isPresent() && r.version().isBelow(installed.get().version())
                && !policy.allowSignedDowngrade()) {
            reasons.add(Code.UPDATE_VERSION_FLOOR);
            why.add(r.version() + " is below the installed " + installed.get().version());
        } else if (installed.isPresent() && r.version().equals(installed.get().version())) {
            // A replay of the running release: installing it again would only overwrite the fallback slot.
            reasons.add(Code.UPDATE_VERSION_FLOOR);
            why.add(r.version() + " is the installed version (a replay)");
        }
        Version running = installed.map(SlotSnapshot::version).orElse(floor);
        if (running.isBelow(r.minVersion())) {
            reasons.add(Code.UPDATE_MIN_VERSION);
            why.add(r.version() + " installs only over " + r.minVersion() + " or later; the device runs " + running);
        }
        if (r.kind() == VerifiedRelease.Kind.DELTA) {
            SlotImage base = r.base().orElseThrow();
            if (installed.isEmpty() || !installed.get().imageDigest().equals(base.digest())
                    || installed.get().imageSize() != base.size()) {
                reasons.add(Code.DELTA_BASE_MISMATCH);
                why.add("delta base " + base.digest().shortHex() + " is not the active slot's image "
                        + installed.map(s -> s.imageDigest().shortHex()).orElse("(unknown)"));
            }
        }
        try (BlockDevice dev = slots.open(target, false)) {
            if (r.target().size() > dev.size() || r.target().size() > Bounds.SLOT_IMAGE_BYTES) {
                reasons.add(Code.HOST_INPUT_OVERSIZE);
                why.add("image of " + r.target().size() + " bytes is larger than slot " + target + " ("
                        + dev.size() + " bytes)");
            }
        }
        long attempt = receipts.nextAttempt();
        Decision decision = reasons.isEmpty() ? Decision.ALLOW : Decision.DENY;
        long seq;
        if (decision == Decision.DENY) {
            Path kept = tree.quarantine(inputName, inputForQuarantine);
            seq = log("reject", fields("release", r.releaseId(), "version", r.version(), "codes",
                    String.join(",", reasons.stream().map(Code::name).toList()), "why", String.join("; ", why),
                    "quarantined", kept.getFileName()))
                    .seq();
        } else {
            seq = log("stage", fields("release", r.releaseId(), "version", r.version(), "kind", r.kind().text(),
                    "slot", target, "target_sha256", r.target().digest())).seq();
        }
        UpdateReceipt receipt = new UpdateReceipt(attempt, buildId, r.releaseId(), r.version().toString(),
                r.kind().text(), target.letter(), r.target().digest().hex(), null, decision, reasons,
                InstallStatus.NOT_STARTED, SwitchOutcome.NOT_ATTEMPTED, seq);
        receipts.write(receipt);
        return receipt;
    }

    /**
     * Records an input rejected before it could be admitted, because its manifest or feed did not
     * verify (signature, revoked key, {@code compatible}, bounds, ...): like a DENY from
     * {@link #admit}, the input is copied to {@code quarantine/}, a {@code reject} line is logged and
     * a DENY receipt naming {@code code} is written; nothing else changes. The receipt's release id is
     * the input's name (nothing in the input is trusted); version, kind and slot stay null.
     */
    public UpdateReceipt reject(String inputName, byte[] inputForQuarantine, Code code, String why) {
        Objects.requireNonNull(code, "code");
        if (code == Code.HOST_OK) {
            throw new IllegalArgumentException("a rejection names a failure code, not HOST_OK");
        }
        Path kept = tree.quarantine(inputName, inputForQuarantine);
        long seq = log("reject", fields("release", inputName, "codes", code.name(), "why", why, "quarantined",
                kept.getFileName())).seq();
        UpdateReceipt receipt = new UpdateReceipt(receipts.nextAttempt(), buildId, inputName, null, null, null, null,
                null, Decision.DENY, List.of(code), InstallStatus.NOT_STARTED, SwitchOutcome.NOT_ATTEMPTED, seq);
        receipts.write(receipt);
        return receipt;
    }

    /**
     * Audits an operation that changes no update state (a feed loaded, a selfcheck, a reboot asked
     * for) in the history, so the log shows every operation, not only the transitions. A domain
     * that may not append (suspended, revoked) is not written to, as for {@link #onBoot()}.
     */
    public Optional<HistoryEntry> audit(String event, Map<String, Object> fields) {
        if (domain.check(Capability.APPEND_LOG) != Code.HOST_OK) {
            return Optional.empty();
        }
        return Optional.of(log(event, fields));
    }

    private void precheck(List<Code> reasons, List<String> why) {
        Optional<Path> latest = HostStatus.latest(tree.statusDir());
        if (latest.isEmpty()) {
            reasons.add(Code.UPDATE_PRECHECK_FAILED);
            why.add("no host status in " + tree.statusDir() + "; run nx selfcheck");
            return;
        }
        HostStatus s = HostStatus.read(latest.get());
        if (!s.ok()) {
            reasons.add(Code.UPDATE_PRECHECK_FAILED);
            why.add(latest.get().getFileName() + " is not OK: " + s.failures().get(0));
        }
    }

    // ---- apply ----

    /**
     * Writes the release into the inactive slot (SPEC §4 step 2): the slot is marked invalid and
     * its snapshot forgotten before the first byte; the image is streamed (full) or produced from
     * the active slot (delta); the slot is read back and only then recorded and marked verified.
     * On failure the slot stays invalid, the receipt says FAILED with the code, and this rethrows.
     */
    public UpdateReceipt apply(UpdateReceipt allowed, VerifiedRelease r, InputStream artifact) {
        return apply(allowed, r, artifact, Progress.Listener.NONE);
    }

    /** {@link #apply(UpdateReceipt, VerifiedRelease, InputStream)}, telling {@code progress} how far the slot write is. */
    public UpdateReceipt apply(UpdateReceipt allowed, VerifiedRelease r, InputStream artifact,
            Progress.Listener progress) {
        if (allowed.decision() != Decision.ALLOW || allowed.installStatus() != InstallStatus.NOT_STARTED
                || !allowed.releaseId().equals(r.releaseId())) {
            throw new TrialbootException(Code.UPDATE_WRONG_STATE, "receipt " + allowed.attempt()
                    + " does not allow installing " + r.releaseId() + " now");
        }
        domain.require(Capability.ALLOCATE_BLOCK, "apply");
        BootControlFile bc = bootControl.read();
        Slot target = Slot.parse(allowed.targetSlot());
        if (target == bc.active() || bc.trial().isPresent()) {
            throw new TrialbootException(Code.UPDATE_WRONG_STATE, "slot " + target + " is not the idle inactive slot");
        }
        bootControl.markInvalid(target);
        domain.clearSnapshot(target);
        UpdateReceipt receipt = allowed.with(null, InstallStatus.IN_PROGRESS, SwitchOutcome.NOT_ATTEMPTED,
                List.of(), allowed.logSeq());
        receipts.write(receipt);
        Sha256 observed = null;
        try (BlockDevice dev = slots.open(target, true)) {
            BlockDevice out = Progress.reporting(dev, target, r.target().size(), Progress.STEP_BYTES, progress);
            if (r.kind() == VerifiedRelease.Kind.FULL) {
                observed = FullApply.write(artifact, out, r.target());
            } else {
                Counting in = new Counting(artifact, r.artifact().size());
                try (BlockDevice source = slots.open(bc.active(), false)) {
                    observed = DeltaApplier.apply(in, source, out, r.base().orElseThrow(), r.target());
                }
                in.check(r.artifact());
                SlotDigests.verify(dev, r.target());
            }
            long seq = history.lastSeq() + 1;
            domain.writeSnapshot(new SlotSnapshot(target, r.version(), r.target().digest(), r.target().size(), seq));
            bootControl.markVerified(target);
            HistoryEntry e = log("apply", fields("release", r.releaseId(), "slot", target, "kind", r.kind().text(),
                    "sha256", observed, "size", r.target().size()));
            receipt = receipt.with(observed.hex(), InstallStatus.INSTALLED, SwitchOutcome.NOT_ATTEMPTED, List.of(),
                    e.seq());
            receipts.write(receipt);
            return receipt;
        } catch (TrialbootException e) {
            recordFailure(e, receipt, target, observed, e.code());
            throw e;
        } catch (IOException e) {
            TrialbootException t = new TrialbootException(Code.HOST_IO_ERROR, "reading the update media failed: " + e, e);
            recordFailure(t, receipt, target, observed, Code.HOST_IO_ERROR);
            throw t;
        }
    }

    /** Records a failed apply; if even that fails, the reason is attached to the original error. */
    private void recordFailure(TrialbootException cause, UpdateReceipt receipt, Slot target, Sha256 observed,
            Code code) {
        try {
            failed(receipt, target, observed, code, cause.getMessage());
        } catch (TrialbootException e) {
            cause.addSuppressed(e);
        }
    }

    private void failed(UpdateReceipt receipt, Slot target, Sha256 observed, Code code, String message) {
        HistoryEntry e = log("apply-failed", fields("release", receipt.releaseId(), "slot", target, "code", code,
                "why", message.length() > 400 ? message.substring(0, 400) : message));
        receipts.write(receipt.with(observed == null ? null : observed.hex(), InstallStatus.FAILED,
                SwitchOutcome.NOT_ATTEMPTED, List.of(code), e.seq()));
    }

    /** Hashes and counts the artifact as the applier reads it, bounded by its signed size. */
    private static final class Counting extends FilterInputStream {
        private final MessageDigest md = Sha256.newDigest();
        private final long limit;
        private long count;

        Counting(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > limit) {
                    throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "artifact is longer than its signed size of "
                            + limit + " bytes");
                }
                md.update(b, off, n);
            }
            return n;
        }

        void check(SlotImage expected) throws IOException {
            if (super.read() != -1 || count != expected.size()) {
                throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "artifact is not its signed size of "
                        + expected.size() + " bytes");
            }
            Sha256 got = new Sha256(md.digest());
            if (!got.equals(expected.digest())) {
                throw new TrialbootException(Code.ARTIFACT_DIGEST_MISMATCH, "artifact hashes to " + got.shortHex()
                        + ", the release names " + expected.digest().shortHex());
            }
        }
    }

    // ---- switch, confirm, rollback ----

    /** SPEC §4 step 3: the verified slot goes on trial for the policy's number of boots. Reboot next. */
    public UpdateReceipt switchSlot(UpdateReceipt installed) {
        if (installed.installStatus() != InstallStatus.INSTALLED
                || installed.switchOutcome() != SwitchOutcome.NOT_ATTEMPTED) {
            throw new TrialbootException(Code.UPDATE_WRONG_STATE, "receipt " + installed.attempt() + " is "
                    + installed.installStatus() + "/" + installed.switchOutcome() + ", not an install ready to switch");
        }
        domain.require(Capability.PUBLISH_SNAPSHOT, "switch");
        Slot target = Slot.parse(installed.targetSlot());
        int tries = tree.policy().trialTries();
        bootControl.setActive(target, true, tries);
        HistoryEntry e = log("switch", fields("slot", target, "tries", tries, "release", installed.releaseId()));
        UpdateReceipt r = installed.with(installed.observedSha256(), InstallStatus.INSTALLED, SwitchOutcome.TRIAL_SET,
                List.of(), e.seq());
        receipts.write(r);
        return r;
    }

    /** healthd's verdict on a trial boot: confirm when healthy, otherwise mark bad and roll back. */
    public Outcome onHealth(HealthVerdict verdict) {
        BootControlFile bc = bootControl.read();
        Slot running = BootControl.running(bc);
        if (!bc.trial().equals(Optional.of(running))) {
            throw new TrialbootException(Code.UPDATE_WRONG_STATE, "slot " + running + " is not on trial");
        }
        if (verdict.healthy()) {
            confirm();
            return Outcome.CONFIRMED;
        }
        rollback(verdict.code(), verdict.summary());
        return Outcome.ROLLED_BACK;
    }

    /** What the health gate led to. After ROLLED_BACK the caller reboots into the previous slot. */
    public enum Outcome { CONFIRMED, ROLLED_BACK }

    private void raiseFloor(Version to) {
        if (floor().isBelow(to)) {
            tree.writer().write(domain.snapshots().resolve(FLOOR_FILE),
                    (to + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The running trial slot becomes active and good; the anti-rollback floor rises to its version. */
    public void confirm() {
        domain.require(Capability.PUBLISH_SNAPSHOT, "confirm");
        BootControlFile after = bootControl.confirm();
        Slot slot = after.active();
        SlotSnapshot snap = domain.snapshot(slot).orElseThrow(() -> new TrialbootException(Code.HOST_NOT_FOUND,
                "slot " + slot + " was confirmed but has no snapshot record"));
        raiseFloor(snap.version());
        domain.update(d -> d.withCurrent(snap.id(), d.currentLogseq()));
        log("confirm", fields("slot", slot, "version", snap.version(), "floor", floor()));
        settleReceipt(slot, SwitchOutcome.CONFIRMED, null);
    }

    /**
     * With a trial pending: the trial slot is marked bad; the next boot uses the active slot.
     * Without: back to the other slot if it is good and not below the anti-rollback floor
     * ({@link Code#UPDATE_VERSION_FLOOR}). Returns the slot the next boot uses.
     */
    public Slot rollback(Code reason, String why) {
        domain.require(Capability.PUBLISH_SNAPSHOT, "rollback");
        BootControlFile before = bootControl.read();
        if (before.trial().isEmpty()) {
            Slot other = before.active().other();
            Optional<SlotSnapshot> previous = domain.snapshot(other);
            if (previous.isPresent() && previous.get().version().isBelow(floor())) {
                throw new TrialbootException(Code.UPDATE_VERSION_FLOOR, "slot " + other + " holds "
                        + previous.get().version() + ", below the anti-rollback floor " + floor()
                        + "; a confirmed release is only left by installing a newer one");
            }
        }
        Slot next = bootControl.rollback();
        if (before.trial().isPresent()) {
            Slot bad = before.trial().get();
            log("mark-bad", fields("slot", bad, "code", reason, "why", why));
            log("rollback", fields("slot", bad, "to", next, "reason", reason));
            settleReceipt(bad, SwitchOutcome.ROLLED_BACK, reason);
        } else {
            domain.snapshot(next).ifPresent(s -> domain.update(d -> d.withCurrent(s.id(), d.currentLogseq())));
            log("rollback", fields("slot", before.active(), "to", next, "reason", reason));
        }
        return next;
    }

    private void settleReceipt(Slot slot, SwitchOutcome outcome, Code reason) {
        List<UpdateReceipt> all = receipts.list();
        for (int i = all.size() - 1; i >= 0; i--) {
            UpdateReceipt r = all.get(i);
            if (r.switchOutcome() == SwitchOutcome.TRIAL_SET && slot.letter().equals(r.targetSlot())) {
                receipts.write(r.with(r.observedSha256(), r.installStatus(), outcome,
                        reason == null ? List.of() : List.of(reason), history.lastSeq()));
                return;
            }
        }
    }

    // ---- status ----

    /** {@code nx selfcheck}: checks and writes {@code host_status_<n>.json}; {@code deep} re-hashes bootable slots. */
    public HostStatus selfcheck(boolean deep) {
        List<String> failures = new ArrayList<>();
        for (String m : tree.missing()) {
            failures.add("state tree: missing " + m);
        }
        try (var s = Files.list(tree.trustedRoots())) {
            if (s.findAny().isEmpty()) {
                failures.add("trust store: " + tree.trustedRoots() + " holds no root key");
            }
        } catch (IOException e) {
            failures.add("trust store: cannot read " + tree.trustedRoots() + ": " + e);
        }
        BootControlFile bc = null;
        try {
            bc = bootControl.read();
        } catch (TrialbootException e) {
            failures.add("boot control: " + e.getMessage());
        }
        long lastSeq = -1;
        try {
            List<HistoryEntry> entries = history.read();
            lastSeq = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
            Optional<Slot> pending = pendingTrial(entries);
            if (bc != null && !pending.equals(bc.trial())) {
                failures.add("history: boot control has " + bc.trial().map(t -> "slot " + t + " on trial").orElse("no trial")
                        + " but the history's last switch, confirm or rollback says "
                        + pending.map(t -> "slot " + t + " is on trial").orElse("none is pending"));
            }
        } catch (TrialbootException e) {
            failures.add("log chain: " + e.getMessage());
        }
        try {
            long seq = domain.descriptor().currentLogseq();
            if (lastSeq >= 0 && seq != lastSeq) {
                failures.add("domain.json: current_logseq is " + seq + " but the log ends at " + lastSeq);
            }
        } catch (TrialbootException e) {
            failures.add("domain.json: " + e.getMessage());
        }
        if (bc != null) {
            for (Slot slot : Slot.values()) {
                if (!bc.state(slot).bootable()) {
                    continue;
                }
                try {
                    Optional<SlotSnapshot> snap = domain.snapshot(slot);
                    if (snap.isEmpty()) {
                        failures.add("slot " + slot + ": " + bc.state(slot).text() + " but its digest is unknown"
                                + " (no snapshot record)");
                    } else if (deep) {
                        try (BlockDevice dev = slots.open(slot, false)) {
                            SlotDigests.verify(dev, new SlotImage(snap.get().imageDigest(), snap.get().imageSize()));
                        }
                    }
                } catch (TrialbootException e) {
                    failures.add("slot " + slot + ": " + e.getMessage());
                }
            }
        }
        long n = HostStatus.latest(tree.statusDir())
                .map(p -> Long.parseLong(p.getFileName().toString().replaceAll("\\D", "")) + 1).orElse(1L);
        HostStatus status = new HostStatus(n, buildId, failures);
        status.write(tree.statusDir(), tree.writer());
        return status;
    }
}
