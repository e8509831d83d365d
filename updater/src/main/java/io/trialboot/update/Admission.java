package io.trialboot.update;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.records.ReceiptStore;
import io.trialboot.records.RequestedInput;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.records.UpdateReceipt.Decision;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's admission half (SPEC §4 steps 0–1): a release admitted or denied by the policy, an
 * input rejected before it could be admitted, and the audit lines of operations that change no
 * update state. Each decision writes its receipt and its history line; a denied input is kept in
 * {@code quarantine/}. Nothing here touches a slot or boot control.
 */
final class Admission {
    /** The most characters of a refusal's reason a {@code reject} line keeps. */
    private static final int WHY_CHARS = 400;
    private final HostStateTree tree;
    private final BootControl bootControl;
    private final ReceiptStore receipts;
    private final Journal journal;
    private final UpdatePolicy policy;
    private final String buildId;

    Admission(HostStateTree tree, BootControl bootControl, ReceiptStore receipts, Journal journal, UpdatePolicy policy,
            String buildId) {
        this.tree = tree;
        this.bootControl = bootControl;
        this.receipts = receipts;
        this.journal = journal;
        this.policy = policy;
        this.buildId = buildId;
    }

    /** See {@link UpdateEngine#admit(InstallPlan, String, byte[], Runnable)}. */
    UpdateReceipt admit(InstallPlan r, String inputName, byte[] inputForQuarantine, Runnable artifactCheck) {
        journal.requireWhole();
        BootControlFile bc = bootControl.read();
        Slot target = bc.active().other();
        List<Denial> denials = policy.denials(r, bc, target);
        denials = denials.isEmpty() ? Denial.raisedBy(artifactCheck) : denials;
        List<Code> codes = denials.stream().map(Denial::code).toList();
        long attempt = receipts.nextAttempt();
        long seq;
        if (!denials.isEmpty()) {
            seq = quarantine(inputName, Optional.of(inputForQuarantine), HistoryFields.of("release", r.releaseId())
                    .and("version", r.version()).and("codes", String.join(",", codes.stream().map(Code::name).toList()))
                    .and("why", String.join("; ", denials.stream().map(Denial::why).toList())));
        } else {
            seq = journal.append(HistoryEvent.STAGE, HistoryFields.of("release", r.releaseId())
                    .and("version", r.version()).and("kind", r.kind().text()).and("slot", target)
                    .and("target_sha256", r.target().digest())).seq();
        }
        UpdateReceipt receipt = UpdateReceipt.decided(attempt, buildId,
                RequestedInput.of(inputName, Optional.of(inputForQuarantine)), r.releaseId(), denials.isEmpty() ? Decision.ALLOW : Decision.DENY, codes, seq)
                .withRelease(r.version().toString(), r.kind().text(), target.letter(), r.target().digest().hex(),
                        r.verityRoot());
        receipts.write(receipt);
        return receipt;
    }

    /** See {@link UpdateEngine#reject}. */
    UpdateReceipt reject(String inputName, Optional<byte[]> inputForQuarantine, Code code, String why) {
        Objects.requireNonNull(code, "code");
        if (code == Code.HOST_OK) {
            throw new IllegalArgumentException("a rejection names a failure code, not HOST_OK");
        }
        RequestedInput input = RequestedInput.of(inputName, inputForQuarantine);
        long seq = quarantine(input.name(), inputForQuarantine, HistoryFields.of("input", input.name())
                .and("codes", code.name()).and("why", bounded(why)));
        UpdateReceipt receipt = UpdateReceipt.refused(receipts.nextAttempt(), buildId, input, code, seq);
        receipts.write(receipt);
        return receipt;
    }

    /**
     * A refusal's reason as its history line keeps it: a message may quote what the request sent
     * (a form refusal lists its arguments), so it is cut to {@link #WHY_CHARS}, well inside
     * {@link io.trialboot.core.Bounds#HISTORY_LINE_BYTES} even when every character is escaped.
     */
    private static String bounded(String why) {
        return why.length() <= WHY_CHARS ? why : why.substring(0, WHY_CHARS) + "...[" + why.length() + "]";
    }

    /** Quarantines a denied input (when it was read) and logs its {@code reject} line; returns its seq. */
    private long quarantine(String inputName, Optional<byte[]> input, HistoryFields reject) {
        Object kept = input.<Object>map(bytes -> tree.quarantine(inputName, bytes).getFileName()).orElse("none");
        return journal.append(HistoryEvent.REJECT, reject.and("quarantined", kept)).seq();
    }

    /** See {@link UpdateEngine#audit}. */
    Optional<HistoryEntry> audit(HistoryEvent event, HistoryFields fields) {
        return journal.open() ? Optional.of(journal.append(event, fields)) : Optional.empty();
    }
}
