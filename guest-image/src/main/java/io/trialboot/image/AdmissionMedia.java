package io.trialboot.image;

import io.trialboot.guest.MediaInputs;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.AdmissionDecision.Outcome;
import io.trialboot.trust.AdmissionRecord;
import java.nio.file.Path;

/**
 * The admissions on the update media for {@code nx admit pkg://updates/admission/<name>}: the
 * factory's admission record (same keys, policy and revocations) with a decision by the pinned
 * root {@code test-root}, in sequence: {@code suspend} (1, SUSPENDED), {@code reinstate} (2,
 * ACCEPTED), {@code revoke} (3, REVOKED). Applied in that order they take the device through a
 * suspension, a reinstatement and a revocation; applied again, each is an older decision
 * ({@code ADMISSION_NOT_NEWER}). The steps' inputs are public: their one home, which the ITs type
 * ({@link Step#input()}).
 */
public final class AdmissionMedia {
    static final String DIR = "admission";

    /** One admission on the media: its directory name, signed sequence number and outcome. */
    public enum Step {
        SUSPEND("suspend", 1, Outcome.SUSPENDED),
        REINSTATE("reinstate", 2, Outcome.ACCEPTED),
        REVOKE("revoke", 3, Outcome.REVOKED);

        final String dir;
        final long sequence;
        final Outcome outcome;

        Step(String dir, long sequence, Outcome outcome) {
            this.dir = dir;
            this.sequence = sequence;
            this.outcome = outcome;
        }

        /** {@code pkg://updates/admission/<dir>}: what {@code nx admit} takes. */
        public String input() {
            return MediaInputs.pkg(DIR + "/" + dir);
        }
    }

    private AdmissionMedia() {}

    static void write(Path updates, ReleaseMedia.Inputs in) {
        AdmissionRecord factory = FactoryState.admission(in.keys(), in.policy());
        for (Step s : Step.values()) {
            Packaging.writeAdmissionInput(updates.resolve(DIR).resolve(s.dir), factory, in.keys().root(), s.outcome,
                    s.sequence, in.keys().root());
        }
    }
}
