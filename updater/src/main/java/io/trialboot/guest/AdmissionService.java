package io.trialboot.guest;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.AdmissionLedger;
import io.trialboot.hoststate.AdmissionOutcome;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.DomainState;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.AdmissionRequest;
import io.trialboot.trust.Trust;
import io.trialboot.update.UpdateEngine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code nx admit <dir>}: applies a new admission delivered on the update media (seed 004 §6): the
 * directory holds an admission record ({@code dam.cbor}, {@code dam.sig}) and a root's decision on it
 * ({@code admission-decision.cbor}, {@code admission-decision.sig}), both signed by a pinned root.
 * The decision must be for this domain, name that record by digest and carry a sequence number
 * above the one applied last. Then the four files and the device's {@code admission-request.cbor}
 * are kept for good in {@code admission/<sequence>/}, the domain moves to the decision's outcome,
 * {@code auth/root.pub} names the root that signed the record, and the record's keys and
 * revocations take effect at once. An input that does not verify is REJECTED: its files go to
 * {@code quarantine/}, the history records it (when the domain's state lets it write), and the
 * code is returned; the domain's state does not change. A REVOKED domain takes no admission.
 */
final class AdmissionService {
    static final List<String> INPUT_FILES = List.of(Trust.ADMISSION_FILE, Trust.ADMISSION_SIGNATURE_FILE,
            AdmissionDecision.FILE, AdmissionDecision.SIGNATURE_FILE);
    static final String ROOT_KEY = "root.pub";

    /** What an applied admission did. */
    record Applied(long sequence, AdmissionOutcome outcome, DomainState state) {}

    private final HostStateTree tree;
    private final UpdateEngine engine;
    private final MediaInputs media;
    private final AtomicReference<Trust> trust;
    private final PrintStream console;

    AdmissionService(HostStateTree tree, UpdateEngine engine, MediaInputs media, AtomicReference<Trust> trust,
            PrintStream console) {
        this.tree = tree;
        this.engine = engine;
        this.media = media;
        this.trust = trust;
        this.console = console;
    }

    DomainState state() {
        return tree.system().descriptor().state();
    }

    Applied admit(String input) {
        Path dir = media.resolve(input);
        Domain domain = tree.system();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Trust admitted;
        AdmissionDecision decision;
        try {
            for (String f : INPUT_FILES) {
                files.put(f, Inputs.read(dir.resolve(f), f.endsWith(".sig") ? Bounds.SIGNATURE_BYTES : Bounds.MANIFEST_BYTES));
            }
            admitted = Trust.establish(trust.get().roots(), files.get(Trust.ADMISSION_FILE),
                    files.get(Trust.ADMISSION_SIGNATURE_FILE));
            decision = AdmissionDecision.verify(trust.get().roots(), files.get(AdmissionDecision.FILE),
                    files.get(AdmissionDecision.SIGNATURE_FILE), files.get(Trust.ADMISSION_FILE));
            for (String d : List.of(admitted.admission().domain(), decision.domain())) {
                if (!d.equals(domain.id())) {
                    throw new TrialbootException(Code.HOST_ADMISSION_REJECTED, "the admission is for domain '" + d
                            + "', not '" + domain.id() + "'");
                }
            }
            long current = AdmissionLedger.current(domain);
            if (decision.sequence() <= current) {
                throw new TrialbootException(Code.ADMISSION_NOT_NEWER, "admission decision " + decision.sequence()
                        + " is not newer than the one applied last (" + current + "): an older decision is never replayed");
            }
        } catch (TrialbootException e) {
            throw rejected(input, files, e);
        }
        if (domain.descriptor().state() == DomainState.REVOKED) {
            throw new TrialbootException(Code.HOST_DOMAIN_REVOKED, "domain '" + domain.id()
                    + "' is revoked: no admission applies any more; only inspection works");
        }
        return apply(domain, input, files, admitted, decision);
    }

    private Applied apply(Domain domain, String input, Map<String, byte[]> files, Trust admitted,
            AdmissionDecision decision) {
        files.put(AdmissionRequest.FILE, new AdmissionRequest(domain.id(), decision.sequence(), input,
                Sha256.of(files.get(Trust.ADMISSION_FILE)), Sha256.of(files.get(AdmissionDecision.FILE))).encode());
        AdmissionLedger.record(domain, decision.sequence(), files);
        AdmissionOutcome outcome = AdmissionOutcome.valueOf(decision.outcome().name());
        HistoryFields fields = HistoryFields.of("sequence", decision.sequence()).and("outcome", outcome.name())
                .and("input", input);
        boolean loggedBefore = engine.audit(HistoryEvent.ADMISSION, fields).isPresent(); // FULL -> SUSPENDED: log while it may
        domain.writer().write(domain.auth().resolve(ROOT_KEY), admitted.admittedByPem());
        Code code = domain.recordAdmission(outcome, admitted.admittedBy().hex(), admitted.admission().policy().hex(), null);
        if (code != Code.HOST_OK) {
            throw new TrialbootException(code, "domain '" + domain.id() + "' did not take admission " + decision.sequence());
        }
        trust.set(admitted);
        if (!loggedBefore) {
            engine.audit(HistoryEvent.ADMISSION, fields); // SUSPENDED -> FULL: log once it may again
        }
        DomainState state = domain.descriptor().state();
        console.println(Marker.ADMISSION_APPLIED.line(outcome, decision.sequence(), state));
        return new Applied(decision.sequence(), outcome, state);
    }

    private TrialbootException rejected(String input, Map<String, byte[]> files, TrialbootException e) {
        String name = input.startsWith(MediaInputs.SCHEME + MediaInputs.UPDATES)
                ? input.substring((MediaInputs.SCHEME + MediaInputs.UPDATES).length()) : input;
        files.forEach((f, bytes) -> tree.quarantine(name + "/" + f, bytes));
        engine.audit(HistoryEvent.ADMISSION, HistoryFields.of("outcome", AdmissionOutcome.REJECTED.name())
                .and("code", e.code().name()).and("input", input));
        console.println(Marker.ADMISSION_REJECTED_WHY.line(e.code().name(), Marker.oneLine(e.detail())));
        console.println(Marker.ADMISSION_REJECTED.line(e.code().name(), input));
        return e;
    }
}
